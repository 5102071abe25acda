//! Multicast between two network namespaces joined by a veth pair (needs root; skipped
//! elsewhere, required under CI): our responder in namespace A publishes an Apple TV, a
//! HomePod and a device in deep sleep, each from its own address, and our scanner in
//! namespace B finds them. Cross-checked against real peers: python-zeroconf publishing
//! in A for our scanner, python-zeroconf browsing our responder, and pyatv's own multicast
//! scanner reading our responder (deep sleep included).

mod common;

use std::io::{BufRead, BufReader};
use std::net::Ipv4Addr;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use atv_mdns::{
    Announcement, MdnsResponse, MulticastOptions, Responder, ResponderMode, ResponderOptions,
    multicast,
};
use atv_tests::netns::{ADDRESS_A, ChildGuard, NetnsPair, PREFIX};
use common::*;
use serde_json::Value;

const TV: Ipv4Addr = Ipv4Addr::new(10, 77, 0, 11);
const POD: Ipv4Addr = Ipv4Addr::new(10, 77, 0, 12);
const SLEEPER: Ipv4Addr = Ipv4Addr::new(10, 77, 0, 13);
const POD_MAC: &str = "AA:BB:CC:DD:EE:12";

fn devices() -> Vec<Vec<Announcement>> {
    vec![
        apple_tv("Living Room", "Living-Room", TV, "AA:BB:CC:DD:EE:11"),
        homepod("Kitchen", "Kitchen", POD, POD_MAC),
        apple_tv("Bedroom", "Bedroom", SLEEPER, "AA:BB:CC:DD:EE:13")
            .into_iter()
            .map(|a| a.sleeping(true))
            .collect(),
    ]
}

/// Starts our responder in namespace A; it runs until the returned sender is dropped.
fn start_responder(pair: &NetnsPair) -> (mpsc::Sender<()>, std::thread::JoinHandle<()>) {
    for address in [TV, POD, SLEEPER] {
        pair.a.add_address(address, PREFIX).expect("address added");
    }
    let (ready_tx, ready_rx) = mpsc::channel();
    let (stop_tx, stop_rx) = mpsc::channel::<()>();
    let thread = pair.a.spawn(move || async move {
        let responder = Responder::bind(ResponderOptions {
            mode: ResponderMode::default(),
            announcements: devices().concat(),
        })
        .await
        .expect("responder binds in namespace A");
        ready_tx.send(()).expect("test waits");
        // Wait for the stop signal without blocking the runtime.
        tokio::task::spawn_blocking(move || {
            let _ = stop_rx.recv();
        })
        .await
        .expect("waiter");
        responder.close().await;
    });
    ready_rx
        .recv_timeout(Duration::from_secs(10))
        .expect("responder started");
    (stop_tx, thread)
}

fn scan_options(timeout: Duration) -> MulticastOptions {
    MulticastOptions {
        service_types: scan_types(),
        timeout,
        ..MulticastOptions::default()
    }
}

fn by_address(responses: &[MdnsResponse], address: Ipv4Addr) -> &MdnsResponse {
    responses
        .iter()
        .find(|r| {
            r.services
                .iter()
                .any(|s| s.address == Some(address) && s.port != 0)
        })
        .unwrap_or_else(|| panic!("no device at {address} in {responses:#?}"))
}

#[test]
fn scanner_finds_published_devices() {
    let Some(pair) = NetnsPair::create() else {
        return;
    };
    let (stop, responder) = start_responder(&pair);

    let responses = pair
        .b
        .run(|| async { multicast(&scan_options(Duration::from_secs(3)), None).await })
        .expect("scan works in namespace B");
    assert_eq!(responses.len(), 3, "{responses:#?}");
    let [tv, pod, sleeper] = devices().try_into().expect("three devices");

    let found_tv = by_address(&responses, TV);
    assert_matches(found_tv, &tv);
    assert!(!found_tv.deep_sleep);
    assert_eq!(found_tv.model.as_deref(), Some("J305AP"));

    let found_pod = by_address(&responses, POD);
    assert_matches(found_pod, &pod);
    assert!(!found_pod.deep_sleep);
    assert_eq!(found_pod.model.as_deref(), Some("AudioAccessory5,1"));

    // The sleeping device answered PTR only; the follow-up ANY queries got the rest.
    let found_sleeper = by_address(&responses, SLEEPER);
    assert!(found_sleeper.deep_sleep);
    assert_matches(found_sleeper, &sleeper);

    drop(stop);
    responder.join().expect("responder thread");
}

