//! The settings commands (`print_settings`, `change_setting`, `unset_setting`,
//! `remove_settings`) of atvremote against atv-fake, next to pyatv's atvremote doing
//! the same on a copy of the same storage file: the printed settings and the storage
//! files must come out the same. Spawned tools get a temporary HOME.

mod support;

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use atv_fake::{FakeDevice, RunningFake};
use support::{manual_args, pyatv_tool, run, text};

const ATVREMOTE: &str = env!("CARGO_BIN_EXE_atvremote");
const RUN_LIMIT: Duration = Duration::from_secs(30);

fn json(path: &Path) -> serde_json::Value {
    let data = std::fs::read_to_string(path).expect("storage file");
    serde_json::from_str(&data).expect("storage is JSON")
}

async fn remote(
    program: &Path,
    fake: &RunningFake,
    home: &Path,
    storage: &Path,
    commands: &[&str],
) -> Output {
    let mut args = manual_args(fake, "mrp", storage);
    args.extend(commands.iter().map(|c| (*c).to_owned()));
    run(program, &args, "", Some(home), RUN_LIMIT).await
}

#[tokio::test(flavor = "multi_thread")]
async fn settings_commands_match_pyatv() {
    let fake = FakeDevice::builder()
        .mrp()
        .demo()
        .start()
        .await
        .expect("fake starts");
    let dir = tempfile::tempdir().expect("temp dir");
    let home = dir.path().join("home");
    std::fs::create_dir(&home).expect("home");
    let ours = dir.path().join("ours.json");
    let theirs = dir.path().join("theirs.json");

    // Paired by atv; pyatv starts from a copy of the same file.
    let paired = run(
        Path::new(ATVREMOTE),
        &[manual_args(&fake, "mrp", &ours), vec!["pair".into()]].concat(),
        "1111\n",
        Some(&home),
        RUN_LIMIT,
    )
    .await;
    assert!(paired.status.success(), "{}", text(&paired.stderr));
    std::fs::copy(&ours, &theirs).expect("copy storage");

    let steps: [&[&str]; 3] = [
        &[
            "change_setting=info.name,Kitchen remote",
            "change_setting=protocols.raop.timing_port,5000",
            "change_setting=protocols.companion.credentials,abc",
            "change_setting=info.os_version,17.0",
            "print_settings",
        ],
        &[
            "unset_setting=protocols.companion.credentials",
            "change_setting=protocols.airplay.password,secret",
            "print_settings",
        ],
        &["remove_settings"],
    ];
    let pyatv = pyatv_tool("atvremote");
    for step in steps {
        let output = remote(Path::new(ATVREMOTE), &fake, &home, &ours, step).await;
        assert!(
            output.status.success(),
            "{step:?}: {}",
            text(&output.stderr)
        );
        let printed = text(&output.stdout);
        if step.contains(&"print_settings") {
            assert!(
                printed.contains("info.name = Kitchen remote (str)\n"),
                "{printed}"
            );
        }
        if step[0].starts_with("unset") {
            assert!(
                printed.contains("protocols.companion.credentials = None (str, NoneType)\n"),
                "{printed}"
            );
        }
        let Some(pyatv) = &pyatv else { continue };
        let reference = remote(pyatv, &fake, &home, &theirs, step).await;
        assert!(
            reference.status.success(),
            "pyatv {step:?}: {}",
            text(&reference.stderr)
        );
        assert_eq!(printed, text(&reference.stdout), "{step:?}");
        assert_eq!(json(&ours), json(&theirs), "storage after {step:?}");
    }
    // remove_settings left no device behind.
    assert_eq!(json(&ours)["devices"], serde_json::json!([]));
    assert!(
        std::fs::read_dir(&home).expect("home").next().is_none(),
        "nothing written to HOME"
    );

    // A setting that does not exist or a bad value: one line, failure, file unchanged.
    let before = std::fs::read(&ours).expect("storage");
    for command in [
        "change_setting=info.nothing,1",
        "change_setting=info.mac,nope",
    ] {
        let output = remote(Path::new(ATVREMOTE), &fake, &home, &ours, &[command]).await;
        assert!(!output.status.success(), "{command}");
        let all = format!("{}{}", text(&output.stdout), text(&output.stderr));
        assert_eq!(all.lines().count(), 1, "{command}: {all}");
    }
    let after: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&ours).expect("storage")).expect("JSON");
    let before: serde_json::Value = serde_json::from_slice(&before).expect("JSON");
    // Connecting created the device's entry again (as pyatv does), nothing else.
    assert_eq!(before["devices"], serde_json::json!([]));
    assert_eq!(after["devices"].as_array().map(Vec::len), Some(1));
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pyatv_storage_is_imported_into_a_new_default_storage() {
    let fake = FakeDevice::builder()
        .mrp()
        .demo()
        .start()
        .await
        .expect("fake starts");
    let dir = tempfile::tempdir().expect("temp dir");
    let home = dir.path().join("home");
    std::fs::create_dir(&home).expect("home");
    // Pair into a file, then put it where pyatv keeps its storage.
    let paired_file = dir.path().join("paired.json");
    let paired = run(
        Path::new(ATVREMOTE),
        &[manual_args(&fake, "mrp", &paired_file), vec!["pair".into()]].concat(),
        "1111\n",
        Some(&home),
        RUN_LIMIT,
    )
    .await;
    assert!(paired.status.success(), "{}", text(&paired.stderr));
    std::fs::copy(&paired_file, home.join(".pyatv.conf")).expect("pyatv file");

    // No --storage-filename: atv's default file, which does not exist yet.
    let mut args = manual_args(&fake, "mrp", &paired_file);
    args.truncate(args.len() - 2);
    args.push("playing".into());
    let output = run(Path::new(ATVREMOTE), &args, "", Some(&home), RUN_LIMIT).await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("Media type: Music"));
    let own = home.join(".config/atv/storage.json");
    let imported = json(&own);
    let pyatv = json(&home.join(".pyatv.conf"));
    assert_eq!(
        imported["devices"][0]["protocols"]["mrp"], pyatv["devices"][0]["protocols"]["mrp"],
        "credentials carried over"
    );

    // Once atv's file exists, pyatv's is not read again.
    std::fs::write(home.join(".pyatv.conf"), "not a storage").expect("overwrite");
    let output = run(Path::new(ATVREMOTE), &args, "", Some(&home), RUN_LIMIT).await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    fake.shutdown().await;
}
