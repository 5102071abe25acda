//! `atv::scan` by unicast against atv-mdns's responder on loopback addresses (a custom
//! port, real UDP sockets, no multicast): the device configurations it builds, the
//! protocol and identifier filters, parallel hosts and their order, and errors.
// Needs every protocol, as pyatv scans for all of them.
#![cfg(all(
    feature = "mrp",
    feature = "airplay",
    feature = "companion",
    feature = "raop",
    feature = "dmap"
))]

use std::net::{Ipv4Addr, SocketAddrV4};
use std::time::Duration;

use atv::mdns::{Announcement, Responder, ResponderMode, ResponderOptions};
use atv::{DeviceConfig, DeviceModel, Error, OperatingSystem, PairingRequirement, Protocol};
use atv::{ScanOptions, scan};

const MRP: &str = "_mediaremotetv._tcp.local";
const AIRPLAY: &str = "_airplay._tcp.local";
const COMPANION: &str = "_companion-link._tcp.local";
const RAOP: &str = "_raop._tcp.local";
const DEVICE_INFO: &str = "_device-info._tcp.local";
const SLEEP_PROXY: &str = "_sleep-proxy._udp.local";

/// Generous: a unicast scan ends as soon as every query is answered.
const TIMEOUT: Duration = Duration::from_secs(8);

const TV: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 1);
const SPEAKER: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 2);

/// An Apple TV 4K on tvOS 14.7 with MRP, AirPlay, Companion, RAOP and device-info, TXT
/// records shaped like a real one's.
fn apple_tv(address: Ipv4Addr) -> Vec<Announcement> {
    let host = "Living-Room";
    vec![
        Announcement::new(MRP, "Living Room", host, address, 49152)
            .with_txt("ModelName", "Apple TV")
            .with_txt("AllowPairing", "YES")
            .with_txt("macAddress", "AA:BB:CC:DD:EE:FF")
            .with_txt("Name", "Living Room")
            .with_txt("UniqueIdentifier", "4D797FD3-3538-427E-A47B-A32FC6CF3A69")
            .with_txt("SystemBuildVersion", "18M60"),
        Announcement::new(AIRPLAY, "Living Room", host, address, 7000)
            .with_txt("acl", "0")
            .with_txt("deviceid", "AA:BB:CC:DD:EE:FF")
            .with_txt("features", "0x4A7FDFD5,0x3C155FDE")
            .with_txt("flags", "0x244")
            .with_txt("model", "AppleTV6,2")
            .with_txt("psi", "6EE2C905-874B-4B4B-A50B-0F06B1800A17")
            .with_txt("srcvers", "550.10")
            .with_txt("osvers", "14.7"),
        Announcement::new(COMPANION, "Living Room", host, address, 49153)
            .with_txt("rpMac", "2")
            .with_txt("rpFl", "0x36782")
            .with_txt("rpMd", "AppleTV6,2")
            .with_txt("rpMRtID", "4D797FD3-3538-427E-A47B-A32FC6CF3A69"),
        Announcement::new(RAOP, "AABBCCDDEEFF@Living Room", host, address, 7000)
            .with_txt("am", "AppleTV6,2")
            .with_txt("ft", "0x4A7FDFD5,0x3C155FDE")
            .with_txt("sf", "0x244")
            .with_txt("ov", "14.7"),
        Announcement::new(DEVICE_INFO, "Living Room", host, address, 0)
            .with_txt("model", "J105aAP"),
        // Apple TVs are Bonjour sleep proxies, which also makes them answer every query.
        Announcement::new(
            SLEEP_PROXY,
            "70-35-60-63.1 Living Room",
            host,
            address,
            54942,
        ),
    ]
}

/// A password-protected AirPort Express: RAOP and `_airport`.
fn airport_express(address: Ipv4Addr) -> Vec<Announcement> {
    vec![
        Announcement::new(RAOP, "0050C212ABCD@Kitchen", "Kitchen", address, 5000)
            .with_txt("am", "AirPort10,115")
            .with_txt("pw", "true")
            .with_txt("sf", "0x4"),
        Announcement::new("_airport._tcp.local", "Kitchen", "Kitchen", address, 5009).with_txt(
            "wama",
            "00-50-c2-12-ab-cd,raMA=00-50-C2-12-AB-CE,syVs=7.8.1",
        ),
        Announcement::new(
            SLEEP_PROXY,
            "50-34-51-62.1 Kitchen",
            "Kitchen",
            address,
            62114,
        ),
    ]
}

