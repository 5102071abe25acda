//! Devices published in the tests, with TXT records shaped like real ones, and helpers.
#![allow(dead_code, unreachable_pub)]

use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::process::Command;

use atv_mdns::{Announcement, MdnsResponse, MdnsService};
use serde_json::Value;

pub const AIRPLAY: &str = "_airplay._tcp.local";
pub const RAOP: &str = "_raop._tcp.local";
pub const COMPANION: &str = "_companion-link._tcp.local";
pub const MRP: &str = "_mediaremotetv._tcp.local";
pub const DEVICE_INFO: &str = "_device-info._tcp.local";

/// The service types a scan for Apple devices asks for.
pub fn scan_types() -> Vec<String> {
    [
        MRP,
        AIRPLAY,
        COMPANION,
        RAOP,
        DEVICE_INFO,
        "_touch-able._tcp.local",
    ]
    .map(String::from)
    .to_vec()
}

/// An Apple TV: AirPlay, RAOP, Companion, MRP and device-info.
pub fn apple_tv(name: &str, host: &str, address: Ipv4Addr, mac: &str) -> Vec<Announcement> {
    let compact = mac.replace(':', "");
    vec![
        Announcement::new(AIRPLAY, name, host, address, 7000)
            .with_txt("acl", "0")
            .with_txt("deviceid", mac)
            .with_txt("features", "0x4A7FDFD5,0xBC157FDE")
            .with_txt("flags", "0x18644")
            .with_txt("model", "AppleTV11,1")
            .with_txt("pk", "ab".repeat(32))
            .with_txt("protovers", "1.1")
            .with_txt("srcvers", "670.6.2")
            .with_txt("osvers", "17.4"),
        Announcement::new(RAOP, format!("{compact}@{name}"), host, address, 7000)
            .with_txt("cn", "0,1,2,3")
            .with_txt("da", "true")
            .with_txt("et", "0,3,5")
            .with_txt("ft", "0x4A7FDFD5,0xBC157FDE")
            .with_txt("am", "AppleTV11,1")
            .with_txt("tp", "UDP")
            .with_txt("vs", "670.6.2"),
        Announcement::new(COMPANION, name, host, address, 49153)
            .with_txt("rpMac", "2")
            .with_txt("rpHN", "a1b2c3d4e5f6")
            .with_txt("rpVr", "530.4")
            .with_txt("rpFl", "0x36782")
            .with_txt("rpHA", "112233445566")
            .with_txt("rpMd", "AppleTV11,1"),
        Announcement::new(MRP, name, host, address, 49152)
            .with_txt("ModelName", "Apple TV")
            .with_txt("AllowPairing", "YES")
            .with_txt("Name", name.to_string().replace(' ', "\u{a0}"))
            .with_txt("UniqueIdentifier", format!("{compact}-MRP"))
            .with_txt("SystemBuildVersion", "21L569"),
        Announcement::new(DEVICE_INFO, name, host, address, 0).with_txt("model", "J305AP"),
    ]
}

/// A HomePod: AirPlay, RAOP, Companion and device-info.
pub fn homepod(name: &str, host: &str, address: Ipv4Addr, mac: &str) -> Vec<Announcement> {
    let compact = mac.replace(':', "");
    vec![
        Announcement::new(AIRPLAY, name, host, address, 7000)
            .with_txt("deviceid", mac)
            .with_txt("features", "0x4A7FCA00,0xBC354BD0")
            .with_txt("model", "AudioAccessory5,1")
            .with_txt("srcvers", "670.6.2"),
        Announcement::new(RAOP, format!("{compact}@{name}"), host, address, 7000)
            .with_txt("am", "AudioAccessory5,1")
            .with_txt("tp", "UDP"),
        Announcement::new(COMPANION, name, host, address, 49153)
            .with_txt("rpMd", "AudioAccessory5,1")
            .with_txt("rpHA", "665544332211"),
        Announcement::new(DEVICE_INFO, name, host, address, 0)
            .with_txt("model", "AudioAccessory5,1"),
    ]
}

/// Checks that `response` holds exactly the services of `announcements` (ignoring
/// device-info, which has no port) with their ports, address and TXT entries.
pub fn assert_matches(response: &MdnsResponse, announcements: &[Announcement]) {
    let real: Vec<&Announcement> = announcements
        .iter()
        .filter(|a| a.service_type != DEVICE_INFO)
        .collect();
    let services: Vec<&MdnsService> = response
        .services
        .iter()
        .filter(|s| s.service_type != DEVICE_INFO)
        .collect();
    assert_eq!(services.len(), real.len(), "{response:#?}");
    for announcement in real {
        let service = services
            .iter()
            .find(|s| {
                s.service_type == announcement.service_type && s.name == announcement.instance_name
            })
            .unwrap_or_else(|| panic!("{} missing in {response:#?}", announcement.service_type));
        assert_eq!(service.port, announcement.port, "{}", service.service_type);
        assert_eq!(service.address, Some(announcement.address));
        for (key, value) in &announcement.txt {
            let expected = String::from_utf8_lossy(value).replace('\u{a0}', " ");
            assert_eq!(
                service.properties.get(key),
                Some(expected.as_str()),
                "{} {key}",
                service.service_type
            );
        }
        assert_eq!(service.properties.len(), announcement.txt.len());
    }
}

/// The service of a type in a response.
pub fn service<'a>(response: &'a MdnsResponse, service_type: &str) -> &'a MdnsService {
    response
        .services
        .iter()
        .find(|s| s.service_type == service_type)
        .unwrap_or_else(|| panic!("no {service_type} in {response:#?}"))
}

/// A script in tests/peers.
pub fn peer_script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/peers")
        .join(name)
}

/// Runs a command to completion and parses its standard output as JSON.
pub fn json_output(command: &mut Command) -> Value {
    let output = command.output().expect("peer runs");
    assert!(
        output.status.success(),
        "peer failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "peer output is not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}
