//! pyatv 0.18.0's Companion client against the fake device's Companion side: its library
//! (tests/py/companion_client.py) against the in-process device, whose state is then
//! checked, and its `atvremote` against the `atvfake --companion` binary. Skipped without
//! the pyatv venv (ATV_PYTHON), except under CI.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use atv_core::{InputAction, TouchAction};
use atv_fake::companion::{HidButtonEvent, Launch, MediaCommand};
use atv_fake::mrp::pairing::PYATV_CLIENT_CREDENTIALS;
use atv_fake::{FakeDevice, RunningFake};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

/// Longest wait for one line from a client, or for it to finish.
const WAIT: Duration = Duration::from_secs(60);
const ATVFAKE: &str = env!("CARGO_BIN_EXE_atvfake");

fn script() -> PathBuf {
    atv_tests::workspace_root().join("tests/py/companion_client.py")
}

fn companion_port(fake: &RunningFake) -> u16 {
    fake.ports().companion.expect("Companion port")
}

/// Runs `companion_client.py ARGS` with its output piped.
fn client(python: &Path, args: &[&str]) -> (Child, Lines<BufReader<ChildStdout>>) {
    let mut child = Command::new(python)
        .arg(script())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("python starts");
    let stdout = child.stdout.take().expect("stdout");
    (child, BufReader::new(stdout).lines())
}

async fn next_json(lines: &mut Lines<BufReader<ChildStdout>>, child: &mut Child) -> Value {
    let line = tokio::time::timeout(WAIT, lines.next_line())
        .await
        .expect("a line in time")
        .expect("stdout readable");
    let Some(line) = line else {
        let output = child.stderr.take();
        let mut stderr = String::new();
        if let Some(mut output) = output {
            use tokio::io::AsyncReadExt;
            let _ = output.read_to_string(&mut stderr).await;
        }
        panic!("the client ended early:\n{stderr}");
    };
    serde_json::from_str(&line).unwrap_or_else(|e| panic!("{line:?} is not JSON: {e}"))
}

/// Pairs with `pin`; returns the credentials, or the error the client reported.
async fn pair(python: &Path, port: u16, pin: &str) -> Result<String, String> {
    let (mut child, mut lines) = client(python, &["pair", &port.to_string(), pin]);
    let reply = next_json(&mut lines, &mut child).await;
    let _ = tokio::time::timeout(WAIT, child.wait()).await;
    match reply["credentials"].as_str() {
        Some(credentials) => Ok(credentials.to_owned()),
        None => Err(reply.to_string()),
    }
}

