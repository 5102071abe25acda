//! What a device is playing (pyatv's `interface.Playing`).

use std::fmt;

use sha2::{Digest, Sha256};

use crate::{DeviceState, MediaType, RepeatState, ShuffleState};

/// What is playing now, as one protocol reports it.
///
/// Every field is optional the way pyatv's are: `None` means the device did not say.
/// Times are whole seconds. `Display` prints what pyatv's `str(playing)` prints (the
/// `atvremote playing` output).
#[derive(Debug, Clone, Default)]
pub struct Playing {
    /// Kind of media.
    pub media_type: MediaType,
    /// What the player is doing.
    pub device_state: DeviceState,
    /// Title of the item, e.g. a song or movie name.
    pub title: Option<String>,
    /// Artist of the song.
    pub artist: Option<String>,
    /// Album of the song.
    pub album: Option<String>,
    /// Genre of the song.
    pub genre: Option<String>,
    /// Length in seconds.
    pub total_time: Option<u32>,
    /// Position in seconds (see [`Playing::clamp_position`]).
    pub position: Option<u32>,
    /// Shuffle mode.
    pub shuffle: Option<ShuffleState>,
    /// Repeat mode.
    pub repeat: Option<RepeatState>,
    /// Hash given by the device; when `None` or empty, [`Playing::hash`] computes one.
    pub hash: Option<String>,
    /// Title of the TV series.
    pub series_name: Option<String>,
    /// Season of the TV series.
    pub season_number: Option<u32>,
    /// Episode of the TV series.
    pub episode_number: Option<u32>,
    /// App-specific identifier of the content.
    pub content_identifier: Option<String>,
    /// iTunes Store identifier of the content.
    pub itunes_store_identifier: Option<u64>,
}

impl Playing {
    /// Keeps the position within the total time when both are known and non-zero, as
    /// pyatv does when it builds a `Playing` (call it after filling the fields).
    pub fn clamp_position(&mut self) {
        if let (Some(position), Some(total)) = (self.position, self.total_time)
            && position != 0
            && total != 0
        {
            self.position = Some(position.min(total));
        }
    }

    /// An identifier of the content: the device's hash when it gave a non-empty one,
    /// else the lower-case hex SHA-256 of title, artist, album and total time written
    /// one after the other (`None` written as `None`), exactly as pyatv computes it.
    pub fn hash(&self) -> String {
        if let Some(hash) = self.hash.as_deref().filter(|h| !h.is_empty()) {
            return hash.to_owned();
        }
        let base = format!(
            "{}{}{}{}",
            py_str(self.title.as_deref()),
            py_str(self.artist.as_deref()),
            py_str(self.album.as_deref()),
            py_display(self.total_time),
        );
        let digest = Sha256::digest(base.as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Equal when every field pyatv compares is equal, the hash compared as computed.
impl PartialEq for Playing {
    fn eq(&self, other: &Self) -> bool {
        self.media_type == other.media_type
            && self.device_state == other.device_state
            && self.title == other.title
            && self.artist == other.artist
            && self.album == other.album
            && self.genre == other.genre
            && self.total_time == other.total_time
            && self.position == other.position
            && self.shuffle == other.shuffle
            && self.repeat == other.repeat
            && self.hash() == other.hash()
            && self.series_name == other.series_name
            && self.season_number == other.season_number
            && self.episode_number == other.episode_number
            && self.content_identifier == other.content_identifier
            && self.itunes_store_identifier == other.itunes_store_identifier
    }
}

impl Eq for Playing {}

/// Python's `str()` of an optional string.
fn py_str(value: Option<&str>) -> &str {
    value.unwrap_or("None")
}

/// Python's `str()` of an optional number.
fn py_display<T: fmt::Display>(value: Option<T>) -> String {
    value.map_or_else(|| "None".to_owned(), |v| v.to_string())
}

impl fmt::Display for Playing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut lines = vec![
            format!("  Media type: {}", self.media_type),
            format!("Device state: {}", self.device_state),
        ];
        let text_fields = [
            ("       Title", &self.title),
            ("      Artist", &self.artist),
            ("       Album", &self.album),
            ("       Genre", &self.genre),
            (" Series Name", &self.series_name),
        ];
        for (label, value) in text_fields {
            if let Some(value) = value {
                lines.push(format!("{label}: {value}"));
            }
        }
        if let Some(season) = self.season_number {
            lines.push(format!("      Season: {season}"));
        }
        if let Some(episode) = self.episode_number {
            lines.push(format!("     Episode: {episode}"));
        }
        if let Some(id) = self
            .content_identifier
            .as_deref()
            .filter(|id| !id.is_empty())
        {
            lines.push(format!("  Identifier: {id}"));
        }
        match (self.position, self.total_time) {
            (Some(position), Some(total)) if total != 0 => {
                let percent = f64::from(position) / f64::from(total) * 100.0;
                lines.push(format!("    Position: {position}/{total}s ({percent:.1}%)"));
            }
            (Some(position), _) if position != 0 => {
                lines.push(format!("    Position: {position}s"));
            }
            (position, Some(total)) if position != Some(0) => {
                lines.push(format!("  Total time: {total}s"));
            }
            _ => {}
        }
        if let Some(repeat) = self.repeat {
            lines.push(format!("      Repeat: {repeat}"));
        }
        if let Some(shuffle) = self.shuffle {
            lines.push(format!("     Shuffle: {shuffle}"));
        }
        if let Some(id) = self.itunes_store_identifier {
            lines.push(format!("iTunes Store Identifier: {id}"));
        }
        f.write_str(&lines.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_of_empty_playing_is_sha256_of_none_fields() {
        // SHA-256 of "NoneNoneNoneNone", as pyatv produced it for `Playing()`.
        assert_eq!(
            Playing::default().hash(),
            "ca496c14642c78af6dd4250191fe175f6dafd72b4c33bcbab43c454aae051da1"
        );
    }

    #[test]
    fn hash_of_filled_fields_matches_pyatv() {
        // pyatv: Playing(title="Ängel", artist="Artist", album="Album", total_time=123).hash
        let playing = Playing {
            title: Some("Ängel".into()),
            artist: Some("Artist".into()),
            album: Some("Album".into()),
            total_time: Some(123),
            ..Playing::default()
        };
        assert_eq!(
            playing.hash(),
            "3dc68e6c9d24f282ec5580f8ee13508ad177c36c493a74c5cacf4d5fce6453bf"
        );
    }

    #[test]
    fn explicit_hash_wins_unless_empty() {
        let mut playing = Playing {
            hash: Some("abc".into()),
            ..Playing::default()
        };
        assert_eq!(playing.hash(), "abc");
        playing.hash = Some(String::new());
        assert_eq!(playing.hash(), Playing::default().hash());
    }

    #[test]
    fn position_is_clamped_to_total_time() {
        let mut playing = Playing {
            position: Some(200),
            total_time: Some(100),
            ..Playing::default()
        };
        playing.clamp_position();
        assert_eq!(playing.position, Some(100));
    }
}
