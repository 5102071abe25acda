//! Connecting to a device (pyatv's `connect`).

use std::fmt;
use std::sync::{Arc, Weak};

use atv_core::interface::DeviceListener;
use atv_core::{DeviceConfig, Error, MemoryStorage, Protocol, Result, Storage};
use atv_facade::AppleTv;

use crate::protocol_setup::{SETUP_ORDER, setup};

/// Options of [`connect`].
#[derive(Clone, Default)]
pub struct ConnectOptions {
    /// Connect with this protocol only; `None` (the default) connects with every
    /// enabled service.
    pub protocol: Option<Protocol>,
    /// Where settings (credentials, passwords, client info) are read from; `None` uses
    /// an empty [`MemoryStorage`].
    pub storage: Option<Arc<dyn Storage>>,
    /// Who hears, once, that the connection was lost or closed (set before any
    /// protocol connects; [`AppleTv::set_listener`] changes it later). Held weakly.
    pub listener: Option<Weak<dyn DeviceListener>>,
}

impl ConnectOptions {
    /// Connects with `protocol` only.
    pub fn protocol(mut self, protocol: Protocol) -> Self {
        self.protocol = Some(protocol);
        self
    }

    /// Reads settings from `storage`.
    pub fn storage(mut self, storage: Arc<dyn Storage>) -> Self {
        self.storage = Some(storage);
        self
    }

    /// Reports connection loss or close to `listener`.
    pub fn listener(mut self, listener: Weak<dyn DeviceListener>) -> Self {
        self.listener = Some(listener);
        self
    }
}

impl fmt::Debug for ConnectOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectOptions")
            .field("protocol", &self.protocol)
            .field("storage", &self.storage.is_some())
            .field("listener", &self.listener.is_some())
            .finish()
    }
}

/// Connects to the device `config` describes, over every enabled service this build
/// supports (or only `options.protocol`), and returns the facade.
///
/// The device's settings are read from the storage first (creating an entry when
/// there is none) and their credentials and passwords applied to a copy of `config`,
/// as pyatv does. Every protocol must connect: if one fails, the others are closed and
/// its error returned.
///
/// Fails with [`Error::NoService`] when `config` has no service (or none this build
/// can connect with), and [`Error::DeviceIdMissing`] when it has no identifier.
pub async fn connect(config: &DeviceConfig, options: ConnectOptions) -> Result<AppleTv> {
    if config.services().is_empty() {
        return Err(Error::NoService("no service to connect to".into()));
    }
    if config.identifier().is_none() {
        return Err(Error::DeviceIdMissing("no device identifier".into()));
    }
    let storage = options
        .storage
        .unwrap_or_else(|| Arc::new(MemoryStorage::new()));
    let settings = storage.get_settings(config).await?;
    let mut config = config.clone();
    config.apply(&settings);
    add_implied_raop(&mut config);

    let atv = AppleTv::new(config.clone(), settings.clone());
    atv.set_listener(options.listener);
    for protocol in SETUP_ORDER {
        if options.protocol.is_some_and(|p| p != protocol) {
            continue;
        }
        let Some(service) = config.get_service(protocol) else {
            continue;
        };
        if !service.enabled {
            tracing::debug!("ignoring {protocol}: it is disabled");
            continue;
        }
        match setup(
            protocol,
            &config,
            service,
            &settings,
            Some(atv.protocol_listener()),
        ) {
            Some(setups) => {
                for data in setups {
                    atv.add_protocol(data)?;
                }
            }
            None => tracing::debug!("ignoring {protocol}: this build cannot connect with it"),
        }
    }
    atv.connect().await?;
    Ok(atv)
}

/// A device whose AirPlay service also takes audio (unified advertiser info) need not
/// announce `_raop._tcp`; as pyatv does, such a device gets a RAOP service on the AirPlay
/// port, so streaming finds one.
fn add_implied_raop(config: &mut DeviceConfig) {
    #[cfg(feature = "airplay")]
    {
        let implied = config
            .get_service(Protocol::AirPlay)
            .and_then(|airplay| atv_airplay::implied_raop_service(config, airplay));
        if let Some(raop) = implied {
            tracing::debug!("adding the RAOP service the AirPlay service implies");
            config.add_service(raop);
        }
    }
    #[cfg(not(feature = "airplay"))]
    let _ = config;
}
