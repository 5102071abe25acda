//! Assembling DNS-SD services from the records of one device (pyatv's `ServiceParser`).
//!
//! Records from any number of packets are added; duplicates are ignored. A service exists
//! for every owner name that splits as a service instance (`Name._type._tcp.local`); its port
//! comes from the first SRV record, its properties from the first TXT record, its address
//! from the first A record of the SRV target that is not link-local (169.254/16). A PTR to an
//! instance of which nothing else is known still yields a service (port 0, no address), which
//! is how a sleep proxy's bare answers look.

use std::collections::HashMap;
use std::net::Ipv4Addr;

use atv_core::Properties;
use atv_core::discovery::{MdnsResponse, MdnsService};

use crate::error::Error;
use crate::message::{Name, Packet, Record, RecordData};
use crate::names::{first_label, service_type_name, split_service_name};
use crate::txt::txt_properties;

/// The service type whose TXT record carries the device model.
pub const DEVICE_INFO_SERVICE: &str = "_device-info._tcp.local";
/// The service type of Bonjour Sleep Proxies; asked for in every scan.
pub const SLEEP_PROXY_SERVICE: &str = "_sleep-proxy._udp.local";

/// Records of one device, grouped by owner name in order of first appearance.
#[derive(Debug, Clone, Default)]
pub struct ServiceTable {
    order: Vec<Name>,
    by_name: HashMap<Name, Vec<RecordData>>,
    /// PTR records of service types: (service type name, instance name).
    pointers: Vec<(Name, Name)>,
}

impl ServiceTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the answer and additional records of a packet. Returns whether anything new
    /// was learnt.
    pub fn add_packet(&mut self, packet: &Packet) -> bool {
        let mut changed = false;
        for record in packet.answer_and_additional_records() {
            changed |= self.add_record(record);
        }
        changed
    }

    /// Adds one record; returns whether it was new.
    pub fn add_record(&mut self, record: &Record) -> bool {
        if let RecordData::Ptr(target) = &record.data
            && is_service_type_pointer(&record.name)
        {
            let entry = (record.name.clone(), target.clone());
            if self.pointers.contains(&entry) {
                return false;
            }
            self.pointers.push(entry);
            return true;
        }
        let data = match self.by_name.get_mut(&record.name) {
            Some(data) => data,
            None => {
                self.order.push(record.name.clone());
                self.by_name.entry(record.name.clone()).or_default()
            }
        };
        if data.contains(&record.data) {
            return false;
        }
        data.push(record.data.clone());
        true
    }

    /// The services, in order of first appearance; then placeholders for instances known
    /// only from a PTR record.
    pub fn services(&self) -> Vec<MdnsService> {
        let mut services = Vec::new();
        let mut known: Vec<&Name> = Vec::new();
        for name in &self.order {
            let Some(split) = split_service_name(name) else {
                continue;
            };
            let Some(instance) = split.instance else {
                continue;
            };
            let srv = self.srv(name);
            services.push(MdnsService {
                service_type: split.service_type,
                name: instance,
                address: srv.and_then(|(_, target)| self.address_of(target)),
                port: srv.map_or(0, |(port, _)| port),
                properties: self.txt(name).map(txt_properties).unwrap_or_default(),
            });
            known.push(name);
        }
        for (service_type, instance) in &self.pointers {
            if known.contains(&instance) {
                continue;
            }
            known.push(instance);
            services.push(MdnsService {
                service_type: service_type
                    .iter()
                    .map(|l| String::from_utf8_lossy(l).into_owned())
                    .collect::<Vec<_>>()
                    .join("."),
                name: first_label(instance),
                address: None,
                port: 0,
                properties: Properties::new(),
            });
        }
        services
    }

    /// Whether every instance announced by a PTR record of one of `service_types` has an
    /// SRV record, a TXT record and an A record for the SRV target.
    pub fn pointed_instances_complete(&self, service_types: &[Name]) -> bool {
        self.pointers
            .iter()
            .filter(|(service_type, _)| service_types.contains(service_type))
            .all(|(_, instance)| {
                let Some((_, target)) = self.srv(instance) else {
                    return false;
                };
                self.txt(instance).is_some() && self.has_address_record(target)
            })
    }

    /// Whether any PTR record of one of `service_types` was seen.
    pub fn has_pointers_for(&self, service_types: &[Name]) -> bool {
        self.pointers.iter().any(|(t, _)| service_types.contains(t))
    }

    fn srv(&self, name: &Name) -> Option<(u16, &Name)> {
        self.by_name.get(name)?.iter().find_map(|data| match data {
            RecordData::Srv { port, target, .. } => Some((*port, target)),
            _ => None,
        })
    }

    fn txt(&self, name: &Name) -> Option<&[Vec<u8>]> {
        self.by_name.get(name)?.iter().find_map(|data| match data {
            RecordData::Txt(strings) => Some(strings.as_slice()),
            _ => None,
        })
    }

    fn has_address_record(&self, host: &Name) -> bool {
        self.by_name
            .get(host)
            .is_some_and(|data| data.iter().any(|d| matches!(d, RecordData::A(_))))
    }

    fn address_of(&self, host: &Name) -> Option<Ipv4Addr> {
        self.by_name.get(host)?.iter().find_map(|data| match data {
            RecordData::A(address) if !address.is_link_local() => Some(*address),
            _ => None,
        })
    }
}

