//! The `atvfake` binary: the ports line, how it ends (end of stdin, SIGTERM, SIGINT),
//! pyatv against it, and its mDNS announcement (in network namespaces).

mod support;

use std::io::{BufRead, BufReader as StdBufReader};
use std::net::Ipv4Addr;
use std::process::{Command as StdCommand, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use atv_tests::netns::{ADDRESS_A, ChildGuard, NetnsPair};
use support::Atvremote;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};

const WAIT: Duration = Duration::from_secs(20);
const ATVFAKE: &str = env!("CARGO_BIN_EXE_atvfake");

/// The MRP port from a ports line such as `{"mrp": 49152}`.
fn mrp_port(line: &str) -> u16 {
    let ports: serde_json::Value = serde_json::from_str(line)
        .unwrap_or_else(|e| panic!("ports line {line:?} is not JSON: {e}"));
    let port = ports["mrp"].as_u64().expect("an mrp port");
    u16::try_from(port).expect("a port number")
}

/// Starts `atvfake ARGS` and waits for its ports line.
async fn start(args: &[&str]) -> (Child, u16) {
    let mut child = Command::new(ATVFAKE)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("atvfake starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let line = tokio::time::timeout(WAIT, lines.next_line())
        .await
        .expect("ports line in time")
        .expect("stdout readable")
        .expect("a ports line");
    (child, mrp_port(&line))
}

async fn exit_success(child: &mut Child) -> bool {
    tokio::time::timeout(WAIT, child.wait())
        .await
        .expect("atvfake exits in time")
        .expect("exit status")
        .success()
}

fn signal(child: &Child, name: &str) {
    let pid = child.id().expect("running").to_string();
    let status = StdCommand::new("kill").args([name, &pid]).status().unwrap();
    assert!(status.success());
}

#[tokio::test]
async fn prints_ports_and_exits_at_end_of_stdin() {
    let (mut child, port) = start(&["--mrp"]).await;
    TcpStream::connect((Ipv4Addr::LOCALHOST, port))
        .await
        .expect("MRP port accepts connections");
    drop(child.stdin.take());
    assert!(exit_success(&mut child).await);
}

#[tokio::test]
async fn exits_on_sigterm_and_sigint() {
    for name in ["-TERM", "-INT"] {
        let (mut child, _) = start(&["--mrp", "--demo"]).await;
        // Standard input stays open: only the signal ends it.
        signal(&child, name);
        assert!(exit_success(&mut child).await, "{name}");
    }
}

#[tokio::test]
async fn refuses_to_run_without_a_protocol() {
    let output = tokio::time::timeout(
        WAIT,
        Command::new(ATVFAKE)
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output(),
    )
    .await
    .unwrap()
    .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--mrp"));
}

#[tokio::test]
async fn pyatv_pairs_with_the_binary_demo() {
    let Some(atvremote) = Atvremote::find() else {
        return;
    };
    let id = "binary-test-id";
    let (mut child, port) = start(&["--mrp", "--demo", "--id", id]).await;
    let (run, credentials) = atvremote.pair(port, id, "1111").await;
    let credentials = credentials.unwrap_or_else(|| panic!("{}\n{}", run.stdout, run.stderr));
    let run = atvremote
        .run(port, id, Some(&credentials), &["title", "artist"], "")
        .await;
    assert!(run.success, "{}", run.stderr);
    run.assert_prints(&["music", "artist"]);
    drop(child.stdin.take());
    assert!(exit_success(&mut child).await);
}

/// `atvfake --local-ip` in namespace A answers a unicast mDNS query from namespace B.
#[test]
fn announces_itself_over_mdns() {
    let Some(pair) = NetnsPair::create() else {
        return;
    };
    let local_ip = ADDRESS_A.to_string();
    let mut command = pair.a.command(ATVFAKE);
    command
        .args(["--mrp", "--local-ip", &local_ip, "--name", "Fake Room"])
        .args(["--id", "MDNS-TEST-ID"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let mut guard = ChildGuard::spawn(&mut command).expect("atvfake starts");
    let stdout = guard.0.stdout.take().expect("stdout");
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = StdBufReader::new(stdout).read_line(&mut line);
        let _ = lines.send(line);
    });
    let line = received.recv_timeout(WAIT).expect("ports line in time");
    let port = mrp_port(&line);

    let response = pair.b.run(|| async {
        let mut options = atv_mdns::UnicastOptions::new(ADDRESS_A);
        options.service_types = vec![
            "_mediaremotetv._tcp.local".into(),
            "_device-info._tcp.local".into(),
        ];
        options.knock_ports = Vec::new();
        options.timeout = Duration::from_secs(5);
        atv_mdns::unicast(&options).await
    });
    let response = response.expect("unicast scan");
    let service = response
        .services
        .iter()
        .find(|s| s.service_type == "_mediaremotetv._tcp.local")
        .unwrap_or_else(|| panic!("no MRP service in {response:#?}"));
    assert_eq!(service.name, "Fake Room");
    assert_eq!(service.port, port);
    assert_eq!(service.address, Some(ADDRESS_A));
    assert_eq!(service.properties.get("Name"), Some("Fake Room"));
    assert_eq!(
        service.properties.get("UniqueIdentifier"),
        Some("MDNS-TEST-ID")
    );
    assert_eq!(service.properties.get("SystemBuildVersion"), Some("18M60"));
    assert_eq!(response.model.as_deref(), Some("J105aAP"));

    // pyatv's scan finds it too (only MRP asked: every query pyatv sends must get an
    // answer, and the fake has no service for the other protocols' queries).
    if let Some(python) = atv_tests::pyatv_python() {
        let atvremote = python.with_file_name("atvremote");
        let home = tempfile::tempdir().unwrap();
        let output = pair
            .b
            .command(&atvremote)
            .args(["--storage", "none", "--scan-hosts", &local_ip])
            .args(["--scan-protocols", "mrp", "scan"])
            .env("HOME", home.path())
            .stdin(Stdio::null())
            .output()
            .expect("atvremote runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        for part in [
            "Name: Fake Room",
            "Apple TV 4K",
            "MDNS-TEST-ID",
            &format!("Port: {port}"),
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
