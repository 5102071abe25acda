//! Apps, user accounts, keyboard, touch and power commands of atvremote over Companion,
//! against atv-fake's Companion service, next to pyatv's atvremote running the same
//! commands on a copy of the same storage: the output must be the same.

mod support;

use std::path::Path;
use std::time::Duration;

use atv_fake::FakeDevice;
use support::{manual_args, pyatv_tool, run, text};

const ATVREMOTE: &str = env!("CARGO_BIN_EXE_atvremote");
const RUN_LIMIT: Duration = Duration::from_secs(30);

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
        &[manual_args(&fake, "companion", &ours), vec!["pair".into()]].concat(),
        "1111\n",
        Some(&home),
        RUN_LIMIT,
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
    let mut args = manual_args(&fake, "companion", &ours);
    args.extend(commands.iter().map(|c| (*c).to_owned()));
    let output = run(Path::new(ATVREMOTE), &args, "", Some(&home), RUN_LIMIT).await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    let printed = text(&output.stdout);
    assert!(
        printed.contains("App: Music (com.apple.TVMusic)"),
        "{printed}"
    );
    assert!(printed.contains("Account: "), "{printed}");

    if let Some(pyatv) = pyatv_tool("atvremote") {
        let mut args = manual_args(&fake, "companion", &theirs);
        args.extend(commands.iter().map(|c| (*c).to_owned()));
        let reference = run(&pyatv, &args, "", Some(&home), RUN_LIMIT).await;
        assert!(
            reference.status.success(),
            "pyatv: {}",
            text(&reference.stderr)
        );
        assert_eq!(printed, text(&reference.stdout));
    }

    // A bad argument is one line and a failure.
    let mut args = manual_args(&fake, "companion", &ours);
    args.push("swipe=1,2".into());
    let output = run(Path::new(ATVREMOTE), &args, "", Some(&home), RUN_LIMIT).await;
    assert!(!output.status.success());
    assert_eq!(
        text(&output.stderr).lines().count(),
        1,
        "{}",
        text(&output.stderr)
    );
    fake.shutdown().await;
}
