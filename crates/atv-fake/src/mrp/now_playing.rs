//! What plays, as MRP messages: set-state, now-playing client, content item and client
//! updates, default supported commands, and the answer to playback queue requests
//! (artwork). Pure: state in, messages out, filled the way pyatv's fake device fills them.

use std::time::{SystemTime, UNIX_EPOCH};

use atv_core::{RepeatState, ShuffleState};
use atv_mrp::message_builders::MessageBuilder;
use atv_mrp::protobuf::{
    Command, CommandInfo, ContentItem, ContentItemMetadata, MessageType, NowPlayingClient,
    NowPlayingPlayer, PlaybackQueue, PlayerPath, ProtocolMessage, RepeatMode,
    SetDefaultSupportedCommandsMessage, SetNowPlayingClientMessage, SetStateMessage, ShuffleMode,
    SupportedCommands, UpdateClientMessage, UpdateContentItemMessage,
};

use crate::playing::PlayingState;

/// Process identifier given to every player's app.
const PROCESS_IDENTIFIER: i32 = 123;
/// Identifier of the (only) player within an app.
const DEFAULT_PLAYER_ID: &str = "MediaRemote-DefaultPlayer";
/// Display name of that player.
const DEFAULT_PLAYER_NAME: &str = "Default Player";
/// Display name announced in set-state messages.
const DISPLAY_NAME: &str = "Fake Player";
/// Artwork size answered when the state has none.
const DEFAULT_ARTWORK_SIZE: (i32, i32) = (456, 789);
/// Seconds from 1970-01-01 to 2001-01-01, the epoch of MRP timestamps.
const COCOA_EPOCH_OFFSET: f64 = 978_307_200.0;

/// Seconds since 2001-01-01 (negative before).
pub(crate) fn cocoa_timestamp(at: SystemTime) -> f64 {
    let unix = match at.duration_since(UNIX_EPOCH) {
        Ok(after) => after.as_secs_f64(),
        Err(before) => -before.duration().as_secs_f64(),
    };
    unix - COCOA_EPOCH_OFFSET
}

fn repeat_mode(state: RepeatState) -> RepeatMode {
    match state {
        RepeatState::Track => RepeatMode::One,
        RepeatState::All => RepeatMode::All,
        _ => RepeatMode::Off,
    }
}

fn shuffle_mode(state: ShuffleState) -> ShuffleMode {
    match state {
        ShuffleState::Albums => ShuffleMode::Albums,
        ShuffleState::Songs => ShuffleMode::Songs,
        _ => ShuffleMode::Off,
    }
}

/// The player path of a player: its app (by bundle identifier) and the default player.
pub(crate) fn player_path(player: &str, app_name: Option<&str>) -> PlayerPath {
    PlayerPath {
        client: Some(NowPlayingClient {
            process_identifier: Some(PROCESS_IDENTIFIER),
            bundle_identifier: Some(player.to_owned()),
            display_name: app_name.map(str::to_owned),
            ..Default::default()
        }),
        player: Some(NowPlayingPlayer {
            identifier: Some(DEFAULT_PLAYER_ID.to_owned()),
            display_name: Some(DEFAULT_PLAYER_NAME.to_owned()),
            ..Default::default()
        }),
        origin: None,
    }
}

/// A content item carrying the fields set in `state`; its position is stamped with the
/// time it was taken (or `now`).
pub(crate) fn content_item(state: &PlayingState, now: SystemTime) -> ContentItem {
    let artwork = state.artwork_mimetype.is_some();
    let metadata = ContentItemMetadata {
        elapsed_time_timestamp: Some(cocoa_timestamp(state.position_at.unwrap_or(now))),
        track_artist_name: state.artist.clone(),
        album_name: state.album.clone(),
        title: state.title.clone(),
        genre: state.genre.clone(),
        duration: state.total_time,
        elapsed_time: state.position,
        playback_rate: state.playback_rate,
        media_type: state.media_type.map(|t| t as i32),
        artwork_available: artwork.then_some(true),
        artwork_mime_type: state.artwork_mimetype.clone(),
        artwork_url: state.artwork_url.clone(),
        artwork_identifier: state.artwork_identifier.clone(),
        series_name: state.series_name.clone(),
        season_number: state.season_number,
        episode_number: state.episode_number,
        content_identifier: state.content_identifier.clone(),
        itunes_store_identifier: state.itunes_store_identifier,
        ..Default::default()
    };
    ContentItem {
        identifier: state.identifier.clone(),
        metadata: Some(metadata),
        ..Default::default()
    }
}

