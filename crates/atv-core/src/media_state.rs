//! States of the device and of what it plays (pyatv's `const` enums, same numbers).

use crate::enum_macro::atv_enum;

atv_enum! {
    /// Kind of media being played (pyatv's `MediaType`).
    pub enum MediaType {
        default = Unknown;
        /// Not known: nothing plays, or the app does not say.
        Unknown = 0 => "Unknown",
        /// Video.
        Video = 1 => "Video",
        /// Music.
        Music = 2 => "Music",
        /// A TV show.
        TV = 3 => "TV",
    }
}

atv_enum! {
    /// What the player is doing (pyatv's `DeviceState`).
    pub enum DeviceState {
        default = Idle;
        /// Nothing plays or is about to play.
        Idle = 0 => "Idle",
        /// Media is loading.
        Loading = 1 => "Loading",
        /// Media is paused.
        Paused = 2 => "Paused",
        /// Media is playing.
        Playing = 3 => "Playing",
        /// Media is stopped.
        Stopped = 4 => "Stopped",
        /// Media is seeking (fast forward or rewind).
        Seeking = 5 => "Seeking",
    }
}

atv_enum! {
    /// Repeat mode (pyatv's `RepeatState`).
    pub enum RepeatState {
        /// No repeat.
        Off = 0 => "Off",
        /// The current item repeats.
        Track = 1 => "Track",
        /// All items repeat.
        All = 2 => "All",
    }
}

atv_enum! {
    /// Shuffle mode (pyatv's `ShuffleState`).
    pub enum ShuffleState {
        /// No shuffle.
        Off = 0 => "Off",
        /// Albums are shuffled.
        Albums = 1 => "Albums",
        /// Songs are shuffled.
        Songs = 2 => "Songs",
    }
}

atv_enum! {
    /// Power state of a device (pyatv's `PowerState`).
    pub enum PowerState {
        default = Unknown;
        /// The power state cannot be told.
        Unknown = 0 => "Unknown",
        /// The device is in standby.
        Off = 1 => "Off",
        /// The device is on.
        On = 2 => "On",
    }
}

atv_enum! {
    /// Whether a text field on screen has the virtual keyboard (pyatv's
    /// `KeyboardFocusState`).
    pub enum KeyboardFocusState {
        default = Unknown;
        /// Cannot be told.
        Unknown = 0 => "Unknown",
        /// No text field is focused.
        Unfocused = 1 => "Unfocused",
        /// A text field is focused.
        Focused = 2 => "Focused",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_values_and_parsing() {
        assert_eq!(DeviceState::Seeking.value(), 5);
        assert_eq!(DeviceState::Paused.to_string(), "Paused");
        assert_eq!("1".parse::<RepeatState>(), Ok(RepeatState::Track));
        assert_eq!("songs".parse::<ShuffleState>(), Ok(ShuffleState::Songs));
        assert_eq!(MediaType::from_value(3), Some(MediaType::TV));
        assert_eq!(PowerState::try_from(2), Ok(PowerState::On));
        let err = "7".parse::<RepeatState>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown RepeatState `7` (expected one of: Off (0), Track (1), All (2))"
        );
        assert_eq!(KeyboardFocusState::ALL.len(), 3);
        assert_eq!(MediaType::Video.description(), "Video.");
    }
}
