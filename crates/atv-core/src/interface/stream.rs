//! Playing URLs and streaming files (pyatv's `Stream`).

use std::fmt;
use std::path::PathBuf;
use std::pin::Pin;

use async_trait::async_trait;

use super::not_supported;
use crate::{MediaMetadata, Result};

/// What to stream.
pub enum StreamSource {
    /// A local file.
    Path(PathBuf),
    /// An `http://` or `https://` address the streamer fetches.
    Url(String),
    /// Bytes of an audio file read as they come (e.g. standard input).
    Reader(Pin<Box<dyn tokio::io::AsyncRead + Send>>),
}

impl fmt::Debug for StreamSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Path(path) => f.debug_tuple("Path").field(path).finish(),
            Self::Url(url) => f.debug_tuple("Url").field(url).finish(),
            Self::Reader(_) => f.write_str("Reader(..)"),
        }
    }
}

/// Options of [`Stream::play_url`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlayUrlOptions {
    /// Where to start, in seconds (pyatv's `position` keyword).
    pub position: u32,
}

/// Options of [`Stream::stream_file`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StreamFileOptions {
    /// Metadata to send instead of what the file holds.
    pub metadata: Option<MediaMetadata>,
    /// With `metadata`: use the file's own values for the fields `metadata` leaves out.
    pub override_missing_metadata: bool,
}

/// Plays media on the device (pyatv's `Stream`).
#[async_trait]
pub trait Stream: Send + Sync {
    /// Releases what streaming holds.
    fn close(&self) -> Result<()> {
        not_supported("close")
    }

    /// Makes the device play the media at `url` (the device fetches it).
    async fn play_url(&self, url: &str, options: &PlayUrlOptions) -> Result<()> {
        let _ = (url, options);
        not_supported("play_url")
    }

    /// Streams a local file, a URL or a reader to the device (audio, over RAOP).
    async fn stream_file(&self, source: StreamSource, options: StreamFileOptions) -> Result<()> {
        let _ = (source, options);
        not_supported("stream_file")
    }
}
