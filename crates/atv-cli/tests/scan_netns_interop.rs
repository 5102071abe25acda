//! Scanning a test network with both tools: pyatv 0.18.0's atvscript/atvremote and ours
//! must report the same devices, identifiers, ports, model, OS and version.
//!
//! Our mDNS responder publishes four devices shaped like real ones (an Apple TV 4K on
//! tvOS 17, an Apple TV HD on tvOS 14 with MRP and DMAP, a HomePod mini and an AirPort
//! Express), each from its own address in network namespace A; the tools run in
//! namespace B, over a veth pair the test creates and removes (needs root: skipped
//! elsewhere, required under CI). Both multicast and unicast (`-s`) scans are compared.
//!
//! The tools run only after the responder's start-up announcements are over: pyatv keeps
//! services (and so identifiers, and the OS it infers) in the order their records first
//! arrive, and a scan that hears an unsolicited announcement sees another order than one
//! that hears only answers to its own queries. Started at once, pyatv caught or missed
//! the second announcement depending on how fast Python started, which made the first
//! comparison fail now and then under load.

mod support;

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use atv_mdns::{Announcement, Responder, ResponderMode, ResponderOptions};
use atv_tests::netns::{NetnsPair, PREFIX};
use serde_json::Value;
use support::pyatv_tool;

const TV4K: Ipv4Addr = Ipv4Addr::new(10, 77, 0, 21);
const TVHD: Ipv4Addr = Ipv4Addr::new(10, 77, 0, 22);
const HOMEPOD: Ipv4Addr = Ipv4Addr::new(10, 77, 0, 23);
const AIRPORT: Ipv4Addr = Ipv4Addr::new(10, 77, 0, 24);

const AIRPLAY: &str = "_airplay._tcp.local";
const RAOP: &str = "_raop._tcp.local";
const COMPANION: &str = "_companion-link._tcp.local";
const MRP: &str = "_mediaremotetv._tcp.local";
const DEVICE_INFO: &str = "_device-info._tcp.local";
const HSCP: &str = "_appletv-v2._tcp.local";
const AIRPORT_SERVICE: &str = "_airport._tcp.local";
const SLEEP_PROXY: &str = "_sleep-proxy._udp.local";

