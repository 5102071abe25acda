//! pyatv 0.18.0 against the fake device's AirPlay 2 side, an Apple TV on tvOS 15 with no
//! MRP port: pyatv pairs over AirPlay (HAP, PIN 1111) and then reaches MRP through the
//! remote-control tunnel (event channel, data stream, DataStream frames).
//!
//! - In network namespaces: `atvremote` scans (AirPlay and RAOP, no MRP service), finds
//!   the device by its AirPlay identifier, pairs, reads what plays, presses "up" and
//!   follows push updates (needs root; skipped elsewhere, required under CI).
//! - On loopback: pyatv's library (tests/py/airplay_client.py) with a manual
//!   configuration carrying the device's TXT record; and a client the device never
//!   paired with is refused.
//!
//! Skipped without the pyatv venv (ATV_PYTHON), except under CI.

use std::io::{BufRead, BufReader as StdBufReader, Write};
use std::path::PathBuf;
use std::process::{Command as StdCommand, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use atv_fake::airplay::AirPlayConfig;
use atv_fake::airplay::txt::airplay_txt;
use atv_fake::mrp::pairing::PYATV_CLIENT_CREDENTIALS;
use atv_fake::{FakeDevice, FakeState, RunningFake};
use atv_tests::netns::{ADDRESS_A, ChildGuard, NetnsPair};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

/// Longest any one client run may take.
const RUN_TIMEOUT: Duration = Duration::from_secs(60);
/// The name the fake device goes by here.
const NAME: &str = "AirPlay Fake";

/// The AirPlay device identifier (`deviceid`), which pyatv lists the device under.
fn device_id() -> String {
    AirPlayConfig::new(NAME).device_id
}

// --- atvremote in network namespaces ---------------------------------------------------

/// Runs the fake (AirPlay only, demo state) in namespace A, announced on its veth
/// address, until the returned sender is dropped.
fn start_in_namespace(
    pair: &NetnsPair,
    state: FakeState,
) -> (mpsc::Sender<()>, std::thread::JoinHandle<()>) {
    let (ready_tx, ready_rx) = mpsc::channel();
    let (stop_tx, stop_rx) = mpsc::channel::<()>();
    let thread = pair.a.spawn(move || async move {
        let fake = FakeDevice::builder()
            .airplay()
            .demo()
            .name(NAME)
            .state(state)
            .bind_address(ADDRESS_A.into())
            .announce(ADDRESS_A)
            .start()
            .await
            .expect("fake device starts in namespace A");
        ready_tx.send(fake.ports()).expect("test waits");
        tokio::task::spawn_blocking(move || {
            let _ = stop_rx.recv();
        })
        .await
        .expect("waiter");
        fake.shutdown().await;
    });
    let ports = ready_rx
        .recv_timeout(Duration::from_secs(10))
        .expect("fake device started");
    assert!(ports.airplay.is_some());
    assert_eq!(ports.mrp, None, "no MRP port, as on tvOS 15");
    (stop_tx, thread)
}

/// `atvremote` run inside namespace B, with its storage and home in a scratch directory.
struct Remote {
    program: PathBuf,
    dir: tempfile::TempDir,
}

impl Remote {
    fn command(&self, pair: &NetnsPair, args: &[&str]) -> StdCommand {
        let mut command = pair.b.command(&self.program);
        command
            .arg("--storage-filename")
            .arg(self.dir.path().join("pyatv.conf"))
            .args(["--id", &device_id()])
            .args(args)
            .env("HOME", self.dir.path())
            .env_remove("RUST_LOG")
            .current_dir(self.dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    /// Runs to completion (within [`RUN_TIMEOUT`]) with `input` on standard input.
    fn run(&self, pair: &NetnsPair, args: &[&str], input: &str) -> Output {
        let mut child = ChildGuard::spawn(&mut self.command(pair, args)).expect("atvremote");
        if let Some(mut stdin) = child.0.stdin.take() {
            stdin.write_all(input.as_bytes()).expect("stdin");
        }
        let stdout = child.0.stdout.take().expect("stdout");
        let stderr = child.0.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let read = |mut pipe: Box<dyn std::io::Read>| {
                let mut text = Vec::new();
                let _ = pipe.read_to_end(&mut text);
                text
            };
            let err = std::thread::spawn(move || read(Box::new(stderr)));
            let out = read(Box::new(stdout));
            let _ = tx.send((out, err.join().unwrap_or_default()));
        });
        // The guard kills atvremote if it hangs, which ends the reader thread.
        let (stdout, stderr) = rx
            .recv_timeout(RUN_TIMEOUT)
            .unwrap_or_else(|_| panic!("atvremote {args:?} did not finish in time"));
        let status = child.0.wait().expect("exit status");
        Output {
            status,
            stdout,
            stderr,
        }
    }
}

fn assert_prints(output: &Output, parts: &[&str]) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    for part in parts {
        assert!(
            output.status.success() && stdout.contains(part),
            "expected {part:?} from atvremote ({}):\n{stdout}\nstderr:\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn atvremote_scans_pairs_and_controls_through_the_tunnel() {
    let Some(python) = atv_tests::pyatv_python() else {
        return;
    };
    let Some(pair) = NetnsPair::create() else {
        return;
    };
    let remote = Remote {
        program: python.parent().expect("venv bin").join("atvremote"),
        dir: tempfile::tempdir().expect("scratch directory"),
    };
    let state = FakeState::new();
    let (stop, fake) = start_in_namespace(&pair, state.clone());

    // A tvOS 15 Apple TV: AirPlay (and RAOP on the same port), pairing required.
    let output = remote.run(&pair, &["-t", "3", "scan"], "");
    assert_prints(
        &output,
        &[
            "Name: AirPlay Fake",
            "Model/SW: Apple TV 4K, tvOS 15.6",
            "MAC: 40:CB:C0:12:34:56",
            "Protocol: AirPlay, Port: ",
            "Protocol: RAOP, Port: ",
            "Pairing: Mandatory",
        ],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        !stdout.contains("Protocol: MRP"),
        "no MRP service:\n{stdout}"
    );

    // The scan finds the device by its AirPlay identifier; pairing stores the
    // credentials in the storage file, where the next runs find them.
    let output = remote.run(&pair, &["--protocol", "airplay", "pair"], "1111\n");
    assert_prints(
        &output,
        &["Enter PIN on screen", "Pairing seems to have succeeded"],
    );
    assert_eq!(state.paired_clients(), 1);

    let output = remote.run(&pair, &["playing"], "");
    assert_prints(
        &output,
        &[
            "Media type: Music",
            "Device state: Playing",
            "Title: music",
            "Artist: artist",
        ],
    );
    assert!(state.has_authenticated());

    let output = remote.run(&pair, &["up"], "");
    assert!(output.status.success(), "{output:?}");
    assert_eq!(state.last_button_pressed().as_deref(), Some("up"));

    // push_updates prints each update until Enter.
    let mut child = ChildGuard::spawn(&mut remote.command(&pair, &["push_updates"]))
        .expect("atvremote push_updates");
    let stdout = child.0.stdout.take().expect("stdout");
    let (lines_tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in StdBufReader::new(stdout).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let wait_for = |wanted: &str| {
        let mut seen = Vec::new();
        loop {
            let line = lines
                .recv_timeout(RUN_TIMEOUT)
                .unwrap_or_else(|_| panic!("no {wanted:?} from push_updates; got {seen:#?}"));
            let found = line.contains(wanted);
            seen.push(line);
            if found {
                return;
            }
        }
    };
    wait_for("Title: music");
    state.change_state(|playing| playing.title = Some("pushed over AirPlay".into()));
    wait_for("Title: pushed over AirPlay");
    if let Some(mut stdin) = child.0.stdin.take() {
        let _ = stdin.write_all(b"\n");
    }
    drop(child);

    drop(stop);
    fake.join().expect("fake device thread");
}

// --- pyatv's library on loopback --------------------------------------------------------

fn client_script() -> PathBuf {
    atv_tests::workspace_root().join("tests/py/airplay_client.py")
}

/// The device's TXT record as JSON, as a scan would give it to pyatv.
fn properties() -> String {
    let entries: serde_json::Map<String, Value> = airplay_txt(&AirPlayConfig::new(NAME))
        .into_iter()
        .map(|(key, value)| (key, Value::String(value)))
        .collect();
    Value::Object(entries).to_string()
}

async fn start_on_loopback() -> (RunningFake, u16) {
    let fake = FakeDevice::builder()
        .airplay()
        .demo()
        .name(NAME)
        .start()
        .await
        .expect("fake device starts");
    let port = fake.ports().airplay.expect("AirPlay port");
    (fake, port)
}

/// Runs the client script to completion, one JSON object per line of output.
async fn script(python: &PathBuf, args: &[&str]) -> (Vec<Value>, String, bool) {
    let output = tokio::time::timeout(
        RUN_TIMEOUT,
        Command::new(python)
            .arg(client_script())
            .args(args)
            .kill_on_drop(true)
            .output(),
    )
    .await
    .expect("client script finished in time")
    .expect("client script runs");
    let steps = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    (
        steps,
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.success(),
    )
}

async fn pair(python: &PathBuf, port: u16) -> String {
    let port = port.to_string();
    let properties = properties();
    let (steps, stderr, success) =
        script(python, &["pair", "127.0.0.1", &port, &properties, "1111"]).await;
    assert!(success, "pairing failed: {steps:?}\n{stderr}");
    steps
        .iter()
        .find(|step| step["step"] == "pair")
        .and_then(|step| step["value"].as_str())
        .expect("credentials printed")
        .to_owned()
}

#[tokio::test]
async fn pyatv_library_pairs_and_uses_the_tunnel_on_loopback() {
    let Some(python) = atv_tests::pyatv_python() else {
        return;
    };
    let (fake, port) = start_on_loopback().await;
    let state = fake.state().clone();

    let credentials = pair(&python, port).await;
    assert_eq!(state.paired_clients(), 1);

    let mut child = Command::new(&python)
        .arg(client_script())
        .args(["run", "127.0.0.1", &port.to_string(), &properties()])
        .args([credentials.as_str(), "pushed title"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("client script starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut next_step = async || -> Value {
        let line = tokio::time::timeout(RUN_TIMEOUT, lines.next_line())
            .await
            .expect("a step in time")
            .expect("stdout readable")
            .expect("a step before the end");
        let step: Value = serde_json::from_str(&line).expect("one JSON object per line");
        assert!(step.get("error").is_none(), "step failed: {step}");
        step
    };

    let playing = next_step().await;
    assert_eq!(playing["step"], "playing");
    assert_eq!(playing["title"], "music");
    assert_eq!(playing["artist"], "artist");
    assert_eq!(playing["state"], "Playing");
    assert_eq!(next_step().await["step"], "up");
    assert_eq!(state.last_button_pressed().as_deref(), Some("up"));
    assert!(state.has_authenticated());
    // One tunnelled MRP session while connected.
    assert_eq!(state.connected_clients(), 1);

    assert_eq!(next_step().await["step"], "listening");
    state.change_state(|playing| playing.title = Some("pushed title".into()));
    let push = next_step().await;
    assert_eq!(push["step"], "push");
    assert_eq!(push["value"], "pushed title");
    assert_eq!(next_step().await["step"], "done");
    let status = tokio::time::timeout(RUN_TIMEOUT, child.wait())
        .await
        .expect("client ends")
        .expect("exit status");
    assert!(status.success());
    fake.shutdown().await;
}

#[tokio::test]
async fn a_client_the_device_never_paired_with_is_refused() {
    let Some(python) = atv_tests::pyatv_python() else {
        return;
    };
    let (fake, port) = start_on_loopback().await;
    let (steps, stderr, success) = script(
        &python,
        &[
            "run",
            "127.0.0.1",
            &port.to_string(),
            &properties(),
            PYATV_CLIENT_CREDENTIALS,
            "never",
        ],
    )
    .await;
    assert!(!success, "an unknown client connected: {steps:?}\n{stderr}");
    let connect = steps.first().expect("a step");
    assert_eq!(connect["step"], "connect", "{steps:?}");
    assert!(connect.get("error").is_some());
    assert!(!fake.state().has_authenticated());
    assert_eq!(fake.state().last_button_pressed(), None);
    fake.shutdown().await;
}
