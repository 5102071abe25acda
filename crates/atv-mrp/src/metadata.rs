//! What plays, its artwork and the app (pyatv's `MrpMetadata`).

use std::sync::Arc;

use async_trait::async_trait;

use atv_core::interface::Metadata;
use atv_core::{App, ArtworkInfo, Playing};

use crate::artwork::{artwork_id, fetch_local_artwork, requested_size};
use crate::artwork_url::artwork_urls;
use crate::client::{Shared, lock};
use crate::error::Result;
use crate::playing::unix_now;

/// What plays, its artwork and the app.
#[derive(Clone)]
pub struct MrpMetadata {
    shared: Arc<Shared>,
}

impl MrpMetadata {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// What plays now.
    pub fn now_playing(&self) -> Playing {
        lock(&self.shared.model).playing(unix_now())
    }

    /// Identifier of the current artwork, `None` when the item has none.
    pub fn current_artwork_id(&self) -> Option<String> {
        artwork_id(&lock(&self.shared.model).psm.playing())
    }

    /// The artwork of what plays, from the cache when its identifier was fetched
    /// before; `width`/`height` as [`Metadata::artwork`] takes them.
    pub async fn fetch_artwork(
        &self,
        width: Option<u32>,
        height: Option<u32>,
    ) -> Result<Option<ArtworkInfo>> {
        let size = requested_size(width, height);
        let (identifier, location, mimetype, urls) = {
            let model = lock(&self.shared.model);
            let playing = model.psm.playing();
            let Some(identifier) = artwork_id(&playing) else {
                tracing::debug!("no artwork available");
                return Ok(None);
            };
            let metadata = playing.metadata().cloned().unwrap_or_default();
            let urls = artwork_urls(&metadata, size.0, size.1);
            let mimetype = metadata.artwork_mime_type.unwrap_or_default();
            (identifier, playing.location(), mimetype, urls)
        };
        if let Some(cached) = lock(&self.shared.artwork_cache).get(&identifier) {
            tracing::debug!("artwork {identifier} from cache");
            return Ok(cached);
        }
        if let Some(fetcher) = &self.shared.config.artwork_fetcher {
            for url in urls {
                if let Some(image) = fetcher.fetch(&url).await {
                    // The image server's size is not known; pyatv reports the request.
                    let artwork = ArtworkInfo {
                        bytes: image.bytes,
                        mimetype: image.mimetype,
                        width: i32::try_from(size.0).unwrap_or(i32::MAX),
                        height: i32::try_from(size.1).unwrap_or(i32::MAX),
                    };
                    lock(&self.shared.artwork_cache).put(identifier, Some(artwork.clone()));
                    return Ok(Some(artwork));
                }
            }
        }
        let connection = self.shared.connection()?;
        match fetch_local_artwork(&connection, location, &mimetype, size).await {
            Ok(Some(artwork)) => {
                lock(&self.shared.artwork_cache).put(identifier, Some(artwork.clone()));
                Ok(Some(artwork))
            }
            Ok(None) => {
                tracing::warn!("artwork not present in the device's answer");
                Ok(None)
            }
            Err(error) => {
                tracing::warn!("fetching artwork failed: {error}");
                Ok(None)
            }
        }
    }
}

#[async_trait]
impl Metadata for MrpMetadata {
    fn device_id(&self) -> atv_core::Result<Option<String>> {
        Ok(self.shared.config.device_id.clone())
    }

    async fn artwork(
        &self,
        width: Option<u32>,
        height: Option<u32>,
    ) -> atv_core::Result<Option<ArtworkInfo>> {
        Ok(self.fetch_artwork(width, height).await?)
    }

    /// The artwork identifier; empty when the current item has no artwork.
    fn artwork_id(&self) -> atv_core::Result<String> {
        Ok(self.current_artwork_id().unwrap_or_default())
    }

    async fn playing(&self) -> atv_core::Result<Playing> {
        Ok(self.now_playing())
    }

    fn app(&self) -> atv_core::Result<Option<App>> {
        let model = lock(&self.shared.model);
        Ok(model.psm.client().map(|client| {
            App::new(
                client.display_name.clone(),
                client.bundle_identifier.clone(),
            )
        }))
    }
}
