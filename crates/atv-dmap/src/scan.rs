//! Turning DMAP answers into DMAP services.
//!
//! Three service types lead to DMAP:
//! - `_appletv-v2._tcp.local`: an Apple TV with Home Sharing on; name in `Name`, Home
//!   Sharing id in `hG` (usable as credentials);
//! - `_touch-able._tcp.local`: an Apple TV that can be paired with; name in `CtlN`;
//! - `_hscp._tcp.local`: Music/iTunes on a computer; name in `Machine Name`,
//!   identifier in `Machine ID`, Home Sharing id in `hG`.
//!
//! For the first two the identifier is the instance name up to the first `_`. None of
//! them has a `_device-info._tcp.local` companion record. Pairing is optional when
//! Home Sharing is on (`hG` present) and mandatory otherwise.

use std::collections::BTreeMap;

use atv_core::discovery::{MdnsResponse, MdnsService, ProtocolScan, ScanHandler};
use atv_core::{
    DeviceInfo, DeviceModel, OperatingSystem, PairingRequirement, Properties, Protocol, Service,
};

/// Service type of Apple TVs with Home Sharing enabled.
pub const HOMESHARING_SERVICE_TYPE: &str = "_appletv-v2._tcp.local";
/// Service type of Apple TVs open to pairing with a remote.
pub const DEVICE_SERVICE_TYPE: &str = "_touch-able._tcp.local";
/// Service type of Music/iTunes (Home Sharing control).
pub const HSCP_SERVICE_TYPE: &str = "_hscp._tcp.local";

/// Device name used when the TXT record has no name.
const UNKNOWN_NAME: &str = "Unknown";

/// What DMAP contributes to scanning: its service types and how to read them.
pub fn scan() -> ProtocolScan {
    ProtocolScan {
        protocol: Protocol::Dmap,
        handlers: vec![
            ScanHandler {
                service_type: HOMESHARING_SERVICE_TYPE,
                handler: homesharing_handler,
                device_info_name: no_device_info,
            },
            ScanHandler {
                service_type: DEVICE_SERVICE_TYPE,
                handler: device_handler,
                device_info_name: no_device_info,
            },
            ScanHandler {
                service_type: HSCP_SERVICE_TYPE,
                handler: hscp_handler,
                device_info_name: no_device_info,
            },
        ],
        device_info,
        service_info,
    }
}

/// The unique identifier of a DMAP service: the instance name up to the first `_` for
/// `_appletv-v2` and `_touch-able`, the `Machine ID` TXT value for `_hscp`; `None` for
/// other service types or when absent.
pub fn unique_id(service_type: &str, name: &str, properties: &Properties) -> Option<String> {
    match service_type {
        HOMESHARING_SERVICE_TYPE | DEVICE_SERVICE_TYPE => {
            Some(name.split('_').next().unwrap_or(name).to_owned())
        }
        HSCP_SERVICE_TYPE => properties.get("Machine ID").map(str::to_owned),
        _ => None,
    }
}

/// DMAP devices have no `_device-info._tcp.local` record.
fn no_device_info(_name: &str) -> Option<String> {
    None
}

/// A DMAP service for `found`, named from TXT key `name_key`, with the Home Sharing id
/// as credentials when `with_hsgid`.
fn dmap_service(found: &MdnsService, name_key: &str, with_hsgid: bool) -> (String, Service) {
    let name = found.properties.get(name_key).unwrap_or(UNKNOWN_NAME);
    let mut service = found.to_service(
        Protocol::Dmap,
        unique_id(&found.service_type, &found.name, &found.properties),
    );
    if with_hsgid {
        service.credentials = found.properties.get("hG").map(str::to_owned);
    }
    (name.to_owned(), service)
}

/// Builds the DMAP service of a found `_appletv-v2._tcp.local` instance.
fn homesharing_handler(found: &MdnsService, _: &MdnsResponse) -> Option<(String, Service)> {
    Some(dmap_service(found, "Name", true))
}

/// Builds the DMAP service of a found `_touch-able._tcp.local` instance.
fn device_handler(found: &MdnsService, _: &MdnsResponse) -> Option<(String, Service)> {
    Some(dmap_service(found, "CtlN", false))
}

/// Builds the DMAP service of a found `_hscp._tcp.local` instance.
fn hscp_handler(found: &MdnsService, _: &MdnsResponse) -> Option<(String, Service)> {
    Some(dmap_service(found, "Machine Name", true))
}

/// What a DMAP record says about the device: the OS is taken to be the legacy Apple TV
/// software, and `_hscp` means the Music app (or iTunes).
pub fn device_info(service_type: &str, _properties: &Properties) -> DeviceInfo {
    DeviceInfo {
        operating_system: Some(OperatingSystem::Legacy),
        model: (service_type == HSCP_SERVICE_TYPE).then_some(DeviceModel::Music),
        ..DeviceInfo::default()
    }
}

