//! Turning `_mediaremotetv._tcp.local` answers into MRP services.
//!
//! The identifier is the `UniqueIdentifier` TXT value and the device name the `Name`
//! value. MRP is marked disabled on tvOS 15 and later (build numbers from 19A), where
//! the device only speaks MRP through the AirPlay tunnel. Pairing is never required:
//! it is optional when `AllowPairing` is `YES`, disabled otherwise.

use std::collections::BTreeMap;

use atv_core::discovery::{
    MdnsResponse, MdnsService, ProtocolScan, ScanHandler, same_instance_name,
};
use atv_core::{
    DeviceInfo, OperatingSystem, PairingRequirement, Properties, Protocol, Service, lookup_version,
};

/// The service type MRP is announced under.
pub const SERVICE_TYPE: &str = "_mediaremotetv._tcp.local";

/// Device name used when the TXT record has no `Name`.
const UNKNOWN_NAME: &str = "Unknown";

/// First build major number of tvOS 15 (build `19A346` and later).
const TVOS_15_BUILD_MAJOR: u64 = 19;

/// What MRP contributes to scanning: its service type and how to read it.
pub fn scan() -> ProtocolScan {
    ProtocolScan {
        protocol: Protocol::Mrp,
        handlers: vec![ScanHandler {
            service_type: SERVICE_TYPE,
            handler: service_handler,
            device_info_name: same_instance_name,
        }],
        device_info,
        service_info,
    }
}

/// The unique identifier an MRP service announces (its `UniqueIdentifier` TXT value);
/// `None` for other service types or when absent.
pub fn unique_id(service_type: &str, _name: &str, properties: &Properties) -> Option<String> {
    (service_type == SERVICE_TYPE)
        .then(|| properties.get("UniqueIdentifier"))
        .flatten()
        .map(str::to_owned)
}

/// Builds the MRP service of a found `_mediaremotetv._tcp.local` instance.
fn service_handler(found: &MdnsService, _response: &MdnsResponse) -> Option<(String, Service)> {
    let name = found.properties.get("Name").unwrap_or(UNKNOWN_NAME);
    let mut service = found.to_service(
        Protocol::Mrp,
        unique_id(&found.service_type, &found.name, &found.properties),
    );
    let build = found.properties.get("SystemBuildVersion").unwrap_or("");
    if build_major(build).is_some_and(|major| major >= TVOS_15_BUILD_MAJOR) {
        // tvOS 15 and later no longer accept MRP connections on this port.
        service.enabled = false;
    }
    Some((name.to_owned(), service))
}

/// The leading number of a build such as `19J346` (digits followed by an upper-case
/// letter), saturating for absurdly long numbers; `None` when the build has another shape.
fn build_major(build: &str) -> Option<u64> {
    let digits = build.len() - build.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let (number, rest) = build.split_at(digits);
    if number.is_empty() || !rest.starts_with(|c: char| c.is_ascii_uppercase()) {
        return None;
    }
    Some(number.parse().unwrap_or(u64::MAX))
}

/// What an MRP TXT record says about the device: build number, the version it implies,
/// MAC address; the operating system is taken to be tvOS (MRP exists only there).
pub fn device_info(_service_type: &str, properties: &Properties) -> DeviceInfo {
    let mut info = DeviceInfo::default();
    if let Some(build) = properties.get("systembuildversion") {
        info.build_number = Some(build.to_owned());
        info.version = lookup_version(build);
    }
    if let Some(mac) = properties.get("macaddress") {
        info.mac = Some(mac.to_owned());
    }
    info.operating_system = Some(OperatingSystem::TvOS);
    info
}

