//! Turning `_airplay._tcp.local` answers into AirPlay services.
//!
//! The identifier is the `deviceid` TXT value and the device name the instance name.
//! The TXT record also gives model, OS version, MAC address and output device id, and
//! decides password and pairing requirements (see [`atv_core::airplay_flags`]).

use std::collections::BTreeMap;

use atv_core::discovery::{
    MdnsResponse, MdnsService, ProtocolScan, ScanHandler, same_instance_name,
};
use atv_core::{
    DeviceInfo, DeviceModel, OperatingSystem, Properties, Protocol, Service, lookup_model,
    lookup_os,
};

use atv_core::airplay_flags::update_service_details;

/// The service type AirPlay is announced under.
pub const SERVICE_TYPE: &str = "_airplay._tcp.local";

/// What AirPlay contributes to scanning: its service type and how to read it.
pub fn scan() -> ProtocolScan {
    ProtocolScan {
        protocol: Protocol::AirPlay,
        handlers: vec![ScanHandler {
            service_type: SERVICE_TYPE,
            handler: service_handler,
            device_info_name: same_instance_name,
        }],
        device_info,
        service_info,
    }
}

/// The unique identifier an AirPlay service announces (its `deviceid` TXT value, a MAC
/// address); `None` for other service types or when absent.
pub fn unique_id(service_type: &str, _name: &str, properties: &Properties) -> Option<String> {
    (service_type == SERVICE_TYPE)
        .then(|| properties.get("deviceid"))
        .flatten()
        .map(str::to_owned)
}

/// Builds the AirPlay service of a found `_airplay._tcp.local` instance.
fn service_handler(found: &MdnsService, _response: &MdnsResponse) -> Option<(String, Service)> {
    let service = found.to_service(
        Protocol::AirPlay,
        unique_id(&found.service_type, &found.name, &found.properties),
    );
    Some((found.name.clone(), service))
}

/// What an AirPlay TXT record says about the device: raw model (`model`), the model and
/// OS it implies, OS version (`osvers`), MAC address (`deviceid`) and output device id
/// (`psi`, else `pi`).
pub fn device_info(_service_type: &str, properties: &Properties) -> DeviceInfo {
    let mut info = DeviceInfo::default();
    if let Some(model) = properties.get("model") {
        info.raw_model = Some(model.to_owned());
        info.model = Some(lookup_model(model)).filter(|m| *m != DeviceModel::Unknown);
        info.operating_system = Some(lookup_os(model)).filter(|os| *os != OperatingSystem::Unknown);
    }
    if let Some(version) = properties.get("osvers") {
        info.version = Some(version.to_owned());
    }
    if let Some(mac) = properties.get("deviceid") {
        info.mac = Some(mac.to_owned());
    }
    info.output_device_id = properties
        .get("psi")
        .or_else(|| properties.get("pi"))
        .map(str::to_owned);
    info
}

