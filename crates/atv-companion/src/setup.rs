//! What Companion hands the facade: its session, interfaces and features
//! (`setup`), and its pairing entry point (`pair`).

use std::sync::{Arc, Weak};

use async_trait::async_trait;

use atv_core::interface::DeviceListener;
use atv_core::setup::{Interfaces, ProtocolSession, SetupData};
use atv_core::{DeviceConfig, DeviceInfo, Properties, Protocol, Service, Settings};

use crate::client::{CompanionClient, CompanionClientConfig};
use crate::features::supported_features;
use crate::pairing::CompanionPairingHandler;

struct CompanionSession {
    client: CompanionClient,
    properties: Properties,
}

#[async_trait]
impl ProtocolSession for CompanionSession {
    async fn connect(&self) -> atv_core::Result<()> {
        Ok(self.client.connect().await?)
    }

    async fn close(&self) {
        self.client.close().await;
    }

    fn device_info(&self) -> DeviceInfo {
        crate::scan::device_info(crate::scan::SERVICE_TYPE, &self.properties)
    }
}

/// The client configuration for `service` of `config`, announcing ourselves with the
/// settings' info.
pub fn client_config(
    config: &DeviceConfig,
    service: &Service,
    settings: &Settings,
) -> CompanionClientConfig {
    CompanionClientConfig {
        credentials: service.credentials.clone().filter(|c| !c.is_empty()),
        info: settings.info.clone(),
        ..CompanionClientConfig::new(config.address, service.port)
    }
}

/// Sets up Companion for `service` of the device `config`; nothing connects until the
/// session's `connect`. Companion does not work without credentials, so without them
/// nothing is set up (as in pyatv). `listener` hears when the connection is lost or
/// closed.
pub fn setup(
    config: &DeviceConfig,
    service: &Service,
    settings: &Settings,
    listener: Option<Weak<dyn DeviceListener>>,
) -> Vec<SetupData> {
    let client_config = client_config(config, service, settings);
    if client_config.credentials.is_none() {
        tracing::debug!("not setting up Companion: no credentials");
        return Vec::new();
    }
    let client = CompanionClient::new(client_config);
    client.set_device_listener(listener);
    let interfaces = Interfaces {
        apps: Some(Arc::new(client.apps())),
        user_accounts: Some(Arc::new(client.user_accounts())),
        features: Some(Arc::new(client.features())),
        power: Some(Arc::new(client.power())),
        remote_control: Some(Arc::new(client.remote_control())),
        audio: Some(Arc::new(client.audio())),
        keyboard: Some(Arc::new(client.keyboard())),
        touch: Some(Arc::new(client.touch())),
        ..Interfaces::default()
    };
    vec![SetupData {
        protocol: Protocol::Companion,
        session: Arc::new(CompanionSession {
            client,
            properties: service.properties.clone(),
        }),
        interfaces,
        features: supported_features(),
    }]
}

/// A pairing handler for `service` of the device `config` (our name from the settings).
pub fn pair(
    config: &DeviceConfig,
    service: &Service,
    settings: &Settings,
) -> CompanionPairingHandler {
    CompanionPairingHandler::new(config.address, service.clone(), settings.info.name.clone())
}
