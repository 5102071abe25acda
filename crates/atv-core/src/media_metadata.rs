//! Artwork and media metadata (pyatv's `ArtworkInfo` and `MediaMetadata`).

use std::fmt;

/// Artwork of what is playing (pyatv's `ArtworkInfo`).
#[derive(Clone, PartialEq, Eq)]
pub struct ArtworkInfo {
    /// The image, encoded as `mimetype` says.
    pub bytes: Vec<u8>,
    /// MIME type of the image, e.g. `image/jpeg`.
    pub mimetype: String,
    /// Width in pixels, -1 when not known.
    pub width: i32,
    /// Height in pixels, -1 when not known.
    pub height: i32,
}

/// Shows the size of the image, not its bytes.
impl fmt::Debug for ArtworkInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ArtworkInfo")
            .field("bytes", &format_args!("<{} bytes>", self.bytes.len()))
            .field("mimetype", &self.mimetype)
            .field("width", &self.width)
            .field("height", &self.height)
            .finish()
    }
}

/// Metadata sent along with streamed media (pyatv's `MediaMetadata`).
#[derive(Clone, Default, PartialEq)]
pub struct MediaMetadata {
    /// Title.
    pub title: Option<String>,
    /// Artist.
    pub artist: Option<String>,
    /// Album.
    pub album: Option<String>,
    /// Artwork as raw image data (JPEG or PNG).
    pub artwork: Option<Vec<u8>>,
    /// Duration in seconds.
    pub duration: Option<f64>,
}

impl MediaMetadata {
    /// Fills every field that is `None` here from `other`.
    pub fn fill_missing(&mut self, other: &Self) {
        fn fill<T: Clone>(mine: &mut Option<T>, theirs: &Option<T>) {
            if mine.is_none() {
                mine.clone_from(theirs);
            }
        }
        fill(&mut self.title, &other.title);
        fill(&mut self.artist, &other.artist);
        fill(&mut self.album, &other.album);
        fill(&mut self.artwork, &other.artwork);
        fill(&mut self.duration, &other.duration);
    }
}

/// Shows the size of the artwork, not its bytes.
impl fmt::Debug for MediaMetadata {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MediaMetadata")
            .field("title", &self.title)
            .field("artist", &self.artist)
            .field("album", &self.album)
            .field(
                "artwork",
                &self
                    .artwork
                    .as_ref()
                    .map(|a| format!("<{} bytes>", a.len())),
            )
            .field("duration", &self.duration)
            .finish()
    }
}
