//! Turning `_raop._tcp.local` (and `_airport._tcp.local`) answers into RAOP services.
//!
//! RAOP instances are named `<id>@<device name>`: the part before `@` is the
//! identifier and the rest the device name. Receivers that leave out the id are named
//! by the device name alone; their public key (`pk`) serves as identifier then. AirPort
//! Express base stations also announce `_airport._tcp.local`, which is not a service
//! atv uses but whose `wama` value gives MAC address and firmware version.

use std::collections::BTreeMap;

use atv_core::discovery::{
    MdnsResponse, MdnsService, ProtocolScan, ScanHandler, same_instance_name,
};
use atv_core::{
    DeviceInfo, DeviceModel, OperatingSystem, PairingRequirement, Properties, Protocol, Service,
    lookup_model, lookup_os,
};

use atv_core::airplay_flags::update_service_details;

/// The service type RAOP is announced under.
pub const SERVICE_TYPE: &str = "_raop._tcp.local";

/// The service type AirPort base stations announce their settings under.
pub const AIRPORT_SERVICE_TYPE: &str = "_airport._tcp.local";

/// What RAOP contributes to scanning: its service types and how to read them.
pub fn scan() -> ProtocolScan {
    ProtocolScan {
        protocol: Protocol::Raop,
        handlers: vec![
            ScanHandler {
                service_type: SERVICE_TYPE,
                handler: service_handler,
                device_info_name: name_from_service_name,
            },
            ScanHandler {
                service_type: AIRPORT_SERVICE_TYPE,
                handler: airport_handler,
                device_info_name: same_instance_name,
            },
        ],
        device_info,
        service_info,
    }
}

/// The device name in a RAOP instance name: what follows the first `@`, or the whole
/// name when there is none.
pub fn device_name(service_name: &str) -> &str {
    service_name
        .split_once('@')
        .map_or(service_name, |(_, name)| name)
}

/// The unique identifier of a RAOP service: what precedes the first `@` of the instance
/// name, else the `pk` TXT value; `None` for other service types or when neither exists.
pub fn unique_id(service_type: &str, name: &str, properties: &Properties) -> Option<String> {
    if service_type != SERVICE_TYPE {
        return None;
    }
    match name.split_once('@') {
        Some((id, _)) => Some(id.to_owned()),
        None => properties.get("pk").map(str::to_owned),
    }
}

/// Name of the `_device-info._tcp.local` instance of a RAOP instance.
fn name_from_service_name(name: &str) -> Option<String> {
    Some(device_name(name).to_owned())
}

/// Builds the RAOP service of a found `_raop._tcp.local` instance.
fn service_handler(found: &MdnsService, _response: &MdnsResponse) -> Option<(String, Service)> {
    let service = found.to_service(
        Protocol::Raop,
        unique_id(&found.service_type, &found.name, &found.properties),
    );
    Some((device_name(&found.name).to_owned(), service))
}

/// `_airport._tcp.local` gives no service, only device information.
fn airport_handler(_found: &MdnsService, _response: &MdnsResponse) -> Option<(String, Service)> {
    None
}

/// What a RAOP (or AirPort) TXT record says about the device: raw model (`am`), the
/// model and OS it implies, OS version (`ov`); from AirPort's `wama`, MAC address and
/// firmware version (which wins over `ov`).
pub fn device_info(_service_type: &str, properties: &Properties) -> DeviceInfo {
    let mut info = DeviceInfo::default();
    if let Some(model) = properties.get("am") {
        info.raw_model = Some(model.to_owned());
        info.model = Some(lookup_model(model)).filter(|m| *m != DeviceModel::Unknown);
        info.operating_system = Some(lookup_os(model)).filter(|os| *os != OperatingSystem::Unknown);
    }
    if let Some(version) = properties.get("ov") {
        info.version = Some(version.to_owned());
    }
    if let Some(wama) = properties.get("wama") {
        let (mac, version) = parse_wama(wama);
        info.mac = Some(mac.replace('-', ":").to_uppercase());
        if let Some(version) = version {
            info.version = Some(version.to_owned());
        }
    }
    info
}

/// Reads AirPort's `wama` value: `<MAC>,key=value,...`. Returns the MAC address and the
/// firmware version (`syVs`); a key given twice takes its last value, as does the MAC
/// when a `macaddress=` entry follows. Entries without `=` are skipped (pyatv fails the
/// whole scan on them).
fn parse_wama(wama: &str) -> (&str, Option<&str>) {
    let mut mac = "";
    let mut version = None;
    let entries = std::iter::once(("macaddress", wama.split(',').next().unwrap_or(""))).chain(
        wama.split(',')
            .skip(1)
            .filter_map(|entry| entry.split_once('=')),
    );
    for (key, value) in entries {
        match key {
            "macaddress" => mac = value,
            "syVs" => version = Some(value),
            _ => {}
        }
    }
    (mac, version)
}