/// A device announcing only Companion without an identifier: never returned.
fn bare_companion(address: Ipv4Addr) -> Vec<Announcement> {
    vec![Announcement::new(COMPANION, "Bare", "Bare", address, 49153).with_txt("rpHA", "abc")]
}

async fn responder(bind: SocketAddrV4, announcements: Vec<Announcement>) -> Responder {
    Responder::bind(ResponderOptions {
        mode: ResponderMode::Unicast { bind },
        announcements,
    })
    .await
    .expect("responder binds")
}

/// Responders for the TV on 127.0.0.1 and the AirPort Express on 127.0.0.2, on one port.
async fn two_devices() -> (Responder, Responder, u16) {
    let tv = responder(SocketAddrV4::new(TV, 0), apple_tv(TV)).await;
    let port = tv.local_addr().port();
    let mut speaker_announcements = airport_express(SPEAKER);
    speaker_announcements.extend(bare_companion(Ipv4Addr::new(127, 0, 0, 3)));
    let speaker = responder(SocketAddrV4::new(SPEAKER, port), speaker_announcements).await;
    (tv, speaker, port)
}

fn options(port: u16, hosts: &[Ipv4Addr]) -> ScanOptions {
    let mut options = ScanOptions::default().timeout(TIMEOUT).mdns_port(port);
    options.hosts = hosts.to_vec();
    options
}

fn protocols(device: &DeviceConfig) -> Vec<Protocol> {
    device.services().iter().map(|s| s.protocol).collect()
}

fn check_apple_tv(tv: &DeviceConfig) {
    assert_eq!(tv.name, "Living Room");
    assert_eq!(tv.address, std::net::IpAddr::V4(TV));
    assert!(!tv.deep_sleep);
    assert_eq!(
        tv.identifier(),
        Some("4D797FD3-3538-427E-A47B-A32FC6CF3A69")
    );
    let mut identifiers = tv.all_identifiers();
    identifiers.sort_unstable();
    assert_eq!(
        identifiers,
        [
            "4D797FD3-3538-427E-A47B-A32FC6CF3A69",
            "4D797FD3-3538-427E-A47B-A32FC6CF3A69",
            "AA:BB:CC:DD:EE:FF",
            "AABBCCDDEEFF",
        ]
    );
    let expectations = [
        (Protocol::Mrp, 49152, PairingRequirement::Optional),
        (Protocol::AirPlay, 7000, PairingRequirement::Mandatory),
        (Protocol::Companion, 49153, PairingRequirement::Mandatory),
        (Protocol::Raop, 7000, PairingRequirement::Mandatory),
    ];
    assert_eq!(tv.services().len(), expectations.len());
    for (protocol, port, pairing) in expectations {
        let service = tv.get_service(protocol).expect("service present");
        assert_eq!(service.port, port, "{protocol}");
        assert_eq!(service.pairing, pairing, "{protocol}");
        assert!(service.enabled, "{protocol}");
        assert!(!service.requires_password, "{protocol}");
        assert_eq!(service.credentials, None, "{protocol}");
    }
    let info = &tv.device_info;
    assert_eq!(info.model(), DeviceModel::Gen4K);
    assert_eq!(info.operating_system(), OperatingSystem::TvOS);
    assert_eq!(info.version().as_deref(), Some("14.7"));
    assert_eq!(info.build_number.as_deref(), Some("18M60"));
    assert_eq!(info.mac.as_deref(), Some("AA:BB:CC:DD:EE:FF"));
    assert_eq!(
        info.output_device_id.as_deref(),
        Some("6EE2C905-874B-4B4B-A50B-0F06B1800A17")
    );
    for service_type in [MRP, AIRPLAY, COMPANION, RAOP, SLEEP_PROXY] {
        assert!(tv.properties.contains_key(service_type), "{service_type}");
    }
    assert_eq!(
        tv.properties[AIRPLAY].get("model"),
        Some("AppleTV6,2"),
        "TXT records are kept"
    );
}

