//! Playing URLs and streaming files, relayed (pyatv's `FacadeStream`).

use std::sync::Arc;

use async_trait::async_trait;

use atv_core::interface::{Features, PlayUrlOptions, Stream, StreamFileOptions, StreamSource};
use atv_core::{Error, FeatureName, FeatureState, Result};

use crate::features::FacadeFeatures;
use crate::relayer::{Relayer, not_supported};

/// The facade's [`Stream`]. `play_url` is refused unless the PlayUrl feature is
/// available (as pyatv).
pub struct FacadeStream {
    pub(crate) relayer: Relayer<dyn Stream>,
    features: Arc<FacadeFeatures>,
}

impl FacadeStream {
    pub(crate) fn new(relayer: Relayer<dyn Stream>, features: Arc<FacadeFeatures>) -> Self {
        Self { relayer, features }
    }
}

/// A copy of `source` for asking the next protocol, when it can be copied (a reader
/// cannot: it goes to the first protocol only).
fn copy_source(source: &StreamSource) -> Option<StreamSource> {
    match source {
        StreamSource::Path(path) => Some(StreamSource::Path(path.clone())),
        StreamSource::Url(url) => Some(StreamSource::Url(url.clone())),
        StreamSource::Reader(_) => None,
    }
}

#[async_trait]
impl Stream for FacadeStream {
    fn close(&self) -> Result<()> {
        self.relayer.relay_now("close", |i| i.close())
    }

    async fn play_url(&self, url: &str, options: &PlayUrlOptions) -> Result<()> {
        self.relayer.gate().check("play_url")?;
        if !self
            .features
            .in_state(&[FeatureState::Available], &[FeatureName::PlayUrl])
        {
            return Err(not_supported("play_url"));
        }
        self.relayer
            .relay("play_url", |i: Arc<dyn Stream>| async move {
                i.play_url(url, options).await
            })
            .await
    }

    async fn stream_file(&self, source: StreamSource, options: StreamFileOptions) -> Result<()> {
        self.relayer.gate().check("stream_file")?;
        let mut source = Some(source);
        for (_, instance) in self.relayer.instances() {
            let Some(this) = source.take() else { break };
            source = copy_source(&this);
            match instance.stream_file(this, options.clone()).await {
                Err(Error::NotSupported(_)) => {}
                other => return other,
            }
        }
        Err(not_supported("stream_file"))
    }
}