#[tokio::test]
async fn pyatv_library_uses_every_companion_feature() {
    let Some(python) = atv_tests::pyatv_python() else {
        return;
    };
    let fake = FakeDevice::builder()
        .companion()
        .demo()
        .start()
        .await
        .expect("fake device starts");
    let state = fake.state().clone();
    let companion = state.companion().clone();
    companion.set_text_focus(Some("Fake text"));
    let port = companion_port(&fake);

    let credentials = pair(&python, port, "1111").await.expect("pairs");
    assert_eq!(state.paired_clients(), 1);

    let (mut child, mut lines) = client(&python, &["run", &port.to_string(), &credentials]);
    let mut steps = serde_json::Map::new();
    loop {
        let line = next_json(&mut lines, &mut child).await;
        assert!(line.get("error").is_none(), "client failed: {line}");
        let step = line["step"].as_str().expect("a step").to_owned();
        if step == "done" {
            break;
        }
        if step == "await_unfocus" {
            companion.set_text_focus(None);
        }
        steps.insert(step, line["value"].clone());
    }
    let status = tokio::time::timeout(WAIT, child.wait())
        .await
        .expect("client exits in time")
        .expect("exit status");
    assert!(status.success());
    let step = |name: &str| steps.get(name).cloned().unwrap_or(Value::Null);

    // Session start-up.
    assert!(companion.has_authenticated());
    assert!(companion.sessions_started() >= 1);
    assert!(
        companion
            .client_info()
            .is_some_and(|info| info.pairing_id.is_some())
    );
    assert_eq!(companion.touch_area(), Some((1000.0, 1000.0)));

    // Power: told through status events after the sleep and wake buttons.
    assert_eq!(step("power_state"), "PowerState.On");
    assert_eq!(step("turned_off"), "PowerState.Off");
    assert_eq!(step("turned_on"), "PowerState.On");
    assert!(state.powered_on());
    let hid = companion.hid_buttons();
    for command in [12, 13] {
        assert!(hid.contains(&HidButtonEvent {
            command,
            down: false
        }));
    }

    // Apps and accounts.
    assert_eq!(
        step("app_list"),
        serde_json::json!([
            ["TV", "com.apple.TVWatchList"],
            ["Music", "com.apple.TVMusic"],
            ["Settings", "com.apple.TVSettings"]
        ])
    );
    assert_eq!(
        companion.launches(),
        [
            Launch::App("com.apple.TVMusic".into()),
            Launch::Url("https://tv.example/watch?v=1".into())
        ]
    );
    assert_eq!(companion.active_app().as_deref(), Some("com.apple.TVMusic"));
    assert_eq!(
        companion.opened_url().as_deref(),
        Some("https://tv.example/watch?v=1")
    );
    assert_eq!(
        step("account_list"),
        serde_json::json!([["Alice", "E1A2B3C4-0001"], ["Bob", "E1A2B3C4-0002"]])
    );
    assert_eq!(companion.active_account().as_deref(), Some("E1A2B3C4-0002"));

    // Buttons: taps, a double tap and a hold, each a down and an up.
    let presses: Vec<_> = state
        .button_presses()
        .into_iter()
        .map(|press| (press.button, press.action))
        .collect();
    let tap = Some(InputAction::SingleTap);
    let expected = [
        ("up", tap),
        ("home", tap),
        ("select", tap),
        ("select", Some(InputAction::DoubleTap)),
        ("menu", Some(InputAction::Hold)),
        ("volumeup", tap),
        ("play", None),
        ("pause", None),
        ("nextitem", None),
    ];
    let expected: Vec<_> = expected
        .iter()
        .map(|(button, action)| ((*button).to_owned(), *action))
        .collect();
    assert_eq!(presses, expected);
    let downs = hid.iter().filter(|event| event.down).count();
    let ups = hid.iter().filter(|event| !event.down).count();
    // Two power buttons are sent as a lone button up.
    assert_eq!((downs, ups), (6, 8), "{hid:?}");

    // Volume, in percent at pyatv and 0.0 to 1.0 in the device.
    assert_eq!(step("set_volume"), 30.0);
    assert_eq!(step("volume_up"), 35.0);
    assert!((state.volume() - 0.35).abs() < 1e-4, "{}", state.volume());
    let commands = companion.media_commands();
    let command_numbers: Vec<u8> = commands.iter().map(|c| c.command).collect();
    assert_eq!(command_numbers, [6, 1, 2, 3, 7]);
    assert_eq!(
        commands.last(),
        Some(&MediaCommand {
            command: 7,
            argument: Some(12.0)
        })
    );
    assert_eq!(
        state.playback_state(),
        Some(atv_mrp::protobuf::PlaybackState::Paused)
    );

    // Text input.
    assert_eq!(step("focus"), "KeyboardFocusState.Focused");
    assert_eq!(step("text_get"), "Fake text");
    assert_eq!(step("text_after_append"), "hello world");
    assert_eq!(step("text_after_clear"), "");
    assert_eq!(step("await_unfocus"), "KeyboardFocusState.Focused");
    assert_eq!(step("unfocused"), "KeyboardFocusState.Unfocused");
    assert_eq!(companion.text(), None);

    // Touch: a swipe is a press, moves, and a release where it ends.
    let touches = companion.touch_events();
    let first = touches.first().expect("touch events");
    let last = touches.last().expect("touch events");
    assert_eq!(
        (first.action, first.x, first.y),
        (TouchAction::Press, 100, 200)
    );
    assert_eq!(
        (last.action, last.x, last.y),
        (TouchAction::Release, 800, 900)
    );
    assert!(
        touches[1..touches.len() - 1]
            .iter()
            .all(|t| t.action == TouchAction::Hold),
        "{touches:?}"
    );
    assert!(touches.windows(2).all(|w| w[0].nanos <= w[1].nanos));

    fake.shutdown().await;
}

