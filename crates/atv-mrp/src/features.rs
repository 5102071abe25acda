//! Which features MRP offers and which are usable now, computed from the commands the
//! active player supports and the metadata present, as pyatv computes them.

use std::collections::BTreeSet;
use std::sync::Arc;

use atv_core::interface::Features;
use atv_core::{FeatureInfo, FeatureName, FeatureState};

use crate::client::{Shared, lock};
use crate::player_state::ActivePlayer;
use crate::protobuf::{Command, PlaybackState};

/// Features that are always available over MRP.
const ALWAYS_AVAILABLE: [FeatureName; 16] = [
    FeatureName::Down,
    FeatureName::Home,
    FeatureName::HomeHold,
    FeatureName::Left,
    FeatureName::Menu,
    FeatureName::Right,
    FeatureName::Select,
    FeatureName::TopMenu,
    FeatureName::Up,
    FeatureName::TurnOn,
    FeatureName::TurnOff,
    FeatureName::PowerState,
    FeatureName::OutputDevices,
    FeatureName::AddOutputDevices,
    FeatureName::RemoveOutputDevices,
    FeatureName::SetOutputDevices,
];

/// Features available when the active player supports (and has enabled) a command.
const COMMAND_FEATURES: [(FeatureName, Command); 13] = [
    (FeatureName::Next, Command::NextTrack),
    (FeatureName::Pause, Command::Pause),
    (FeatureName::Play, Command::Play),
    (FeatureName::PlayPause, Command::TogglePlayPause),
    (FeatureName::Previous, Command::PreviousTrack),
    (FeatureName::Stop, Command::Stop),
    (FeatureName::SetPosition, Command::SeekToPlaybackPosition),
    (FeatureName::SetRepeat, Command::ChangeRepeatMode),
    (FeatureName::SetShuffle, Command::ChangeShuffleMode),
    (FeatureName::Shuffle, Command::ChangeShuffleMode),
    (FeatureName::Repeat, Command::ChangeRepeatMode),
    (FeatureName::SkipForward, Command::SkipForward),
    (FeatureName::SkipBackward, Command::SkipBackward),
];

/// A metadata field, whose presence makes a feature available.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Title,
    Artist,
    Album,
    Genre,
    Duration,
    SeriesName,
    ElapsedTimeTimestamp,
    SeasonNumber,
    EpisodeNumber,
    ContentIdentifier,
    ItunesStoreIdentifier,
}

/// Features available when the current item's metadata has a field.
const FIELD_FEATURES: [(FeatureName, Field); 11] = [
    (FeatureName::Title, Field::Title),
    (FeatureName::Artist, Field::Artist),
    (FeatureName::Album, Field::Album),
    (FeatureName::Genre, Field::Genre),
    (FeatureName::TotalTime, Field::Duration),
    (FeatureName::SeriesName, Field::SeriesName),
    (FeatureName::Position, Field::ElapsedTimeTimestamp),
    (FeatureName::SeasonNumber, Field::SeasonNumber),
    (FeatureName::EpisodeNumber, Field::EpisodeNumber),
    (FeatureName::ContentIdentifier, Field::ContentIdentifier),
    (
        FeatureName::ITunesStoreIdentifier,
        Field::ItunesStoreIdentifier,
    ),
];

/// Features whose state MRP computes beyond the tables above.
const OTHER_FEATURES: [FeatureName; 6] = [
    FeatureName::Artwork,
    FeatureName::VolumeDown,
    FeatureName::VolumeUp,
    FeatureName::SetVolume,
    FeatureName::Volume,
    FeatureName::App,
];

/// Every feature MRP can offer (what a protocol declares it supports).
pub fn supported_features() -> BTreeSet<FeatureName> {
    ALWAYS_AVAILABLE
        .iter()
        .copied()
        .chain(COMMAND_FEATURES.iter().map(|(f, _)| *f))
        .chain(FIELD_FEATURES.iter().map(|(f, _)| *f))
        .chain(OTHER_FEATURES)
        .collect()
}

/// What the features depend on besides the active player.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FeatureContext {
    /// An app is active.
    pub has_client: bool,
    /// Volume controls are available and the device's output identifier is known.
    pub volume_available: bool,
    /// The volume can be set to a level.
    pub volume_absolute: bool,
}

fn has_field(active: &ActivePlayer<'_>, field: Field) -> bool {
    let Some(m) = active.metadata() else {
        return false;
    };
    match field {
        Field::Title => m.title.is_some(),
        Field::Artist => m.track_artist_name.is_some(),
        Field::Album => m.album_name.is_some(),
        Field::Genre => m.genre.is_some(),
        Field::Duration => m.duration.is_some(),
        Field::SeriesName => m.series_name.is_some(),
        Field::ElapsedTimeTimestamp => m.elapsed_time_timestamp.is_some(),
        Field::SeasonNumber => m.season_number.is_some(),
        Field::EpisodeNumber => m.episode_number.is_some(),
        Field::ContentIdentifier => m.content_identifier.is_some(),
        Field::ItunesStoreIdentifier => m.itunes_store_identifier.is_some(),
    }
}