/// Sets password and pairing requirement from the service's own TXT record.
pub fn service_info(
    service: &mut Service,
    _device_info: &DeviceInfo,
    _services: &BTreeMap<Protocol, Service>,
) {
    update_service_details(service);
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use atv_core::PairingRequirement;

    use super::*;

    /// TXT entries of a test case.
    type Txt = &'static [(&'static str, &'static str)];

    fn props(pairs: &[(&str, &str)]) -> Properties {
        pairs.iter().copied().collect()
    }

    /// `_airplay._tcp.local` TXT of an Apple TV 4K on tvOS 14.7, from pyatv's protocol
    /// documentation (docs/documentation/protocols.md, the `txtAirPlay` of an update).
    fn apple_tv_4k_txt() -> Properties {
        props(&[
            ("acl", "0"),
            ("btaddr", "FF:EE:DD:CC:BB:AA"),
            ("deviceid", "AA:BB:CC:DD:EE:FF"),
            ("fex", "1d9/St5fFTw"),
            ("features", "0x4A7FDFD5,0x3C155FDE"),
            ("flags", "0x244"),
            ("gid", "4D826039-0F40-4605-AD11-A6516183BAA6"),
            ("igl", "1"),
            ("gcgl", "1"),
            ("model", "AppleTV6,2"),
            ("protovers", "1.1"),
            ("pi", "de7562c4-7bd2-4005-a8e4-d584bf63161a"),
            ("psi", "6EE2C905-874B-4B4B-A50B-0F06B1800A17"),
            (
                "pk",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            ),
            ("srcvers", "550.10"),
            ("osvers", "14.7"),
            ("vv", "2"),
        ])
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

    // pyatv tests/protocols/airplay/test_airplay.py: test_airplay_handler_to_service
    #[test]
    fn handler_takes_instance_name() {
        let scan = scan();
        assert_eq!(scan.handlers.len(), 1);
        let handler = scan.handlers[0];
        assert_eq!(handler.service_type, SERVICE_TYPE);
        let (name, service) = (handler.handler)(
            &found("foo", props(&[("foo", "bar")])),
            &MdnsResponse::default(),
        )
        .expect("a service");
        assert_eq!(name, "foo");
        assert_eq!(service.port, 1234);
        assert_eq!(service.protocol, Protocol::AirPlay);
        assert_eq!(service.credentials, None);
        assert_eq!(service.identifier, None);
        assert_eq!(service.properties, props(&[("foo", "bar")]));
        assert_eq!(
            (handler.device_info_name)("Ohana").as_deref(),
            Some("Ohana")
        );

        let (name, service) = (handler.handler)(
            &found("Vardagsrum", apple_tv_4k_txt()),
            &MdnsResponse::default(),
        )
        .expect("a service");
        assert_eq!(name, "Vardagsrum");
        assert_eq!(service.identifier.as_deref(), Some("AA:BB:CC:DD:EE:FF"));
    }

    // pyatv tests/protocols/airplay/test_airplay.py: test_device_info
    #[test]
    fn device_info_from_txt() {
        let info = device_info("_dummy._tcp.local", &props(&[("model", "unknown")]));
        assert_eq!(
            info,
            DeviceInfo {
                raw_model: Some("unknown".into()),
                ..DeviceInfo::default()
            }
        );
        let info = device_info("_dummy._tcp.local", &props(&[("model", "AppleTV6,2")]));
        assert_eq!(info.model, Some(DeviceModel::Gen4K));
        assert_eq!(info.operating_system, None);
        let info = device_info("_dummy._tcp.local", &props(&[("model", "MacBookAir10,1")]));
        assert_eq!(info.model, None);
        assert_eq!(info.raw_model.as_deref(), Some("MacBookAir10,1"));
        assert_eq!(info.operating_system, Some(OperatingSystem::MacOS));
        let info = device_info("_dummy._tcp.local", &props(&[("osvers", "14.7")]));
        assert_eq!(info.version.as_deref(), Some("14.7"));
        let info = device_info(
            "_dummy._tcp.local",
            &props(&[("deviceid", "aa:bb:cc:dd:ee:ff")]),
        );
        assert_eq!(info.mac.as_deref(), Some("aa:bb:cc:dd:ee:ff"));
        let info = device_info("_dummy._tcp.local", &props(&[("pi", "AA:BB:CC:DD:EE:FF")]));
        assert_eq!(info.output_device_id.as_deref(), Some("AA:BB:CC:DD:EE:FF"));
        let info = device_info(
            "_dummy._tcp.local",
            &props(&[
                ("psi", "AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE"),
                ("pi", "AA:BB:CC:DD:EE:FF"),
            ]),
        );
        assert_eq!(
            info.output_device_id.as_deref(),
            Some("AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE")
        );

        let info = device_info(SERVICE_TYPE, &apple_tv_4k_txt());
        assert_eq!(
            info,
            DeviceInfo {
                operating_system: None,
                version: Some("14.7".into()),
                build_number: None,
                model: Some(DeviceModel::Gen4K),
                raw_model: Some("AppleTV6,2".into()),
                mac: Some("AA:BB:CC:DD:EE:FF".into()),
                output_device_id: Some("6EE2C905-874B-4B4B-A50B-0F06B1800A17".into()),
            }
        );
    }

    fn updated(airplay: Properties, others: &[(Protocol, Properties)]) -> Service {
        let mut service = Service::new(Some("id".into()), Protocol::AirPlay, 0, airplay);
        let mut services: BTreeMap<Protocol, Service> = others
            .iter()
            .map(|(p, txt)| (*p, Service::new(Some("x".into()), *p, 0, txt.clone())))
            .collect();
        services.insert(Protocol::AirPlay, service.clone());
        service_info(&mut service, &DeviceInfo::default(), &services);
        service
    }

    // pyatv tests/protocols/airplay/test_airplay.py: test_service_info_password
    #[test]
    fn password_comes_from_own_txt_only() {
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
        for (airplay, mrp, expected) in cases {
            let service = updated(props(airplay), &[(Protocol::Mrp, props(mrp))]);
            assert_eq!(service.requires_password, *expected, "{airplay:?} {mrp:?}");
        }
    }

    // pyatv tests/protocols/airplay/test_airplay.py: test_service_info_pairing
    #[test]
    fn pairing_requirement() {
        use PairingRequirement::*;
        let cases: &[(Txt, PairingRequirement)] = &[
            (&[("sf", "0x0")], NotNeeded),
            (&[("sf", "0x8")], Mandatory),
            (&[("sf", "0x200")], Mandatory),
            (&[("flags", "0x200")], Mandatory),
            (&[("acl", "1")], Disabled),
            (&[("acl", "1"), ("sf", "0x200")], Disabled),
            (&[("model", "Mac10,1")], Unsupported),
            (&[("model", "Mac10,1"), ("sf", "0x200")], Unsupported),
            (&[("act", "2")], Unsupported),
            (&[("sf", "bogus")], NotNeeded),
        ];
        for (airplay, expected) in cases {
            assert_eq!(
                updated(props(airplay), &[]).pairing,
                *expected,
                "{airplay:?}"
            );
        }
        // A real Apple TV 4K asks for pairing (flags 0x244 has 0x200) but no password.
        let service = updated(apple_tv_4k_txt(), &[]);
        assert_eq!(service.pairing, Mandatory);
        assert!(!service.requires_password);
    }
}
