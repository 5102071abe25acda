//! What plays and its artwork (pyatv's `Metadata`).

use async_trait::async_trait;

use super::not_supported;
use crate::{App, ArtworkInfo, Playing, Result};

/// Reads what the device plays (pyatv's `Metadata`).
///
/// `device_id`, `artwork_id` and `app` read state the connection already holds, so
/// they are not async.
#[async_trait]
pub trait Metadata: Send + Sync {
    /// A unique identifier of the device, if known.
    fn device_id(&self) -> Result<Option<String>> {
        not_supported("device_id")
    }

    /// Artwork of what plays, or `None` when there is none.
    ///
    /// `width` and `height` ask for a size (the device may return another). Give both
    /// `None` for the default size, or one of them to keep the aspect ratio. pyatv's
    /// default is `width = Some(512), height = None`.
    async fn artwork(
        &self,
        width: Option<u32>,
        height: Option<u32>,
    ) -> Result<Option<ArtworkInfo>> {
        let _ = (width, height);
        not_supported("artwork")
    }

    /// An identifier of the current artwork, changing when the artwork changes.
    fn artwork_id(&self) -> Result<String> {
        not_supported("artwork_id")
    }

    /// What plays now.
    async fn playing(&self) -> Result<Playing> {
        not_supported("playing")
    }

    /// The app that plays (not necessarily the app on screen), if any.
    fn app(&self) -> Result<Option<App>> {
        not_supported("app")
    }
}