fn living_room() -> Vec<Announcement> {
    let (name, host, address) = ("Living Room", "Living-Room", TV4K);
    vec![
        Announcement::new(AIRPLAY, name, host, address, 7000)
            .with_txt("acl", "0")
            .with_txt("btaddr", "00:00:00:00:00:00")
            .with_txt("deviceid", "58:D3:49:F0:12:34")
            .with_txt("fex", "1d9/St5/FbwooQ")
            .with_txt("features", "0x4A7FDFD5,0xBC177FDE")
            .with_txt("flags", "0x244")
            .with_txt("gid", "6C1A9A1D-3C4B-4C77-9E36-2B1C3D4E5F60")
            .with_txt("igl", "1")
            .with_txt("gcgl", "1")
            .with_txt("model", "AppleTV11,1")
            .with_txt("protovers", "1.1")
            .with_txt("pi", "2e388006-13ba-4041-9a67-25dd4a43d536")
            .with_txt("psi", "2E388006-13BA-4041-9A67-25DD4A43D536")
            .with_txt("pk", "d3f5a6c1b2e4".repeat(5) + "aabb")
            .with_txt("srcvers", "760.20.1")
            .with_txt("osvers", "17.4")
            .with_txt("vv", "2"),
        Announcement::new(RAOP, format!("58D349F01234@{name}"), host, address, 7000)
            .with_txt("cn", "0,1,2,3")
            .with_txt("da", "true")
            .with_txt("et", "0,3,5")
            .with_txt("ft", "0x4A7FDFD5,0xBC177FDE")
            .with_txt("sf", "0x244")
            .with_txt("md", "0,1,2")
            .with_txt("am", "AppleTV11,1")
            .with_txt("pk", "d3f5a6c1b2e4".repeat(5) + "aabb")
            .with_txt("tp", "UDP")
            .with_txt("vn", "65537")
            .with_txt("vs", "760.20.1")
            .with_txt("ov", "17.4")
            .with_txt("vv", "2"),
        Announcement::new(COMPANION, name, host, address, 49153)
            .with_txt("rpMac", "2")
            .with_txt("rpHN", "86d44e4f11ff")
            .with_txt("rpFl", "0x36782")
            .with_txt("rpHA", "45efecc5211")
            .with_txt("rpVr", "530.4")
            .with_txt("rpAD", "cc5011ae31ee")
            .with_txt("rpHI", "ffb855e34e31")
            .with_txt("rpBA", "E1:B2:E3:BB:11:FF")
            .with_txt("rpMRtID", "4D797FD3-3538-427E-A47B-A32FC6CF3A69"),
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

fn bedroom() -> Vec<Announcement> {
    let (name, host, address) = ("Bedroom", "Bedroom-TV", TVHD);
    vec![
        Announcement::new(MRP, name, host, address, 49152)
            .with_txt("ModelName", "Apple TV")
            .with_txt("AllowPairing", "YES")
            .with_txt("BluetoothAddress", "")
            .with_txt("macAddress", "40:CB:C0:12:34:56")
            .with_txt("Name", name)
            .with_txt("UniqueIdentifier", "A9B8C7D6-E5F4-4321-8765-0123456789AB")
            .with_txt("SystemBuildVersion", "18M60")
            .with_txt(
                "LocalAirPlayReceiverPairingIdentity",
                "E5A1B2C3-D4E5-4F60-8172-93A4B5C6D7E8",
            ),
        Announcement::new(AIRPLAY, name, host, address, 7000)
            .with_txt("deviceid", "40:CB:C0:12:34:56")
            .with_txt("features", "0x5A7FFFF7,0x1E")
            .with_txt("flags", "0x44")
            .with_txt("model", "AppleTV5,3")
            .with_txt("pk", "0f".repeat(32))
            .with_txt("srcvers", "550.10")
            .with_txt("osvers", "14.7")
            .with_txt("vv", "2"),
        Announcement::new(COMPANION, name, host, address, 49154)
            .with_txt("rpMac", "1")
            .with_txt("rpFl", "0x20000")
            .with_txt("rpVr", "230.1")
            .with_txt("rpMd", "AppleTV5,3"),
        Announcement::new(HSCP, "6D7E8F9A0B1C2D3E", host, address, 3689)
            .with_txt("Name", name)
            .with_txt("hG", "00000000-1111-2222-3333-444444444444")
            .with_txt("MID", "0x6D7E8F9A0B1C2D3E"),
        Announcement::new(DEVICE_INFO, name, host, address, 0).with_txt("model", "J42dAP"),
    ]
}

fn kitchen() -> Vec<Announcement> {
    let (name, host, address) = ("Kitchen", "Kitchen", HOMEPOD);
    vec![
        Announcement::new(AIRPLAY, name, host, address, 7000)
            .with_txt("acl", "0")
            .with_txt("deviceid", "F4:34:F0:AA:BB:CC")
            .with_txt("features", "0x4A7FCA00,0xBC354BD0")
            .with_txt("flags", "0x1A404")
            .with_txt("model", "AudioAccessory5,1")
            .with_txt("protovers", "1.1")
            .with_txt("pi", "0c5e4e6a-1d2b-4d6e-9a3b-5c7d8e9f0a1b")
            .with_txt("pk", "5a".repeat(32))
            .with_txt("srcvers", "770.8.1")
            .with_txt("osvers", "17.5")
            .with_txt("vv", "2"),
        Announcement::new(RAOP, format!("F434F0AABBCC@{name}"), host, address, 7000)
            .with_txt("cn", "0,1,2,3")
            .with_txt("da", "true")
            .with_txt("et", "0,3,5")
            .with_txt("ft", "0x4A7FCA00,0xBC354BD0")
            .with_txt("sf", "0x1A404")
            .with_txt("am", "AudioAccessory5,1")
            .with_txt("pk", "5a".repeat(32))
            .with_txt("tp", "UDP")
            .with_txt("vs", "770.8.1")
            .with_txt("ov", "17.5"),
        Announcement::new(COMPANION, name, host, address, 49155)
            .with_txt("rpMac", "0")
            .with_txt("rpFl", "0x627B6")
            .with_txt("rpVr", "530.4")
            .with_txt("rpMRtID", "0C5E4E6A-1D2B-4D6E-9A3B-5C7D8E9F0A1B"),
    ]
}

fn study() -> Vec<Announcement> {
    let (name, host, address) = ("Study Speakers", "AirPort-Express", AIRPORT);
    vec![
        Announcement::new(RAOP, format!("A1B2C3D4E5F6@{name}"), host, address, 7000)
            .with_txt("txtvers", "1")
            .with_txt("ch", "2")
            .with_txt("cn", "0,1")
            .with_txt("et", "0,4")
            .with_txt("sv", "false")
            .with_txt("ek", "1")
            .with_txt("da", "true")
            .with_txt("sr", "44100")
            .with_txt("ss", "16")
            .with_txt("pw", "false")
            .with_txt("sm", "false")
            .with_txt("tp", "UDP")
            .with_txt("vn", "3")
            .with_txt("am", "AirPort10,115")
            .with_txt("fv", "76400.10")
            .with_txt("vs", "105.1"),
        Announcement::new(AIRPORT_SERVICE, name, host, address, 5009)
            .with_txt("waMA", "A1-B2-C3-D4-E5-F6")
            .with_txt("raMA", "A1-B2-C3-D4-E5-F7")
            .with_txt("raM2", "A1-B2-C3-D4-E5-F8")
            .with_txt("raNm", "MyWifi")
            .with_txt("raCh", "11")
            .with_txt("rCh2", "44")
            .with_txt("raSt", "0")
            .with_txt("raNA", "0")
            .with_txt("syFl", "0x8A0C")
            .with_txt("syAP", "115")
            .with_txt("syVs", "7.8.1")
            .with_txt("srcv", "78100.3")
            .with_txt("bjSd", "43"),
    ]
}

/// Publishes the devices from namespace A until the returned sender is dropped; returns
/// once the start-up announcements have gone out.
fn start_responder(pair: &NetnsPair) -> (mpsc::Sender<()>, std::thread::JoinHandle<()>) {
    for address in [TV4K, TVHD, HOMEPOD, AIRPORT] {
        pair.a.add_address(address, PREFIX).expect("address added");
    }
    let (ready_tx, ready_rx) = mpsc::channel();
    let (stop_tx, stop_rx) = mpsc::channel::<()>();
    let thread = pair.a.spawn(move || async move {
        let announcements = [living_room(), bedroom(), kitchen(), study()].concat();
        let responder = Responder::bind(ResponderOptions {
            mode: ResponderMode::default(),
            announcements,
        })
        .await
        .expect("responder binds in namespace A");
        // Only answers to the tools' own queries from here on.
        responder.announced().await;
        ready_tx.send(()).expect("test waits");
        tokio::task::spawn_blocking(move || {
            let _ = stop_rx.recv();
        })
        .await
        .expect("waiter");
        responder.close().await;
    });
    ready_rx
        .recv_timeout(Duration::from_secs(30))
        .expect("responder started and announced");
    (stop_tx, thread)
}

struct Tools {
    ours_script: PathBuf,
    ours_remote: PathBuf,
    pyatv_script: PathBuf,
    pyatv_remote: PathBuf,
    storage: tempfile::TempDir,
}

impl Tools {
    fn find() -> Option<Self> {
        Some(Self {
            ours_script: PathBuf::from(env!("CARGO_BIN_EXE_atvscript")),
            ours_remote: PathBuf::from(env!("CARGO_BIN_EXE_atvremote")),
            pyatv_script: pyatv_tool("atvscript")?,
            pyatv_remote: pyatv_tool("atvremote")?,
            storage: tempfile::tempdir().expect("temp dir"),
        })
    }

    /// Runs a tool inside namespace B with its storage in a temp dir (pyatv would
    /// otherwise write to ~/.pyatv.conf).
    fn run(&self, pair: &NetnsPair, tool: &Path, args: &[&str]) -> (Output, Duration) {
        let storage = self.storage.path().join("storage.conf");
        let started = Instant::now();
        let output = pair
            .b
            .command(tool)
            .arg("--storage-filename")
            .arg(&storage)
            .args(args)
            .env_remove("RUST_LOG")
            .output()
            .expect("tool runs");
        (output, started.elapsed())
    }
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "tool failed: {}\nstdout: {}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).expect("utf-8 output")
}

/// atvscript's JSON with `datetime` removed and devices keyed by address (the order in
/// which devices answer is not fixed).
fn script_devices(output: &Output) -> BTreeMap<String, Value> {
    let text = stdout(output);
    let mut json: Value = serde_json::from_str(text.trim()).expect("one JSON document");
    assert_eq!(json["result"], "success", "{text}");
    json.as_object_mut().expect("object").remove("datetime");
    json["devices"]
        .as_array()
        .expect("devices array")
        .iter()
        .map(|d| {
            (
                d["address"].as_str().expect("address").to_owned(),
                d.clone(),
            )
        })
        .collect()
}

/// atvremote's scan text split into one block per device, keyed by its Address line.
fn remote_devices(output: &Output) -> BTreeMap<String, String> {
    let text = stdout(output);
    text.split("\n\n")
        .filter_map(|block| {
            let address = block
                .lines()
                .find_map(|l| l.trim_start().strip_prefix("Address: "))?;
            let block = block
                .lines()
                .skip_while(|l| !l.trim_start().starts_with("Name: "))
                .collect::<Vec<_>>()
                .join("\n");
            Some((address.to_owned(), block))
        })
        .collect()
}

/// What differs between two scans, device by device and field by field (for failure
/// messages; empty when they are the same).
fn differences<V: PartialEq + std::fmt::Debug>(
    expected: &BTreeMap<String, V>,
    got: &BTreeMap<String, V>,
) -> String {
    let mut out = String::new();
    for address in expected
        .keys()
        .chain(got.keys().filter(|a| !expected.contains_key(*a)))
    {
        match (expected.get(address), got.get(address)) {
            (Some(e), Some(g)) if e == g => {}
            (Some(e), Some(g)) => {
                out.push_str(&format!("{address}:\n  pyatv: {e:?}\n  atv:   {g:?}\n"));
            }
            (Some(_), None) => out.push_str(&format!("{address}: only pyatv found it\n")),
            (None, _) => out.push_str(&format!("{address}: only atv found it\n")),
        }
    }
    out
}

#[test]
fn both_tools_report_the_same_devices() {
    let Some(tools) = Tools::find() else { return };
    let Some(pair) = NetnsPair::create() else {
        return;
    };
    let (stop, responder) = start_responder(&pair);

    // Multicast: atvscript scan.
    let (pyatv, pyatv_time) = tools.run(&pair, &tools.pyatv_script, &["scan"]);
    let (ours, ours_time) = tools.run(&pair, &tools.ours_script, &["scan"]);
    let expected = script_devices(&pyatv);
    let got = script_devices(&ours);
    assert_eq!(
        expected.len(),
        4,
        "pyatv sees all four devices: {expected:#?}"
    );
    assert!(
        got == expected,
        "atvscript scan differs from pyatv's:\n{}",
        differences(&expected, &got)
    );
    eprintln!("atvscript scan: pyatv {pyatv_time:?}, atv {ours_time:?}");

    // Multicast: atvremote scan, same timeout for both.
    let (pyatv, _) = tools.run(&pair, &tools.pyatv_remote, &["-t", "3", "scan"]);
    let (ours, _) = tools.run(&pair, &tools.ours_remote, &["-t", "3", "scan"]);
    let expected = remote_devices(&pyatv);
    assert_eq!(
        expected.len(),
        4,
        "pyatv's atvremote sees all four: {expected:#?}"
    );
    let got = remote_devices(&ours);
    assert!(
        got == expected,
        "atvremote scan differs from pyatv's:\n{}",
        differences(&expected, &got)
    );

    // Unicast to each host.
    let hosts = [TV4K, TVHD, HOMEPOD, AIRPORT]
        .map(|a| a.to_string())
        .join(",");
    let (pyatv, _) = tools.run(&pair, &tools.pyatv_script, &["-s", &hosts, "scan"]);
    let (ours, ours_time) = tools.run(&pair, &tools.ours_script, &["-s", &hosts, "scan"]);
    let expected = script_devices(&pyatv);
    assert_eq!(
        expected.len(),
        4,
        "pyatv's unicast scan sees all four: {expected:#?}"
    );
    let got = script_devices(&ours);
    assert!(
        got == expected,
        "unicast scan differs from pyatv's:\n{}",
        differences(&expected, &got)
    );
    eprintln!("atvscript -s scan: atv {ours_time:?}");

    // By identifier: the one device, found by both.
    for id in ["58:D3:49:F0:12:34", "A9B8C7D6-E5F4-4321-8765-0123456789AB"] {
        let (pyatv, pyatv_time) = tools.run(&pair, &tools.pyatv_remote, &["-i", id, "scan"]);
        let (ours, ours_time) = tools.run(&pair, &tools.ours_remote, &["-i", id, "scan"]);
        let expected = remote_devices(&pyatv);
        assert_eq!(expected.len(), 1, "pyatv finds {id}: {expected:#?}");
        let got = remote_devices(&ours);
        assert!(
            got == expected,
            "scan by id {id} differs:\n{}",
            differences(&expected, &got)
        );
        eprintln!("atvremote -i {id} scan: pyatv {pyatv_time:?}, atv {ours_time:?}");
    }

    drop(stop);
    responder.join().expect("responder thread");
}
