//! What the fake devices announce: four devices shaped like real ones, each with the
//! services and TXT records such a device publishes.

use std::net::Ipv4Addr;

use atv::mdns::Announcement;

use crate::fake_network::{DEVICE_ADDRESSES, WANTED_IDENTIFIER};

const AIRPLAY: &str = "_airplay._tcp.local";
const RAOP: &str = "_raop._tcp.local";
const COMPANION: &str = "_companion-link._tcp.local";
const MRP: &str = "_mediaremotetv._tcp.local";
const DEVICE_INFO: &str = "_device-info._tcp.local";
const HSCP: &str = "_appletv-v2._tcp.local";
const AIRPORT: &str = "_airport._tcp.local";
const SLEEP_PROXY: &str = "_sleep-proxy._udp.local";

/// Every device's announcements.
pub(crate) fn announcements() -> Vec<Announcement> {
    let [living_room, bedroom, kitchen, study] = DEVICE_ADDRESSES;
    [
        apple_tv_4k(living_room),
        apple_tv_hd(bedroom),
        homepod_mini(kitchen),
        airport_express(study),
    ]
    .concat()
}

/// Adds `(key, value)` pairs as TXT records.
fn with_txt(announcement: Announcement, records: &[(&str, &str)]) -> Announcement {
    records
        .iter()
        .fold(announcement, |a, (key, value)| a.with_txt(*key, *value))
}

/// An Apple TV 4K on tvOS 17: AirPlay 2 (carrying MRP), RAOP, Companion.
fn apple_tv_4k(address: Ipv4Addr) -> Vec<Announcement> {
    let (name, host) = ("Living Room", "Living-Room");
    let mac_hex: String = WANTED_IDENTIFIER.split(':').collect();
    let pk = "d3f5a6c1b2e4".repeat(5) + "aabb";
    vec![
        with_txt(
            Announcement::new(AIRPLAY, name, host, address, 7000),
            &[
                ("acl", "0"),
                ("deviceid", WANTED_IDENTIFIER),
                ("features", "0x4A7FDFD5,0xBC177FDE"),
                ("flags", "0x244"),
                ("gid", "6C1A9A1D-3C4B-4C77-9E36-2B1C3D4E5F60"),
                ("model", "AppleTV11,1"),
                ("protovers", "1.1"),
                ("pi", "2e388006-13ba-4041-9a67-25dd4a43d536"),
                ("psi", "2E388006-13BA-4041-9A67-25DD4A43D536"),
                ("pk", &pk),
                ("srcvers", "760.20.1"),
                ("osvers", "17.4"),
                ("vv", "2"),
            ],
        ),
        with_txt(
            Announcement::new(RAOP, format!("{mac_hex}@{name}"), host, address, 7000),
            &[
                ("cn", "0,1,2,3"),
                ("da", "true"),
                ("et", "0,3,5"),
                ("ft", "0x4A7FDFD5,0xBC177FDE"),
                ("sf", "0x244"),
                ("md", "0,1,2"),
                ("am", "AppleTV11,1"),
                ("pk", &pk),
                ("tp", "UDP"),
                ("vn", "65537"),
                ("vs", "760.20.1"),
                ("ov", "17.4"),
                ("vv", "2"),
            ],
        ),
        with_txt(
            Announcement::new(COMPANION, name, host, address, 49153),
            &[
                ("rpMac", "2"),
                ("rpHN", "86d44e4f11ff"),
                ("rpFl", "0x36782"),
                ("rpHA", "45efecc5211"),
                ("rpVr", "530.4"),
                ("rpAD", "cc5011ae31ee"),
                ("rpHI", "ffb855e34e31"),
                ("rpBA", "E1:B2:E3:BB:11:FF"),
                ("rpMRtID", "4D797FD3-3538-427E-A47B-A32FC6CF3A69"),
            ],
        ),
        Announcement::new(DEVICE_INFO, name, host, address, 0).with_txt("model", "J305AP"),
        Announcement::new(
            SLEEP_PROXY,
            format!("70-35-60-63.1 {name}"),
            host,
            address,
            60791,
        ),
    ]
}

