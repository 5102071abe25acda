//! Turning mDNS responses into device configurations (pyatv's `BaseScanner`).
//!
//! Each service with an address and a port goes to the handler of its service type;
//! services a handler accepts are grouped by address into one device, named after the
//! first. TXT records of every service of an address feed device information (each
//! protocol's extractor, first value winning, then the `_device-info._tcp.local`
//! model). Once all services of a device are in, each protocol's service-info step sets
//! pairing and password requirements. Devices without any identifier, or without one
//! of the wanted identifiers, are dropped.

use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr};

use atv_core::discovery::{
    DeviceInfoExtractor, MdnsResponse, MdnsService, ProtocolScan, ServiceHandler,
    ServiceInfoUpdater,
};
use atv_core::lookup_internal_name;
use atv_core::{DeviceConfig, DeviceInfo, DeviceModel, Properties, Protocol, Service};

use crate::protocols::{protocol_scans, unique_id};

/// Service type of the record carrying a device's hardware model.
pub(crate) const DEVICE_INFO_SERVICE: &str = "_device-info._tcp.local";
/// Service type a sleep proxy answers for devices in deep sleep.
pub(crate) const SLEEP_PROXY_SERVICE: &str = "_sleep-proxy._udp.local";

/// How to read one service type.
struct TypeEntry {
    /// Turns a found service into a protocol service; `None` for the device-info and
    /// sleep-proxy types, which carry no service.
    handler: Option<ServiceHandler>,
    /// Extracts device information from the TXT record; `None` as for `handler`.
    extractor: Option<DeviceInfoExtractor>,
}

/// The scanning rules for a chosen set of protocols.
pub(crate) struct Scanner {
    /// Service types in the order they are asked for, with how to read each.
    types: Vec<(String, TypeEntry)>,
    /// Final adjustment per protocol.
    service_infos: BTreeMap<Protocol, ServiceInfoUpdater>,
}

impl Scanner {
    /// Rules for `protocols` (every compiled-in protocol when `None`).
    pub(crate) fn new(protocols: Option<&BTreeSet<Protocol>>) -> Self {
        let selected = |scan: &ProtocolScan| protocols.is_none_or(|p| p.contains(&scan.protocol));
        let mut types = vec![
            (
                DEVICE_INFO_SERVICE.to_owned(),
                TypeEntry {
                    handler: None,
                    extractor: None,
                },
            ),
            (
                SLEEP_PROXY_SERVICE.to_owned(),
                TypeEntry {
                    handler: None,
                    extractor: None,
                },
            ),
        ];
        let mut service_infos = BTreeMap::new();
        for scan in protocol_scans().into_iter().filter(selected) {
            service_infos.insert(scan.protocol, scan.service_info);
            for handler in &scan.handlers {
                types.push((
                    handler.service_type.to_owned(),
                    TypeEntry {
                        handler: Some(handler.handler),
                        extractor: Some(scan.device_info),
                    },
                ));
            }
        }
        Self {
            types,
            service_infos,
        }
    }

    /// The service types to ask for: device info, sleep proxy, then those of the chosen
    /// protocols.
    pub(crate) fn service_types(&self) -> Vec<String> {
        self.types.iter().map(|(t, _)| t.clone()).collect()
    }

    fn entry(&self, service_type: &str) -> Option<&TypeEntry> {
        self.types
            .iter()
            .find(|(t, _)| t == service_type)
            .map(|(_, entry)| entry)
    }

    /// Device configurations for everything in `responses`, in the order devices were
    /// first seen, keeping only devices with an identifier (and, when `identifiers` is
    /// given and not empty, with one of them).
    pub(crate) fn devices(
        &self,
        responses: &[MdnsResponse],
        identifiers: Option<&BTreeSet<String>>,
    ) -> Vec<DeviceConfig> {
        let mut found = FoundDevices::default();
        for response in responses {
            for service in &response.services {
                self.service_discovered(&mut found, service, response);
            }
        }
        found
            .into_devices()
            .map(|(address, device, properties)| self.config(address, device, properties))
            .filter(|config| wanted(config, identifiers))
            .collect()
    }

