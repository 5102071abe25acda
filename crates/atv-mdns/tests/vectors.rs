//! Captured mDNS answers, parsed and compared with what pyatv 0.18.0 reports for the same
//! bytes (tests/data/*.expected.json, written by tests/data/generate_expected.py).
//!
//! - `zeroconf_appletv_reply_*.bin`: python-zeroconf's real replies, captured across a veth
//!   pair, to pyatv's query messages (`pyatv_query_*.bin`) for an Apple-TV-like set of
//!   services (tests/data/capture_*.py). They include NSEC records with compressed names
//!   and a reply split over two packets.
//! - `pyatv_fake_*_reply_*.bin`: answers of pyatv's own fake responder (tests/fake_udns.py),
//!   awake and as a sleep proxy.

use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::time::Instant;

use atv_mdns::decode::decode;
use atv_mdns::encode::encode;
use atv_mdns::message::RecordType;
use atv_mdns::multicast_collector::{MulticastCollector, PacketOutcome};
use atv_mdns::service_table::ServiceTable;
use atv_mdns::{MdnsResponse, MdnsService};
use serde_json::Value;

fn data(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn expected(name: &str) -> Value {
    serde_json::from_slice(&data(name)).expect("valid JSON")
}

fn parse_all(files: &[&str]) -> Vec<MdnsService> {
    let mut table = ServiceTable::new();
    for file in files {
        let decoded = decode(&data(file)).expect("vector parses");
        assert_eq!(decoded.skipped_records, 0, "{file}");
        table.add_packet(&decoded.packet);
    }
    table.services()
}

/// Compares services with pyatv's report, field by field and in order.
fn assert_like_pyatv(services: &[MdnsService], model: Option<&str>, pyatv: &Value) {
    let expected = pyatv["services"].as_array().expect("services");
    assert_eq!(services.len(), expected.len(), "{services:#?}");
    for (service, want) in services.iter().zip(expected) {
        assert_eq!(service.service_type, want["type"].as_str().unwrap());
        assert_eq!(service.name, want["name"].as_str().unwrap());
        assert_eq!(
            service.address.map(|a| a.to_string()),
            want["address"].as_str().map(str::to_owned),
            "{}",
            service.name
        );
        assert_eq!(u64::from(service.port), want["port"].as_u64().unwrap());
        let properties: Vec<(String, String)> = service
            .properties
            .iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let want_properties: Vec<(String, String)> = want["properties"]
            .as_array()
            .unwrap()
            .iter()
            .map(|pair| {
                (
                    pair[0].as_str().unwrap().to_owned(),
                    pair[1].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(properties, want_properties, "{}", service.service_type);
    }
    assert_eq!(model, pyatv["model"].as_str());
}

fn model_of(services: &[MdnsService]) -> Option<String> {
    atv_mdns::service_table::device_model(services)
}

#[test]
fn zeroconf_apple_tv_replies_read_as_pyatv_reads_them() {
    let files = [
        "zeroconf_appletv_reply_0.bin",
        "zeroconf_appletv_reply_1.bin",
        "zeroconf_appletv_reply_2.bin",
    ];
    let services = parse_all(&files);
    assert_like_pyatv(
        &services,
        model_of(&services).as_deref(),
        &expected("zeroconf_appletv.expected.json"),
    );
    // Spot checks in plain words, so the vector's meaning is visible here too.
    let airplay = services
        .iter()
        .find(|s| s.service_type == "_airplay._tcp.local")
        .unwrap();
    assert_eq!(airplay.name, "Living Room");
    assert_eq!(airplay.port, 7000);
    assert_eq!(airplay.address, Some(Ipv4Addr::new(10, 99, 0, 1)));
    assert_eq!(
        airplay.properties.get("deviceid"),
        Some("AA:BB:CC:DD:EE:01")
    );
    let mrp = services
        .iter()
        .find(|s| s.service_type == "_mediaremotetv._tcp.local")
        .unwrap();
    // Non-breaking space in a TXT value becomes a plain space.
    assert_eq!(mrp.properties.get("Name"), Some("Living Room"));
}

#[test]
fn first_zeroconf_packet_alone() {
    let services = parse_all(&["zeroconf_appletv_reply_0.bin"]);
    assert_like_pyatv(
        &services,
        model_of(&services).as_deref(),
        &expected("zeroconf_appletv_reply_0.expected.json"),
    );
}

#[test]
fn zeroconf_reply_structure() {
    let packet = decode(&data("zeroconf_appletv_reply_0.bin"))
        .unwrap()
        .packet;
    assert_eq!(packet.id, 0x35ff, "legacy unicast reply echoes the id");
    assert!(packet.is_response());
    assert_eq!(packet.questions.len(), 5, "and the questions");
    assert_eq!(packet.answers.len(), 4);
    assert_eq!(packet.additionals.len(), 12);
    let nsec = packet
        .additionals
        .iter()
        .filter(|r| r.record_type() == RecordType::NSEC)
        .count();
    assert_eq!(nsec, 4);
}

#[test]
fn pyatv_queries_parse() {
    let query = decode(&data("pyatv_query_0.bin")).unwrap().packet;
    assert!(!query.is_response());
    assert_eq!(query.id, 0x35ff);
    let names: Vec<String> = query.questions.iter().map(|q| q.name.to_string()).collect();
    assert_eq!(
        names,
        [
            "_mediaremotetv._tcp.local.",
            "_airplay._tcp.local.",
            "_companion-link._tcp.local.",
            "_raop._tcp.local.",
            "_sleep-proxy._udp.local."
        ]
    );
    assert!(query.questions.iter().all(|q| q.unicast_response));
}

#[test]
fn pyatv_fake_responder_answers() {
    let services = parse_all(&[
        "pyatv_fake_awake_reply_0.bin",
        "pyatv_fake_awake_reply_1.bin",
    ]);
    assert_like_pyatv(
        &services,
        model_of(&services).as_deref(),
        &expected("pyatv_fake_awake.expected.json"),
    );
}

#[test]
fn pyatv_fake_sleep_proxy_answers() {
    let files = [
        "pyatv_fake_sleep_proxy_reply_0.bin",
        "pyatv_fake_sleep_proxy_reply_1.bin",
    ];
    let services = parse_all(&files);
    let pyatv = expected("pyatv_fake_sleep_proxy.expected.json");
    assert_like_pyatv(&services, model_of(&services).as_deref(), &pyatv);
    assert_eq!(
        services.iter().all(|s| s.port == 0),
        pyatv["all_ports_zero"].as_bool().unwrap()
    );
}

#[test]
fn collector_takes_zeroconf_replies_as_one_device() {
    let types: Vec<String> = [
        "_mediaremotetv._tcp.local",
        "_airplay._tcp.local",
        "_companion-link._tcp.local",
        "_raop._tcp.local",
    ]
    .map(String::from)
    .to_vec();
    let mut collector = MulticastCollector::new(&types, vec![0x35ff], 0x4000).unwrap();
    let source = Ipv4Addr::new(10, 99, 0, 1);
    let now = Instant::now();
    for i in 0..3 {
        let outcome = collector.handle_packet(
            source,
            &data(&format!("zeroconf_appletv_reply_{i}.bin")),
            now,
        );
        assert_eq!(outcome, PacketOutcome::Accepted);
    }
    // Every message (one id here) answered and every PTR'd instance complete.
    assert_eq!(collector.take_settled(now), [source]);
    let responses: Vec<MdnsResponse> = collector.responses();
    assert_eq!(responses.len(), 1);
    assert!(!responses[0].deep_sleep);
    assert_eq!(responses[0].services.len(), 4);
}

#[test]
fn vectors_round_trip_through_our_encoder() {
    for file in [
        "zeroconf_appletv_reply_0.bin",
        "zeroconf_appletv_reply_1.bin",
        "zeroconf_appletv_reply_2.bin",
        "pyatv_fake_awake_reply_0.bin",
        "pyatv_fake_sleep_proxy_reply_0.bin",
        "pyatv_query_0.bin",
    ] {
        let first = decode(&data(file)).unwrap().packet;
        let again = decode(&encode(&first).unwrap()).unwrap();
        assert_eq!(again.skipped_records, 0);
        assert_eq!(again.packet, first, "{file}");
    }
}
