//! What plays, as atv-core's [`Playing`], computed from the active player the way pyatv
//! builds it.

use std::time::{SystemTime, UNIX_EPOCH};

use atv_core::{DeviceState, MediaType, Playing, RepeatState, ShuffleState};

use crate::player_state::ActivePlayer;
use crate::protobuf::{Command, MediaType as MrpMediaType, PlaybackState, RepeatMode, ShuffleMode};

/// Seconds from the Unix epoch to the Cocoa epoch (2001-01-01), the origin of MRP
/// timestamps.
const COCOA_EPOCH_OFFSET: f64 = 978_307_200.0;

/// The current time as seconds since the Unix epoch.
pub(crate) fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// The device state of a (derived) playback state: nothing is idle, an interrupted
/// player is loading, and anything unknown counts as paused.
pub fn device_state(playback_state: Option<i32>) -> DeviceState {
    let Some(state) = playback_state else {
        return DeviceState::Idle;
    };
    match PlaybackState::try_from(state) {
        Ok(PlaybackState::Playing) => DeviceState::Playing,
        Ok(PlaybackState::Paused) => DeviceState::Paused,
        Ok(PlaybackState::Stopped) => DeviceState::Stopped,
        Ok(PlaybackState::Interrupted) => DeviceState::Loading,
        Ok(PlaybackState::Seeking) => DeviceState::Seeking,
        _ => DeviceState::Paused,
    }
}

fn u32_of(value: Option<i32>) -> Option<u32> {
    value.map(|v| u32::try_from(v).unwrap_or(0))
}

/// Whole seconds, as Python's `int()` truncates, kept within `u32`.
fn whole_seconds(value: f64) -> u32 {
    if value.is_nan() || value <= 0.0 {
        0
    } else if value >= f64::from(u32::MAX) {
        u32::MAX
    } else {
        // In range and truncated toward zero, as `int()` does.
        value.trunc() as u32
    }
}

