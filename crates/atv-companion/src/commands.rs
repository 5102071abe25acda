//! The numbers Companion messages carry: HID buttons, media control commands, system
//! status and media control flags.

/// A button of the `_hidC` request (`_hidC` in its content).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HidCommand {
    /// 1.
    Up,
    /// 2.
    Down,
    /// 3.
    Left,
    /// 4.
    Right,
    /// 5: menu (back).
    Menu,
    /// 6: select (also the touch surface click).
    Select,
    /// 7: home (TV).
    Home,
    /// 8.
    VolumeUp,
    /// 9.
    VolumeDown,
    /// 10.
    Siri,
    /// 11.
    Screensaver,
    /// 12: to standby.
    Sleep,
    /// 13: out of standby.
    Wake,
    /// 14.
    PlayPause,
    /// 15: next channel.
    ChannelIncrement,
    /// 16: previous channel.
    ChannelDecrement,
    /// 17: program guide.
    Guide,
    /// 18.
    PageUp,
    /// 19: also opens Control Center.
    PageDown,
}

impl HidCommand {
    /// The number on the wire.
    pub const fn value(self) -> i64 {
        match self {
            Self::Up => 1,
            Self::Down => 2,
            Self::Left => 3,
            Self::Right => 4,
            Self::Menu => 5,
            Self::Select => 6,
            Self::Home => 7,
            Self::VolumeUp => 8,
            Self::VolumeDown => 9,
            Self::Siri => 10,
            Self::Screensaver => 11,
            Self::Sleep => 12,
            Self::Wake => 13,
            Self::PlayPause => 14,
            Self::ChannelIncrement => 15,
            Self::ChannelDecrement => 16,
            Self::Guide => 17,
            Self::PageUp => 18,
            Self::PageDown => 19,
        }
    }
}

/// Whether a `_hidC` request presses or releases the button (`_hBtS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ButtonState {
    /// 1: pressed.
    Down,
    /// 2: released.
    Up,
}

impl ButtonState {
    /// The number on the wire.
    pub const fn value(self) -> i64 {
        match self {
            Self::Down => 1,
            Self::Up => 2,
        }
    }
}

/// A command of the `_mcc` (media control) request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaControlCommand {
    /// 1.
    Play,
    /// 2.
    Pause,
    /// 3.
    NextTrack,
    /// 4.
    PreviousTrack,
    /// 5: the response carries `_vol` (0.0 to 1.0).
    GetVolume,
    /// 6: `_vol` (0.0 to 1.0) in the request.
    SetVolume,
    /// 7: `_skpS` seconds (negative backwards) in the request.
    SkipBy,
    /// 8.
    FastForwardBegin,
    /// 9.
    FastForwardEnd,
    /// 10.
    RewindBegin,
    /// 11.
    RewindEnd,
    /// 12.
    GetCaptionSettings,
    /// 13.
    SetCaptionSettings,
}

impl MediaControlCommand {
    /// The number on the wire.
    pub const fn value(self) -> i64 {
        match self {
            Self::Play => 1,
            Self::Pause => 2,
            Self::NextTrack => 3,
            Self::PreviousTrack => 4,
            Self::GetVolume => 5,
            Self::SetVolume => 6,
            Self::SkipBy => 7,
            Self::FastForwardBegin => 8,
            Self::FastForwardEnd => 9,
            Self::RewindBegin => 10,
            Self::RewindEnd => 11,
            Self::GetCaptionSettings => 12,
            Self::SetCaptionSettings => 13,
        }
    }
}

/// What the device is doing (`state` of `FetchAttentionState` and the `SystemStatus`
/// events).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SystemStatus {
    /// 1: in standby.
    Asleep,
    /// 2: showing the screen saver.
    Screensaver,
    /// 3: on.
    Awake,
    /// 4: on and idle.
    Idle,
}

impl SystemStatus {
    /// The status for a number on the wire.
    pub const fn from_value(value: i64) -> Option<Self> {
        match value {
            1 => Some(Self::Asleep),
            2 => Some(Self::Screensaver),
            3 => Some(Self::Awake),
            4 => Some(Self::Idle),
            _ => None,
        }
    }

    /// The power state this status means.
    pub const fn power_state(self) -> atv_core::PowerState {
        match self {
            Self::Asleep => atv_core::PowerState::Off,
            Self::Screensaver | Self::Awake | Self::Idle => atv_core::PowerState::On,
        }
    }
}

/// Which media controls are usable now (`_mcF` of the `_iMC` event), a bit set.
pub mod media_control_flags {
    /// Play.
    pub const PLAY: u64 = 0x0001;
    /// Pause.
    pub const PAUSE: u64 = 0x0002;
    /// Next track.
    pub const NEXT_TRACK: u64 = 0x0004;
    /// Previous track.
    pub const PREVIOUS_TRACK: u64 = 0x0008;
    /// Fast forward.
    pub const FAST_FORWARD: u64 = 0x0010;
    /// Rewind.
    pub const REWIND: u64 = 0x0020;
    /// Volume can be read and set.
    pub const VOLUME: u64 = 0x0100;
    /// Skip forward.
    pub const SKIP_FORWARD: u64 = 0x0200;
    /// Skip backward.
    pub const SKIP_BACKWARD: u64 = 0x0400;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_maps_to_power() {
        assert_eq!(SystemStatus::from_value(0), None);
        assert_eq!(
            SystemStatus::from_value(1).map(SystemStatus::power_state),
            Some(atv_core::PowerState::Off)
        );
        assert_eq!(
            SystemStatus::from_value(2).map(SystemStatus::power_state),
            Some(atv_core::PowerState::On)
        );
        assert_eq!(HidCommand::PageDown.value(), 19);
        assert_eq!(MediaControlCommand::SetCaptionSettings.value(), 13);
    }
}