/// The entry of `command`, added (not enabled) when missing.
fn mode_entry(commands: &mut Vec<CommandInfo>, command: Command) -> &mut CommandInfo {
    let code = Some(command as i32);
    let index = match commands.iter().position(|info| info.command == code) {
        Some(index) => index,
        None => {
            commands.push(CommandInfo {
                command: code,
                ..Default::default()
            });
            commands.len() - 1
        }
    };
    &mut commands[index]
}

/// The supported commands of a player: each listed command enabled (skips with the
/// preferred interval), and the repeat and shuffle modes in the entries of their change
/// commands. A mode whose command is not listed goes in an entry of its own that is not
/// enabled (as pyatv's fake device sends it): clients read the mode but cannot change it.
fn supported_commands(state: &PlayingState) -> Option<SupportedCommands> {
    let mut commands: Vec<CommandInfo> = state
        .supported_commands
        .iter()
        .flatten()
        .map(|&command| {
            let skip = matches!(command, Command::SkipForward | Command::SkipBackward);
            CommandInfo {
                command: Some(command as i32),
                enabled: Some(true),
                preferred_intervals: state.skip_time.filter(|_| skip).into_iter().collect(),
                ..Default::default()
            }
        })
        .collect();
    if let Some(repeat) = state.repeat {
        mode_entry(&mut commands, Command::ChangeRepeatMode).repeat_mode =
            Some(repeat_mode(repeat) as i32);
    }
    if let Some(shuffle) = state.shuffle {
        mode_entry(&mut commands, Command::ChangeShuffleMode).shuffle_mode =
            Some(shuffle_mode(shuffle) as i32);
    }
    (!commands.is_empty()).then_some(SupportedCommands {
        supported_commands: commands,
    })
}

/// The full state of `player`.
pub(crate) fn set_state(
    builder: &mut MessageBuilder,
    player: &str,
    state: &PlayingState,
    now: SystemTime,
) -> ProtocolMessage {
    let inner = SetStateMessage {
        playback_state: state.playback_state.map(|s| s as i32),
        display_name: Some(DISPLAY_NAME.to_owned()),
        supported_commands: supported_commands(state),
        playback_queue: Some(PlaybackQueue {
            location: Some(0),
            content_items: vec![content_item(state, now)],
            ..Default::default()
        }),
        player_path: Some(player_path(player, state.app_name.as_deref())),
        ..Default::default()
    };
    ProtocolMessage {
        set_state_message: Some(Box::new(inner)),
        ..builder.envelope(MessageType::SetStateMessage)
    }
}

/// Names the app now playing (an empty client when nothing plays).
pub(crate) fn now_playing_client(
    builder: &mut MessageBuilder,
    player: Option<&str>,
) -> ProtocolMessage {
    let inner = SetNowPlayingClientMessage {
        client: Some(NowPlayingClient {
            bundle_identifier: player.map(str::to_owned),
            ..Default::default()
        }),
    };
    ProtocolMessage {
        set_now_playing_client_message: Some(Box::new(inner)),
        ..builder.envelope(MessageType::SetNowPlayingClientMessage)
    }
}

/// Changed metadata of `player`'s item (only the fields set in `change`).
pub(crate) fn update_content_item(
    builder: &mut MessageBuilder,
    player: &str,
    change: &PlayingState,
    now: SystemTime,
) -> ProtocolMessage {
    let inner = UpdateContentItemMessage {
        content_items: vec![content_item(change, now)],
        player_path: Some(player_path(player, None)),
    };
    ProtocolMessage {
        update_content_item_message: Some(Box::new(inner)),
        ..builder.envelope(MessageType::UpdateContentItemMessage)
    }
}

