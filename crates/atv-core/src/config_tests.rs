//! Tests of [`DeviceConfig`]: identifier order, merging, main service, settings.

use std::net::{IpAddr, Ipv4Addr};

use crate::{DeviceConfig, Error, Properties, Protocol, Service, Settings};

fn config() -> DeviceConfig {
    DeviceConfig::new(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), "Living Room")
}

fn service(protocol: Protocol, id: Option<&str>) -> Service {
    Service::new(id.map(str::to_owned), protocol, 1000, Properties::new())
}

#[test]
fn identifier_follows_pyatv_protocol_order() {
    let mut c = config();
    assert_eq!(c.identifier(), None);
    c.add_service(service(Protocol::Companion, Some("comp")));
    assert_eq!(c.identifier(), Some("comp"));
    c.add_service(service(Protocol::Raop, Some("raop")));
    assert_eq!(c.identifier(), Some("raop"));
    c.add_service(service(Protocol::AirPlay, Some("ap")));
    assert_eq!(c.identifier(), Some("ap"));
    c.add_service(service(Protocol::Mrp, None));
    assert_eq!(
        c.identifier(),
        Some("ap"),
        "a service without identifier is skipped"
    );
    c.add_service(service(Protocol::Dmap, Some("dmap")));
    assert_eq!(c.identifier(), Some("dmap"));
    assert_eq!(c.all_identifiers(), vec!["comp", "raop", "ap", "dmap"]);
}

#[test]
fn empty_identifier_counts_for_identifier_but_not_ready() {
    let mut c = config();
    c.add_service(service(Protocol::AirPlay, Some("ap")));
    c.add_service(service(Protocol::Mrp, Some("")));
    assert_eq!(c.identifier(), Some(""));
    assert!(c.ready());
    let mut only_empty = config();
    only_empty.add_service(service(Protocol::Mrp, Some("")));
    assert!(!only_empty.ready());
    assert!(!config().ready());
}

#[test]
fn adding_same_protocol_merges() {
    let mut c = config();
    let mut first = service(Protocol::Mrp, Some("first"));
    first.properties.insert("a", "1");
    first.credentials = Some("old".into());
    c.add_service(first);
    let mut second = service(Protocol::Mrp, Some("second"));
    second.properties.insert("b", "2");
    second.password = Some("pw".into());
    c.add_service(second);
    assert_eq!(c.services().len(), 1);
    let mrp = c.get_service(Protocol::Mrp).unwrap();
    assert_eq!(mrp.identifier.as_deref(), Some("first"));
    assert_eq!(mrp.credentials.as_deref(), Some("old"));
    assert_eq!(mrp.password.as_deref(), Some("pw"));
    assert_eq!(mrp.properties.get("a"), Some("1"));
    assert_eq!(mrp.properties.get("b"), Some("2"));
}

#[test]
fn main_service_order_skips_companion() {
    let mut c = config();
    c.add_service(service(Protocol::Companion, Some("c")));
    assert!(matches!(c.main_service(None), Err(Error::NoService(_))));
    assert_eq!(
        c.main_service(Some(Protocol::Companion)).unwrap().protocol,
        Protocol::Companion
    );
    c.add_service(service(Protocol::Raop, None));
    assert_eq!(c.main_service(None).unwrap().protocol, Protocol::Raop);
    c.add_service(service(Protocol::AirPlay, None));
    assert_eq!(c.main_service(None).unwrap().protocol, Protocol::AirPlay);
    c.add_service(service(Protocol::Mrp, None));
    c.add_service(service(Protocol::Dmap, None));
    assert_eq!(c.main_service(None).unwrap().protocol, Protocol::Mrp);
    assert!(c.main_service(Some(Protocol::Raop)).is_ok());
}

#[test]
fn set_credentials_only_for_existing_service() {
    let mut c = config();
    c.add_service(service(Protocol::AirPlay, Some("ap")));
    assert!(c.set_credentials(Protocol::AirPlay, "creds"));
    assert!(!c.set_credentials(Protocol::Mrp, "creds"));
    assert_eq!(
        c.get_service(Protocol::AirPlay)
            .unwrap()
            .credentials
            .as_deref(),
        Some("creds")
    );
}

#[test]
fn apply_takes_non_empty_stored_secrets() {
    let mut c = config();
    let mut airplay = service(Protocol::AirPlay, Some("ap"));
    airplay.credentials = Some("kept".into());
    c.add_service(airplay);
    c.add_service(service(Protocol::Raop, Some("raop")));
    c.add_service(service(Protocol::Companion, Some("comp")));
    let mut settings = Settings::default();
    settings.protocols.airplay.credentials = Some(String::new());
    settings.protocols.airplay.password = Some("pw".into());
    settings.protocols.raop.credentials = Some("raop-creds".into());
    settings.protocols.companion.credentials = Some("comp-creds".into());
    c.apply(&settings);
    let ap = c.get_service(Protocol::AirPlay).unwrap();
    assert_eq!(ap.credentials.as_deref(), Some("kept"));
    assert_eq!(ap.password.as_deref(), Some("pw"));
    assert_eq!(
        c.get_service(Protocol::Raop)
            .unwrap()
            .credentials
            .as_deref(),
        Some("raop-creds")
    );
    assert_eq!(
        c.get_service(Protocol::Companion)
            .unwrap()
            .credentials
            .as_deref(),
        Some("comp-creds")
    );
}

#[test]
fn display_without_services() {
    let c = config();
    assert_eq!(
        c.to_string(),
        "       Name: Living Room\n   Model/SW: Unknown, Unknown OS\n    Address: 10.0.0.1\n        MAC: None\n Deep Sleep: False\nIdentifiers:\n\nServices:\n"
    );
}