/// What plays, with the position computed for the moment `now` (Unix seconds).
pub fn build_playing(active: &ActivePlayer<'_>, now: f64) -> Playing {
    let metadata = active.metadata();
    let device_state = device_state(active.playback_state());

    let media_type = match metadata.and_then(|m| m.media_type) {
        Some(t) if t == MrpMediaType::Audio as i32 => MediaType::Music,
        Some(t) if t == MrpMediaType::Video as i32 => MediaType::Video,
        _ => MediaType::Unknown,
    };

    let total_time = metadata
        .and_then(|m| m.duration)
        .filter(|d| !d.is_nan())
        .map(whole_seconds);

    // Position: the elapsed time at the timestamp, plus the time since then while
    // playing at a non-zero rate. Without a (non-zero) timestamp there is none.
    let position = metadata.and_then(|m| {
        let timestamp = m.elapsed_time_timestamp.filter(|t| *t != 0.0)?;
        let elapsed = m.elapsed_time.unwrap_or(0.0);
        let rate = f64::from(m.playback_rate.unwrap_or(0.0));
        if device_state == DeviceState::Playing && rate != 0.0 {
            let since = now - (timestamp + COCOA_EPOCH_OFFSET);
            Some(whole_seconds(elapsed + since))
        } else {
            Some(whole_seconds(elapsed))
        }
    });

    let shuffle = match active
        .command_info(Command::ChangeShuffleMode as i32)
        .map(|info| info.shuffle_mode.unwrap_or_default())
    {
        None => ShuffleState::Off,
        Some(mode) if mode == ShuffleMode::Off as i32 => ShuffleState::Off,
        Some(mode) if mode == ShuffleMode::Albums as i32 => ShuffleState::Albums,
        Some(_) => ShuffleState::Songs,
    };

    let repeat = match active
        .command_info(Command::ChangeRepeatMode as i32)
        .map(|info| info.repeat_mode.unwrap_or_default())
    {
        Some(mode) if mode == RepeatMode::One as i32 => RepeatState::Track,
        Some(mode) if mode == RepeatMode::All as i32 => RepeatState::All,
        _ => RepeatState::Off,
    };

    let mut playing = Playing {
        media_type,
        device_state,
        title: metadata.and_then(|m| m.title.clone()),
        artist: metadata.and_then(|m| m.track_artist_name.clone()),
        album: metadata.and_then(|m| m.album_name.clone()),
        genre: metadata.and_then(|m| m.genre.clone()),
        total_time,
        position,
        shuffle: Some(shuffle),
        repeat: Some(repeat),
        hash: active.item_identifier().map(str::to_owned),
        series_name: metadata.and_then(|m| m.series_name.clone()),
        season_number: u32_of(metadata.and_then(|m| m.season_number)),
        episode_number: u32_of(metadata.and_then(|m| m.episode_number)),
        content_identifier: metadata.and_then(|m| m.content_identifier.clone()),
        itunes_store_identifier: metadata
            .and_then(|m| m.itunes_store_identifier)
            .map(|id| u64::try_from(id).unwrap_or(0)),
    };
    playing.clamp_position();
    playing
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::player_state::{Client, PlayerState};
    use crate::protobuf::{
        CommandInfo, ContentItem, ContentItemMetadata, NowPlayingPlayer, PlaybackQueue,
        SetStateMessage, SupportedCommands,
    };

    fn player(
        state: PlaybackState,
        metadata: ContentItemMetadata,
        commands: Vec<CommandInfo>,
    ) -> PlayerState {
        let mut player = PlayerState::new(&NowPlayingPlayer {
            identifier: Some("p".into()),
            ..Default::default()
        });
        player.handle_set_state(&SetStateMessage {
            playback_state: Some(state as i32),
            supported_commands: Some(SupportedCommands {
                supported_commands: commands,
            }),
            playback_queue: Some(PlaybackQueue {
                location: Some(0),
                content_items: vec![ContentItem {
                    identifier: Some("item-id".into()),
                    metadata: Some(metadata),
                    ..Default::default()
                }],
                ..Default::default()
            }),
            ..Default::default()
        });
        player
    }

    fn music() -> ContentItemMetadata {
        ContentItemMetadata {
            title: Some("Song".into()),
            track_artist_name: Some("Artist".into()),
            album_name: Some("Album".into()),
            genre: Some("Pop".into()),
            duration: Some(200.9),
            elapsed_time: Some(10.7),
            elapsed_time_timestamp: Some(700_000_000.0),
            playback_rate: Some(1.0),
            media_type: Some(MrpMediaType::Audio as i32),
            series_name: Some("Series".into()),
            season_number: Some(2),
            episode_number: Some(5),
            content_identifier: Some("cid".into()),
            itunes_store_identifier: Some(12345),
            ..Default::default()
        }
    }

    fn active<'a>(player: &'a PlayerState, client: &'a Client) -> ActivePlayer<'a> {
        ActivePlayer {
            player: Some(player),
            client: Some(client),
        }
    }

    #[test]
    fn every_field_comes_from_the_metadata() {
        let client = Client::default();
        let p = player(PlaybackState::Playing, music(), vec![]);
        // 30 s after the timestamp.
        let now = 700_000_000.0 + COCOA_EPOCH_OFFSET + 30.0;
        let playing = build_playing(&active(&p, &client), now);
        assert_eq!(playing.media_type, MediaType::Music);
        assert_eq!(playing.device_state, DeviceState::Playing);
        assert_eq!(playing.title.as_deref(), Some("Song"));
        assert_eq!(playing.artist.as_deref(), Some("Artist"));
        assert_eq!(playing.album.as_deref(), Some("Album"));
        assert_eq!(playing.genre.as_deref(), Some("Pop"));
        assert_eq!(playing.total_time, Some(200));
        assert_eq!(playing.position, Some(40));
        assert_eq!(playing.shuffle, Some(ShuffleState::Off));
        assert_eq!(playing.repeat, Some(RepeatState::Off));
        assert_eq!(playing.hash(), "item-id");
        assert_eq!(playing.series_name.as_deref(), Some("Series"));
        assert_eq!(playing.season_number, Some(2));
        assert_eq!(playing.episode_number, Some(5));
        assert_eq!(playing.content_identifier.as_deref(), Some("cid"));
        assert_eq!(playing.itunes_store_identifier, Some(12345));
    }

    #[test]
    fn position_stands_still_when_paused_and_is_clamped() {
        let client = Client::default();
        let now = 700_000_000.0 + COCOA_EPOCH_OFFSET + 30.0;
        let paused = ContentItemMetadata {
            playback_rate: Some(0.0),
            ..music()
        };
        let p = player(PlaybackState::Paused, paused, vec![]);
        assert_eq!(build_playing(&active(&p, &client), now).position, Some(10));
        // Long after: clamped to the total time.
        let p = player(PlaybackState::Playing, music(), vec![]);
        let later = now + 10_000.0;
        assert_eq!(
            build_playing(&active(&p, &client), later).position,
            Some(200)
        );
        // No timestamp, no position.
        let untimed = ContentItemMetadata {
            elapsed_time_timestamp: None,
            ..music()
        };
        let p = player(PlaybackState::Playing, untimed, vec![]);
        assert_eq!(build_playing(&active(&p, &client), now).position, None);
    }

    #[test]
    fn shuffle_and_repeat_come_from_the_commands() {
        let client = Client::default();
        let cmd = |command: Command, repeat: Option<RepeatMode>, shuffle: Option<ShuffleMode>| {
            CommandInfo {
                command: Some(command as i32),
                repeat_mode: repeat.map(|m| m as i32),
                shuffle_mode: shuffle.map(|m| m as i32),
                ..Default::default()
            }
        };
        for (repeat, expected) in [
            (RepeatMode::One, RepeatState::Track),
            (RepeatMode::All, RepeatState::All),
            (RepeatMode::Off, RepeatState::Off),
        ] {
            let p = player(
                PlaybackState::Playing,
                music(),
                vec![cmd(Command::ChangeRepeatMode, Some(repeat), None)],
            );
            assert_eq!(
                build_playing(&active(&p, &client), 0.0).repeat,
                Some(expected)
            );
        }
        for (shuffle, expected) in [
            (ShuffleMode::Albums, ShuffleState::Albums),
            (ShuffleMode::Songs, ShuffleState::Songs),
            (ShuffleMode::Off, ShuffleState::Off),
        ] {
            let p = player(
                PlaybackState::Playing,
                music(),
                vec![cmd(Command::ChangeShuffleMode, None, Some(shuffle))],
            );
            assert_eq!(
                build_playing(&active(&p, &client), 0.0).shuffle,
                Some(expected)
            );
        }
        // A shuffle command without a mode is pyatv's "Songs" fallthrough... unless unset
        // reads as 0 (Unknown), which pyatv also reports as Songs.
        let p = player(
            PlaybackState::Playing,
            music(),
            vec![cmd(Command::ChangeShuffleMode, None, None)],
        );
        assert_eq!(
            build_playing(&active(&p, &client), 0.0).shuffle,
            Some(ShuffleState::Songs)
        );
    }

    #[test]
    fn nothing_playing_is_idle_with_computed_hash() {
        let empty = ActivePlayer {
            player: None,
            client: None,
        };
        let playing = build_playing(&empty, 0.0);
        assert_eq!(playing.device_state, DeviceState::Idle);
        assert_eq!(playing.media_type, MediaType::Unknown);
        assert_eq!(
            playing,
            Playing {
                shuffle: Some(ShuffleState::Off),
                repeat: Some(RepeatState::Off),
                ..Playing::default()
            }
        );
    }

    #[test]
    fn device_states() {
        assert_eq!(device_state(None), DeviceState::Idle);
        assert_eq!(device_state(Some(4)), DeviceState::Loading);
        assert_eq!(device_state(Some(5)), DeviceState::Seeking);
        assert_eq!(device_state(Some(3)), DeviceState::Stopped);
        assert_eq!(device_state(Some(0)), DeviceState::Paused);
        assert_eq!(device_state(Some(77)), DeviceState::Paused);
    }
}