/// A new display name of `player`'s app.
pub(crate) fn update_client(
    builder: &mut MessageBuilder,
    player: &str,
    display_name: Option<&str>,
) -> ProtocolMessage {
    let inner = UpdateClientMessage {
        client: Some(NowPlayingClient {
            bundle_identifier: Some(player.to_owned()),
            display_name: display_name.map(str::to_owned),
            ..Default::default()
        }),
    };
    ProtocolMessage {
        update_client_message: Some(Box::new(inner)),
        ..builder.envelope(MessageType::UpdateClientMessage)
    }
}

/// Commands supported when no player says otherwise (for the examples' player).
pub(crate) fn default_supported_commands(
    builder: &mut MessageBuilder,
    player: &str,
    commands: &[Command],
) -> ProtocolMessage {
    let inner = SetDefaultSupportedCommandsMessage {
        supported_commands: Some(SupportedCommands {
            supported_commands: commands
                .iter()
                .map(|&command| CommandInfo {
                    command: Some(command as i32),
                    enabled: Some(true),
                    ..Default::default()
                })
                .collect(),
        }),
        player_path: Some(PlayerPath {
            client: Some(NowPlayingClient {
                bundle_identifier: Some(player.to_owned()),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    };
    ProtocolMessage {
        set_default_supported_commands_message: Some(Box::new(inner)),
        ..builder.envelope(MessageType::SetDefaultSupportedCommandsMessage)
    }
}

/// The answer to a playback queue request: a set-state message with the request's
/// identifier, carrying the artwork when there is some.
pub(crate) fn playback_queue_response(
    builder: &mut MessageBuilder,
    identifier: Option<&str>,
    state: Option<&PlayingState>,
) -> ProtocolMessage {
    let queue = state.and_then(|state| {
        let artwork = state.artwork.clone()?;
        Some(PlaybackQueue {
            location: Some(0),
            content_items: vec![ContentItem {
                artwork_data: Some(artwork),
                artwork_data_width: Some(state.artwork_width.unwrap_or(DEFAULT_ARTWORK_SIZE.0)),
                artwork_data_height: Some(state.artwork_height.unwrap_or(DEFAULT_ARTWORK_SIZE.1)),
                ..Default::default()
            }],
            ..Default::default()
        })
    });
    let mut message = builder.envelope(MessageType::SetStateMessage);
    message.identifier = identifier.map(str::to_owned);
    message.set_state_message = Some(Box::new(SetStateMessage {
        playback_queue: queue,
        ..Default::default()
    }));
    message
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use atv_mrp::protobuf::{MediaType, PlaybackState};
    use bytes::Bytes;

    use super::*;

    fn builder() -> MessageBuilder {
        MessageBuilder::new()
    }

    #[test]
    fn cocoa_epoch() {
        let at = UNIX_EPOCH + Duration::from_secs(978_307_200 + 10);
        assert_eq!(cocoa_timestamp(at), 10.0);
        assert_eq!(cocoa_timestamp(UNIX_EPOCH), -978_307_200.0);
    }

    #[test]
    fn music_becomes_a_set_state_message() {
        let at = UNIX_EPOCH + Duration::from_secs(978_307_200 + 100);
        let mut music = PlayingState::example_music(false);
        music.position_at = Some(at);
        music.repeat = Some(RepeatState::All);
        music.shuffle = Some(ShuffleState::Songs);
        music.supported_commands = Some(vec![Command::Play, Command::SkipForward]);
        music.skip_time = Some(15.0);
        let message = set_state(&mut builder(), "com.example", &music, SystemTime::now());

        assert_eq!(message.r#type, Some(MessageType::SetStateMessage as i32));
        let inner = message.set_state_message.unwrap();
        assert_eq!(inner.playback_state, Some(PlaybackState::Playing as i32));
        assert_eq!(inner.display_name.as_deref(), Some("Fake Player"));
        let path = inner.player_path.unwrap();
        let client = path.client.unwrap();
        assert_eq!(client.bundle_identifier.as_deref(), Some("com.example"));
        assert_eq!(client.process_identifier, Some(123));
        assert_eq!(
            path.player.unwrap().identifier.as_deref(),
            Some("MediaRemote-DefaultPlayer")
        );

        let queue = inner.playback_queue.unwrap();
        assert_eq!(queue.location, Some(0));
        let metadata = queue.content_items[0].metadata.clone().unwrap();
        assert_eq!(metadata.title.as_deref(), Some("music"));
        assert_eq!(metadata.track_artist_name.as_deref(), Some("artist"));
        assert_eq!(metadata.album_name.as_deref(), Some("album"));
        assert_eq!(metadata.genre.as_deref(), Some("genre"));
        assert_eq!(metadata.duration, Some(49.0));
        assert_eq!(metadata.elapsed_time, Some(22.0));
        assert_eq!(metadata.elapsed_time_timestamp, Some(100.0));
        assert_eq!(metadata.playback_rate, Some(1.0));
        assert_eq!(metadata.media_type, Some(MediaType::Audio as i32));
        assert_eq!(metadata.artwork_available, None);

        let commands = inner.supported_commands.unwrap().supported_commands;
        assert_eq!(commands.len(), 4);
        assert_eq!(commands[0].command, Some(Command::Play as i32));
        assert!(commands[0].preferred_intervals.is_empty());
        assert_eq!(commands[1].preferred_intervals, [15.0]);
        assert_eq!(commands[2].repeat_mode, Some(RepeatMode::All as i32));
        assert_eq!(commands[3].shuffle_mode, Some(ShuffleMode::Songs as i32));
    }

    #[test]
    fn listed_mode_commands_carry_the_mode() {
        let mut music = PlayingState::example_music(true);
        music.supported_commands = Some(vec![Command::ChangeShuffleMode, Command::Play]);
        music.shuffle = Some(ShuffleState::Albums);
        music.repeat = Some(RepeatState::Track);
        let message = set_state(&mut builder(), "p", &music, SystemTime::now());
        let commands = message
            .set_state_message
            .unwrap()
            .supported_commands
            .unwrap()
            .supported_commands;
        assert_eq!(commands.len(), 3);
        assert_eq!(commands[0].command, Some(Command::ChangeShuffleMode as i32));
        assert_eq!(commands[0].enabled, Some(true));
        assert_eq!(commands[0].shuffle_mode, Some(ShuffleMode::Albums as i32));
        assert_eq!(commands[2].command, Some(Command::ChangeRepeatMode as i32));
        assert_eq!(commands[2].enabled, None);
        assert_eq!(commands[2].repeat_mode, Some(RepeatMode::One as i32));
    }

    #[test]
    fn no_supported_commands_without_any() {
        let message = set_state(
            &mut builder(),
            "p",
            &PlayingState::loading(),
            SystemTime::now(),
        );
        let inner = message.set_state_message.unwrap();
        assert_eq!(inner.supported_commands, None);
        assert_eq!(
            inner.playback_state,
            Some(PlaybackState::Interrupted as i32)
        );
    }

    #[test]
    fn artwork_answers_playback_queue_requests() {
        let mut state = PlayingState::example_music(true);
        let none = playback_queue_response(&mut builder(), Some("id"), Some(&state));
        assert_eq!(none.identifier.as_deref(), Some("id"));
        assert_eq!(none.set_state_message.unwrap().playback_queue, None);

        state.artwork = Some(Bytes::from_static(b"jpeg"));
        state.artwork_height = Some(10);
        let with = playback_queue_response(&mut builder(), Some("id"), Some(&state));
        let item = with
            .set_state_message
            .unwrap()
            .playback_queue
            .unwrap()
            .content_items[0]
            .clone();
        assert_eq!(item.artwork_data.as_deref(), Some(&b"jpeg"[..]));
        assert_eq!(item.artwork_data_width, Some(456));
        assert_eq!(item.artwork_data_height, Some(10));
    }

    #[test]
    fn client_messages() {
        let message = now_playing_client(&mut builder(), None);
        assert_eq!(
            message.set_now_playing_client_message.unwrap().client,
            Some(NowPlayingClient::default())
        );
        let message = update_client(&mut builder(), "p", Some("App"));
        let client = message.update_client_message.unwrap().client.unwrap();
        assert_eq!(client.display_name.as_deref(), Some("App"));
        let change = PlayingState {
            title: Some("new".into()),
            ..PlayingState::default()
        };
        let message = update_content_item(&mut builder(), "p", &change, SystemTime::now());
        let inner = message.update_content_item_message.unwrap();
        let metadata = inner.content_items[0].metadata.clone().unwrap();
        assert_eq!(metadata.title.as_deref(), Some("new"));
        assert_eq!(metadata.album_name, None);
    }
}
