//! Our atvremote and atvscript against atv-fake's AirPlay 2 side (a tvOS 15 Apple TV with
//! no MRP port), used the way a person would: the fake announces itself over mDNS from
//! network namespace A, the tools run in namespace B with their storage and home in a
//! scratch directory. atvremote finds the device by its AirPlay identifier, pairs with
//! PIN 1111, then reads what plays, presses "up" and follows push updates through the
//! MRP tunnel; atvscript prints what plays as JSON. pyatv's atvremote, run on a copy of
//! the same storage, must print the same `playing` text.
//!
//! On loopback, with `--manual` and the device's TXT record as `--service-properties`:
//! `play_url=<local file>` on the AirPlay 2 fake (paired beforehand), and legacy pairing
//! then `play_url` on an AirPlay 1 fake; the fake must receive the file's exact bytes.
//! pyatv's atvremote runs the same steps against the same fakes.
//!
//! The namespace test needs root (skipped elsewhere, required under CI); pyatv's runs
//! are skipped without its venv (ATV_PYTHON).

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use atv_fake::airplay::AirPlayConfig;
use atv_fake::{FakeDevice, FakeState};
use atv_tests::netns::{ADDRESS_A, ChildGuard, NetnsPair};
use serde_json::Value;
use support::pyatv_tool;

const ATVREMOTE: &str = env!("CARGO_BIN_EXE_atvremote");
const ATVSCRIPT: &str = env!("CARGO_BIN_EXE_atvscript");
/// Longest any one tool run may take.
const RUN_TIMEOUT: Duration = Duration::from_secs(60);
/// The name the fake device goes by here.
const NAME: &str = "Tunnel Fake";

/// The AirPlay device identifier (`deviceid`), which the device is found by.
fn device_id() -> String {
    AirPlayConfig::new(NAME).device_id
}

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

/// A tool run inside namespace B with its storage file and home in `dir`.
fn command(pair: &NetnsPair, program: &Path, dir: &Path, args: &[&str]) -> Command {
    let mut command = pair.b.command(program);
    command
        .arg("--storage-filename")
        .arg(dir.join("storage.conf"))
        .args(["--id", &device_id()])
        .args(args)
        .env("HOME", dir)
        .env_remove("RUST_LOG")
        .env_remove("XDG_CONFIG_HOME")
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Runs to completion (within [`RUN_TIMEOUT`]) with `input` on standard input.
fn run(pair: &NetnsPair, program: &Path, dir: &Path, args: &[&str], input: &str) -> Output {
    let mut child = ChildGuard::spawn(&mut command(pair, program, dir, args)).expect("tool starts");
    if let Some(mut stdin) = child.0.stdin.take() {
        let _ = stdin.write_all(input.as_bytes());
    }
    let stdout = child.0.stdout.take().expect("stdout");
    let stderr = child.0.stderr.take().expect("stderr");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let read = |mut pipe: Box<dyn Read + Send>| {
            let mut text = Vec::new();
            let _ = pipe.read_to_end(&mut text);
            text
        };
        let err = std::thread::spawn(move || read(Box::new(stderr)));
        let out = read(Box::new(stdout));
        let _ = tx.send((out, err.join().unwrap_or_default()));
    });
    // The guard kills the tool if it hangs, which ends the reader thread.
    let (stdout, stderr) = rx
        .recv_timeout(RUN_TIMEOUT)
        .unwrap_or_else(|_| panic!("{} {args:?} did not finish in time", program.display()));
    let status = child.0.wait().expect("exit status");
    Output {
        status,
        stdout,
        stderr,
    }
}

