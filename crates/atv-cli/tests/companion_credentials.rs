//! Companion credentials carry over between pyatv's atvremote and ours, against
//! atv-fake's Companion service (the server `atvfake --companion` runs) on 127.0.0.1:
//! one tool pairs, the other uses the credentials, given on the command line
//! (`--companion-credentials`) or found in the storage file the first one wrote.
//! Skipped without the pyatv venv, except under CI.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use atv_fake::{FakeDevice, RunningFake};
use support::{manual_args, pyatv_tool, run, text};
use tokio::process::Command;

const ATVREMOTE: &str = env!("CARGO_BIN_EXE_atvremote");
const RUN_LIMIT: Duration = Duration::from_secs(60);
/// What both tools print after pairing, before the credentials.
const CREDENTIALS_LINE: &str = "You may now use these credentials: ";

/// Both tools, with a home directory of their own (pyatv's atvremote writes its
/// default storage there).
struct Tools {
    pyatv: PathBuf,
    _dir: tempfile::TempDir,
    home: PathBuf,
    dir: PathBuf,
}

impl Tools {
    fn new() -> Option<Self> {
        let pyatv = pyatv_tool("atvremote")?;
        let dir = tempfile::tempdir().expect("temp dir");
        let home = dir.path().join("home");
        std::fs::create_dir(&home).expect("home");
        Some(Self {
            pyatv,
            dir: dir.path().to_owned(),
            home,
            _dir: dir,
        })
    }

    fn storage(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    async fn run(&self, program: &Path, args: &[String], stdin: &str) -> Output {
        let output = run(program, args, stdin, Some(&self.home), RUN_LIMIT).await;
        assert!(
            output.status.success(),
            "{} {args:?} failed:\n{}{}",
            program.display(),
            text(&output.stdout),
            text(&output.stderr)
        );
        output
    }

    async fn ours(&self, args: &[String], stdin: &str) -> String {
        text(&self.run(Path::new(ATVREMOTE), args, stdin).await.stdout)
    }

    async fn theirs(&self, args: &[String], stdin: &str) -> String {
        text(&self.run(&self.pyatv, args, stdin).await.stdout)
    }
}

/// `--manual` arguments for the fake's Companion service with storage file `storage`,
/// then `rest`.
fn args(fake: &RunningFake, storage: &Path, rest: &[&str]) -> Vec<String> {
    let mut args = manual_args(fake, "companion", storage);
    args.extend(rest.iter().map(|s| (*s).to_owned()));
    args
}

/// The credentials a pairing printed.
fn printed_credentials(output: &str) -> String {
    let line = output
        .lines()
        .find_map(|line| line.strip_prefix(CREDENTIALS_LINE))
        .unwrap_or_else(|| panic!("no credentials in:\n{output}"));
    let credentials = line.trim().to_owned();
    // pyatv's HAP credentials: four hex fields.
    assert_eq!(credentials.split(':').count(), 4, "{credentials}");
    credentials
}

/// Asserts that a Companion command worked: the apps of the demo, listed.
fn assert_apps_listed(output: &str) {
    assert!(
        output.contains("App: Music (com.apple.TVMusic)"),
        "{output}"
    );
}

async fn fake() -> RunningFake {
    FakeDevice::builder()
        .companion()
        .demo()
        .start()
        .await
        .expect("fake starts")
}

#[tokio::test(flavor = "multi_thread")]
async fn pyatv_pairs_and_atv_uses_the_credentials() {
    let Some(tools) = Tools::new() else { return };
    let fake = fake().await;
    let paired = tools
        .theirs(
            &args(&fake, &tools.storage("theirs.json"), &["pair"]),
            "1111\n",
        )
        .await;
    let credentials = printed_credentials(&paired);

    // A storage file that knows nothing: the credentials come from the flag.
    let fresh = tools.storage("ours.json");
    let listed = tools
        .ours(
            &args(
                &fake,
                &fresh,
                &["--companion-credentials", &credentials, "app_list"],
            ),
            "",
        )
        .await;
    assert_apps_listed(&listed);
    // Without them, nothing works: the credentials made the difference.
    let refused = Command::new(ATVREMOTE)
        .args(args(&fake, &tools.storage("empty.json"), &["app_list"]))
        .env("HOME", &tools.home)
        .stdin(Stdio::null())
        .output()
        .await
        .expect("atvremote runs");
    assert!(!refused.status.success(), "{}", text(&refused.stdout));
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn atv_pairs_and_pyatv_uses_the_credentials() {
    let Some(tools) = Tools::new() else { return };
    let fake = fake().await;
    let paired = tools
        .ours(
            &args(&fake, &tools.storage("ours.json"), &["pair"]),
            "1111\n",
        )
        .await;
    let credentials = printed_credentials(&paired);
    let listed = tools
        .theirs(
            &args(
                &fake,
                &tools.storage("theirs.json"),
                &["--companion-credentials", &credentials, "app_list"],
            ),
            "",
        )
        .await;
    assert_apps_listed(&listed);
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn credentials_stored_by_atv_work_for_pyatv() {
    let Some(tools) = Tools::new() else { return };
    let fake = fake().await;
    let storage = tools.storage("shared.json");
    let paired = tools
        .ours(&args(&fake, &storage, &["pair"]), "1111\n")
        .await;
    let credentials = printed_credentials(&paired);
    assert!(
        std::fs::read_to_string(&storage)
            .expect("storage written")
            .contains(&credentials)
    );
    // No credentials flag: pyatv finds them in the file.
    let listed = tools
        .theirs(&args(&fake, &storage, &["app_list", "power_state"]), "")
        .await;
    assert_apps_listed(&listed);
    assert!(listed.contains("PowerState.On"), "{listed}");
    // And the other way: what pyatv stores, ours reads.
    let theirs = tools.storage("pyatv.json");
    tools
        .theirs(&args(&fake, &theirs, &["pair"]), "1111\n")
        .await;
    let listed = tools.ours(&args(&fake, &theirs, &["app_list"]), "").await;
    assert_apps_listed(&listed);
    fake.shutdown().await;
}
