//! What plays, relayed (pyatv's `FacadeMetadata`).

use std::sync::Arc;

use async_trait::async_trait;

use atv_core::interface::Metadata;
use atv_core::{App, ArtworkInfo, Playing, Result};

use crate::relayer::Relayer;

/// The facade's [`Metadata`].
pub struct FacadeMetadata {
    pub(crate) relayer: Relayer<dyn Metadata>,
}

#[async_trait]
impl Metadata for FacadeMetadata {
    fn device_id(&self) -> Result<Option<String>> {
        self.relayer.relay_now("device_id", |i| i.device_id())
    }

    async fn artwork(
        &self,
        width: Option<u32>,
        height: Option<u32>,
    ) -> Result<Option<ArtworkInfo>> {
        self.relayer
            .relay("artwork", |i: Arc<dyn Metadata>| async move {
                i.artwork(width, height).await
            })
            .await
    }

    fn artwork_id(&self) -> Result<String> {
        self.relayer.relay_now("artwork_id", |i| i.artwork_id())
    }

    async fn playing(&self) -> Result<Playing> {
        self.relayer
            .relay("playing", |i: Arc<dyn Metadata>| async move {
                i.playing().await
            })
            .await
    }

    fn app(&self) -> Result<Option<App>> {
        self.relayer.relay_now("app", |i| i.app())
    }
}
