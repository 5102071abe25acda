//! What AirPlay hands the facade (pyatv's `setup`): the AirPlay service itself (play URL,
//! stop, features) and, when the device supports it or the setting forces it, MRP
//! through the remote-control tunnel, reported as [`Protocol::Mrp`].

use std::collections::BTreeSet;
use std::sync::{Arc, Weak};

use async_trait::async_trait;

use atv_core::interface::DeviceListener;
use atv_core::setup::{Interfaces, ProtocolSession, SetupData};
use atv_core::{
    DeviceConfig, DeviceInfo, FeatureName, MrpTunnel, Properties, Protocol, Service, Settings,
};
use atv_pairing::Credentials;

use crate::auth::parse_credentials;
use crate::features::Features;
use crate::pairing::AirPlayPairingHandler;
use crate::stream::{AirPlayFeatures, AirPlayRemoteControl, AirPlayStream};
use crate::tunnel::TunnelTransport;
use crate::version::{
    default_credentials, features_of, is_remote_control_supported, protocol_version,
};

struct AirPlaySession {
    stream: AirPlayStream,
    properties: Properties,
}

#[async_trait]
impl ProtocolSession for AirPlaySession {
    async fn connect(&self) -> atv_core::Result<()> {
        Ok(())
    }

    async fn close(&self) {
        self.stream.stop_playback().await;
    }

    fn device_info(&self) -> DeviceInfo {
        crate::scan::device_info("_airplay._tcp.local", &self.properties)
    }
}

/// The credentials to use with `service`: its stored ones, else transient ones when the
/// device supports them. Unparsable stored credentials count as none (connect then
/// fails with an authentication error where they are needed).
pub fn credentials_for(service: &Service) -> Option<Credentials> {
    match parse_credentials(service.credentials.as_deref()) {
        Ok(Some(credentials)) => Some(credentials),
        Ok(None) => default_credentials(service),
        Err(error) => {
            tracing::warn!(%error, "ignoring invalid AirPlay credentials");
            None
        }
    }
}

/// Sets up AirPlay for `service` of the device `config`; nothing connects until a
/// session's `connect`.
pub fn setup(
    config: &DeviceConfig,
    service: &Service,
    settings: &Settings,
    listener: Option<Weak<dyn DeviceListener>>,
) -> Vec<SetupData> {
    let credentials = credentials_for(service);
    let version = protocol_version(service, settings.protocols.raop.protocol_version);
    let stream = AirPlayStream::new(config.address, service.port, credentials.clone(), version)
        .with_client_name(&settings.info.name);
    let features = features_of(service);
    let mut setups = vec![SetupData {
        protocol: Protocol::AirPlay,
        session: Arc::new(AirPlaySession {
            stream: stream.clone(),
            properties: service.properties.clone(),
        }),
        interfaces: Interfaces {
            features: Some(Arc::new(AirPlayFeatures(features))),
            remote_control: Some(Arc::new(AirPlayRemoteControl(stream.clone()))),
            stream: Some(Arc::new(stream)),
            ..Interfaces::default()
        },
        features: BTreeSet::from([FeatureName::PlayUrl, FeatureName::Stop]),
    }];
    if wants_tunnel(service, settings, credentials.as_ref()) {
        setups.extend(tunnel_setup(
            config,
            service,
            settings,
            credentials,
            listener,
        ));
    }
    setups
}

/// Whether to set up the MRP tunnel (pyatv's rules, with the setting's override).
pub fn wants_tunnel(
    service: &Service,
    settings: &Settings,
    credentials: Option<&Credentials>,
) -> bool {
    match settings.protocols.airplay.mrp_tunnel {
        MrpTunnel::Disable => false,
        MrpTunnel::Force => true,
        _ => {
            is_remote_control_supported(service, credentials)
                && matches!(
                    credentials,
                    Some(Credentials::Hap(_) | Credentials::Transient)
                )
        }
    }
}

fn tunnel_setup(
    config: &DeviceConfig,
    service: &Service,
    settings: &Settings,
    credentials: Option<Credentials>,
    listener: Option<Weak<dyn DeviceListener>>,
) -> Vec<SetupData> {
    // MRP needs a service of its own; use the device's if it has one.
    let mrp_service = config
        .get_service(Protocol::Mrp)
        .cloned()
        .unwrap_or_else(|| Service::new(None, Protocol::Mrp, service.port, Properties::new()));
    let transport = TunnelTransport::new(
        config.address,
        service.port,
        credentials,
        settings.info.clone(),
    );
    let client_config = atv_mrp::MrpClientConfig {
        credentials: None,
        // The control channel's feedback keeps the session alive.
        heartbeat_interval: None,
        transport: Some(Arc::new(transport)),
        ..atv_mrp::client_config(config, &mrp_service, settings)
    };
    atv_mrp::setup_with(client_config, mrp_service.properties.clone(), listener)
}

/// A pairing handler for `service` of the device `config`: HAP for AirPlay 2, legacy
/// for AirPlay 1 (by the features, or `protocols.raop.protocol_version`).
pub fn pair(
    config: &DeviceConfig,
    service: &Service,
    settings: &Settings,
) -> AirPlayPairingHandler {
    let version = protocol_version(service, settings.protocols.raop.protocol_version);
    AirPlayPairingHandler::new(config.address, service.clone(), settings, version)
}

/// A RAOP service for a device that announces unified AirPlay (the AirPlay service also
/// takes audio) but no `_raop._tcp` record, as pyatv adds one; `None` when not needed.
pub fn implied_raop_service(config: &DeviceConfig, service: &Service) -> Option<Service> {
    if !features_of(service).contains(Features::HAS_UNIFIED_ADVERTISER_INFO)
        || config.get_service(Protocol::Raop).is_some()
    {
        return None;
    }
    let mut raop = Service::new(
        None,
        Protocol::Raop,
        service.port,
        service.properties.clone(),
    );
    raop.credentials.clone_from(&service.credentials);
    raop.password.clone_from(&service.password);
    Some(raop)
}
