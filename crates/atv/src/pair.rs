//! Pairing with a device (pyatv's `pair`).

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;

use atv_core::interface::PairingHandler;
use atv_core::{DeviceConfig, Error, MemoryStorage, Protocol, Result, Service, Storage};

use crate::protocol_setup;

/// Options of [`pair`].
#[derive(Clone, Default)]
pub struct PairOptions {
    /// Where the device's settings are read from and the new credentials written to;
    /// `None` uses an empty [`MemoryStorage`].
    pub storage: Option<Arc<dyn Storage>>,
}

impl PairOptions {
    /// Reads settings from, and writes credentials to, `storage`.
    pub fn storage(mut self, storage: Arc<dyn Storage>) -> Self {
        self.storage = Some(storage);
        self
    }
}

impl fmt::Debug for PairOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PairOptions")
            .field("storage", &self.storage.is_some())
            .finish()
    }
}

/// A pairing handler for the `protocol` service of the device `config` describes.
///
/// When pairing succeeds ([`PairingHandler::finish`]), the new credentials are written
/// into the device's settings in the storage, as pyatv's pairing handlers do; write the
/// storage out with [`Storage::save`] to keep them.
///
/// Fails with [`Error::NoService`] when the device has no such service and
/// [`Error::UnsupportedProtocol`] when this build cannot pair with the protocol.
pub async fn pair(
    config: &DeviceConfig,
    protocol: Protocol,
    options: PairOptions,
) -> Result<Box<dyn PairingHandler>> {
    let Some(service) = config.get_service(protocol) else {
        return Err(Error::NoService(format!(
            "no service available for {protocol}"
        )));
    };
    let storage = options
        .storage
        .unwrap_or_else(|| Arc::new(MemoryStorage::new()));
    let settings = storage.get_settings(config).await?;
    let inner = protocol_setup::pair(protocol, config, service, &settings)?;
    Ok(Box::new(StoringPairingHandler {
        inner,
        storage,
        config: config.clone(),
        protocol,
    }))
}

/// Writes the credentials into the storage once pairing succeeded.
struct StoringPairingHandler {
    inner: Box<dyn PairingHandler>,
    storage: Arc<dyn Storage>,
    config: DeviceConfig,
    protocol: Protocol,
}

/// Writes `credentials` as the `protocol` credentials of the device `config`.
async fn store_credentials(
    storage: &dyn Storage,
    config: &DeviceConfig,
    protocol: Protocol,
    credentials: Option<String>,
) -> Result<()> {
    let mut settings = storage.get_settings(config).await?;
    let (_, stored, _) = settings.protocols.fields_mut(protocol);
    *stored = credentials;
    storage.set_settings(config, settings).await
}

#[async_trait]
impl PairingHandler for StoringPairingHandler {
    fn service(&self) -> &Service {
        self.inner.service()
    }

    fn pin(&mut self, pin: u32) {
        self.inner.pin(pin);
    }

    fn device_provides_pin(&self) -> bool {
        self.inner.device_provides_pin()
    }

    fn has_paired(&self) -> bool {
        self.inner.has_paired()
    }

    async fn begin(&mut self) -> Result<()> {
        self.inner.begin().await
    }

    async fn finish(&mut self) -> Result<()> {
        self.inner.finish().await?;
        if self.inner.has_paired() {
            let credentials = self.inner.service().credentials.clone();
            store_credentials(&*self.storage, &self.config, self.protocol, credentials).await?;
        }
        Ok(())
    }

    async fn close(&mut self) -> Result<()> {
        self.inner.close().await
    }
}
