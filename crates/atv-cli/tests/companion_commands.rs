//! Apps, user accounts, keyboard, touch and power commands of atvremote over Companion,
//! against atv-fake's Companion service, next to pyatv's atvremote running the same
//! commands on a copy of the same storage: the output must be the same.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use atv_fake::{FakeDevice, RunningFake};
use tokio::io::AsyncWriteExt;
use tokio::process::Command;
use tokio::time::timeout;

const ATVREMOTE: &str = env!("CARGO_BIN_EXE_atvremote");
const RUN_LIMIT: Duration = Duration::from_secs(30);

fn manual_args(fake: &RunningFake, storage: &Path) -> Vec<String> {
    let port = fake.ports().companion.expect("fake serves Companion");
    [
        "--manual",
        "--address",
        "127.0.0.1",
        "--port",
        &port.to_string(),
        "--protocol",
        "companion",
        "--id",
        fake.identifier(),
        "--storage-filename",
        &storage.display().to_string(),
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

async fn run(program: &Path, home: &Path, args: &[String], stdin: &str) -> Output {
    let mut child = Command::new(program)
        .args(args)
        .env("HOME", home)
        .env_remove("XDG_CONFIG_HOME")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("tool starts");
    let mut input = child.stdin.take().expect("stdin piped");
    input.write_all(stdin.as_bytes()).await.expect("stdin");
    drop(input);
    timeout(RUN_LIMIT, child.wait_with_output())
        .await
        .expect("tool finished in time")
        .expect("tool output")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn companion_commands_match_pyatv() {
    let fake = FakeDevice::builder()
        .mrp()
        .companion()
        .demo()
        .start()
        .await
        .expect("fake starts");
    let dir = tempfile::tempdir().expect("temp dir");
    let home = dir.path().join("home");
    std::fs::create_dir(&home).expect("home");
    let ours = dir.path().join("ours.json");
    let theirs = dir.path().join("theirs.json");
    let paired = run(
        Path::new(ATVREMOTE),
        &home,
        &[manual_args(&fake, &ours), vec!["pair".into()]].concat(),
        "1111\n",
    )
    .await;
    assert!(
        paired.status.success(),
        "{}{}",
        text(&paired.stdout),
        text(&paired.stderr)
    );
    std::fs::copy(&ours, &theirs).expect("copy storage");

    let commands = [
        "app_list",
        "account_list",
        "text_focus_state",
        "text_get",
        "launch_app=com.apple.TVMusic",
        "text_set=hello",
        "text_append=X",
        "text_clear",
        "swipe=100,100,500,500,200",
        "action=100,100,1",
        "click=0",
        "power_state",
        "switch_account=E1A2B3C4-0002",
    ];
    let mut args = manual_args(&fake, &ours);
    args.extend(commands.iter().map(|c| (*c).to_owned()));
    let output = run(Path::new(ATVREMOTE), &home, &args, "").await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    let printed = text(&output.stdout);
    assert!(
        printed.contains("App: Music (com.apple.TVMusic)"),
        "{printed}"
    );
    assert!(printed.contains("Account: "), "{printed}");

    if let Some(python) = atv_tests::pyatv_python() {
        let pyatv: PathBuf = python.parent().expect("venv bin").join("atvremote");
        let mut args = manual_args(&fake, &theirs);
        args.extend(commands.iter().map(|c| (*c).to_owned()));
        let reference = run(&pyatv, &home, &args, "").await;
        assert!(
            reference.status.success(),
            "pyatv: {}",
            text(&reference.stderr)
        );
        assert_eq!(printed, text(&reference.stdout));
    }

    // A bad argument is one line and a failure.
    let mut args = manual_args(&fake, &ours);
    args.push("swipe=1,2".into());
    let output = run(Path::new(ATVREMOTE), &home, &args, "").await;
    assert!(!output.status.success());
    assert_eq!(
        text(&output.stderr).lines().count(),
        1,
        "{}",
        text(&output.stderr)
    );
    fake.shutdown().await;
}