fn stdout_of(output: &Output, what: &str) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{stdout}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn assert_prints(output: &Output, what: &str, parts: &[&str]) {
    let stdout = stdout_of(output, what);
    for part in parts {
        assert!(
            stdout.contains(part),
            "expected {part:?} from {what}:\n{stdout}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn atvremote_pairs_and_controls_through_the_tunnel() {
    let Some(pair) = NetnsPair::create() else {
        return;
    };
    let dir = tempfile::tempdir().expect("scratch directory");
    let ours = PathBuf::from(ATVREMOTE);
    let state = FakeState::new();
    let (stop, fake) = start_in_namespace(&pair, state.clone());

    // Pairing asks for the PIN on standard input and stores the credentials.
    let output = run(
        &pair,
        &ours,
        dir.path(),
        &["pair", "--protocol", "airplay"],
        "1111\n",
    );
    assert_prints(
        &output,
        "atvremote pair",
        &["Enter PIN on screen", "Pairing seems to have succeeded"],
    );
    assert_eq!(state.paired_clients(), 1);
    let storage = std::fs::read_to_string(dir.path().join("storage.conf")).expect("storage");
    // HAP credentials carry the device's pairing identifier, hex-encoded.
    let identifier: String = AirPlayConfig::new(NAME)
        .pairing_identifier()
        .bytes()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    assert!(
        storage.contains(&identifier),
        "credentials naming the device stored:\n{storage}"
    );

    let output = run(&pair, &ours, dir.path(), &["playing"], "");
    assert_prints(
        &output,
        "atvremote playing",
        &[
            "Media type: Music",
            "Device state: Playing",
            "Title: music",
            "Artist: artist",
        ],
    );
    assert!(state.has_authenticated());
    let ours_playing = stdout_of(&output, "atvremote playing");

    // pyatv's atvremote, on a copy of the storage our atvremote wrote, prints the same.
    if let Some(pyatv) = pyatv_tool("atvremote") {
        let copy = tempfile::tempdir().expect("scratch directory");
        std::fs::copy(
            dir.path().join("storage.conf"),
            copy.path().join("storage.conf"),
        )
        .expect("storage copied");
        let output = run(&pair, &pyatv, copy.path(), &["playing"], "");
        let pyatv_playing = stdout_of(&output, "pyatv's atvremote playing");
        // The position moves on while music plays: compare everything else.
        let steady = |text: &str| -> Vec<String> {
            text.lines()
                .filter(|line| !line.trim_start().starts_with("Position: "))
                .map(str::to_owned)
                .collect()
        };
        assert!(pyatv_playing.contains("Position: "), "{pyatv_playing}");
        assert!(ours_playing.contains("Position: "), "{ours_playing}");
        assert_eq!(
            steady(&ours_playing),
            steady(&pyatv_playing),
            "our atvremote's playing differs from pyatv's"
        );
    }

    let output = run(&pair, &ours, dir.path(), &["up"], "");
    stdout_of(&output, "atvremote up");
    assert_eq!(state.last_button_pressed().as_deref(), Some("up"));

    // atvscript prints what plays as one JSON document.
    let output = run(&pair, Path::new(ATVSCRIPT), dir.path(), &["playing"], "");
    let text = stdout_of(&output, "atvscript playing");
    let json: Value = serde_json::from_str(text.trim()).expect("one JSON document");
    assert_eq!(json["result"], "success", "{json}");
    assert_eq!(json["title"], "music", "{json}");
    assert_eq!(json["artist"], "artist", "{json}");
    assert_eq!(json["device_state"], "playing", "{json}");
    assert_eq!(json["media_type"], "music", "{json}");

    // push_updates prints each update until Enter.
    let mut child = ChildGuard::spawn(&mut command(&pair, &ours, dir.path(), &["push_updates"]))
        .expect("atvremote push_updates");
    let stdout = child.0.stdout.take().expect("stdout");
    let (lines_tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
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
    state.change_state(|playing| playing.title = Some("pushed through the tunnel".into()));
    wait_for("Title: pushed through the tunnel");
    if let Some(mut stdin) = child.0.stdin.take() {
        let _ = stdin.write_all(b"\n");
    }
    let deadline = std::time::Instant::now() + RUN_TIMEOUT;
    let status = loop {
        if let Some(status) = child.0.try_wait().expect("push_updates exit status") {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "push_updates did not end after Enter"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "push_updates ended with {status}");

    drop(stop);
    fake.join().expect("fake device thread");
}

/// `atvremote --manual ... play_url=<local file>`: our file server hands the file to the
/// fake, which must receive its exact bytes; atvremote returns once playback ended.
#[test]
fn atvremote_plays_a_local_file_over_airplay() {
    play_local_file(Path::new(ATVREMOTE));
}

/// pyatv's atvremote plays the same way against the same fake (AirPlay 2's `/play`).
#[test]
fn pyatv_atvremote_plays_a_local_file_over_airplay() {
    if let Some(pyatv) = pyatv_tool("atvremote") {
        play_local_file(&pyatv);
    }
}

fn play_local_file(program: &Path) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let fake = runtime.block_on(async {
        FakeDevice::builder()
            .airplay()
            .name(NAME)
            .start()
            .await
            .expect("fake device starts")
    });
    let (identifier, public_key) = atv_fake::mrp::pairing::pyatv_test_client();
    fake.state().add_paired_client(&identifier, public_key);
    let playback = fake.state().airplay_playback();
    playback.set_media_duration(0.5);
    let port = fake.ports().airplay.expect("AirPlay port").to_string();

    let dir = tempfile::tempdir().expect("scratch directory");
    let file = dir.path().join("file.mp4");
    let bytes: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&file, &bytes).expect("media written");
    let play = format!("play_url={}", file.display());
    // Without a scan, the device's TXT record says that it plays video.
    let properties: String = atv_fake::airplay::txt::airplay_txt(&AirPlayConfig::new(NAME))
        .into_iter()
        .map(|(key, value)| format!(";{key}={value}"))
        .collect();
    let output = Command::new(program)
        .arg("--storage-filename")
        .arg(dir.path().join("storage.conf"))
        .args(["--manual", "--address", "127.0.0.1", "--port", &port])
        .args(["--protocol", "airplay", "--id", &device_id()])
        .args([
            "--airplay-credentials",
            atv_fake::mrp::pairing::PYATV_CLIENT_CREDENTIALS,
        ])
        .args(["--service-properties", &properties])
        .arg(&play)
        .env("HOME", dir.path())
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .output()
        .expect("atvremote runs");
    stdout_of(&output, "atvremote play_url");
    assert_eq!(playback.play_count(), 1);
    assert!(
        playback
            .url()
            .is_some_and(|url| url.starts_with("http://127.0.0.1:") && url.ends_with("/file.mp4")),
        "{:?}",
        playback.url()
    );
    assert_eq!(
        playback.content(),
        Some(bytes),
        "the fake got the file's bytes"
    );
    assert!(!playback.is_playing());
    runtime.block_on(fake.shutdown());
}

/// An AirPlay 1 device (legacy pairing): pair with the PIN, then play a local file with
/// the credentials pairing printed.
#[test]
fn atvremote_pairs_with_an_airplay1_device_and_plays() {
    legacy_pair_and_play(Path::new(ATVREMOTE));
}

/// pyatv's atvremote does the same against the same fake.
#[test]
fn pyatv_atvremote_pairs_with_an_airplay1_device_and_plays() {
    if let Some(pyatv) = pyatv_tool("atvremote") {
        legacy_pair_and_play(&pyatv);
    }
}

fn legacy_pair_and_play(program: &Path) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let fake = runtime.block_on(async {
        FakeDevice::builder()
            .airplay1()
            .name(NAME)
            .start()
            .await
            .expect("fake device starts")
    });
    let playback = fake.state().airplay_playback();
    playback.set_media_duration(0.5);
    let port = fake.ports().airplay.expect("AirPlay port").to_string();
    let properties: String = atv_fake::airplay::txt::airplay_txt(&AirPlayConfig::airplay1(NAME))
        .into_iter()
        .map(|(key, value)| format!(";{key}={value}"))
        .collect();
    let dir = tempfile::tempdir().expect("scratch directory");
    let run = |args: &[&str], input: &str| {
        let mut child = Command::new(program)
            .arg("--storage-filename")
            .arg(dir.path().join("storage.conf"))
            .args(["--manual", "--address", "127.0.0.1", "--port", &port])
            .args(["--protocol", "airplay", "--id", &device_id()])
            .args(["--service-properties", &properties])
            .args(args)
            .env("HOME", dir.path())
            .env_remove("RUST_LOG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("atvremote runs");
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(input.as_bytes());
        }
        child.wait_with_output().expect("atvremote output")
    };

    let output = run(&["pair"], "1111\n");
    let text = stdout_of(&output, "atvremote pair (legacy)");
    assert!(text.contains("Pairing seems to have succeeded"), "{text}");
    assert_eq!(fake.state().paired_clients(), 1);
    let credentials = text
        .lines()
        .find_map(|line| line.split("credentials: ").nth(1))
        .expect("credentials printed")
        .trim()
        .to_owned();

    let file = dir.path().join("film.mp4");
    let bytes: Vec<u8> = (0..100_000u32).map(|i| (i * 13 % 253) as u8).collect();
    std::fs::write(&file, &bytes).expect("media written");
    let play = format!("play_url={}", file.display());
    let output = run(&["--airplay-credentials", &credentials, &play], "");
    stdout_of(&output, "atvremote play_url (AirPlay 1)");
    assert!(fake.state().has_authenticated());
    assert_eq!(playback.play_count(), 1);
    assert_eq!(
        playback.content(),
        Some(bytes),
        "the fake got the file's bytes"
    );
    runtime.block_on(fake.shutdown());
}
