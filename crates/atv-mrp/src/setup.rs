//! What MRP hands the facade (DESIGN.md: each protocol's `setup(config, service, ...)`
//! returns its connect and close functions, the interface implementations it offers
//! and the features it supports), and its pairing entry point.

use std::sync::{Arc, Weak};

use async_trait::async_trait;

use atv_core::interface::DeviceListener;
use atv_core::setup::{Interfaces, ProtocolSession, SetupData};
use atv_core::{DeviceConfig, DeviceInfo, Protocol, Service, Settings};

use crate::client::{MrpClient, MrpClientConfig};
use crate::features::supported_features;
use crate::pairing::MrpPairingHandler;

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
    setup_with(
        client_config(config, service, settings),
        service.properties.clone(),
        listener,
    )
}

/// Sets up MRP with a client configuration of the caller's (the AirPlay tunnel passes
/// one with its transport); `properties` feed device information.
pub fn setup_with(
    client_config: MrpClientConfig,
    properties: atv_core::Properties,
    listener: Option<Weak<dyn DeviceListener>>,
) -> Vec<SetupData> {
    let client = MrpClient::new(client_config);
    client.set_device_listener(listener);
    let interfaces = Interfaces {
        remote_control: Some(Arc::new(client.remote_control())),
        metadata: Some(Arc::new(client.metadata())),
        power: Some(Arc::new(client.power())),
        push_updater: Some(Arc::new(client.push_updater())),
        audio: Some(Arc::new(client.audio())),
        features: Some(Arc::new(client.features())),
        ..Interfaces::default()
    };
    vec![SetupData {
        protocol: Protocol::Mrp,
        session: Arc::new(MrpSession { client, properties }),
        interfaces,
        features: supported_features(),
    }]
}

/// A pairing handler for `service` of the device `config`.
pub fn pair(config: &DeviceConfig, service: &Service, settings: &Settings) -> MrpPairingHandler {
    MrpPairingHandler::new(config.address, service.clone(), settings.info.clone())
}
