//! Running pyatv 0.18.0's `atvremote` (from the test venv) against a fake device.

#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::time::Duration;

use tempfile::TempDir;
use tokio::process::Command;

/// Longest an `atvremote` run may take.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(60);

/// `atvremote` with a scratch directory for its storage file, home and working directory
/// (so nothing is written to the real home).
pub struct Atvremote {
    program: PathBuf,
    dir: TempDir,
}

/// What one run printed.
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub success: bool,
}

impl Run {
    fn from_output(output: Output) -> Self {
        Self {
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            success: output.status.success(),
        }
    }

    /// Panics with the whole output unless `stdout` contains every one of `parts`.
    pub fn assert_prints(&self, parts: &[&str]) {
        for part in parts {
            assert!(
                self.stdout.contains(part),
                "expected {part:?} in atvremote's output:\n{}\nstderr:\n{}",
                self.stdout,
                self.stderr
            );
        }
    }
}

impl Atvremote {
    /// `atvremote` beside the venv's Python, or `None` (skip) when there is no venv.
    pub fn find() -> Option<Self> {
        let python = atv_tests::pyatv_python()?;
        let program = python.parent()?.join("atvremote");
        assert!(program.exists(), "no atvremote at {}", program.display());
        Some(Self {
            program,
            dir: tempfile::tempdir().expect("temporary directory"),
        })
    }

    /// The scratch directory (atvremote's working directory).
    pub fn dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// A command connecting to the fake MRP device on `port`.
    pub fn command(
        &self,
        port: u16,
        identifier: &str,
        credentials: Option<&str>,
        args: &[&str],
    ) -> Command {
        let storage = self.dir.path().join("pyatv.conf");
        let mut command = Command::new(&self.program);
        command
            .args(["--storage", "none", "--storage-filename"])
            .arg(&storage)
            .args(["--manual", "--address", "127.0.0.1", "--protocol", "mrp"])
            .args(["--port", &port.to_string(), "--id", identifier]);
        if let Some(credentials) = credentials {
            command.args(["--mrp-credentials", credentials]);
        }
        command
            .args(args)
            .env("HOME", self.dir.path())
            .current_dir(self.dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        command
    }

    /// Runs to completion, feeding `input` on standard input.
    pub async fn run(
        &self,
        port: u16,
        identifier: &str,
        credentials: Option<&str>,
        args: &[&str],
        input: &str,
    ) -> Run {
        let mut child = self
            .command(port, identifier, credentials, args)
            .spawn()
            .expect("atvremote starts");
        if let Some(mut stdin) = child.stdin.take() {
            use tokio::io::AsyncWriteExt;
            stdin.write_all(input.as_bytes()).await.expect("stdin");
        }
        let output = tokio::time::timeout(RUN_TIMEOUT, child.wait_with_output())
            .await
            .expect("atvremote finished in time")
            .expect("atvremote output");
        Run::from_output(output)
    }

    /// Pairs with `pin` typed at the prompt; returns the run and the credentials printed.
    pub async fn pair(&self, port: u16, identifier: &str, pin: &str) -> (Run, Option<String>) {
        let run = self
            .run(port, identifier, None, &["pair"], &format!("{pin}\n"))
            .await;
        let credentials = run
            .stdout
            .lines()
            .find_map(|line| line.split_once("You may now use these credentials: "))
            .map(|(_, credentials)| credentials.trim().to_owned());
        (run, credentials)
    }
}
