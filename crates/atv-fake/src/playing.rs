//! What a player of the fake device plays: one item's metadata and the player's settings,
//! and the example items pyatv's fake device offers (music, video, TV, loading).

use std::time::SystemTime;

use atv_core::{RepeatState, ShuffleState};
use atv_mrp::protobuf::{Command, MediaType, PlaybackState};
use bytes::Bytes;

/// Bundle identifier of the player the examples use (pyatv's fake uses this one).
pub const PLAYER_IDENTIFIER: &str = "com.github.postlund.pyatv";
/// App name the video example shows.
pub const APP_NAME: &str = "Test app";

/// The state of one player (one app): every field optional, as on the wire. Used both as
/// a player's full state and as a partial change (only the fields that are set).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlayingState {
    /// Content item identifier.
    pub identifier: Option<String>,
    /// Playing, paused, ...
    pub playback_state: Option<PlaybackState>,
    /// Title of the item.
    pub title: Option<String>,
    /// Name of the TV series.
    pub series_name: Option<String>,
    /// Artist.
    pub artist: Option<String>,
    /// Album.
    pub album: Option<String>,
    /// Genre.
    pub genre: Option<String>,
    /// Length of the item in seconds.
    pub total_time: Option<f64>,
    /// Position in seconds at [`position_at`](Self::position_at).
    pub position: Option<f64>,
    /// When `position` was taken; `None` means "now" whenever it is sent.
    pub position_at: Option<SystemTime>,
    /// Season of a TV episode.
    pub season_number: Option<i32>,
    /// Episode number.
    pub episode_number: Option<i32>,
    /// Repeat mode (announced as a supported command when set).
    pub repeat: Option<RepeatState>,
    /// Shuffle mode (announced as a supported command when set).
    pub shuffle: Option<ShuffleState>,
    /// Audio or video.
    pub media_type: Option<MediaType>,
    /// 1.0 while playing, 0.0 while paused.
    pub playback_rate: Option<f32>,
    /// Commands the player announces (all enabled).
    pub supported_commands: Option<Vec<Command>>,
    /// Artwork bytes answered to playback queue requests.
    pub artwork: Option<Bytes>,
    /// Artwork identifier.
    pub artwork_identifier: Option<String>,
    /// Artwork MIME type (its presence marks artwork as available).
    pub artwork_mimetype: Option<String>,
    /// Artwork width (456 when not set).
    pub artwork_width: Option<i32>,
    /// Artwork height (789 when not set).
    pub artwork_height: Option<i32>,
    /// Artwork URL.
    pub artwork_url: Option<String>,
    /// Preferred interval of skip forward/backward, in seconds.
    pub skip_time: Option<f64>,
    /// Display name of the app.
    pub app_name: Option<String>,
    /// Content identifier.
    pub content_identifier: Option<String>,
    /// iTunes Store identifier.
    pub itunes_store_identifier: Option<i64>,
}

impl PlayingState {
    /// Example music as pyatv's fake offers it ("music" by "artist" on "album", genre
    /// "genre", 22 of 49 seconds), playing or paused.
    pub fn example_music(paused: bool) -> Self {
        Self {
            artist: Some("artist".into()),
            album: Some("album".into()),
            title: Some("music".into()),
            genre: Some("genre".into()),
            total_time: Some(49.0),
            position: Some(22.0),
            media_type: Some(MediaType::Audio),
            ..Self::with_playback(paused)
        }
    }

    /// Example video ("dummy", 3 of 123 seconds, app "Test app"), playing or paused.
    pub fn example_video(paused: bool) -> Self {
        Self {
            title: Some("dummy".into()),
            total_time: Some(123.0),
            position: Some(3.0),
            media_type: Some(MediaType::Video),
            app_name: Some(APP_NAME.into()),
            ..Self::with_playback(paused)
        }
    }

    /// Example TV episode ("tvshow" season 12 episode 3, 5 of 123 seconds), playing or
    /// paused.
    pub fn example_tv(paused: bool) -> Self {
        Self {
            series_name: Some("tvshow".into()),
            total_time: Some(123.0),
            position: Some(5.0),
            season_number: Some(12),
            episode_number: Some(3),
            media_type: Some(MediaType::Video),
            ..Self::with_playback(paused)
        }
    }

    /// Media that is loading (playback state "interrupted").
    pub fn loading() -> Self {
        Self {
            playback_state: Some(PlaybackState::Interrupted),
            ..Self::default()
        }
    }

    fn with_playback(paused: bool) -> Self {
        Self {
            playback_state: Some(if paused {
                PlaybackState::Paused
            } else {
                PlaybackState::Playing
            }),
            playback_rate: Some(if paused { 0.0 } else { 1.0 }),
            ..Self::default()
        }
    }

    /// The position now: the stored one, advanced by the time since it was taken while
    /// playing at a non-zero rate.
    pub fn current_position(&self, now: SystemTime) -> Option<f64> {
        let position = self.position?;
        let rate = f64::from(self.playback_rate.unwrap_or(0.0));
        let playing = self.playback_state == Some(PlaybackState::Playing);
        let elapsed = self
            .position_at
            .and_then(|at| now.duration_since(at).ok())
            .map_or(0.0, |d| d.as_secs_f64());
        Some(if playing && rate != 0.0 {
            position + elapsed * rate
        } else {
            position
        })
    }

    /// Copies every field set in `change` into `self`.
    pub fn merge(&mut self, change: &Self) {
        macro_rules! take {
            ($($field:ident),* $(,)?) => {
                $(if change.$field.is_some() {
                    self.$field.clone_from(&change.$field);
                })*
            };
        }
        take!(
            identifier,
            playback_state,
            title,
            series_name,
            artist,
            album,
            genre,
            total_time,
            position,
            position_at,
            season_number,
            episode_number,
            repeat,
            shuffle,
            media_type,
            playback_rate,
            supported_commands,
            artwork,
            artwork_identifier,
            artwork_mimetype,
            artwork_width,
            artwork_height,
            artwork_url,
            skip_time,
            app_name,
            content_identifier,
            itunes_store_identifier,
        );
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn position_advances_only_while_playing() {
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let later = start + Duration::from_secs(5);
        let mut playing = PlayingState::example_music(false);
        playing.position_at = Some(start);
        assert_eq!(playing.current_position(later), Some(27.0));
        let mut paused = PlayingState::example_music(true);
        paused.position_at = Some(start);
        assert_eq!(paused.current_position(later), Some(22.0));
        assert_eq!(PlayingState::loading().current_position(later), None);
    }

    #[test]
    fn merge_takes_only_set_fields() {
        let mut state = PlayingState::example_music(true);
        state.merge(&PlayingState {
            title: Some("other".into()),
            ..PlayingState::default()
        });
        assert_eq!(state.title.as_deref(), Some("other"));
        assert_eq!(state.artist.as_deref(), Some("artist"));
    }
}