fn check_airport_express(speaker: &DeviceConfig) {
    assert_eq!(speaker.name, "Kitchen");
    assert_eq!(speaker.address, std::net::IpAddr::V4(SPEAKER));
    assert_eq!(speaker.all_identifiers(), ["0050C212ABCD"]);
    let raop = speaker.get_service(Protocol::Raop).expect("RAOP");
    assert_eq!(raop.port, 5000);
    assert!(raop.requires_password);
    assert_eq!(raop.pairing, PairingRequirement::NotNeeded);
    let info = &speaker.device_info;
    assert_eq!(info.model(), DeviceModel::AirPortExpressGen2);
    assert_eq!(info.operating_system(), OperatingSystem::AirPortOS);
    assert_eq!(info.mac.as_deref(), Some("00:50:C2:12:AB:CD"));
    assert_eq!(info.version().as_deref(), Some("7.8.1"));
}

#[tokio::test]
async fn finds_devices_on_every_host_in_host_order() {
    let (tv, speaker, port) = two_devices().await;

    let devices = scan(options(port, &[TV, SPEAKER]))
        .await
        .expect("scan works");
    assert_eq!(devices.len(), 2, "{devices:#?}");
    check_apple_tv(&devices[0]);
    check_airport_express(&devices[1]);

    let devices = scan(options(port, &[SPEAKER, TV]))
        .await
        .expect("scan works");
    let addresses: Vec<_> = devices.iter().map(|d| d.address).collect();
    assert_eq!(addresses, [SPEAKER, TV].map(std::net::IpAddr::V4));

    tv.close().await;
    speaker.close().await;
}

#[tokio::test]
async fn protocol_filter_keeps_only_those_services() {
    let (tv, speaker, port) = two_devices().await;

    let options = options(port, &[TV, SPEAKER])
        .protocol(Protocol::Companion)
        .protocol(Protocol::Raop);
    let devices = scan(options).await.expect("scan works");
    assert_eq!(devices.len(), 2, "{devices:#?}");
    assert_eq!(
        protocols(&devices[0]),
        [Protocol::Companion, Protocol::Raop]
    );
    assert_eq!(protocols(&devices[1]), [Protocol::Raop]);
    // Device information only comes from the record types asked for.
    assert_eq!(devices[0].device_info.build_number, None);
    assert!(!devices[0].properties.contains_key(MRP));

    let devices = scan(options_for_mrp_only(port)).await.expect("scan works");
    assert_eq!(devices.len(), 1, "only the TV speaks MRP: {devices:#?}");
    assert_eq!(protocols(&devices[0]), [Protocol::Mrp]);
    // The `_device-info` model still counts.
    assert_eq!(devices[0].device_info.model(), DeviceModel::Gen4K);

    tv.close().await;
    speaker.close().await;
}

fn options_for_mrp_only(port: u16) -> ScanOptions {
    options(port, &[TV, SPEAKER]).protocol(Protocol::Mrp)
}

#[tokio::test]
async fn identifier_filter_matches_any_identifier_of_a_device() {
    let (tv, speaker, port) = two_devices().await;

    let devices = scan(options(port, &[TV, SPEAKER]).identifier("0050C212ABCD"))
        .await
        .expect("scan works");
    assert_eq!(devices.len(), 1, "{devices:#?}");
    check_airport_express(&devices[0]);

    // Several wanted identifiers; the TV's RAOP identifier matches.
    let devices = scan(
        options(port, &[TV, SPEAKER])
            .identifier("not-there")
            .identifier("AABBCCDDEEFF"),
    )
    .await
    .expect("scan works");
    assert_eq!(devices.len(), 1, "{devices:#?}");
    check_apple_tv(&devices[0]);

    let devices = scan(options(port, &[TV, SPEAKER]).identifier("not-there"))
        .await
        .expect("scan works");
    assert!(devices.is_empty(), "{devices:#?}");

    tv.close().await;
    speaker.close().await;
}

#[tokio::test]
async fn silent_host_gives_no_device() {
    // Nothing listens on this port of 127.0.0.4.
    let socket = std::net::UdpSocket::bind("127.0.0.4:0").expect("bind");
    let port = socket.local_addr().expect("address").port();
    drop(socket);
    let options = options(port, &[Ipv4Addr::new(127, 0, 0, 4)]).timeout(Duration::from_secs(2));
    let devices = scan(options).await.expect("scan works");
    assert!(devices.is_empty());
}

#[tokio::test]
async fn host_outside_local_subnets_is_an_error() {
    // 203.0.113.0/24 is TEST-NET-3: never local; atv-mdns refuses before sending.
    let options = options(5353, &[Ipv4Addr::new(203, 0, 113, 7)]);
    let error = scan(options).await.expect_err("not a local subnet");
    assert!(matches!(error, Error::NonLocalSubnet(ref host) if host == "203.0.113.7"));
}