fn available_if(condition: bool) -> FeatureInfo {
    if condition {
        FeatureState::Available.into()
    } else {
        FeatureState::Unavailable.into()
    }
}

/// Whether the active player supports `command` and has it enabled.
fn command_enabled(active: &ActivePlayer<'_>, command: Command) -> bool {
    active
        .command_info(command as i32)
        .is_some_and(|info| info.enabled.unwrap_or(false))
}

/// The state of `feature` for what plays now.
pub fn feature_info(
    feature: FeatureName,
    active: &ActivePlayer<'_>,
    context: FeatureContext,
) -> FeatureInfo {
    if ALWAYS_AVAILABLE.contains(&feature) {
        return FeatureState::Available.into();
    }
    if feature == FeatureName::Artwork {
        let artwork = active
            .metadata()
            .is_some_and(|m| m.artwork_available.unwrap_or(false));
        return available_if(artwork);
    }
    if let Some((_, field)) = FIELD_FEATURES.iter().find(|(f, _)| *f == feature) {
        return available_if(has_field(active, *field));
    }
    // Apps like YouTube offer only the opposite of what the player does (pause while
    // playing, play while paused); play/pause is available when that one is.
    if feature == FeatureName::PlayPause {
        let state = active.playback_state();
        if state == Some(PlaybackState::Playing as i32) && command_enabled(active, Command::Pause) {
            return FeatureState::Available.into();
        }
        if state == Some(PlaybackState::Paused as i32) && command_enabled(active, Command::Play) {
            return FeatureState::Available.into();
        }
    }
    if let Some((_, command)) = COMMAND_FEATURES.iter().find(|(f, _)| *f == feature) {
        return available_if(command_enabled(active, *command));
    }
    match feature {
        FeatureName::App => available_if(context.has_client),
        FeatureName::VolumeUp | FeatureName::VolumeDown => available_if(context.volume_available),
        FeatureName::Volume | FeatureName::SetVolume => {
            available_if(context.volume_available && context.volume_absolute)
        }
        _ => FeatureState::Unsupported.into(),
    }
}

/// Which features are usable now (pyatv's `MrpFeatures`).
#[derive(Clone)]
pub struct MrpFeatures {
    shared: Arc<Shared>,
}

impl MrpFeatures {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }
}

