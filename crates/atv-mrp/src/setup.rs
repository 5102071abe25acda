//! What MRP hands the facade (DESIGN.md: each protocol's `setup(config, service, ...)`
//! returns its connect and close functions, the interface implementations it offers
//! and the features it supports), and its pairing entry point.
//!
//! atv-core has no `SetupData` yet; this one is MRP's until a shared one exists.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::{Arc, Weak};

use async_trait::async_trait;

use atv_core::interface::{
    Audio, DeviceListener, Features, Metadata, Power, PushUpdater, RemoteControl,
};
use atv_core::{DeviceConfig, DeviceInfo, FeatureName, Protocol, Service, Settings};

use crate::client::{MrpClient, MrpClientConfig};
use crate::features::supported_features;
use crate::pairing::MrpPairingHandler;

/// Connecting and closing one protocol's session.
#[async_trait]
pub trait ProtocolSession: Send + Sync {
    /// Connects and runs the protocol's start-up exchange.
    async fn connect(&self) -> atv_core::Result<()>;

    /// Closes the session; returns when it is torn down.
    async fn close(&self);

    /// What the protocol knows about the device (after connecting, more than before).
    fn device_info(&self) -> DeviceInfo;
}

/// The interface implementations a protocol offers; `None` for those it does not.
#[derive(Clone, Default)]
pub struct Interfaces {
    /// Buttons and playback commands.
    pub remote_control: Option<Arc<dyn RemoteControl>>,
    /// What plays.
    pub metadata: Option<Arc<dyn Metadata>>,
    /// Power.
    pub power: Option<Arc<dyn Power>>,
    /// Push updates.
    pub push_updater: Option<Arc<dyn PushUpdater>>,
    /// Volume and output devices.
    pub audio: Option<Arc<dyn Audio>>,
    /// Feature states.
    pub features: Option<Arc<dyn Features>>,
}

impl fmt::Debug for Interfaces {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Interfaces")
            .field("remote_control", &self.remote_control.is_some())
            .field("metadata", &self.metadata.is_some())
            .field("power", &self.power.is_some())
            .field("push_updater", &self.push_updater.is_some())
            .field("audio", &self.audio.is_some())
            .field("features", &self.features.is_some())
            .finish()
    }
}

/// One protocol's contribution to a connected device (pyatv's `SetupData`).
#[derive(Clone)]
pub struct SetupData {
    /// The protocol.
    pub protocol: Protocol,
    /// Connects and closes.
    pub session: Arc<dyn ProtocolSession>,
    /// The interfaces it implements.
    pub interfaces: Interfaces,
    /// The features it can offer.
    pub features: BTreeSet<FeatureName>,
}

impl fmt::Debug for SetupData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetupData")
            .field("protocol", &self.protocol)
            .field("interfaces", &self.interfaces)
            .field("features", &self.features)
            .finish_non_exhaustive()
    }
}

/// MRP's session: the client, plus the service properties for device information.
struct MrpSession {
    client: MrpClient,
    properties: atv_core::Properties,
}

#[async_trait]
impl ProtocolSession for MrpSession {
    async fn connect(&self) -> atv_core::Result<()> {
        Ok(self.client.connect().await?)
    }

    async fn close(&self) {
        self.client.close().await;
    }

    fn device_info(&self) -> DeviceInfo {
        self.client.device_info(&self.properties)
    }
}

/// The client configuration for `service` of `config`, announcing ourselves with the
/// settings' info.
pub fn client_config(
    config: &DeviceConfig,
    service: &Service,
    settings: &Settings,
) -> MrpClientConfig {
    MrpClientConfig {
        credentials: service.credentials.clone().filter(|c| !c.is_empty()),
        info: settings.info.clone(),
        device_id: config.identifier().map(str::to_owned),
        ..MrpClientConfig::new(config.address, service.port)
    }
}

/// Sets up MRP for `service` of the device `config`: nothing connects until the
/// session's `connect`. `listener` hears when the connection is lost or closed.
pub fn setup(
    config: &DeviceConfig,
    service: &Service,
    settings: &Settings,
    listener: Option<Weak<dyn DeviceListener>>,
) -> Vec<SetupData> {
    let client = MrpClient::new(client_config(config, service, settings));
    client.set_device_listener(listener);
    let interfaces = Interfaces {
        remote_control: Some(Arc::new(client.remote_control())),
        metadata: Some(Arc::new(client.metadata())),
        power: Some(Arc::new(client.power())),
        push_updater: Some(Arc::new(client.push_updater())),
        audio: Some(Arc::new(client.audio())),
        features: Some(Arc::new(client.features())),
    };
    vec![SetupData {
        protocol: Protocol::Mrp,
        session: Arc::new(MrpSession {
            client,
            properties: service.properties.clone(),
        }),
        interfaces,
        features: supported_features(),
    }]
}

/// A pairing handler for `service` of the device `config`.
pub fn pair(config: &DeviceConfig, service: &Service, settings: &Settings) -> MrpPairingHandler {
    MrpPairingHandler::new(config.address, service.clone(), settings.info.clone())
}
