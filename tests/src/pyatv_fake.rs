//! What pyatv's fake devices have in common when driven from Rust tests: one of our
//! launchers in `tests/py/` runs a fake from pyatv's own `tests/fake_device` on
//! 127.0.0.1, prints `{"port": N}` first, then answers each JSON command read from a
//! stdin line with one JSON line on stdout. The per-protocol modules
//! ([`crate::pyatv_fake_mrp`], [`crate::pyatv_fake_companion`],
//! [`crate::pyatv_fake_airplay`]) wrap this with their launcher and extra commands.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

/// How long any exchange with a fake may take.
pub const CONTROL_TIMEOUT: Duration = Duration::from_secs(30);

/// The pyatv venv's Python and pyatv's source, or `None` (skip) outside CI.
pub fn pyatv() -> Option<(PathBuf, PathBuf)> {
    let python = crate::pyatv_python()?;
    let source = crate::pyatv_source()?;
    Some((python, source))
}

/// A running launcher, killed when dropped.
pub struct PyatvFake {
    child: Child,
    stdin: ChildStdin,
    stdout: Lines<BufReader<ChildStdout>>,
    /// The port the fake listens on (127.0.0.1).
    pub port: u16,
}

impl PyatvFake {
    /// Starts `tests/py/<script>`; `None` when pyatv is not available (outside CI).
    pub async fn start(script: &str) -> Option<Self> {
        let (python, source) = pyatv()?;
        let launcher = crate::workspace_root().join("tests/py").join(script);
        let mut child = Command::new(python)
            .arg(&launcher)
            .arg(source)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", launcher.display()));
        let stdin = child.stdin.take().expect("stdin is piped");
        let stdout = BufReader::new(child.stdout.take().expect("stdout is piped")).lines();
        let mut fake = Self {
            child,
            stdin,
            stdout,
            port: 0,
        };
        let first = fake.read_line().await;
        fake.port = first["port"]
            .as_u64()
            .and_then(|p| u16::try_from(p).ok())
            .unwrap_or_else(|| panic!("no port in {first}"));
        Some(fake)
    }

    async fn read_line(&mut self) -> Value {
        let line = tokio::time::timeout(CONTROL_TIMEOUT, self.stdout.next_line())
            .await
            .expect("the fake device did not answer in time")
            .expect("reading from the fake device failed")
            .expect("the fake device exited");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("bad line {line:?}: {e}"))
    }

    /// Sends one control command and returns its answer (panics on an error answer).
    pub async fn command(&mut self, command: Value) -> Value {
        let mut line = command.to_string();
        line.push('\n');
        tokio::time::timeout(CONTROL_TIMEOUT, self.stdin.write_all(line.as_bytes()))
            .await
            .expect("writing to the fake device timed out")
            .expect("writing to the fake device failed");
        let answer = self.read_line().await;
        assert!(answer.get("error").is_none(), "{command} failed: {answer}");
        answer
    }

    /// Calls one of the fake's use cases (`Fake…UseCases.<method>(**kwargs)`).
    pub async fn call(&mut self, method: &str, kwargs: Value) {
        self.command(json!({"op": "call", "method": method, "kwargs": kwargs}))
            .await;
    }

    /// What the fake recorded.
    pub async fn state(&mut self) -> Value {
        self.command(json!({"op": "state"})).await["state"].clone()
    }

    /// Polls the fake's state until `check` accepts it (at most [`CONTROL_TIMEOUT`]).
    pub async fn wait_state(&mut self, what: &str, check: impl Fn(&Value) -> bool) -> Value {
        let deadline = tokio::time::Instant::now() + CONTROL_TIMEOUT;
        loop {
            let state = self.state().await;
            if check(&state) {
                return state;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "fake device never reached {what}: {state}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Stops the fake (closing stdin makes it exit) and waits for it.
    pub async fn stop(mut self) {
        drop(self.stdin);
        if tokio::time::timeout(CONTROL_TIMEOUT, self.child.wait())
            .await
            .is_err()
        {
            let _ = self.child.kill().await;
        }
    }
}
