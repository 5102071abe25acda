//! atv-core's `Stream`, `RemoteControl` (stop) and `Features` for AirPlay: playing URLs
//! and local files.

use std::net::IpAddr;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;

use atv_core::interface::{Features as FeaturesInterface, PlayUrlOptions, RemoteControl, Stream};
use atv_core::{FeatureInfo, FeatureName, FeatureState};
use atv_pairing::Credentials;

use crate::control_connection::ControlConnection;
use crate::error::Result;
use crate::features::{AirPlayMajorVersion, Features};
use crate::file_server::FileServer;
use crate::player::Player;

/// Plays URLs and local files on one AirPlay service.
#[derive(Debug, Clone)]
pub struct AirPlayStream {
    inner: Arc<StreamInner>,
    /// Sent as `X-Apple-Client-Name` (see [`ControlConnection::with_client_name`]).
    client_name: Option<Arc<str>>,
}

#[derive(Debug)]
struct StreamInner {
    address: IpAddr,
    port: u16,
    credentials: Option<Credentials>,
    encrypt: bool,
    current: Mutex<Option<ControlConnection>>,
}

impl AirPlayStream {
    /// A stream for the AirPlay service at `address:port`, verifying with `credentials`;
    /// `version` 2 encrypts the connection after pair-verify.
    pub fn new(
        address: IpAddr,
        port: u16,
        credentials: Option<Credentials>,
        version: AirPlayMajorVersion,
    ) -> Self {
        Self {
            inner: Arc::new(StreamInner {
                address,
                port,
                credentials,
                encrypt: version == AirPlayMajorVersion::V2,
                current: Mutex::new(None),
            }),
            client_name: None,
        }
    }

    /// Names us to the device on every connection this stream opens (see
    /// [`ControlConnection::with_client_name`]).
    #[must_use]
    pub fn with_client_name(mut self, name: &str) -> Self {
        self.client_name = Some(Arc::from(name));
        self
    }

    /// Plays `url` (or the local file at that path, served by a built-in HTTP server)
    /// from `position` seconds; returns when playback has ended.
    pub async fn play(&self, url: &str, position: f64) -> Result<()> {
        let inner = &self.inner;
        let mut connection = ControlConnection::connect(inner.address, inner.port).await?;
        if let Some(name) = &self.client_name {
            connection = connection.with_client_name(name);
        }
        let local_file = Path::new(url);
        let server = if !url.contains("://") && tokio::fs::metadata(local_file).await.is_ok() {
            Some(FileServer::start(local_file, connection.local_addr().ip()).await?)
        } else {
            None
        };
        let target = server
            .as_ref()
            .map_or_else(|| url.to_owned(), FileServer::url);
        *lock(&inner.current) = Some(connection.clone());
        let result = Player::new(connection.clone())
            .play_url(inner.credentials.as_ref(), inner.encrypt, &target, position)
            .await;
        lock(&inner.current).take();
        connection.close().await;
        if let Some(server) = server {
            server.close().await;
        }
        result
    }

    /// Stops what plays by closing the connection that plays it.
    pub async fn stop_playback(&self) {
        let current = lock(&self.inner.current).take();
        if let Some(connection) = current {
            connection.close().await;
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[async_trait]
impl Stream for AirPlayStream {
    fn close(&self) -> atv_core::Result<()> {
        if let Some(connection) = lock(&self.inner.current).take() {
            tokio::spawn(async move { connection.close().await });
        }
        Ok(())
    }

    async fn play_url(&self, url: &str, options: &PlayUrlOptions) -> atv_core::Result<()> {
        Ok(self.play(url, f64::from(options.position)).await?)
    }
}

/// Stop: closes the connection of what plays (as pyatv does).
#[derive(Debug, Clone)]
pub struct AirPlayRemoteControl(pub AirPlayStream);

#[async_trait]
impl RemoteControl for AirPlayRemoteControl {
    async fn stop(&self) -> atv_core::Result<()> {
        self.0.stop_playback().await;
        Ok(())
    }
}

/// PlayUrl when the device supports AirPlay video (v1 or v2), and Stop.
#[derive(Debug, Clone, Copy)]
pub struct AirPlayFeatures(pub Features);

impl FeaturesInterface for AirPlayFeatures {
    fn get_feature(&self, feature: FeatureName) -> FeatureInfo {
        let available = match feature {
            FeatureName::PlayUrl => {
                self.0.contains(Features::SUPPORTS_AIRPLAY_VIDEO_V1)
                    || self.0.contains(Features::SUPPORTS_AIRPLAY_VIDEO_V2)
            }
            FeatureName::Stop => true,
            _ => false,
        };
        FeatureInfo::new(if available {
            FeatureState::Available
        } else {
            FeatureState::Unavailable
        })
    }
}
