//! The `_airplay._tcp` and `_raop._tcp` announcements of a tvOS 15 Apple TV.
//!
//! pyatv reads from them that the device speaks AirPlay 2 (features bits 38 and 48),
//! requires pairing (status flag 0x200), and can tunnel the remote control (an
//! `AppleTV` model on tvOS 13 or later); `deviceid` is the identifier it lists the
//! AirPlay service under.

use std::net::Ipv4Addr;

use atv_mdns::Announcement;

use super::{AirPlayConfig, SOURCE_VERSION};
use crate::announce::host_name;

/// Service type of AirPlay.
pub const AIRPLAY_SERVICE: &str = "_airplay._tcp.local";
/// Service type of RAOP (AirTunes audio).
pub const RAOP_SERVICE: &str = "_raop._tcp.local";
/// Group identifier the fake device announces.
const GROUP_ID: &str = "5D797FD3-3538-427E-A47B-A32FC6CF3A6B";
/// The extended features bitmask (base64) of a tvOS 15 Apple TV.
const FEATURES_EX: &str = "1d9/St5fFTw";

/// The TXT entries of the `_airplay._tcp` instance, in the order an Apple TV sends them.
pub fn airplay_txt(config: &AirPlayConfig) -> Vec<(String, String)> {
    let pairing_id = config.pairing_identifier();
    [
        ("acl", "0".to_owned()),
        ("btaddr", "00:00:00:00:00:00".to_owned()),
        ("deviceid", config.device_id.clone()),
        ("fex", FEATURES_EX.to_owned()),
        ("features", config.features.clone()),
        ("flags", format!("{:#x}", config.status_flags)),
        ("gid", GROUP_ID.to_owned()),
        ("igl", "1".to_owned()),
        ("gcgl", "1".to_owned()),
        ("model", config.model.clone()),
        ("protovers", "1.1".to_owned()),
        ("pi", pairing_id.to_ascii_lowercase()),
        ("psi", pairing_id),
        ("pk", config.public_key_hex()),
        ("srcvers", SOURCE_VERSION.to_owned()),
        ("osvers", config.os_version.clone()),
        ("vv", "2".to_owned()),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_owned(), value))
    .collect()
}

/// The TXT entries of the `_raop._tcp` instance.
pub fn raop_txt(config: &AirPlayConfig) -> Vec<(String, String)> {
    [
        ("cn", "0,1,2,3".to_owned()),
        ("da", "true".to_owned()),
        ("et", "0,3,5".to_owned()),
        ("ft", config.features.clone()),
        ("sf", format!("{:#x}", config.status_flags)),
        ("md", "0,1,2".to_owned()),
        ("am", config.model.clone()),
        ("pk", config.public_key_hex()),
        ("tp", "UDP".to_owned()),
        ("vn", "65537".to_owned()),
        ("vs", SOURCE_VERSION.to_owned()),
        ("ov", config.os_version.clone()),
        ("vv", "2".to_owned()),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_owned(), value))
    .collect()
}

/// The `_airplay._tcp` instance of the device on `port`.
pub fn airplay_announcement(config: &AirPlayConfig, address: Ipv4Addr, port: u16) -> Announcement {
    let announcement = Announcement::new(
        AIRPLAY_SERVICE,
        &config.name,
        host_name(&config.name),
        address,
        port,
    );
    with_entries(announcement, airplay_txt(config))
}

/// The `_raop._tcp` instance (`<device id without colons>@<name>`), on the same port:
/// an AirPlay 2 receiver takes audio on its AirPlay port.
pub fn raop_announcement(config: &AirPlayConfig, address: Ipv4Addr, port: u16) -> Announcement {
    let instance = format!("{}@{}", config.device_id.replace(':', ""), config.name);
    let announcement = Announcement::new(
        RAOP_SERVICE,
        instance,
        host_name(&config.name),
        address,
        port,
    );
    with_entries(announcement, raop_txt(config))
}

fn with_entries(announcement: Announcement, entries: Vec<(String, String)>) -> Announcement {
    entries
        .into_iter()
        .fold(announcement, |announcement, (key, value)| {
            announcement.with_txt(key, value)
        })
}

#[cfg(test)]
mod tests {
    use atv_airplay::features::Features;

    use super::*;

    fn get<'a>(entries: &'a [(String, String)], key: &str) -> Option<&'a str> {
        entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn airplay_txt_is_a_tunnel_capable_apple_tv_requiring_pairing() {
        let config = AirPlayConfig::new("Living Room");
        let txt = airplay_txt(&config);
        let features = Features::parse(get(&txt, "features").unwrap()).unwrap();
        for bit in [
            Features::SUPPORTS_UNIFIED_MEDIA_CONTROL,
            Features::SUPPORTS_CORE_UTILS_PAIRING_AND_ENCRYPTION,
            Features::SUPPORTS_HANGDOG_REMOTE_CONTROL,
            Features::HAS_UNIFIED_ADVERTISER_INFO,
        ] {
            assert!(features.contains(bit), "{bit:?} missing");
        }
        let flags = u32::from_str_radix(get(&txt, "flags").unwrap().trim_start_matches("0x"), 16);
        assert_eq!(flags.unwrap() & 0x200, 0x200, "pairing required");
        assert!(get(&txt, "model").unwrap().starts_with("AppleTV"));
        let major: u32 = get(&txt, "osvers")
            .unwrap()
            .split('.')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(major >= 15);
        assert_eq!(get(&txt, "deviceid"), Some("40:CB:C0:12:34:56"));
        assert_eq!(
            get(&txt, "pk").map(hex::decode).unwrap().unwrap(),
            config.identity.key.public_key()
        );
        assert_eq!(
            get(&txt, "psi").unwrap().as_bytes(),
            config.identity.identifier
        );
    }

    #[test]
    fn raop_instance_is_named_after_the_device_id() {
        let config = AirPlayConfig::new("Living Room");
        let announcement = raop_announcement(&config, Ipv4Addr::LOCALHOST, 7000);
        assert_eq!(announcement.instance_name, "40CBC0123456@Living Room");
        assert_eq!(announcement.port, 7000);
        let ft = announcement.txt.iter().find(|(k, _)| k == "ft").unwrap();
        assert_eq!(ft.1, super::super::FEATURES.as_bytes());
    }
}