    fn service_discovered(
        &self,
        found: &mut FoundDevices,
        service: &MdnsService,
        response: &MdnsResponse,
    ) {
        let Some(entry) = self.entry(&service.service_type) else {
            tracing::warn!(
                "discovered unsupported service {} for device {}",
                service.service_type,
                service.name
            );
            return;
        };
        let Some(address) = service.address else {
            return;
        };
        if service.port == 0 {
            return;
        }
        let handled = entry.handler.and_then(|handler| handler(service, response));
        if let Some((name, protocol_service)) = handled {
            tracing::debug!(
                "found {} at {}:{} via {}",
                service.name,
                address,
                service.port,
                protocol_service.protocol
            );
            found
                .found(address, || Found {
                    name,
                    deep_sleep: response.deep_sleep,
                    model: lookup_internal_name(response.model.as_deref().unwrap_or("")),
                    services: Vec::new(),
                })
                .services
                .push(protocol_service);
        }
        let device = found.entry(address);
        match device
            .properties
            .iter_mut()
            .find(|(t, _)| *t == service.service_type)
        {
            Some((_, properties)) => properties.clone_from(&service.properties),
            None => device
                .properties
                .push((service.service_type.clone(), service.properties.clone())),
        }
    }

    /// Builds the configuration of one device.
    fn config(
        &self,
        address: Ipv4Addr,
        found: Found,
        properties: Vec<(String, Properties)>,
    ) -> DeviceConfig {
        let device_info = self.device_info(&properties, found.model);
        let mut config = DeviceConfig::new(IpAddr::V4(address), found.name);
        config.deep_sleep = found.deep_sleep;
        config.properties = properties.into_iter().collect();
        config.device_info = device_info.clone();
        for service in found.services {
            config.add_service(service);
        }
        let by_protocol: BTreeMap<Protocol, Service> = config
            .services()
            .iter()
            .map(|s| (s.protocol, s.clone()))
            .collect();
        for service in config.services_mut() {
            if let Some(service_info) = self.service_infos.get(&service.protocol) {
                service_info(service, &device_info, &by_protocol);
            }
        }
        config
    }

    /// Device information from every TXT record of an address, in the order the records
    /// were seen (first value wins), then the model from `_device-info._tcp.local`.
    fn device_info(&self, properties: &[(String, Properties)], model: DeviceModel) -> DeviceInfo {
        let mut info = DeviceInfo::default();
        for (service_type, txt) in properties {
            if let Some(extractor) = self.entry(service_type).and_then(|e| e.extractor) {
                info.merge(&extractor(service_type, txt));
            }
        }
        if model != DeviceModel::Unknown {
            info.merge(&DeviceInfo {
                model: Some(model),
                ..DeviceInfo::default()
            });
        }
        info
    }
}

/// Whether a device has an identifier, and one of `identifiers` when that is given.
fn wanted(config: &DeviceConfig, identifiers: Option<&BTreeSet<String>>) -> bool {
    if !config.ready() {
        return false;
    }
    match identifiers.filter(|ids| !ids.is_empty()) {
        Some(ids) => config.all_identifiers().iter().any(|id| ids.contains(*id)),
        None => true,
    }
}

/// Whether any service of `response` announces one of `identifiers` (pyatv's early
/// end condition for identifier scans).
pub(crate) fn announces_any(response: &MdnsResponse, identifiers: &BTreeSet<String>) -> bool {
    response.services.iter().any(|service| {
        unique_id(&service.service_type, &service.name, &service.properties)
            .is_some_and(|id| !id.is_empty() && identifiers.contains(&id))
    })
}

/// What is known about one address while responses are read.
struct AddressEntry {
    address: Ipv4Addr,
    /// Set once a handler produced a service for this address.
    found: Option<Found>,
    /// TXT record per service type, in the order first seen.
    properties: Vec<(String, Properties)>,
}

/// A device: its first handled service gave its name.
struct Found {
    name: String,
    deep_sleep: bool,
    model: DeviceModel,
    services: Vec<Service>,
}

/// Everything seen per address, and the order in which addresses became devices.
#[derive(Default)]
struct FoundDevices {
    entries: Vec<AddressEntry>,
    device_order: Vec<Ipv4Addr>,
}

impl FoundDevices {
    /// Index of the entry of `address`, created empty when new.
    fn index(&mut self, address: Ipv4Addr) -> usize {
        match self.entries.iter().position(|d| d.address == address) {
            Some(index) => index,
            None => {
                self.entries.push(AddressEntry {
                    address,
                    found: None,
                    properties: Vec::new(),
                });
                self.entries.len() - 1
            }
        }
    }

    /// The entry of `address`, created empty when new.
    fn entry(&mut self, address: Ipv4Addr) -> &mut AddressEntry {
        let index = self.index(address);
        &mut self.entries[index]
    }

    /// The device at `address`, created by `new` when this is its first service.
    fn found(&mut self, address: Ipv4Addr, new: impl FnOnce() -> Found) -> &mut Found {
        let index = self.index(address);
        let entry = &mut self.entries[index];
        if entry.found.is_none() {
            self.device_order.push(address);
        }
        entry.found.get_or_insert_with(new)
    }