/// An Apple TV HD on tvOS 14: MRP, AirPlay, Companion and DMAP (home sharing).
fn apple_tv_hd(address: Ipv4Addr) -> Vec<Announcement> {
    let (name, host) = ("Bedroom", "Bedroom-TV");
    vec![
        with_txt(
            Announcement::new(MRP, name, host, address, 49152),
            &[
                ("ModelName", "Apple TV"),
                ("AllowPairing", "YES"),
                ("BluetoothAddress", ""),
                ("macAddress", "40:CB:C0:12:34:56"),
                ("Name", name),
                ("UniqueIdentifier", "A9B8C7D6-E5F4-4321-8765-0123456789AB"),
                ("SystemBuildVersion", "18M60"),
                (
                    "LocalAirPlayReceiverPairingIdentity",
                    "E5A1B2C3-D4E5-4F60-8172-93A4B5C6D7E8",
                ),
            ],
        ),
        with_txt(
            Announcement::new(AIRPLAY, name, host, address, 7000),
            &[
                ("deviceid", "40:CB:C0:12:34:56"),
                ("features", "0x5A7FFFF7,0x1E"),
                ("flags", "0x44"),
                ("model", "AppleTV5,3"),
                ("pk", &"0f".repeat(32)),
                ("srcvers", "550.10"),
                ("osvers", "14.7"),
                ("vv", "2"),
            ],
        ),
        with_txt(
            Announcement::new(COMPANION, name, host, address, 49154),
            &[
                ("rpMac", "1"),
                ("rpFl", "0x20000"),
                ("rpVr", "230.1"),
                ("rpMd", "AppleTV5,3"),
            ],
        ),
        with_txt(
            Announcement::new(HSCP, "6D7E8F9A0B1C2D3E", host, address, 3689),
            &[
                ("Name", name),
                ("hG", "00000000-1111-2222-3333-444444444444"),
                ("MID", "0x6D7E8F9A0B1C2D3E"),
            ],
        ),
        Announcement::new(DEVICE_INFO, name, host, address, 0).with_txt("model", "J42dAP"),
    ]
}

/// A HomePod mini: AirPlay 2, RAOP, Companion.
fn homepod_mini(address: Ipv4Addr) -> Vec<Announcement> {
    let (name, host) = ("Kitchen", "Kitchen");
    let pk = "5a".repeat(32);
    vec![
        with_txt(
            Announcement::new(AIRPLAY, name, host, address, 7000),
            &[
                ("acl", "0"),
                ("deviceid", "F4:34:F0:AA:BB:CC"),
                ("features", "0x4A7FCA00,0xBC354BD0"),
                ("flags", "0x1A404"),
                ("model", "AudioAccessory5,1"),
                ("protovers", "1.1"),
                ("pi", "0c5e4e6a-1d2b-4d6e-9a3b-5c7d8e9f0a1b"),
                ("pk", &pk),
                ("srcvers", "770.8.1"),
                ("osvers", "17.5"),
                ("vv", "2"),
            ],
        ),
        with_txt(
            Announcement::new(RAOP, format!("F434F0AABBCC@{name}"), host, address, 7000),
            &[
                ("cn", "0,1,2,3"),
                ("da", "true"),
                ("et", "0,3,5"),
                ("ft", "0x4A7FCA00,0xBC354BD0"),
                ("sf", "0x1A404"),
                ("am", "AudioAccessory5,1"),
                ("pk", &pk),
                ("tp", "UDP"),
                ("vs", "770.8.1"),
                ("ov", "17.5"),
            ],
        ),
        with_txt(
            Announcement::new(COMPANION, name, host, address, 49155),
            &[
                ("rpMac", "0"),
                ("rpFl", "0x627B6"),
                ("rpVr", "530.4"),
                ("rpMRtID", "0C5E4E6A-1D2B-4D6E-9A3B-5C7D8E9F0A1B"),
            ],
        ),
    ]
}

/// An AirPort Express: RAOP (AirPlay 1 audio) and the AirPort base station service.
fn airport_express(address: Ipv4Addr) -> Vec<Announcement> {
    let (name, host) = ("Study Speakers", "AirPort-Express");
    vec![
        with_txt(
            Announcement::new(RAOP, format!("A1B2C3D4E5F6@{name}"), host, address, 7000),
            &[
                ("txtvers", "1"),
                ("ch", "2"),
                ("cn", "0,1"),
                ("et", "0,4"),
                ("sv", "false"),
                ("ek", "1"),
                ("da", "true"),
                ("sr", "44100"),
                ("ss", "16"),
                ("pw", "false"),
                ("sm", "false"),
                ("tp", "UDP"),
                ("vn", "3"),
                ("am", "AirPort10,115"),
                ("fv", "76400.10"),
                ("vs", "105.1"),
            ],
        ),
        with_txt(
            Announcement::new(AIRPORT, name, host, address, 5009),
            &[
                ("waMA", "A1-B2-C3-D4-E5-F6"),
                ("raMA", "A1-B2-C3-D4-E5-F7"),
                ("raM2", "A1-B2-C3-D4-E5-F8"),
                ("raNm", "MyWifi"),
                ("raCh", "11"),
                ("rCh2", "44"),
                ("raSt", "0"),
                ("raNA", "0"),
                ("syFl", "0x8A0C"),
                ("syAP", "115"),
                ("syVs", "7.8.1"),
                ("srcv", "78100.3"),
                ("bjSd", "43"),
            ],
        ),
    ]
}
