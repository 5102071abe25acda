//! atv's scan logic against pyatv 0.18.0's, over the same mDNS answers.
//!
//! `data/scan_cases.json` holds device answers (TXT records from pyatv's tests and from
//! real devices). `pyatv_scan.py` runs them through pyatv's own `scan` (its unicast
//! scanner is handed the answers instead of asking the network) and `get_unique_id`;
//! this test runs them through [`atv::devices_from_responses`] and [`atv::unique_id`] and
//! compares everything pyatv reports: names, addresses, identifiers, services with
//! pairing and password requirements, and device information.
// Needs every protocol, as pyatv scans for all of them.
#![cfg(all(
    feature = "mrp",
    feature = "airplay",
    feature = "companion",
    feature = "raop",
    feature = "dmap"
))]

use std::collections::BTreeSet;
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::process::Command;

use atv::core::discovery::{MdnsResponse, MdnsService};
use atv::{DeviceConfig, OperatingSystem, Properties, Protocol, ScanOptions};
use serde_json::{Value, json};

fn data_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/scan_cases.json")
}

fn properties(value: &Value) -> Properties {
    value
        .as_array()
        .expect("properties are a list of pairs")
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().expect("key").to_owned(),
                pair[1].as_str().expect("value").to_owned(),
            )
        })
        .collect()
}

fn response(value: &Value) -> MdnsResponse {
    MdnsResponse {
        services: value["services"]
            .as_array()
            .expect("services")
            .iter()
            .map(|s| MdnsService {
                service_type: s["type"].as_str().expect("type").to_owned(),
                name: s["name"].as_str().expect("name").to_owned(),
                address: s["address"]
                    .as_str()
                    .map(|a| a.parse::<Ipv4Addr>().expect("IPv4 address")),
                port: u16::try_from(s["port"].as_u64().expect("port")).expect("port fits"),
                properties: properties(&s["properties"]),
            })
            .collect(),
        deep_sleep: value["deep_sleep"].as_bool().expect("deep_sleep"),
        model: value["model"].as_str().map(str::to_owned),
    }
}

fn options(case: &Value) -> ScanOptions {
    let mut options = ScanOptions::default();
    if let Some(protocols) = case["protocols"].as_array() {
        options.protocols = Some(
            protocols
                .iter()
                .map(|p| {
                    p.as_str()
                        .expect("protocol")
                        .parse::<Protocol>()
                        .expect("known")
                })
                .collect(),
        );
    }
    if let Some(ids) = case["identifiers"].as_array() {
        options.identifiers = Some(
            ids.iter()
                .map(|i| i.as_str().expect("identifier").to_owned())
                .collect::<BTreeSet<_>>(),
        );
    }
    options
}

/// The device as `pyatv_scan.py` describes one.
fn describe(device: &DeviceConfig) -> Value {
    let info = &device.device_info;
    json!({
        "name": device.name,
        "address": device.address.to_string(),
        "deep_sleep": device.deep_sleep,
        "identifier": device.identifier(),
        "all_identifiers": device.all_identifiers(),
        "property_types": device.properties.keys().collect::<Vec<_>>(),
        "device_info": {
            "operating_system": os_name(info.operating_system()),
            "version": info.version(),
            "build_number": info.build_number,
            "model": info.model().name(),
            "raw_model": info.raw_model,
            "mac": info.mac,
            "output_device_id": info.output_device_id,
            "str": info.to_string(),
        },
        "services": device.services().iter().map(|s| json!({
            "protocol": s.protocol.lower_name(),
            "identifier": s.identifier,
            "port": s.port,
            "credentials": s.credentials,
            "password": s.password,
            "enabled": s.enabled,
            "requires_password": s.requires_password,
            "pairing": s.pairing.name(),
            "properties": s.properties.iter()
                .map(|(k, v)| (k.to_lowercase(), Value::from(v)))
                .collect::<serde_json::Map<_, _>>(),
        })).collect::<Vec<_>>(),
    })
}

fn os_name(os: OperatingSystem) -> &'static str {
    os.name()
}

#[test]
fn scan_results_match_pyatv() {
    let Some(python) = atv_tests::pyatv_python() else {
        return;
    };
    let data: Value =
        serde_json::from_str(&std::fs::read_to_string(data_file()).expect("fixture readable"))
            .expect("fixture is JSON");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/pyatv_scan.py");
    let output = Command::new(python)
        .arg(script)
        .arg(data_file())
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "pyatv_scan.py failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let expected: Value = serde_json::from_slice(&output.stdout).expect("pyatv prints JSON");

    let cases = data["cases"].as_array().expect("cases");
    let pyatv_cases = expected["cases"].as_array().expect("pyatv cases");
    assert_eq!(cases.len(), pyatv_cases.len());
    let mut devices_seen = 0;
    for (case, pyatv_devices) in cases.iter().zip(pyatv_cases) {
        let responses: Vec<MdnsResponse> = case["responses"]
            .as_array()
            .expect("responses")
            .iter()
            .map(response)
            .collect();
        let devices = atv::devices_from_responses(&responses, &options(case));
        let ours = Value::Array(devices.iter().map(describe).collect());
        assert_eq!(
            &ours,
            pyatv_devices,
            "case {:?}\natv:   {}\npyatv: {}",
            case["name"],
            serde_json::to_string_pretty(&ours).unwrap_or_default(),
            serde_json::to_string_pretty(pyatv_devices).unwrap_or_default()
        );
        devices_seen += devices.len();
    }
    assert!(
        devices_seen >= 10,
        "the cases must find devices ({devices_seen})"
    );

    let rows = data["unique_ids"].as_array().expect("unique_ids");
    let pyatv_ids = expected["unique_ids"].as_array().expect("pyatv unique_ids");
    assert_eq!(rows.len(), pyatv_ids.len());
    for (row, pyatv_id) in rows.iter().zip(pyatv_ids) {
        let id = atv::unique_id(
            row[0].as_str().expect("type"),
            row[1].as_str().expect("name"),
            &properties(&row[2]),
        );
        assert_eq!(&json!(id), pyatv_id, "unique id of {row}");
    }
}
