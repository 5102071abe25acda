#![allow(dead_code)]
//! Helpers the integration tests share: running a tool with piped stdin and a time
//! limit, reading its output, the `--manual` options pointing at an atv-fake, and
//! finding pyatv's tools in the venv. Each test file uses a part of them.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use atv_fake::RunningFake;
use tokio::io::AsyncWriteExt;
use tokio::process::Command;
use tokio::time::timeout;

/// Runs `program` with `args`, feeding it `stdin`, and gives its output; killed (and
/// the test failed) if it outlives `limit`. With `home`, the tool gets it as `HOME`
/// and no `XDG_CONFIG_HOME`, so that nothing it stores lands in the user's home.
pub(crate) async fn run(
    program: &Path,
    args: &[String],
    stdin: &str,
    home: Option<&Path>,
    limit: Duration,
) -> Output {
    let mut command = Command::new(program);
    command.args(args);
    if let Some(home) = home {
        command.env("HOME", home).env_remove("XDG_CONFIG_HOME");
    }
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("tool starts");
    let mut input = child.stdin.take().expect("stdin piped");
    input
        .write_all(stdin.as_bytes())
        .await
        .expect("stdin written");
    drop(input);
    timeout(limit, child.wait_with_output())
        .await
        .expect("tool finished in time")
        .expect("tool output")
}

/// Output bytes as text (invalid UTF-8 replaced).
pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// What a tool printed on stdout, as text.
pub(crate) fn stdout(output: &Output) -> String {
    text(&output.stdout)
}

/// What a tool printed on stderr, as text.
pub(crate) fn stderr(output: &Output) -> String {
    text(&output.stderr)
}

/// `--manual` options for the fake's `protocol` service (`"mrp"` or `"companion"`),
/// with `storage` as storage file (the last two arguments).
pub(crate) fn manual_args(fake: &RunningFake, protocol: &str, storage: &Path) -> Vec<String> {
    let ports = fake.ports();
    let port = match protocol {
        "mrp" => ports.mrp.expect("fake serves MRP"),
        "companion" => ports.companion.expect("fake serves Companion"),
        other => panic!("no manual port for protocol {other}"),
    };
    vec![
        "--manual".into(),
        "--address".into(),
        "127.0.0.1".into(),
        "--port".into(),
        port.to_string(),
        "--protocol".into(),
        protocol.into(),
        "--id".into(),
        fake.identifier().to_owned(),
        "--storage-filename".into(),
        storage.display().to_string(),
    ]
}

/// pyatv's tool `name` (`atvremote`, `atvscript`) from the venv, when there is one.
pub(crate) fn pyatv_tool(name: &str) -> Option<PathBuf> {
    let python = atv_tests::pyatv_python()?;
    Some(python.parent().expect("venv bin").join(name))
}
