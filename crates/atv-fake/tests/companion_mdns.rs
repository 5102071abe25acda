//! `atvfake --companion --local-ip` announces `_companion-link._tcp` with an Apple TV's
//! TXT entries: checked with atv's unicast mDNS scan and pyatv's scan, from a second
//! network namespace.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use atv_tests::netns::{ADDRESS_A, ChildGuard, NetnsPair};

const WAIT: Duration = Duration::from_secs(20);
const ATVFAKE: &str = env!("CARGO_BIN_EXE_atvfake");

#[test]
fn announces_companion_over_mdns() {
    let Some(pair) = NetnsPair::create() else {
        return;
    };
    let local_ip = ADDRESS_A.to_string();
    let mut command = pair.a.command(ATVFAKE);
    command
        .args(["--mrp", "--companion", "--local-ip", &local_ip])
        .args(["--name", "Companion Room", "--id", "COMPANION-MDNS-ID"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let mut guard = ChildGuard::spawn(&mut command).expect("atvfake starts");
    let stdout = guard.0.stdout.take().expect("stdout");
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = lines.send(line);
    });
    let line = received.recv_timeout(WAIT).expect("ports line in time");
    let ports: serde_json::Value = serde_json::from_str(&line).expect("JSON ports line");
    let port = u16::try_from(ports["companion"].as_u64().expect("companion port")).unwrap();

    let response = pair.b.run(|| async {
        let mut options = atv_mdns::UnicastOptions::new(ADDRESS_A);
        options.service_types = vec!["_companion-link._tcp.local".into()];
        options.knock_ports = Vec::new();
        options.timeout = Duration::from_secs(5);
        atv_mdns::unicast(&options).await
    });
    let response = response.expect("unicast scan");
    let service = response
        .services
        .iter()
        .find(|s| s.service_type == "_companion-link._tcp.local")
        .unwrap_or_else(|| panic!("no Companion service in {response:#?}"));
    assert_eq!(service.name, "Companion Room");
    assert_eq!(service.port, port);
    assert_eq!(service.address, Some(ADDRESS_A));
    assert_eq!(service.properties.get("rpMRtID"), Some("COMPANION-MDNS-ID"));
    assert_eq!(service.properties.get("rpMd"), Some("AppleTV6,2"));
    // PIN pairing supported, pairing not disabled: what atv's scanner reads as mandatory.
    let flags = service.properties.get("rpFl").expect("rpFl");
    let flags = u64::from_str_radix(flags.trim_start_matches("0x"), 16).unwrap();
    assert_ne!(
        flags & atv_companion::scan::PAIRING_WITH_PIN_SUPPORTED_MASK,
        0
    );
    assert_eq!(flags & atv_companion::scan::PAIRING_DISABLED_MASK, 0);

    // pyatv's scan finds both protocols under one device.
    if let Some(python) = atv_tests::pyatv_python() {
        let atvremote = python.with_file_name("atvremote");
        let home = tempfile::tempdir().unwrap();
        let output = pair
            .b
            .command(&atvremote)
            .args(["--storage", "none", "--scan-hosts", &local_ip])
            .args(["--scan-protocols", "mrp,companion", "scan"])
            .env("HOME", home.path())
            .stdin(Stdio::null())
            .output()
            .expect("atvremote runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        for part in [
            "Name: Companion Room",
            "COMPANION-MDNS-ID",
            &format!("Protocol: Companion, Port: {port}"),
            "Pairing: Mandatory",
        ] {
            assert!(stdout.contains(part), "{part:?} not in\n{stdout}");
        }
    }

    drop(guard.0.stdin.take());
    let deadline = std::time::Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = guard.0.try_wait().expect("exit status") {
            break status;
        }
        assert!(std::time::Instant::now() < deadline, "atvfake did not exit");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success());
}