/// Whether a PTR owner is a service type (DNS-SD browse) rather than e.g. a reverse lookup.
/// The service types a scan keeps: those asked for (lower-cased, without trailing dot)
/// plus `_device-info._tcp.local` and `_sleep-proxy._udp.local`, which every scan reads.
pub fn kept_service_types(service_types: &[String]) -> Vec<String> {
    service_types
        .iter()
        .map(|t| t.trim_end_matches('.').to_ascii_lowercase())
        .chain([DEVICE_INFO_SERVICE.into(), SLEEP_PROXY_SERVICE.into()])
        .collect()
}

/// The types among `kept` whose PTR'd instances must be complete (SRV, TXT, address)
/// before a device's answer counts as complete: all but device-info, which has no
/// address of its own.
pub fn completeness_types(kept: &[String]) -> Result<Vec<Name>, Error> {
    kept.iter()
        .filter(|t| *t != DEVICE_INFO_SERVICE)
        .map(|t| service_type_name(t))
        .collect()
}

fn is_service_type_pointer(name: &Name) -> bool {
    name.iter()
        .next()
        .is_some_and(|label| label.first() == Some(&b'_'))
}

/// The model from the `_device-info._tcp.local` service, if any.
pub fn device_model(services: &[MdnsService]) -> Option<String> {
    services
        .iter()
        .find(|s| s.service_type.eq_ignore_ascii_case(DEVICE_INFO_SERVICE))
        .and_then(|s| s.properties.get("model"))
        .map(str::to_owned)
}