/// Sets password and pairing requirement. The AirPlay service of the same device
/// overrides pairing: `acl=1` there disables it and `act=2` makes it unsupported (the
/// password requirement is then left as it was); otherwise the RAOP TXT record decides,
/// with AirPlay's rules.
pub fn service_info(
    service: &mut Service,
    _device_info: &DeviceInfo,
    services: &BTreeMap<Protocol, Service>,
) {
    let airplay = services.get(&Protocol::AirPlay).map(|s| &s.properties);
    if airplay.is_some_and(|p| p.get("acl") == Some("1")) {
        service.pairing = PairingRequirement::Disabled;
    } else if airplay.is_some_and(|p| p.get("act") == Some("2")) {
        service.pairing = PairingRequirement::Unsupported;
    } else {
        update_service_details(service);
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;

    /// TXT entries of a test case.
    type Txt = &'static [(&'static str, &'static str)];

    fn props(pairs: &[(&str, &str)]) -> Properties {
        pairs.iter().copied().collect()
    }

    fn found(service_type: &str, name: &str, properties: Properties) -> MdnsService {
        MdnsService {
            service_type: service_type.to_owned(),
            name: name.to_owned(),
            address: Some(Ipv4Addr::new(127, 0, 0, 1)),
            port: 1234,
            properties,
        }
    }

    fn handler(service_type: &str) -> ScanHandler {
        scan()
            .handlers
            .into_iter()
            .find(|h| h.service_type == service_type)
            .expect("handler registered")
    }

    // pyatv tests/protocols/raop/test_raop.py: test_raop_scan_handlers_present,
    // test_raop_handler_to_service, test_raop_device_info_name
    #[test]
    fn handler_splits_instance_name() {
        assert_eq!(scan().handlers.len(), 2);
        let raop = handler(SERVICE_TYPE);
        let (name, service) = (raop.handler)(
            &found(SERVICE_TYPE, "foo@bar", props(&[("foo", "bar")])),
            &MdnsResponse::default(),
        )
        .expect("a service");
        assert_eq!(name, "bar");
        assert_eq!(service.identifier.as_deref(), Some("foo"));
        assert_eq!(service.port, 1234);
        assert_eq!(service.protocol, Protocol::Raop);
        assert_eq!(service.credentials, None);
        assert_eq!(service.properties, props(&[("foo", "bar")]));
        assert_eq!(
            (raop.device_info_name)("ANY@Ohana").as_deref(),
            Some("Ohana")
        );
        assert_eq!((raop.device_info_name)("Ohana").as_deref(), Some("Ohana"));
        // Only the first `@` splits.
        assert_eq!((raop.device_info_name)("a@b@c").as_deref(), Some("b@c"));
    }

    // pyatv tests/protocols/raop/test_raop.py: test_airport_handler, test_airport_info_name
    #[test]
    fn airport_gives_no_service() {
        let airport = handler(AIRPORT_SERVICE_TYPE);
        assert!(
            (airport.handler)(
                &found(SERVICE_TYPE, "foo@bar", props(&[("foo", "bar")])),
                &MdnsResponse::default()
            )
            .is_none()
        );
        assert_eq!(
            (airport.device_info_name)("Ohana").as_deref(),
            Some("Ohana")
        );
    }

    // pyatv tests/test_helpers.py: test_get_unique_id_ (RAOP rows)
    #[test]
    fn unique_id_from_name_or_public_key() {
        let none = Properties::new();
        assert_eq!(
            unique_id(SERVICE_TYPE, "abcd@name", &none).as_deref(),
            Some("abcd")
        );
        assert_eq!(
            unique_id(SERVICE_TYPE, "name", &props(&[("pk", "abcd")])).as_deref(),
            Some("abcd")
        );
        assert_eq!(unique_id(SERVICE_TYPE, "name", &none), None);
        assert_eq!(unique_id(SERVICE_TYPE, "@name", &none).as_deref(), Some(""));
        assert_eq!(unique_id(AIRPORT_SERVICE_TYPE, "abcd@name", &none), None);
    }

    // pyatv tests/protocols/raop/test_raop.py: test_device_info
    #[test]
    fn device_info_from_txt() {
        let info = device_info("_dummy._tcp.local", &props(&[("am", "unknown")]));
        assert_eq!(
            info,
            DeviceInfo {
                raw_model: Some("unknown".into()),
                ..DeviceInfo::default()
            }
        );
        let info = device_info("_dummy._tcp.local", &props(&[("am", "AppleTV6,2")]));
        assert_eq!(info.model, Some(DeviceModel::Gen4K));
        assert_eq!(info.raw_model.as_deref(), Some("AppleTV6,2"));
        assert_eq!(info.operating_system, None);
        let info = device_info("_dummy._tcp.local", &props(&[("am", "MacBookAir10,1")]));
        assert_eq!(info.model, None);
        assert_eq!(info.operating_system, Some(OperatingSystem::MacOS));
        let info = device_info("_dummy._tcp.local", &props(&[("ov", "14.7")]));
        assert_eq!(info.version.as_deref(), Some("14.7"));

        let wama = "AA-AA-AA-AA-AA-AA,raMA=BB-BB-BB-BB-BB-BB,raM2=CC-CC-CC-CC-CC-CC,\
                    raNm=MyWifi,raCh=1,rCh2=2,raSt=1,raNA=0,syFl=0x88C,syAP=115,\
                    syVs=7.8.1,srcv=78100.3,bjSd=2";
        let info = device_info(
            "_dummy._tcp.local",
            &props(&[("ov", "1.0"), ("wama", wama)]),
        );
        assert_eq!(
            info,
            DeviceInfo {
                mac: Some("AA:AA:AA:AA:AA:AA".into()),
                version: Some("7.8.1".into()),
                ..DeviceInfo::default()
            }
        );
        let info = device_info(
            "_dummy._tcp.local",
            &props(&[("wama", "aa-bb,junk,syVs=1")]),
        );
        assert_eq!(info.mac.as_deref(), Some("AA:BB"));
        assert_eq!(info.version.as_deref(), Some("1"));
    }

    fn updated(raop: Properties, others: &[(Protocol, Properties)]) -> Service {
        let mut service = Service::new(Some("id".into()), Protocol::Raop, 0, raop);
        let mut services: BTreeMap<Protocol, Service> = others
            .iter()
            .map(|(p, txt)| (*p, Service::new(Some("x".into()), *p, 0, txt.clone())))
            .collect();
        services.insert(Protocol::Raop, service.clone());
        service_info(&mut service, &DeviceInfo::default(), &services);
        service
    }

    // pyatv tests/protocols/raop/test_raop.py: test_service_info_password
    #[test]
    fn password_comes_from_own_txt() {
        let cases: &[(Txt, Txt, bool)] = &[
            (&[], &[], false),
            (&[], &[("pw", "true")], false),
            (&[("pw", "true")], &[], true),
            (&[("pw", "TRUE")], &[], true),
            (&[("sf", "0x80")], &[], true),
            (&[], &[("sf", "0x80")], false),
            (&[("flags", "0x80")], &[], true),
            (&[], &[("flags", "0x80")], false),
        ];
        for (raop, mrp, expected) in cases {
            let service = updated(props(raop), &[(Protocol::Mrp, props(mrp))]);
            assert_eq!(service.requires_password, *expected, "{raop:?} {mrp:?}");
        }
    }

    // pyatv tests/protocols/raop/test_raop.py: test_service_info_pairing,
    // test_service_info_pairing_acl
    #[test]
    fn pairing_requirement() {
        use PairingRequirement::*;
        let cases: &[(Txt, PairingRequirement)] = &[
            (&[("sf", "0x0")], NotNeeded),
            (&[("sf", "0x8")], Mandatory),
            (&[("sf", "0x200")], Mandatory),
            (&[("flags", "0x200")], Mandatory),
            (&[("acl", "1")], Disabled),
            (&[("am", "Mac14,2"), ("model", "Mac14,2")], Unsupported),
        ];
        for (raop, expected) in cases {
            assert_eq!(updated(props(raop), &[]).pairing, *expected, "{raop:?}");
        }
        let airplay_acl = [(Protocol::AirPlay, props(&[("acl", "1")]))];
        assert_eq!(updated(Properties::new(), &airplay_acl).pairing, Disabled);
        let airplay_act = [(Protocol::AirPlay, props(&[("act", "2")]))];
        assert_eq!(
            updated(Properties::new(), &airplay_act).pairing,
            Unsupported
        );
        // The AirPlay override leaves the password requirement untouched.
        let service = updated(props(&[("pw", "true")]), &airplay_acl);
        assert!(!service.requires_password);
        let service = updated(
            props(&[("pw", "true")]),
            &[(Protocol::AirPlay, Properties::new())],
        );
        assert!(service.requires_password);
    }
}