#[tokio::test]
async fn pyatv_with_a_wrong_pin_or_unknown_credentials_is_refused() {
    let Some(python) = atv_tests::pyatv_python() else {
        return;
    };
    let fake = FakeDevice::builder().companion().start().await.unwrap();
    let port = companion_port(&fake);
    let error = pair(&python, port, "1234").await.expect_err("wrong PIN");
    assert!(!error.is_empty());
    assert_eq!(fake.state().paired_clients(), 0);

    let (mut child, mut lines) = client(
        &python,
        &["run", &port.to_string(), PYATV_CLIENT_CREDENTIALS],
    );
    // pyatv does not read the error in M4: it fails once the device hangs up.
    let status = tokio::time::timeout(WAIT, async {
        while let Ok(Some(line)) = lines.next_line().await {
            assert!(!line.contains("\"done\""), "{line}");
        }
        child.wait().await
    })
    .await
    .expect("client exits in time")
    .expect("exit status");
    assert!(!status.success());
    assert!(!fake.state().companion().has_authenticated());

    // Once the device knows them, the same credentials work.
    fake.shutdown().await;
    let fake = FakeDevice::builder()
        .companion()
        .accept_pyatv_test_credentials()
        .start()
        .await
        .unwrap();
    fake.state().companion().set_text_focus(Some("x"));
    let port = companion_port(&fake);
    let (mut child, mut lines) = client(
        &python,
        &["run", &port.to_string(), PYATV_CLIENT_CREDENTIALS],
    );
    let line = next_json(&mut lines, &mut child).await;
    assert_eq!(line["step"], "connect", "{line}");
    drop(child);
    fake.shutdown().await;
}

/// Runs `atvremote` against the Companion port; returns (success, stdout, stderr).
async fn atvremote(
    python: &Path,
    home: &Path,
    port: u16,
    id: &str,
    credentials: Option<&str>,
    args: &[&str],
    input: &str,
) -> (bool, String, String) {
    let mut command = Command::new(python.with_file_name("atvremote"));
    command
        .args(["--storage", "none", "--manual", "--address", "127.0.0.1"])
        .args(["--port", &port.to_string(), "--protocol", "companion"])
        .args(["--id", id]);
    if let Some(credentials) = credentials {
        command.args(["--companion-credentials", credentials]);
    }
    let mut child = command
        .args(args)
        .env("HOME", home)
        .current_dir(home)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("atvremote starts");
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input.as_bytes()).await.expect("stdin");
    }
    let output = tokio::time::timeout(WAIT, child.wait_with_output())
        .await
        .expect("atvremote finished in time")
        .expect("atvremote output");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn atvremote_pairs_and_controls_the_binary() {
    let Some(python) = atv_tests::pyatv_python() else {
        return;
    };
    let id = "companion-binary-id";
    let mut fake = Command::new(ATVFAKE)
        .args(["--companion", "--mrp", "--demo", "--id", id])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("atvfake starts");
    let stdout = fake.stdout.take().expect("stdout");
    let line = tokio::time::timeout(WAIT, BufReader::new(stdout).lines().next_line())
        .await
        .expect("ports line in time")
        .expect("stdout readable")
        .expect("a ports line");
    let ports: Value = serde_json::from_str(&line).expect("JSON ports line");
    assert!(ports["mrp"].is_u64(), "{line}");
    let port = u16::try_from(ports["companion"].as_u64().expect("a companion port")).unwrap();

    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let (_, stdout, stderr) = atvremote(&python, home, port, id, None, &["pair"], "1111\n").await;
    let credentials = stdout
        .lines()
        .find_map(|line| line.split_once("You may now use these credentials: "))
        .map(|(_, credentials)| credentials.trim().to_owned())
        .unwrap_or_else(|| panic!("no credentials:\n{stdout}\n{stderr}"));

    let run = |args: &'static [&'static str]| {
        let credentials = credentials.clone();
        let python = python.clone();
        async move { atvremote(&python, home, port, id, Some(&credentials), args, "").await }
    };
    let (success, stdout, stderr) = run(&["power_state", "app_list", "account_list"]).await;
    assert!(success, "{stdout}\n{stderr}");
    for part in [
        "PowerState.On",
        "com.apple.TVMusic",
        "Music",
        "Alice",
        "E1A2B3C4-0002",
    ] {
        assert!(stdout.contains(part), "{part:?} not in\n{stdout}\n{stderr}");
    }

    let (success, stdout, stderr) = run(&[
        "launch_app=com.apple.TVSettings",
        "switch_account=E1A2B3C4-0001",
        "up",
        "turn_off",
    ])
    .await;
    assert!(success, "{stdout}\n{stderr}");
    let (success, stdout, stderr) = run(&["power_state"]).await;
    assert!(success, "{stdout}\n{stderr}");
    assert!(stdout.contains("PowerState.Off"), "{stdout}\n{stderr}");
    let (success, stdout, stderr) = run(&["turn_on"]).await;
    assert!(success, "{stdout}\n{stderr}");
    let (success, stdout, stderr) = run(&["power_state"]).await;
    assert!(success, "{stdout}\n{stderr}");
    assert!(stdout.contains("PowerState.On"), "{stdout}\n{stderr}");

    drop(fake.stdin.take());
    let status = tokio::time::timeout(WAIT, fake.wait())
        .await
        .expect("atvfake exits in time")
        .expect("exit status");
    assert!(status.success());
}
