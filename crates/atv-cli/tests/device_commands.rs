//! atvremote and atvscript against atv-fake's MRP device running in this process:
//! pairing (PIN on stdin) into a storage file, then commands whose output and effects
//! are checked against the fake's state, and the same commands run by pyatv's
//! atvremote (from the venv) for a byte-for-byte comparison.

mod support;

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::Duration;

use atv_fake::{FakeDevice, RunningFake};
use support::{manual_args, pyatv_tool, run, stderr, stdout};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};
use tokio::time::timeout;

const ATVREMOTE: &str = env!("CARGO_BIN_EXE_atvremote");
const ATVSCRIPT: &str = env!("CARGO_BIN_EXE_atvscript");

/// Limit for one tool run.
const RUN_LIMIT: Duration = Duration::from_secs(30);

/// Runs atvremote with the manual options plus `commands`.
async fn remote(fake: &RunningFake, storage: &Path, commands: &[&str], stdin: &str) -> Output {
    let mut args = manual_args(fake, "mrp", storage);
    args.extend(commands.iter().map(|c| (*c).to_owned()));
    run(Path::new(ATVREMOTE), &args, stdin, None, RUN_LIMIT).await
}

async fn start_fake() -> RunningFake {
    FakeDevice::builder()
        .mrp()
        .demo()
        .start()
        .await
        .expect("fake device starts")
}

/// Pairs through atvremote with PIN 1111 and checks what it printed and stored.
async fn pair(fake: &RunningFake, storage: &Path) {
    let output = remote(fake, storage, &["pair"], "1111\n").await;
    let text = stdout(&output);
    assert!(
        output.status.success(),
        "pair failed: {text}{}",
        stderr(&output)
    );
    assert!(text.starts_with("Enter PIN on screen: Pairing seems to have succeeded, yey!\n"));
    let credentials = text
        .lines()
        .find_map(|l| l.strip_prefix("You may now use these credentials: "))
        .expect("credentials printed");
    assert_eq!(
        credentials.split(':').count(),
        4,
        "HAP credentials: {credentials}"
    );
    let stored = std::fs::read_to_string(storage).expect("storage written");
    assert!(stored.contains(credentials), "credentials saved: {stored}");
}

#[tokio::test(flavor = "multi_thread")]
async fn pair_then_control_the_fake() {
    let fake = start_fake().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let storage = dir.path().join("storage.json");
    pair(&fake, &storage).await;

    // What plays, as the fake has it.
    let output = remote(&fake, &storage, &["playing"], "").await;
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let playing = fake.state().playing().expect("demo plays something");
    let title = playing.title.expect("demo has a title");
    assert!(text.contains("  Media type: Music\n"), "{text}");
    assert!(text.contains(&format!("       Title: {title}\n")), "{text}");

    // Buttons, arguments and several commands at once.
    let output = remote(
        &fake,
        &storage,
        &["up", "select=1", "set_volume=23", "volume", "power_state"],
        "",
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), "23.0\nPowerState.On\n");
    assert_eq!(
        fake.state().last_button_pressed().as_deref(),
        Some("select")
    );
    assert_eq!((fake.state().volume() * 100.0).round(), 23.0);
    assert!(
        fake.state()
            .button_presses()
            .iter()
            .any(|p| p.button == "up")
    );

    let output = remote(&fake, &storage, &["delay=10", "title", "device_info"], "").await;
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with(&format!("{title}\nModel/SW: ")), "{text}");
    assert!(text.contains("\n     MAC: "), "{text}");

    // Nothing listening: one error line, failure.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("address").port().to_string();
    drop(closed);
    let mut args = manual_args(&fake, "mrp", &storage);
    args[4] = port;
    args.push("playing".into());
    let output = run(Path::new(ATVREMOTE), &args, "", None, RUN_LIMIT).await;
    assert!(!output.status.success());
    let all = format!("{}{}", stdout(&output), stderr(&output));
    assert_eq!(all.lines().count(), 1, "{all}");

    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_are_one_line_and_fail() {
    let fake = start_fake().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let storage = dir.path().join("storage.json");
    pair(&fake, &storage).await;
    for (commands, message) in [
        (&["bogus"][..], "Unknown command: bogus"),
        (
            &["set_volume=loud"][..],
            "Invalid argument \"loud\" to 'set_volume'",
        ),
        (
            &["set_repeat=9"][..],
            "Invalid argument \"9\" to 'set_repeat'",
        ),
        (&["artwork_save"][..], ""),
    ] {
        let output = remote(&fake, &storage, commands, "").await;
        assert!(!output.status.success(), "{commands:?} should fail");
        let all = format!("{}{}", stdout(&output), stderr(&output));
        assert_eq!(all.lines().count(), 1, "{commands:?}: {all}");
        assert!(all.contains(message), "{commands:?}: {all}");
    }
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pair_without_storage_only_prints_credentials() {
    let fake = start_fake().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let storage = dir.path().join("never.json");
    let mut args = manual_args(&fake, "mrp", &storage);
    args.extend(["--storage".to_owned(), "none".to_owned(), "pair".to_owned()]);
    let output = run(Path::new(ATVREMOTE), &args, "1111\n", None, RUN_LIMIT).await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("You may now use these credentials: "));
    assert!(!storage.exists());

    // A wrong PIN fails with one line.
    let output = run(Path::new(ATVREMOTE), &args, "1234\n", None, RUN_LIMIT).await;
    assert!(!output.status.success());
    fake.shutdown().await;
}