/// Scans with an end condition looking for the HomePod; returns the responses, the time
/// taken and how many times the condition was asked.
fn scan_for_homepod(pair: &NetnsPair, service_types: Vec<String>) -> Vec<MdnsResponse> {
    let (responses, elapsed, calls) = pair.b.run(move || async move {
        let calls = AtomicUsize::new(0);
        let wanted = |response: &MdnsResponse| {
            calls.fetch_add(1, Ordering::Relaxed);
            response
                .services
                .iter()
                .any(|s| s.service_type == AIRPLAY && s.properties.get("deviceid") == Some(POD_MAC))
        };
        let options = MulticastOptions {
            service_types,
            timeout: Duration::from_secs(8),
            ..MulticastOptions::default()
        };
        let started = Instant::now();
        let responses = multicast(&options, Some(&wanted))
            .await
            .expect("scan works");
        (responses, started.elapsed(), calls.load(Ordering::Relaxed))
    });
    println!("end-condition scan returned after {elapsed:?} (timeout 8 s), {calls} checks");
    responses
}

#[test]
fn end_condition_returns_the_device_early() {
    let Some(pair) = NetnsPair::create() else {
        return;
    };
    let (stop, responder) = start_responder(&pair);
    let [_, pod, _] = devices().try_into().expect("three devices");

    // Every query message is answered by the HomePod: complete once both replies are in.
    let responses = scan_for_homepod(&pair, scan_types());
    assert_eq!(responses.len(), 1, "{responses:#?}");
    // The whole HomePod, not only the packet that satisfied the condition.
    assert_matches(&responses[0], &pod);
    assert_eq!(responses[0].model.as_deref(), Some("AudioAccessory5,1"));

    // A third query message asks only for types nobody has, so no device answers it:
    // complete after a short silence instead.
    let mut types = scan_types();
    types.extend(
        [
            "_hscp._tcp.local",
            "_dacp._tcp.local",
            "_appletv-v2._tcp.local",
        ]
        .map(String::from),
    );
    let responses = scan_for_homepod(&pair, types);
    assert_eq!(responses.len(), 1, "{responses:#?}");
    assert_matches(&responses[0], &pod);

    drop(stop);
    responder.join().expect("responder thread");
}

/// python-zeroconf publishes in A; our scanner in B finds its services.
#[test]
fn scanner_finds_zeroconf_services() {
    let Some(python) = atv_tests::pyatv_python() else {
        return;
    };
    let Some(pair) = NetnsPair::create() else {
        return;
    };
    let mut child = ChildGuard::spawn(
        pair.a
            .command(&python)
            .arg(peer_script("zeroconf_register.py"))
            .arg(ADDRESS_A.to_string())
            .arg("60")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit()),
    )
    .expect("zeroconf starts");
    let stdout = child.0.stdout.take().expect("piped");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("zeroconf reports");
    assert_eq!(line.trim(), "registered");

    let responses = pair
        .b
        .run(|| async { multicast(&scan_options(Duration::from_secs(3)), None).await })
        .expect("scan works");
    assert_eq!(responses.len(), 1, "{responses:#?}");
    let response = &responses[0];
    assert!(!response.deep_sleep);
    let airplay = service(response, AIRPLAY);
    assert_eq!(airplay.name, "Living Room");
    assert_eq!(airplay.port, 7000);
    assert_eq!(airplay.address, Some(ADDRESS_A));
    assert_eq!(
        airplay.properties.get("deviceid"),
        Some("AA:BB:CC:DD:EE:01")
    );
    assert_eq!(service(response, COMPANION).port, 49153);
    let mrp = service(response, MRP);
    assert_eq!(mrp.port, 49152);
    assert_eq!(mrp.properties.get("name"), Some("Living Room"));
    let raop = service(response, RAOP);
    assert_eq!(raop.name, "AABBCCDDEE01@Living Room");
    assert_eq!(raop.properties.get("am"), Some("AppleTV11,1"));
}

