//! `push_updates` in both tools keeps going when the device goes away and comes back:
//! atv-fake is found by a unicast scan of an mDNS responder on a private port
//! (`PYATV_UDNS_PORT`), shut down, and started again on a new port with the same state
//! and identifier. atvscript must print pyatv's `lost`/`closed` objects and atv's
//! reconnection objects, then updates from the new connection; atvremote reports the
//! transitions on stderr and keeps printing updates.

use std::net::{Ipv4Addr, SocketAddrV4};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use atv_fake::announce::{device_info_announcement, mrp_announcement};
use atv_fake::mrp::pairing::PYATV_CLIENT_CREDENTIALS;
use atv_fake::{FakeDevice, FakeState, RunningFake};
use atv_mdns::{Announcement, Responder, ResponderMode, ResponderOptions};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, Command};
use tokio::time::timeout;

const ATVREMOTE: &str = env!("CARGO_BIN_EXE_atvremote");
const ATVSCRIPT: &str = env!("CARGO_BIN_EXE_atvscript");
const WAIT: Duration = Duration::from_secs(40);
const NAME: &str = "Staying Connected";
const HOST: Ipv4Addr = Ipv4Addr::LOCALHOST;

async fn start_fake(state: &FakeState) -> RunningFake {
    FakeDevice::builder()
        .mrp()
        .name(NAME)
        .state(state.clone())
        .accept_pyatv_test_credentials()
        .start()
        .await
        .expect("fake starts")
}

fn announcements(fake: &RunningFake) -> Vec<Announcement> {
    let port = fake.ports().mrp.expect("MRP");
    vec![
        mrp_announcement(NAME, fake.identifier(), "18M60", HOST, port),
        device_info_announcement(NAME, HOST),
    ]
}

fn spawn(program: &str, args: &[&str], home: &Path, mdns_port: u16) -> Child {
    Command::new(program)
        .args(args)
        .env("HOME", home)
        .env_remove("XDG_CONFIG_HOME")
        .env("PYATV_UDNS_PORT", mdns_port.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("tool starts")
}

/// Reads lines until one satisfies `found`; gives every line read.
async fn read_until<R: tokio::io::AsyncRead + Unpin>(
    lines: &mut Lines<BufReader<R>>,
    what: &str,
    found: impl Fn(&str) -> bool,
) -> Vec<String> {
    let mut seen = Vec::new();
    loop {
        let line = timeout(WAIT, lines.next_line())
            .await
            .unwrap_or_else(|_| panic!("timed out waiting for {what}: {seen:#?}"))
            .expect("output readable");
        let Some(line) = line else {
            panic!("output ended before {what}: {seen:#?}");
        };
        let done = found(&line);
        seen.push(line);
        if done {
            return seen;
        }
    }
}

/// The device down, then back on a new port and announced there.
async fn restart(fake: RunningFake, state: &FakeState, responder: &Responder) -> RunningFake {
    fake.shutdown().await;
    let fake = start_fake(state).await;
    responder
        .update(announcements(&fake))
        .await
        .expect("announcement updated");
    fake
}

struct Setup {
    state: FakeState,
    fake: RunningFake,
    responder: Responder,
    home: tempfile::TempDir,
}

async fn setup() -> Setup {
    let state = FakeState::new();
    atv_fake::device::demo_state(&state);
    let fake = start_fake(&state).await;
    let responder = Responder::bind(ResponderOptions {
        mode: ResponderMode::Unicast {
            bind: SocketAddrV4::new(HOST, 0),
        },
        announcements: announcements(&fake),
    })
    .await
    .expect("responder binds");
    Setup {
        state,
        fake,
        responder,
        home: tempfile::tempdir().expect("temp home"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn atvscript_push_updates_survive_a_restart() {
    let Setup {
        state,
        fake,
        responder,
        home,
    } = setup().await;
    let id = fake.identifier().to_owned();
    let args = [
        "-s",
        "127.0.0.1",
        "-i",
        &id,
        "--mrp-credentials",
        PYATV_CLIENT_CREDENTIALS,
        "--storage",
        "none",
        "push_updates",
    ];
    let mut child = spawn(ATVSCRIPT, &args, home.path(), responder.local_addr().port());
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    read_until(&mut lines, "output devices", |l| {
        l.contains("\"output_devices\"")
    })
    .await;
    state.change_state(|s| s.title = Some("Before".into()));
    read_until(&mut lines, "first update", |l| {
        l.contains("\"title\": \"Before\"")
    })
    .await;

    let fake = restart(fake, &state, &responder).await;
    let seen = read_until(&mut lines, "reconnected", |l| {
        l.contains("\"connection\": \"reconnected\"")
    })
    .await;
    let values: Vec<serde_json::Value> = seen
        .iter()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let lost = values
        .iter()
        .find(|v| v["connection"] == "lost" || v["connection"] == "closed")
        .expect("pyatv's lost or closed object");
    if lost["connection"] == "lost" {
        assert_eq!(lost["result"], "failure");
        assert!(lost["exception"].is_string() && lost["stacktrace"].is_string());
    }
    let reconnecting = values
        .iter()
        .find(|v| v["connection"] == "reconnecting")
        .expect("reconnecting object");
    assert_eq!(reconnecting["attempt"], 1);
    assert!(reconnecting["delay"].is_f64());

    state.change_state(|s| s.title = Some("After".into()));
    read_until(&mut lines, "update after reconnecting", |l| {
        l.contains("\"title\": \"After\"")
    })
    .await;

    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(b"\n").await.expect("enter");
    let rest = read_until(&mut lines, "finished", |l| {
        l.contains("\"push_updates\": \"finished\"")
    })
    .await;
    assert!(
        rest.last()
            .is_some_and(|l| l.contains("\"result\": \"success\""))
    );
    read_until(&mut lines, "closed", |l| {
        l.contains("\"connection\": \"closed\"")
    })
    .await;
    drop(stdin);
    let status = timeout(WAIT, child.wait())
        .await
        .expect("exits")
        .expect("status");
    assert!(status.success());
    fake.shutdown().await;
    responder.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn atvremote_push_updates_survive_a_restart() {
    let Setup {
        state,
        fake,
        responder,
        home,
    } = setup().await;
    let id = fake.identifier().to_owned();
    let args = [
        "-s",
        "127.0.0.1",
        "-i",
        &id,
        "--mrp-credentials",
        PYATV_CLIENT_CREDENTIALS,
        "--storage",
        "none",
        "push_updates",
    ];
    let mut child = spawn(ATVREMOTE, &args, home.path(), responder.local_addr().port());
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut errors = BufReader::new(child.stderr.take().expect("stderr")).lines();
    read_until(&mut lines, "prompt", |l| l == "Press ENTER to stop").await;
    state.change_state(|s| s.title = Some("Before".into()));
    read_until(&mut lines, "first update", |l| l == "       Title: Before").await;

    let fake = restart(fake, &state, &responder).await;
    let reported = read_until(&mut errors, "reconnected", |l| l.starts_with("Reconnected")).await;
    assert!(
        reported
            .iter()
            .any(|l| l.starts_with("Reconnecting (attempt 1)")),
        "{reported:?}"
    );
    state.change_state(|s| s.title = Some("After".into()));
    read_until(&mut lines, "update after reconnecting", |l| {
        l == "       Title: After"
    })
    .await;

    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(b"\n").await.expect("enter");
    drop(stdin);
    let status = timeout(WAIT, child.wait())
        .await
        .expect("exits")
        .expect("status");
    assert!(status.success());
    fake.shutdown().await;
    responder.close().await;
}