/// Reads lines from `child`'s stdout until one satisfies `found`.
async fn read_until(
    lines: &mut tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
    found: impl Fn(&str) -> bool,
) -> Vec<String> {
    let mut seen = Vec::new();
    loop {
        let line = timeout(RUN_LIMIT, lines.next_line())
            .await
            .expect("output in time")
            .expect("stdout readable");
        let Some(line) = line else {
            panic!("output ended before the expected line: {seen:?}");
        };
        let done = found(&line);
        seen.push(line);
        if done {
            return seen;
        }
    }
}

fn spawn(program: &str, args: &[String]) -> Child {
    Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("tool starts")
}

async fn finish_with_enter(mut child: Child) -> std::process::ExitStatus {
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(b"\n").await.expect("enter sent");
    drop(stdin);
    timeout(RUN_LIMIT, child.wait())
        .await
        .expect("stops after Enter")
        .expect("exit status")
}

#[tokio::test(flavor = "multi_thread")]
async fn push_updates_print_changes_until_enter() {
    let fake = start_fake().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let storage = dir.path().join("storage.json");
    pair(&fake, &storage).await;

    let mut args = manual_args(&fake, "mrp", &storage);
    args.push("push_updates".into());
    let mut child = spawn(ATVREMOTE, &args);
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    read_until(&mut lines, |l| l == "Press ENTER to stop").await;
    read_until(&mut lines, |l| l == "-".repeat(20)).await;
    fake.state()
        .change_state(|s| s.title = Some("Pushed title".into()));
    let seen = read_until(&mut lines, |l| l == "       Title: Pushed title").await;
    assert!(!seen.is_empty());
    assert!(finish_with_enter(child).await.success());

    // atvscript: power state, output devices, then updates as JSON lines.
    let mut args = manual_args(&fake, "mrp", &storage);
    args.push("push_updates".into());
    let mut child = spawn(ATVSCRIPT, &args);
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let first = read_until(&mut lines, |_| true).await;
    let first: serde_json::Value = serde_json::from_str(&first[0]).expect("JSON line");
    assert_eq!(first["power_state"], "on");
    read_until(&mut lines, |l| l.contains("\"output_devices\": [")).await;
    fake.state()
        .change_state(|s| s.title = Some("Scripted title".into()));
    read_until(&mut lines, |l| l.contains("\"title\": \"Scripted title\"")).await;
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(b"\n").await.expect("enter sent");
    let rest = read_until(&mut lines, |l| l.contains("\"push_updates\": \"finished\"")).await;
    let last: serde_json::Value = serde_json::from_str(rest.last().expect("line")).expect("JSON");
    assert_eq!(last["result"], "success");
    drop(stdin);
    let status = timeout(RUN_LIMIT, child.wait())
        .await
        .expect("exits")
        .expect("status");
    assert!(status.success());
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn atvscript_playing_and_buttons() {
    let fake = start_fake().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let storage = dir.path().join("storage.json");
    pair(&fake, &storage).await;

    let mut args = manual_args(&fake, "mrp", &storage);
    args.push("playing".into());
    let output = run(Path::new(ATVSCRIPT), &args, "", None, RUN_LIMIT).await;
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 1, "{text}");
    let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let keys: Vec<&str> = value
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    let _ = keys; // serde_json sorts keys; the order is checked on the text below.
    let order = [
        "\"result\"",
        "\"datetime\"",
        "\"hash\"",
        "\"media_type\"",
        "\"device_state\"",
        "\"title\"",
        "\"artist\"",
        "\"album\"",
        "\"genre\"",
        "\"total_time\"",
        "\"position\"",
        "\"shuffle\"",
        "\"repeat\"",
        "\"series_name\"",
        "\"season_number\"",
        "\"episode_number\"",
        "\"content_identifier\"",
        "\"itunes_store_identifier\"",
        "\"app\"",
        "\"app_id\"",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|k| {
            text.find(k)
                .unwrap_or_else(|| panic!("{k} missing: {text}"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
    let playing = fake.state().playing().expect("demo plays");
    assert_eq!(value["result"], "success");
    assert_eq!(value["media_type"], "music");
    assert_eq!(value["title"], playing.title.expect("title").as_str());
    assert_eq!(value["series_name"], serde_json::Value::Null);

    let mut args = manual_args(&fake, "mrp", &storage);
    args.push("down".into());
    let output = run(Path::new(ATVSCRIPT), &args, "", None, RUN_LIMIT).await;
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(value["result"], "success");
    assert_eq!(value["command"], "down");
    assert_eq!(fake.state().last_button_pressed().as_deref(), Some("down"));

    let mut args = manual_args(&fake, "mrp", &storage);
    args.push("bogus".into());
    let output = run(Path::new(ATVSCRIPT), &args, "", None, RUN_LIMIT).await;
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(value["error"], "unsupported_command");
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn artwork_save_writes_the_image() {
    let fake = start_fake().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let storage = dir.path().join("storage.json");
    pair(&fake, &storage).await;
    let image: &[u8] = b"\x89PNG\r\n\x1a\nnot really an image";
    fake.state().set_artwork(image, "image/png", "artwork-1");

    let target = dir.path().join("cover");
    let save = format!("artwork_save=,,{}", target.display());
    let output = remote(&fake, &storage, &[save.as_str()], "").await;
    assert!(output.status.success(), "{}", stderr(&output));
    let written = std::fs::read(dir.path().join("cover.png")).expect("artwork written");
    assert_eq!(written, image);
    fake.shutdown().await;
}

/// Output with the lines that depend on time (the play position) removed.
fn timeless(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("Position:"))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn output_matches_pyatv_atvremote() {
    let Some(pyatv_remote) = pyatv_tool("atvremote") else {
        return;
    };
    let fake = start_fake().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let storage = dir.path().join("storage.json");
    // Paired by atv; pyatv reads the same storage file (compatible credentials).
    pair(&fake, &storage).await;

    // Every command sets what it later reads, so both runs print the same.
    let commands = [
        "set_repeat=1",
        "set_shuffle=1",
        "playing",
        "up",
        "down=1",
        "repeat",
        "shuffle",
        "set_volume=30",
        "volume",
        "volume_up",
        "volume",
        "title",
        "artist",
        "album",
        "genre",
        "media_type",
        "device_state",
        "total_time",
        "hash",
        "series_name",
        "power_state",
        "app",
        "device_id",
        "artwork_id",
        "set_position=10",
        "skip_forward=5",
        "model",
        "model_str",
        "operating_system",
        "version",
        "mac",
        "build_number",
        "output_devices",
        "device_info",
        "features",
    ];
    let mut args = manual_args(&fake, "mrp", &storage);
    args.extend(commands.iter().map(|c| (*c).to_owned()));
    let theirs = run(&pyatv_remote, &args, "", None, RUN_LIMIT).await;
    let pressed_by_pyatv = fake.state().button_presses().len();
    let ours = run(Path::new(ATVREMOTE), &args, "", None, RUN_LIMIT).await;
    assert!(theirs.status.success(), "pyatv: {}", stderr(&theirs));
    assert!(ours.status.success(), "atv: {}", stderr(&ours));
    assert_eq!(timeless(&stdout(&ours)), timeless(&stdout(&theirs)));
    assert!(fake.state().button_presses().len() > pressed_by_pyatv);
    fake.shutdown().await;
}