/// python-zeroconf in B browses and resolves what our responder in A publishes.
#[test]
fn zeroconf_resolves_our_responder() {
    let Some(python) = atv_tests::pyatv_python() else {
        return;
    };
    let Some(pair) = NetnsPair::create() else {
        return;
    };
    let (stop, responder) = start_responder(&pair);
    let output = pair
        .b
        .command(&python)
        .arg(peer_script("zeroconf_browse.py"))
        .arg(atv_tests::netns::ADDRESS_B.to_string())
        .arg("3")
        .args([AIRPLAY, COMPANION])
        .stdin(Stdio::null())
        .output()
        .expect("zeroconf browser runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let found: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("JSON line"))
        .filter(|v| v.get("ready").is_none())
        .collect();
    let [tv, pod, _] = devices().try_into().expect("three devices");
    for announcement in tv
        .iter()
        .chain(&pod)
        .filter(|a| a.service_type == AIRPLAY || a.service_type == COMPANION)
    {
        let entry = found
            .iter()
            .find(|f| {
                f["type"] == announcement.service_type.as_str()
                    && f["name"] == announcement.instance_name.as_str()
            })
            .unwrap_or_else(|| {
                panic!(
                    "zeroconf did not resolve {} {}: {found:#?}",
                    announcement.instance_name, announcement.service_type
                )
            });
        assert_eq!(entry["port"], u64::from(announcement.port));
        assert_eq!(entry["addresses"][0], announcement.address.to_string());
        for (key, value) in &announcement.txt {
            assert_eq!(
                entry["properties"][key],
                String::from_utf8_lossy(value).as_ref(),
                "{key}"
            );
        }
    }
    drop(stop);
    responder.join().expect("responder thread");
}

/// pyatv's own multicast scanner (pyatv/core/mdns.py) in B reads our responder in A,
/// including the deep-sleep device behind the sleep-proxy answers.
#[test]
fn pyatv_scanner_reads_our_responder() {
    let Some(python) = atv_tests::pyatv_python() else {
        return;
    };
    let Some(pair) = NetnsPair::create() else {
        return;
    };
    let (stop, responder) = start_responder(&pair);
    let mut command = pair.b.command(&python);
    command
        .arg(peer_script("pyatv_scan.py"))
        .args(["multicast", "3"])
        .args(scan_types())
        .stdin(Stdio::null());
    let result = json_output(&mut command);
    let responses = result.as_array().expect("list");
    let device = |address: Ipv4Addr| -> &Value {
        responses
            .iter()
            .find(|r| {
                r["services"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|s| s["address"] == address.to_string() && s["port"] != 0)
            })
            .unwrap_or_else(|| panic!("pyatv did not find {address}: {result:#}"))
    };
    let services_of = |found: &Value, announcement: &Announcement| -> Value {
        found["services"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| {
                s["type"] == announcement.service_type.as_str()
                    && s["name"] == announcement.instance_name.as_str()
            })
            .cloned()
            .unwrap_or_else(|| panic!("pyatv misses {announcement:?}: {found:#}"))
    };
    for (address, announcements) in [(TV, &devices()[0]), (POD, &devices()[1])] {
        let found = device(address);
        assert_eq!(found["deep_sleep"], false, "{address}");
        for announcement in announcements
            .iter()
            .filter(|a| a.service_type != DEVICE_INFO)
        {
            let service = services_of(found, announcement);
            assert_eq!(
                service["port"],
                u64::from(announcement.port),
                "{address}: {found:#}"
            );
        }
    }
    // The sleeping device: pyatv sees the bare PTR answers, flags deep sleep and follows
    // up with ANY queries. It keeps only the instances of the sleep proxy's latest packet
    // for that (one packet per query message), so it may learn the ports of only some
    // services; every service it reports must be there, with port 0 or the real one.
    let found = device(SLEEPER);
    assert_eq!(found["deep_sleep"], true);
    for announcement in devices()[2]
        .iter()
        .filter(|a| a.service_type != DEVICE_INFO)
    {
        let port = services_of(found, announcement)["port"].as_u64().unwrap();
        assert!(
            port == 0 || port == u64::from(announcement.port),
            "{found:#}"
        );
    }
    assert_eq!(device(TV)["model"], "J305AP");
    drop(stop);
    responder.join().expect("responder thread");
}

/// Several scanners and another mDNS stack (python-zeroconf, holding port 5353 too) in
/// the same namespace: every scanner still gets every answer.
#[test]
fn coexists_with_other_scanners_and_mdns_stacks() {
    let Some(python) = atv_tests::pyatv_python() else {
        return;
    };
    let Some(pair) = NetnsPair::create() else {
        return;
    };
    let (stop, responder) = start_responder(&pair);
    let mut zeroconf = ChildGuard::spawn(
        pair.b
            .command(&python)
            .arg(peer_script("zeroconf_browse.py"))
            .arg(atv_tests::netns::ADDRESS_B.to_string())
            .arg("6")
            .arg(AIRPLAY)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit()),
    )
    .expect("zeroconf starts");
    let mut stdout = BufReader::new(zeroconf.0.stdout.take().expect("piped"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("zeroconf reports");
    assert!(line.contains("ready"), "{line}");

    let scans: Vec<_> = (0..3)
        .map(|_| {
            pair.b
                .spawn(|| async { multicast(&scan_options(Duration::from_secs(3)), None).await })
        })
        .collect();
    for scan in scans {
        let responses = scan.join().expect("scan thread").expect("scan works");
        assert_eq!(responses.len(), 3, "{responses:#?}");
        assert_matches(by_address(&responses, TV), &devices()[0]);
        assert_matches(by_address(&responses, POD), &devices()[1]);
        assert!(by_address(&responses, SLEEPER).deep_sleep);
    }
    // The other stack kept working beside us: it resolved our responder's AirPlay services.
    let mut resolved = Vec::new();
    for line in stdout.lines() {
        let value: Value = serde_json::from_str(&line.expect("line")).expect("JSON line");
        if let Some(name) = value.get("name").and_then(Value::as_str) {
            resolved.push(name.to_owned());
        }
    }
    assert!(resolved.contains(&"Living Room".to_owned()), "{resolved:?}");
    assert!(resolved.contains(&"Kitchen".to_owned()), "{resolved:?}");
    drop(stop);
    responder.join().expect("responder thread");
}
