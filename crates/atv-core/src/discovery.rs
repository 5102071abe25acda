//! The contract between mDNS scanning and the protocols.
//!
//! atv-mdns turns DNS answers into [`MdnsService`]s grouped per responding device
//! ([`MdnsResponse`]); each protocol crate says which service types it understands and how
//! to turn one into a [`Service`] ([`ProtocolScan`]). The umbrella crate's scan joins them
//! into device configurations, the way pyatv's `core/scan.py` does.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use crate::{DeviceInfo, Properties, Protocol, Service};

/// A DNS-SD service instance as found on the network, before a protocol interprets it
/// (pyatv's `mdns.Service`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MdnsService {
    /// Service type without trailing dot, e.g. `_airplay._tcp.local`.
    pub service_type: String,
    /// Instance name (first label, raw UTF-8), e.g. `Living Room`.
    pub name: String,
    /// IPv4 address of the host (not link-local), if an A record was seen.
    pub address: Option<Ipv4Addr>,
    /// Port from the SRV record; 0 when no SRV was seen or a sleep proxy answers.
    pub port: u16,
    /// TXT record, decoded as pyatv decodes it.
    pub properties: Properties,
}

impl MdnsService {
    /// A protocol [`Service`] for this instance: its port and TXT properties, with
    /// `identifier`.
    pub fn to_service(&self, protocol: Protocol, identifier: Option<String>) -> Service {
        Service::new(identifier, protocol, self.port, self.properties.clone())
    }
}

/// The usual [`DeviceInfoName`]: the device's `_device-info._tcp.local` instance has
/// the same name as the service instance (pyatv's
/// `device_info_name_from_unique_short_name`).
pub fn same_instance_name(name: &str) -> Option<String> {
    Some(name.to_owned())
}

/// Everything one device answered (pyatv's `mdns.Response`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MdnsResponse {
    /// The services found.
    pub services: Vec<MdnsService>,
    /// True when the answers came from a sleep proxy (device in deep sleep).
    pub deep_sleep: bool,
    /// The `model` property of `_device-info._tcp.local`, if present.
    pub model: Option<String>,
}

/// Turns one found service into the device name and a protocol [`Service`], or `None`
/// to ignore it (pyatv's `ScanHandler`).
pub type ServiceHandler = fn(&MdnsService, &MdnsResponse) -> Option<(String, Service)>;

/// Maps a service instance name to the name of the `_device-info._tcp.local` instance of
/// the same device (pyatv's `DeviceInfoNameFromShortName`).
pub type DeviceInfoName = fn(&str) -> Option<String>;

/// Extracts what a service's TXT record says about the device (pyatv's protocol
/// `device_info(service_type, properties)`).
pub type DeviceInfoExtractor = fn(&str, &Properties) -> DeviceInfo;

/// Adjusts a service once the whole device is known (pyatv's protocol `service_info`):
/// pairing requirement, password requirement, enabled flag.
pub type ServiceInfoUpdater = fn(&mut Service, &DeviceInfo, &BTreeMap<Protocol, Service>);

/// One service type a protocol scans for.
#[derive(Debug, Clone, Copy)]
pub struct ScanHandler {
    /// Service type without trailing dot, e.g. `_mediaremotetv._tcp.local`.
    pub service_type: &'static str,
    /// Turns a found service into a protocol service.
    pub handler: ServiceHandler,
    /// Name of the device-info instance for this service's instance name.
    pub device_info_name: DeviceInfoName,
}

/// What a protocol contributes to scanning.
#[derive(Debug, Clone)]
pub struct ProtocolScan {
    /// The protocol.
    pub protocol: Protocol,
    /// Service types it handles.
    pub handlers: Vec<ScanHandler>,
    /// Device information from its TXT records.
    pub device_info: DeviceInfoExtractor,
    /// Final adjustment of its services.
    pub service_info: ServiceInfoUpdater,
}