    /// Devices (address, device, TXT records) in the order they became devices.
    fn into_devices(self) -> impl Iterator<Item = (Ipv4Addr, Found, Vec<(String, Properties)>)> {
        let mut entries = self.entries;
        self.device_order.into_iter().filter_map(move |address| {
            let index = entries.iter().position(|e| e.address == address)?;
            let entry = entries.swap_remove(index);
            Some((entry.address, entry.found?, entry.properties))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(all(feature = "airplay", feature = "raop"))]
    fn service(service_type: &str, name: &str, txt: &[(&str, &str)]) -> MdnsService {
        MdnsService {
            service_type: service_type.to_owned(),
            name: name.to_owned(),
            address: Some(Ipv4Addr::new(10, 0, 0, 1)),
            port: 7000,
            properties: txt.iter().copied().collect(),
        }
    }

    /// Service types per protocol, in pyatv's registration order.
    const TYPES: &[(Protocol, &[&str])] = &[
        (Protocol::AirPlay, &["_airplay._tcp.local"]),
        (Protocol::Companion, &["_companion-link._tcp.local"]),
        (
            Protocol::Dmap,
            &[
                "_appletv-v2._tcp.local",
                "_touch-able._tcp.local",
                "_hscp._tcp.local",
            ],
        ),
        (Protocol::Mrp, &["_mediaremotetv._tcp.local"]),
        (Protocol::Raop, &["_raop._tcp.local", "_airport._tcp.local"]),
    ];

    fn expected_types(wanted: impl Fn(Protocol) -> bool) -> Vec<&'static str> {
        let compiled: Vec<Protocol> = protocol_scans().iter().map(|s| s.protocol).collect();
        [DEVICE_INFO_SERVICE, SLEEP_PROXY_SERVICE]
            .into_iter()
            .chain(
                TYPES
                    .iter()
                    .filter(|(p, _)| compiled.contains(p) && wanted(*p))
                    .flat_map(|(_, types)| types.iter().copied()),
            )
            .collect()
    }

    #[test]
    fn asks_for_device_info_sleep_proxy_and_chosen_protocols_in_pyatv_order() {
        assert_eq!(Scanner::new(None).service_types(), expected_types(|_| true));
        let only = BTreeSet::from([Protocol::Raop, Protocol::Mrp]);
        assert_eq!(
            Scanner::new(Some(&only)).service_types(),
            expected_types(|p| only.contains(&p))
        );
    }

    #[cfg(all(feature = "airplay", feature = "raop"))]
    #[test]
    fn end_condition_looks_at_every_service_identifier() {
        let response = MdnsResponse {
            services: vec![
                service("_airplay._tcp.local", "TV", &[("deviceid", "AA:BB")]),
                service("_raop._tcp.local", "AABB@TV", &[]),
                service("_companion-link._tcp.local", "TV", &[("rpMRtID", "")]),
            ],
            deep_sleep: false,
            model: None,
        };
        let wanted = |ids: &[&str]| ids.iter().map(|s| (*s).to_owned()).collect::<BTreeSet<_>>();
        assert!(announces_any(&response, &wanted(&["AABB"])));
        assert!(announces_any(&response, &wanted(&["x", "AA:BB"])));
        assert!(!announces_any(&response, &wanted(&["TV"])));
        // An empty identifier never matches (pyatv skips falsy ones).
        assert!(!announces_any(&response, &wanted(&[""])));
    }

    #[cfg(all(feature = "airplay", feature = "raop", feature = "mrp"))]
    #[test]
    fn devices_become_devices_in_order_of_their_first_handled_service() {
        let mut sleep_proxy = service(SLEEP_PROXY_SERVICE, "70-35-60-63.1 A", &[]);
        sleep_proxy.address = Some(Ipv4Addr::new(10, 0, 0, 2));
        let mut second = service("_airplay._tcp.local", "B", &[("deviceid", "B")]);
        second.address = Some(Ipv4Addr::new(10, 0, 0, 2));
        let responses = [
            // 10.0.0.2 is seen first, but only through a record that makes no service.
            MdnsResponse {
                services: vec![sleep_proxy],
                ..MdnsResponse::default()
            },
            MdnsResponse {
                services: vec![service(
                    "_mediaremotetv._tcp.local",
                    "A",
                    &[("Name", "Device A"), ("UniqueIdentifier", "A")],
                )],
                ..MdnsResponse::default()
            },
            MdnsResponse {
                services: vec![second],
                deep_sleep: true,
                ..MdnsResponse::default()
            },
        ];
        let devices = Scanner::new(None).devices(&responses, None);
        let names: Vec<_> = devices.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["Device A", "B"]);
        assert!(devices[1].deep_sleep);
        assert!(devices[1].properties.contains_key(SLEEP_PROXY_SERVICE));
    }
}
