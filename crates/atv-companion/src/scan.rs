//! Turning `_companion-link._tcp.local` answers into Companion services.
//!
//! The identifier is the `rpMRtID` TXT value (static on tvOS 16 and later; older
//! devices announce none, so Companion alone never makes a device usable) and the
//! device name the instance name. The `rpFl` flags decide pairing: bit 0x4 means
//! pairing is disabled, bit 0x4000 that PIN pairing is supported (and required).

use std::collections::BTreeMap;

use atv_core::discovery::{
    MdnsResponse, MdnsService, ProtocolScan, ScanHandler, same_instance_name,
};
use atv_core::hex_flags::parse_hex_flags;
use atv_core::{
    DeviceInfo, DeviceModel, PairingRequirement, Properties, Protocol, Service, lookup_model,
};

/// The service type Companion is announced under.
pub const SERVICE_TYPE: &str = "_companion-link._tcp.local";

/// `rpFl` bit: pairing is disabled on the device.
pub const PAIRING_DISABLED_MASK: u64 = 0x04;
/// `rpFl` bit: pairing with a PIN is supported.
pub const PAIRING_WITH_PIN_SUPPORTED_MASK: u64 = 0x4000;

/// What Companion contributes to scanning: its service type and how to read it.
pub fn scan() -> ProtocolScan {
    ProtocolScan {
        protocol: Protocol::Companion,
        handlers: vec![ScanHandler {
            service_type: SERVICE_TYPE,
            handler: service_handler,
            device_info_name: same_instance_name,
        }],
        device_info,
        service_info,
    }
}

/// The unique identifier a Companion service announces (its `rpMRtID` TXT value);
/// `None` for other service types or when absent.
pub fn unique_id(service_type: &str, _name: &str, properties: &Properties) -> Option<String> {
    (service_type == SERVICE_TYPE)
        .then(|| properties.get("rpmrtid"))
        .flatten()
        .map(str::to_owned)
}

/// Builds the Companion service of a found `_companion-link._tcp.local` instance.
fn service_handler(found: &MdnsService, _response: &MdnsResponse) -> Option<(String, Service)> {
    let service = found.to_service(
        Protocol::Companion,
        unique_id(&found.service_type, &found.name, &found.properties),
    );
    Some((found.name.clone(), service))
}

/// What a Companion TXT record says about the device: raw model (`rpMd`) and the model
/// it implies.
pub fn device_info(_service_type: &str, properties: &Properties) -> DeviceInfo {
    let mut info = DeviceInfo::default();
    if let Some(model) = properties.get("rpmd") {
        info.raw_model = Some(model.to_owned());
        info.model = Some(lookup_model(model)).filter(|m| *m != DeviceModel::Unknown);
    }
    info
}

/// Sets the pairing requirement from the `rpFl` flags: disabled, mandatory (PIN pairing
/// supported) or unsupported.
pub fn service_info(
    service: &mut Service,
    _device_info: &DeviceInfo,
    _services: &BTreeMap<Protocol, Service>,
) {
    let flags = parse_hex_flags(service.properties.get("rpfl").unwrap_or("0x0")).unwrap_or(0);
    service.pairing = if flags & PAIRING_DISABLED_MASK != 0 {
        PairingRequirement::Disabled
    } else if flags & PAIRING_WITH_PIN_SUPPORTED_MASK != 0 {
        PairingRequirement::Mandatory
    } else {
        PairingRequirement::Unsupported
    };
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

    fn found(name: &str, properties: Properties) -> MdnsService {
        MdnsService {
            service_type: SERVICE_TYPE.to_owned(),
            name: name.to_owned(),
            address: Some(Ipv4Addr::new(127, 0, 0, 1)),
            port: 1234,
            properties,
        }
    }

    // pyatv tests/protocols/companion/test_companion.py: test_companion_handler_to_service
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
        assert_eq!(service.protocol, Protocol::Companion);
        assert_eq!(service.credentials, None);
        assert_eq!(service.identifier, None);
        assert_eq!(service.properties, props(&[("foo", "bar")]));
        assert_eq!(
            (handler.device_info_name)("Ohana").as_deref(),
            Some("Ohana")
        );
    }

    #[test]
    fn identifier_is_rpmrtid() {
        // TXT keys as an Apple TV on tvOS 16 announces them (pyatv's atvproxy uses the
        // same spelling).
        let txt = props(&[
            ("rpMac", "2"),
            ("rpHN", "86d44e4f11ff"),
            ("rpMRtID", "E5B9D4D8-F6B4-4A59-9C2D-4B2F0E7D5A11"),
            ("rpFl", "0x36782"),
            ("rpMd", "AppleTV6,2"),
            ("rpVr", "195.2"),
        ]);
        assert_eq!(
            unique_id(SERVICE_TYPE, "Living Room", &txt).as_deref(),
            Some("E5B9D4D8-F6B4-4A59-9C2D-4B2F0E7D5A11")
        );
        assert_eq!(unique_id("_airplay._tcp.local", "Living Room", &txt), None);
        // pyatv's fake_udns companion_service: no identifier at all.
        assert_eq!(
            unique_id(
                SERVICE_TYPE,
                "Companion",
                &props(&[("rpHA", "33efedd528a")])
            ),
            None
        );
    }

    // pyatv tests/protocols/companion/test_companion.py: test_device_info
    #[test]
    fn device_info_from_txt() {
        let info = device_info("_dummy._tcp.local", &props(&[("rpmd", "unknown")]));
        assert_eq!(
            info,
            DeviceInfo {
                raw_model: Some("unknown".into()),
                ..DeviceInfo::default()
            }
        );
        let info = device_info("_dummy._tcp.local", &props(&[("rpMd", "AppleTV6,2")]));
        assert_eq!(
            info,
            DeviceInfo {
                raw_model: Some("AppleTV6,2".into()),
                model: Some(DeviceModel::Gen4K),
                ..DeviceInfo::default()
            }
        );
        assert_eq!(
            device_info(SERVICE_TYPE, &Properties::new()),
            DeviceInfo::default()
        );
    }

    // pyatv tests/protocols/companion/test_companion.py: test_service_info_pairing
    #[test]
    fn pairing_requirement_from_rpfl() {
        use PairingRequirement::*;
        let cases: &[(Txt, PairingRequirement)] = &[
            (&[], Unsupported),
            (&[("rpfl", "0x627B6")], Disabled),
            (&[("rpFl", "0x36782")], Mandatory),
            (&[("rpfl", "0x0")], Unsupported),
            (&[("rpfl", "")], Unsupported),
            (&[("rpfl", "zz")], Unsupported),
            (&[("rpfl", "4000")], Mandatory),
        ];
        for (pairs, expected) in cases {
            let mut service = Service::new(None, Protocol::Companion, 0, props(pairs));
            assert_eq!(service.pairing, Unsupported);
            service_info(&mut service, &DeviceInfo::default(), &BTreeMap::new());
            assert_eq!(service.pairing, *expected, "{pairs:?}");
        }
    }
}
