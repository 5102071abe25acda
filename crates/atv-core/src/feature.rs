//! Features a device may offer and their state (pyatv's `FeatureName`, `FeatureState`,
//! `FeatureInfo`).

use std::collections::BTreeMap;

use crate::enum_macro::atv_enum;

atv_enum! {
    /// Whether a feature can be used (pyatv's `FeatureState`).
    pub enum FeatureState {
        /// Supported, but whether it can be used now is not known.
        Unknown = 0 => "Unknown",
        /// Not supported by the device (or by atv).
        Unsupported = 1 => "Unsupported",
        /// Supported but not usable now (e.g. pause while nothing plays).
        Unavailable = 2 => "Unavailable",
        /// Supported and usable now.
        Available = 3 => "Available",
    }
}

atv_enum! {
    /// Every feature atv knows (pyatv's `FeatureName`: same names, same numbers, and
    /// [`FeatureName::ALL`] in pyatv's declaration order, which is not numeric order).
    pub enum FeatureName {
        /// Up button.
        Up = 0 => "Up",
        /// Down button.
        Down = 1 => "Down",
        /// Left button.
        Left = 2 => "Left",
        /// Right button.
        Right = 3 => "Right",
        /// Start playback.
        Play = 4 => "Play",
        /// Toggle play and pause.
        PlayPause = 5 => "PlayPause",
        /// Pause playback.
        Pause = 6 => "Pause",
        /// Stop playback.
        Stop = 7 => "Stop",
        /// Next item.
        Next = 8 => "Next",
        /// Previous item.
        Previous = 9 => "Previous",
        /// Select button.
        Select = 10 => "Select",
        /// Menu (back) button.
        Menu = 11 => "Menu",
        /// Volume up.
        VolumeUp = 12 => "VolumeUp",
        /// Volume down.
        VolumeDown = 13 => "VolumeDown",
        /// Home (TV) button.
        Home = 14 => "Home",
        /// Long press of home (deprecated: home with a hold action).
        HomeHold = 15 => "HomeHold",
        /// Main menu.
        TopMenu = 16 => "TopMenu",
        /// Suspend (deprecated: power off).
        Suspend = 17 => "Suspend",
        /// Wake up (deprecated: power on).
        WakeUp = 18 => "WakeUp",
        /// Skip forward by an interval.
        SkipForward = 36 => "SkipForward",
        /// Skip backward by an interval.
        SkipBackward = 37 => "SkipBackward",
        /// Seek to a position.
        SetPosition = 19 => "SetPosition",
        /// Change shuffle mode.
        SetShuffle = 20 => "SetShuffle",
        /// Change repeat mode.
        SetRepeat = 21 => "SetRepeat",
        /// Next channel.
        ChannelUp = 48 => "ChannelUp",
        /// Previous channel.
        ChannelDown = 49 => "ChannelDown",
        /// Title of what plays.
        Title = 22 => "Title",
        /// Artist of what plays.
        Artist = 23 => "Artist",
        /// Album of what plays.
        Album = 24 => "Album",
        /// Genre of what plays.
        Genre = 25 => "Genre",
        /// Length of what plays, in seconds.
        TotalTime = 26 => "TotalTime",
        /// Position in what plays.
        Position = 27 => "Position",
        /// Shuffle mode.
        Shuffle = 28 => "Shuffle",
        /// Repeat mode.
        Repeat = 29 => "Repeat",
        /// Name of the TV series.
        SeriesName = 40 => "SeriesName",
        /// Season of the TV series.
        SeasonNumber = 41 => "SeasonNumber",
        /// Episode of the TV series.
        EpisodeNumber = 42 => "EpisodeNumber",
        /// App-specific content identifier.
        ContentIdentifier = 47 => "ContentIdentifier",
        /// iTunes Store identifier of the content.
        ITunesStoreIdentifier = 50 => "iTunesStoreIdentifier",
        /// List the apps that can be launched.
        AppList = 38 => "AppList",
        /// Launch an app.
        LaunchApp = 39 => "LaunchApp",
        /// List user accounts.
        AccountList = 55 => "AccountList",
        /// Switch user account.
        SwitchAccount = 56 => "SwitchAccount",
        /// Artwork of what plays.
        Artwork = 30 => "Artwork",
        /// App that plays.
        App = 35 => "App",
        /// Push updates of what plays.
        PushUpdates = 43 => "PushUpdates",
        /// Play a URL on the device.
        PlayUrl = 31 => "PlayUrl",
        /// Stream a file to the device.
        StreamFile = 44 => "StreamFile",
        /// Power state.
        PowerState = 32 => "PowerState",
        /// Start the screen saver.
        Screensaver = 58 => "Screensaver",
        /// Turn on.
        TurnOn = 33 => "TurnOn",
        /// Turn off.
        TurnOff = 34 => "TurnOff",
        /// Volume level.
        Volume = 45 => "Volume",
        /// Set the volume level.
        SetVolume = 46 => "SetVolume",
        /// Output devices in use.
        OutputDevices = 59 => "OutputDevices",
        /// Add output devices.
        AddOutputDevices = 60 => "AddOutputDevices",
        /// Remove output devices.
        RemoveOutputDevices = 61 => "RemoveOutputDevices",
        /// Replace the output devices.
        SetOutputDevices = 62 => "SetOutputDevices",
        /// Virtual keyboard focus state.
        TextFocusState = 57 => "TextFocusState",
        /// Read the virtual keyboard text.
        TextGet = 51 => "TextGet",
        /// Clear the virtual keyboard text.
        TextClear = 52 => "TextClear",
        /// Append to the virtual keyboard text.
        TextAppend = 53 => "TextAppend",
        /// Replace the virtual keyboard text.
        TextSet = 54 => "TextSet",
        /// Swipe on the touch surface.
        Swipe = 63 => "Swipe",
        /// Touch event at a point.
        Action = 64 => "Action",
        /// Click of the touch surface.
        Click = 65 => "Click",
        /// Show the program guide.
        Guide = 66 => "Guide",
        /// Open Control Center.
        ControlCenter = 68 => "ControlCenter",
    }
}

/// State of a feature with its options (pyatv's `FeatureInfo`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureInfo {
    /// Whether the feature can be used.
    pub state: FeatureState,
    /// Extra information about the feature, printed by atvremote as `key=value`.
    pub options: BTreeMap<String, String>,
}

impl FeatureInfo {
    /// A feature in `state`, without options.
    pub fn new(state: FeatureState) -> Self {
        Self {
            state,
            options: BTreeMap::new(),
        }
    }
}

impl From<FeatureState> for FeatureInfo {
    fn from(state: FeatureState) -> Self {
        Self::new(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_are_in_pyatv_declaration_order() {
        assert_eq!(FeatureName::ALL.len(), 68);
        assert_eq!(FeatureName::ALL[19], FeatureName::SkipForward);
        assert_eq!(FeatureName::ALL.last(), Some(&FeatureName::ControlCenter));
        assert_eq!(FeatureName::ITunesStoreIdentifier.value(), 50);
        assert_eq!(
            "itunesstoreidentifier".parse::<FeatureName>(),
            Ok(FeatureName::ITunesStoreIdentifier)
        );
        let mut values: Vec<i32> = FeatureName::ALL.iter().map(|f| f.value()).collect();
        values.sort_unstable();
        values.dedup();
        assert_eq!(
            values.len(),
            FeatureName::ALL.len(),
            "numbers must be unique"
        );
    }
}