/// Sets the pairing requirement: not needed when the service is disabled, optional
/// when the device allows pairing, disabled otherwise.
pub fn service_info(
    service: &mut Service,
    _device_info: &DeviceInfo,
    _services: &BTreeMap<Protocol, Service>,
) {
    service.pairing = if !service.enabled {
        PairingRequirement::NotNeeded
    } else if service
        .properties
        .get("allowpairing")
        .is_some_and(|value| value.to_lowercase() == "yes")
    {
        PairingRequirement::Optional
    } else {
        PairingRequirement::Disabled
    };
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;

    fn props(pairs: &[(&str, &str)]) -> Properties {
        pairs.iter().copied().collect()
    }

    fn found(name: &str, properties: Properties) -> MdnsService {
        MdnsService {
            service_type: SERVICE_TYPE.to_owned(),
            name: name.to_owned(),
            address: Some(Ipv4Addr::new(127, 0, 0, 1)),
            port: 1234,
            properties,
        }
    }

    fn handle(service: &MdnsService) -> (String, Service) {
        let scan = scan();
        assert_eq!(scan.handlers.len(), 1);
        (scan.handlers[0].handler)(service, &MdnsResponse::default()).expect("a service")
    }

    // pyatv tests/protocols/mrp/test_mrp.py: test_mrp_handler_to_service
    #[test]
    fn handler_takes_name_from_txt() {
        let (name, service) = handle(&found("foo", props(&[("Name", "test")])));
        assert_eq!(name, "test");
        assert_eq!(service.port, 1234);
        assert_eq!(service.protocol, Protocol::Mrp);
        assert_eq!(service.credentials, None);
        assert_eq!(service.identifier, None);
        assert_eq!(service.properties, props(&[("Name", "test")]));
        assert!(service.enabled);
    }

    // pyatv tests/fake_udns.py mrp_service as used by tests/test_scan_functional.py
    #[test]
    fn handler_identifier_and_tvos_15_disabling() {
        let txt = |build: &str| {
            props(&[
                ("Name", "MRP ATV"),
                ("UniqueIdentifier", "mrp_id_1"),
                ("SystemBuildVersion", build),
            ])
        };
        let (name, service) = handle(&found("MRP Service", txt("18M60")));
        assert_eq!(name, "MRP ATV");
        assert_eq!(service.identifier.as_deref(), Some("mrp_id_1"));
        assert!(service.enabled, "tvOS 14 keeps MRP");
        for build in ["19J346", "22J357", "123456789012345678901234567890A1"] {
            let (_, service) = handle(&found("MRP Service", txt(build)));
            assert!(!service.enabled, "{build} is tvOS 15 or later");
        }
        for build in ["", "unknown", "19", "19j346", "x19J346"] {
            let (_, service) = handle(&found("MRP Service", txt(build)));
            assert!(service.enabled, "{build:?} has no recognisable major");
        }
        let (name, _) = handle(&found("MRP Service", Properties::new()));
        assert_eq!(name, "Unknown");
    }

    #[test]
    fn unique_id_only_for_mrp_type() {
        let txt = props(&[("uniqueidentifier", "test")]);
        assert_eq!(
            unique_id(SERVICE_TYPE, "name", &txt).as_deref(),
            Some("test")
        );
        assert_eq!(unique_id("_airplay._tcp.local", "name", &txt), None);
        assert_eq!(unique_id(SERVICE_TYPE, "name", &Properties::new()), None);
    }

    #[test]
    fn device_info_name_is_instance_name() {
        assert_eq!(
            (scan().handlers[0].device_info_name)("Ohana").as_deref(),
            Some("Ohana")
        );
    }

    // pyatv tests/protocols/mrp/test_mrp.py: test_device_info
    #[test]
    fn device_info_from_txt() {
        let info = device_info(
            "_dummy._tcp.local",
            &props(&[("systembuildversion", "unknown")]),
        );
        assert_eq!(info.build_number.as_deref(), Some("unknown"));
        assert_eq!(info.version, None);
        assert_eq!(info.operating_system, Some(OperatingSystem::TvOS));

        let info = device_info(
            "_dummy._tcp.local",
            &props(&[("SystemBuildVersion", "18M60")]),
        );
        assert_eq!(info.build_number.as_deref(), Some("18M60"));
        assert_eq!(info.version.as_deref(), Some("14.7"));

        let info = device_info(
            "_dummy._tcp.local",
            &props(&[("macaddress", "aa:bb:cc:dd:ee:ff")]),
        );
        assert_eq!(info.mac.as_deref(), Some("aa:bb:cc:dd:ee:ff"));
        assert_eq!(info.build_number, None);
        assert_eq!(info.operating_system, Some(OperatingSystem::TvOS));
    }

    fn pairing_of(properties: Properties, enabled: bool) -> PairingRequirement {
        let mut service = Service::new(Some("mrp".into()), Protocol::Mrp, 0, properties);
        service.enabled = enabled;
        let airplay = Service::new(
            Some("id".into()),
            Protocol::AirPlay,
            0,
            props(&[("allowpairing", "YES")]),
        );
        let services = BTreeMap::from([(Protocol::AirPlay, airplay)]);
        service_info(&mut service, &DeviceInfo::default(), &services);
        service.pairing
    }

    // pyatv tests/protocols/mrp/test_mrp.py: test_service_info_pairing,
    // test_disabled_service_no_pairing
    #[test]
    fn pairing_requirement() {
        use PairingRequirement::*;
        assert_eq!(pairing_of(Properties::new(), true), Disabled);
        assert_eq!(
            pairing_of(props(&[("allowpairing", "yes")]), true),
            Optional
        );
        assert_eq!(
            pairing_of(props(&[("AllowPairing", "YES")]), true),
            Optional
        );
        assert_eq!(pairing_of(props(&[("allowpairing", "no")]), true), Disabled);
        assert_eq!(
            pairing_of(props(&[("allowpairing", "YES")]), false),
            NotNeeded
        );
    }
}
