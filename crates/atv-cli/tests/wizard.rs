//! `atvremote wizard` driven through stdin against atv's fake Apple TV (MRP and
//! Companion, announced over mDNS) in network namespace A, the tool running in
//! namespace B over a veth pair the test creates and removes (needs root: skipped
//! elsewhere, required under CI). The wizard must find the device, pair both protocols
//! with the PIN, connect and show what plays; pyatv's wizard, run the same way against
//! a fresh fake, must print the same thing (numbers aside).

mod support;

use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use atv_fake::FakeDevice;
use atv_tests::netns::{ADDRESS_A, NetnsPair};
use support::{pyatv_tool, text};

const ATVREMOTE: &str = env!("CARGO_BIN_EXE_atvremote");
/// What the user types: a device that is not listed, the first device, then the PIN
/// for each protocol.
const ANSWERS: &str = "0\n1\n1111\n1111\n";
const NAME: &str = "Wizard Room";

/// A fake device serving and announcing in namespace A until dropped.
struct ServedFake {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<usize>>,
}

impl ServedFake {
    fn start(pair: &NetnsPair) -> Self {
        let (ready_tx, ready_rx) = mpsc::channel();
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let thread = pair.a.spawn(move || async move {
            let fake = FakeDevice::builder()
                .mrp()
                .companion()
                .demo()
                .name(NAME)
                .bind_address(ADDRESS_A.into())
                .announce(ADDRESS_A)
                .start()
                .await
                .expect("fake starts in namespace A");
            ready_tx.send(()).expect("test waits");
            tokio::task::spawn_blocking(move || {
                let _ = stop_rx.recv();
            })
            .await
            .expect("waiter");
            let paired = fake.state().paired_clients();
            fake.shutdown().await;
            paired
        });
        ready_rx
            .recv_timeout(Duration::from_secs(10))
            .expect("fake started");
        Self {
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    /// Stops the fake; how many clients paired with it.
    fn stop(mut self) -> usize {
        self.stop.take();
        self.thread
            .take()
            .expect("running")
            .join()
            .expect("fake thread")
    }
}

impl Drop for ServedFake {
    fn drop(&mut self) {
        self.stop.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Runs `tool wizard` in namespace B with its storage and home in `dir`, answering from
/// `ANSWERS`.
fn run_wizard(pair: &NetnsPair, tool: &Path, dir: &Path) -> Output {
    let home = dir.join("home");
    std::fs::create_dir_all(&home).expect("home");
    let mut child = pair
        .b
        .command(tool)
        .arg("--storage-filename")
        .arg(dir.join("storage.conf"))
        .arg("wizard")
        .env("HOME", &home)
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("wizard starts");
    child
        .stdin
        .take()
        .expect("stdin piped")
        .write_all(ANSWERS.as_bytes())
        .expect("answers written");
    // The wizard ends by itself: it has every answer, then stdin ends.
    let guard = KillOnDrop(Some(child));
    guard.wait()
}

/// Kills the child if the test fails before it ended.
struct KillOnDrop(Option<std::process::Child>);

impl KillOnDrop {
    fn wait(mut self) -> Output {
        let child = self.0.take().expect("child");
        let pid = child.id();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(child.wait_with_output());
        });
        match rx.recv_timeout(Duration::from_secs(90)) {
            Ok(output) => output.expect("wizard output"),
            Err(_) => {
                // The child is owned by the waiting thread: end it by its id.
                let _ = std::process::Command::new("kill")
                    .arg("-9")
                    .arg(pid.to_string())
                    .status();
                panic!("the wizard did not finish");
            }
        }
    }
}

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if let Some(child) = &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The output with digits replaced (positions, times and percentages move) and
/// trailing spaces removed, without the log lines pyatv's atvremote prints among it
/// (its "Unclosed client session" error after each pairing, timestamped, and the
/// object it names).
fn shape(output: &str) -> String {
    output
        .lines()
        .map(|line| {
            line.trim_end()
                .chars()
                .map(|c| if c.is_ascii_digit() { '#' } else { c })
                .collect::<String>()
        })
        .filter(|line| {
            !line.starts_with("####-##-## ##:##:## ") && !line.starts_with("client_session: <")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn stored_credentials(dir: &Path) -> (bool, bool) {
    let stored = std::fs::read_to_string(dir.join("storage.conf")).expect("storage written");
    let json: serde_json::Value = serde_json::from_str(&stored).expect("JSON storage");
    let device = &json["devices"][0]["protocols"];
    let has = |protocol: &str| {
        device[protocol]["credentials"]
            .as_str()
            .is_some_and(|c| c.split(':').count() == 4)
    };
    (has("mrp"), has("companion"))
}

#[test]
fn wizard_pairs_every_protocol_and_connects() {
    let Some(pair) = NetnsPair::create() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let ours_dir = dir.path().join("ours");
    std::fs::create_dir(&ours_dir).expect("dir");

    let fake = ServedFake::start(&pair);
    let output = run_wizard(&pair, Path::new(ATVREMOTE), &ours_dir);
    let paired = fake.stop();
    let ours = text(&output.stdout);
    assert!(
        output.status.success(),
        "wizard failed:\n{ours}\n{}",
        text(&output.stderr)
    );
    for expected in [
        "Looking for devices...",
        "Found the following devices:",
        NAME,
        &ADDRESS_A.to_string(),
        "Enter index of device to set up (q to quit): Enter index of device to set up \
         (q to quit): Starting to set up Wizard Room",
        "Starting to pair Protocol.MRP",
        "Successfully paired Protocol.MRP, moving on...",
        "Starting to pair Protocol.Companion",
        "Successfully paired Protocol.Companion, moving on...",
        "Pairing finished, trying to connect and get some metadata...",
        "Currently playing:",
        "Device is now set up!",
    ] {
        assert!(ours.contains(expected), "no {expected:?} in:\n{ours}");
    }
    assert_eq!(ours.matches("Enter PIN on screen: ").count(), 2, "{ours}");
    assert!(text(&output.stderr).contains("Not a valid device: 0"));
    assert!(paired >= 1, "the fake saw the pairing");
    assert_eq!(stored_credentials(&ours_dir), (true, true), "{ours}");

    // pyatv's wizard on a fresh fake: the same output.
    let Some(pyatv) = pyatv_tool("atvremote") else {
        return;
    };
    let theirs_dir = dir.path().join("theirs");
    std::fs::create_dir(&theirs_dir).expect("dir");
    let fake = ServedFake::start(&pair);
    let reference = run_wizard(&pair, &pyatv, &theirs_dir);
    fake.stop();
    let theirs = text(&reference.stdout);
    assert!(
        reference.status.success(),
        "pyatv's wizard failed:\n{theirs}\n{}",
        text(&reference.stderr)
    );
    assert_eq!(stored_credentials(&theirs_dir), (true, true), "{theirs}");
    assert!(text(&reference.stderr).contains("Not a valid device: 0"));
    assert_eq!(
        shape(&ours),
        shape(&theirs),
        "ours:\n{ours}\npyatv:\n{theirs}"
    );
}