impl Features for MrpFeatures {
    fn get_feature(&self, feature: FeatureName) -> FeatureInfo {
        let model = lock(&self.shared.model);
        let context = FeatureContext {
            has_client: model.psm.client().is_some(),
            volume_available: model.volume_available(),
            volume_absolute: model.audio.absolute,
        };
        feature_info(feature, &model.psm.playing(), context)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::player_state::{Client, PlayerState};
    use crate::protobuf::{
        CommandInfo, ContentItem, ContentItemMetadata, PlaybackQueue, SetStateMessage,
        SupportedCommands,
    };

    fn player(
        state: Option<PlaybackState>,
        metadata: ContentItemMetadata,
        commands: &[(Command, bool)],
    ) -> PlayerState {
        let mut player = PlayerState::default();
        player.handle_set_state(&SetStateMessage {
            playback_state: state.map(|s| s as i32),
            supported_commands: Some(SupportedCommands {
                supported_commands: commands
                    .iter()
                    .map(|(c, enabled)| CommandInfo {
                        command: Some(*c as i32),
                        enabled: Some(*enabled),
                        ..Default::default()
                    })
                    .collect(),
            }),
            playback_queue: Some(PlaybackQueue {
                location: Some(0),
                content_items: vec![ContentItem {
                    metadata: Some(metadata),
                    ..Default::default()
                }],
                ..Default::default()
            }),
            ..Default::default()
        });
        player
    }

    fn state_of(
        feature: FeatureName,
        player: &PlayerState,
        context: FeatureContext,
    ) -> FeatureState {
        let client = Client::default();
        let active = ActivePlayer {
            player: Some(player),
            client: Some(&client),
        };
        feature_info(feature, &active, context).state
    }

    #[test]
    fn buttons_and_power_are_always_available() {
        let empty = PlayerState::default();
        for feature in [
            FeatureName::Up,
            FeatureName::HomeHold,
            FeatureName::TurnOff,
            FeatureName::SetOutputDevices,
        ] {
            assert_eq!(
                state_of(feature, &empty, FeatureContext::default()),
                FeatureState::Available
            );
        }
        // Not offered over MRP by pyatv.
        for feature in [
            FeatureName::ChannelUp,
            FeatureName::Guide,
            FeatureName::AppList,
            FeatureName::Suspend,
        ] {
            assert_eq!(
                state_of(feature, &empty, FeatureContext::default()),
                FeatureState::Unsupported
            );
        }
    }

    #[test]
    fn commands_decide_playback_features() {
        let p = player(
            Some(PlaybackState::Playing),
            ContentItemMetadata::default(),
            &[
                (Command::Pause, true),
                (Command::Play, false),
                (Command::NextTrack, true),
            ],
        );
        let ctx = FeatureContext::default();
        assert_eq!(
            state_of(FeatureName::Pause, &p, ctx),
            FeatureState::Available
        );
        assert_eq!(
            state_of(FeatureName::Play, &p, ctx),
            FeatureState::Unavailable
        );
        assert_eq!(
            state_of(FeatureName::Next, &p, ctx),
            FeatureState::Available
        );
        assert_eq!(
            state_of(FeatureName::Stop, &p, ctx),
            FeatureState::Unavailable
        );
        // Play/pause emulated through pause while playing.
        assert_eq!(
            state_of(FeatureName::PlayPause, &p, ctx),
            FeatureState::Available
        );

        let paused = player(
            Some(PlaybackState::Paused),
            ContentItemMetadata::default(),
            &[(Command::Pause, true)],
        );
        assert_eq!(
            state_of(FeatureName::PlayPause, &paused, ctx),
            FeatureState::Unavailable
        );
        let toggles = player(
            None,
            ContentItemMetadata::default(),
            &[(Command::TogglePlayPause, true)],
        );
        assert_eq!(
            state_of(FeatureName::PlayPause, &toggles, ctx),
            FeatureState::Available
        );
        let shuffles = player(
            None,
            ContentItemMetadata::default(),
            &[(Command::ChangeShuffleMode, true)],
        );
        assert_eq!(
            state_of(FeatureName::Shuffle, &shuffles, ctx),
            FeatureState::Available
        );
        assert_eq!(
            state_of(FeatureName::SetShuffle, &shuffles, ctx),
            FeatureState::Available
        );
        assert_eq!(
            state_of(FeatureName::Repeat, &shuffles, ctx),
            FeatureState::Unavailable
        );
    }

    #[test]
    fn metadata_fields_decide_metadata_features() {
        let p = player(
            None,
            ContentItemMetadata {
                title: Some("t".into()),
                elapsed_time_timestamp: Some(1.0),
                itunes_store_identifier: Some(9),
                artwork_available: Some(true),
                ..Default::default()
            },
            &[],
        );
        let ctx = FeatureContext::default();
        assert_eq!(
            state_of(FeatureName::Title, &p, ctx),
            FeatureState::Available
        );
        assert_eq!(
            state_of(FeatureName::Position, &p, ctx),
            FeatureState::Available
        );
        assert_eq!(
            state_of(FeatureName::ITunesStoreIdentifier, &p, ctx),
            FeatureState::Available
        );
        assert_eq!(
            state_of(FeatureName::Artwork, &p, ctx),
            FeatureState::Available
        );
        assert_eq!(
            state_of(FeatureName::Artist, &p, ctx),
            FeatureState::Unavailable
        );
        assert_eq!(
            state_of(FeatureName::TotalTime, &p, ctx),
            FeatureState::Unavailable
        );
        let empty = PlayerState::default();
        assert_eq!(
            state_of(FeatureName::Artwork, &empty, ctx),
            FeatureState::Unavailable
        );
    }

    #[test]
    fn volume_and_app_depend_on_the_context() {
        let p = PlayerState::default();
        let none = FeatureContext::default();
        let relative = FeatureContext {
            volume_available: true,
            ..none
        };
        let absolute = FeatureContext {
            volume_absolute: true,
            ..relative
        };
        assert_eq!(
            state_of(FeatureName::VolumeUp, &p, none),
            FeatureState::Unavailable
        );
        assert_eq!(
            state_of(FeatureName::VolumeUp, &p, relative),
            FeatureState::Available
        );
        assert_eq!(
            state_of(FeatureName::SetVolume, &p, relative),
            FeatureState::Unavailable
        );
        assert_eq!(
            state_of(FeatureName::Volume, &p, absolute),
            FeatureState::Available
        );
        assert_eq!(
            state_of(FeatureName::App, &p, none),
            FeatureState::Unavailable
        );
        let with_app = FeatureContext {
            has_client: true,
            ..none
        };
        assert_eq!(
            state_of(FeatureName::App, &p, with_app),
            FeatureState::Available
        );
    }

    #[test]
    fn supported_set_matches_pyatv() {
        let features = supported_features();
        assert_eq!(features.len(), 16 + 13 + 11 + 6);
        assert!(features.contains(&FeatureName::SkipBackward));
        assert!(!features.contains(&FeatureName::ChannelUp));
        assert!(!features.contains(&FeatureName::PushUpdates));
    }
}