/// Builds a response from services.
pub fn response_from_services(services: Vec<MdnsService>, deep_sleep: bool) -> MdnsResponse {
    let model = device_model(&services);
    MdnsResponse {
        services,
        deep_sleep,
        model,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::{dotted_name, instance_name};

    fn a(host: &str, address: [u8; 4]) -> Record {
        Record::new(
            dotted_name(host).unwrap(),
            120,
            true,
            RecordData::A(address.into()),
        )
    }

    fn srv(instance: &str, service_type: &str, port: u16, host: &str) -> Record {
        Record::new(
            instance_name(instance, service_type).unwrap(),
            120,
            true,
            RecordData::Srv {
                priority: 0,
                weight: 0,
                port,
                target: dotted_name(host).unwrap(),
            },
        )
    }

    fn txt(instance: &str, service_type: &str, strings: &[&[u8]]) -> Record {
        Record::new(
            instance_name(instance, service_type).unwrap(),
            4500,
            true,
            RecordData::Txt(strings.iter().map(|s| s.to_vec()).collect()),
        )
    }

    fn ptr(instance: &str, service_type: &str) -> Record {
        Record::new(
            dotted_name(service_type).unwrap(),
            4500,
            false,
            RecordData::Ptr(instance_name(instance, service_type).unwrap()),
        )
    }

    fn table(records: &[Record]) -> ServiceTable {
        let mut table = ServiceTable::new();
        for record in records {
            table.add_record(record);
        }
        table
    }

    // The cases of pyatv's tests/core/test_mdns.py (parse_*).
    #[test]
    fn parses_like_pyatv() {
        assert!(table(&[]).services().is_empty());
        // Only an address: no service.
        assert!(
            table(&[a("service.local", [10, 0, 0, 1])])
                .services()
                .is_empty()
        );

        let services = table(&[
            a("service.local", [10, 0, 10, 1]),
            ptr("service", "_abc._tcp.local"),
            srv("service", "_abc._tcp.local", 123, "service.local"),
            txt("service", "_abc._tcp.local", &[b"foo=bar"]),
        ])
        .services();
        assert_eq!(services.len(), 1);
        let service = &services[0];
        assert_eq!(service.service_type, "_abc._tcp.local");
        assert_eq!(service.name, "service");
        assert_eq!(service.address, Some(Ipv4Addr::new(10, 0, 10, 1)));
        assert_eq!(service.port, 123);
        assert_eq!(service.properties.get("foo"), Some("bar"));
    }

    #[test]
    fn two_services_keep_order() {
        let services = table(&[
            a("service1.local", [10, 0, 10, 1]),
            ptr("service1", "_abc._tcp.local"),
            srv("service1", "_abc._tcp.local", 123, "service1.local"),
            a("service2.local", [10, 0, 10, 2]),
            ptr("service2", "_def._tcp.local"),
            srv("service2", "_def._tcp.local", 456, "service2.local"),
            txt("service2", "_def._tcp.local", &[b"fizz=buzz"]),
        ])
        .services();
        let summary: Vec<_> = services
            .iter()
            .map(|s| (s.service_type.as_str(), s.name.as_str(), s.port, s.address))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "_abc._tcp.local",
                    "service1",
                    123,
                    Some(Ipv4Addr::new(10, 0, 10, 1))
                ),
                (
                    "_def._tcp.local",
                    "service2",
                    456,
                    Some(Ipv4Addr::new(10, 0, 10, 2))
                ),
            ]
        );
    }

    #[test]
    fn skips_link_local_addresses() {
        let records = [
            a("service.local", [169, 254, 1, 1]),
            srv("service", "_abc._tcp.local", 123, "service.local"),
        ];
        assert_eq!(table(&records).services()[0].address, None);
        let mut with_routable = records.to_vec();
        with_routable.push(a("service.local", [10, 0, 0, 7]));
        assert_eq!(
            table(&with_routable).services()[0].address,
            Some(Ipv4Addr::new(10, 0, 0, 7))
        );
    }

    #[test]
    fn duplicates_are_ignored() {
        let record = srv("service", "_abc._tcp.local", 123, "service.local");
        let mut table = ServiceTable::new();
        assert!(table.add_record(&record));
        assert!(!table.add_record(&record));
        assert_eq!(table.services().len(), 1);
    }

    #[test]
    fn pointer_only_yields_placeholder() {
        let services = table(&[ptr("Kitchen", "_mediaremotetv._tcp.local")]).services();
        assert_eq!(services.len(), 1);
        assert_eq!(services[0].service_type, "_mediaremotetv._tcp.local");
        assert_eq!(services[0].name, "Kitchen");
        assert_eq!(services[0].port, 0);
        assert_eq!(services[0].address, None);
    }

    #[test]
    fn completeness_needs_srv_txt_and_address() {
        let types = [dotted_name("_abc._tcp.local").unwrap()];
        let mut table = table(&[ptr("s", "_abc._tcp.local")]);
        assert!(table.has_pointers_for(&types));
        assert!(!table.pointed_instances_complete(&types));
        table.add_record(&srv("s", "_abc._tcp.local", 1, "s.local"));
        table.add_record(&txt("s", "_abc._tcp.local", &[]));
        assert!(!table.pointed_instances_complete(&types));
        table.add_record(&a("s.local", [10, 0, 0, 1]));
        assert!(table.pointed_instances_complete(&types));
    }

    #[test]
    fn model_comes_from_device_info() {
        let services = table(&[
            srv("Kitchen", "_airplay._tcp.local", 7000, "Kitchen.local"),
            txt("Kitchen", "_device-info._tcp.local", &[b"model=J105aAP"]),
        ])
        .services();
        let response = response_from_services(services, false);
        assert_eq!(response.model.as_deref(), Some("J105aAP"));
    }
}