/// Sets the pairing requirement: optional with Home Sharing (`hG` present), mandatory
/// without.
pub fn service_info(
    service: &mut Service,
    _device_info: &DeviceInfo,
    _services: &BTreeMap<Protocol, Service>,
) {
    service.pairing = if service.properties.contains_key("hg") {
        PairingRequirement::Optional
    } else {
        PairingRequirement::Mandatory
    };
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;

    fn props(pairs: &[(&str, &str)]) -> Properties {
        pairs.iter().copied().collect()
    }

    fn handle(service_type: &str, name: &str, properties: Properties) -> (String, Service) {
        let scan = scan();
        let handler = scan
            .handlers
            .iter()
            .find(|h| h.service_type == service_type)
            .expect("handler registered");
        assert_eq!((handler.device_info_name)("ANY"), None);
        let found = MdnsService {
            service_type: service_type.to_owned(),
            name: name.to_owned(),
            address: Some(Ipv4Addr::new(127, 0, 0, 1)),
            port: 1234,
            properties,
        };
        (handler.handler)(&found, &MdnsResponse::default()).expect("a service")
    }

    // pyatv tests/protocols/dmap/test_dmap.py: handler tests
    #[test]
    fn handlers_name_identify_and_credential() {
        assert_eq!(scan().handlers.len(), 3);

        let (name, service) = handle(HOMESHARING_SERVICE_TYPE, "foo", props(&[("Name", "bar")]));
        assert_eq!(name, "bar");
        assert_eq!(service.port, 1234);
        assert_eq!(service.protocol, Protocol::Dmap);
        assert_eq!(service.identifier.as_deref(), Some("foo"));
        assert_eq!(service.credentials, None);
        assert_eq!(service.properties, props(&[("Name", "bar")]));

        let (name, service) = handle(DEVICE_SERVICE_TYPE, "foo", props(&[("CtlN", "bar")]));
        assert_eq!(name, "bar");
        assert_eq!(service.credentials, None);

        let (name, service) = handle(
            HSCP_SERVICE_TYPE,
            "foo",
            props(&[
                ("Machine Name", "bar"),
                ("Machine ID", "abcd"),
                ("hG", "hsgid"),
            ]),
        );
        assert_eq!(name, "bar");
        assert_eq!(service.identifier.as_deref(), Some("abcd"));
        assert_eq!(service.credentials.as_deref(), Some("hsgid"));

        // pyatv tests/fake_udns.py homesharing_service / device_service
        let (name, service) = handle(
            HOMESHARING_SERVICE_TYPE,
            "DMAP service",
            props(&[("hG", "hsgid"), ("Name", "DMAP ATV")]),
        );
        assert_eq!(name, "DMAP ATV");
        assert_eq!(service.identifier.as_deref(), Some("DMAP service"));
        assert_eq!(service.credentials.as_deref(), Some("hsgid"));
        // `hG` on _touch-able is not taken as credentials.
        let (_, service) = handle(DEVICE_SERVICE_TYPE, "x", props(&[("hG", "hsgid")]));
        assert_eq!(service.credentials, None);

        for service_type in [
            HOMESHARING_SERVICE_TYPE,
            DEVICE_SERVICE_TYPE,
            HSCP_SERVICE_TYPE,
        ] {
            let (name, _) = handle(service_type, "x", Properties::new());
            assert_eq!(name, "Unknown");
        }
    }

    // pyatv tests/test_helpers.py: test_get_unique_id_ (DMAP rows)
    #[test]
    fn unique_ids() {
        let none = Properties::new();
        for service_type in [HOMESHARING_SERVICE_TYPE, DEVICE_SERVICE_TYPE] {
            assert_eq!(
                unique_id(service_type, "name", &none).as_deref(),
                Some("name")
            );
            assert_eq!(
                unique_id(service_type, "name_duplicate", &none).as_deref(),
                Some("name")
            );
            assert_eq!(unique_id(service_type, "_x", &none).as_deref(), Some(""));
        }
        let hscp = props(&[("Machine ID", "abcd")]);
        assert_eq!(
            unique_id(HSCP_SERVICE_TYPE, "name", &hscp).as_deref(),
            Some("abcd")
        );
        assert_eq!(unique_id(HSCP_SERVICE_TYPE, "name", &none), None);
        assert_eq!(unique_id("_unknown._tcp.local", "name", &none), None);
    }

    // pyatv tests/protocols/dmap/test_dmap.py: test_device_info
    #[test]
    fn device_info_by_type() {
        let legacy = DeviceInfo {
            operating_system: Some(OperatingSystem::Legacy),
            ..DeviceInfo::default()
        };
        assert_eq!(
            device_info(HOMESHARING_SERVICE_TYPE, &Properties::new()),
            legacy
        );
        assert_eq!(device_info(DEVICE_SERVICE_TYPE, &Properties::new()), legacy);
        assert_eq!(
            device_info(HSCP_SERVICE_TYPE, &Properties::new()),
            DeviceInfo {
                model: Some(DeviceModel::Music),
                ..legacy
            }
        );
    }

    // pyatv tests/protocols/dmap/test_dmap.py: test_service_info_pairing
    #[test]
    fn pairing_requirement() {
        for (pairs, expected) in [
            (&[][..], PairingRequirement::Mandatory),
            (&[("hG", "hsgid")][..], PairingRequirement::Optional),
        ] {
            let mut service = Service::new(Some("id".into()), Protocol::Dmap, 0, props(pairs));
            service_info(&mut service, &DeviceInfo::default(), &BTreeMap::new());
            assert_eq!(service.pairing, expected, "{pairs:?}");
        }
    }
}
