//! pyatv's fake Companion device, driven from Rust tests: `tests/py/fake_companion_device.py`
//! (our launcher around pyatv's own `tests/fake_device`) listens on 127.0.0.1 and takes
//! one JSON command per stdin line, answering one JSON line on stdout. It can also run
//! pyatv's own Companion client against the fake (pairing, and connecting with given
//! credentials), for credential compatibility tests. Used by the Companion client's
//! interop tests and by the umbrella crate's connect tests.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

/// How long any exchange with the fake may take.
pub const CONTROL_TIMEOUT: Duration = Duration::from_secs(30);

/// The PIN pyatv's fake devices pair with.
pub const PIN: u32 = 1111;

/// pyatv's fake Companion device, killed when dropped.
pub struct FakeCompanionDevice {
    child: Child,
    stdin: ChildStdin,
    stdout: Lines<BufReader<ChildStdout>>,
    /// The port it listens on (127.0.0.1).
    pub port: u16,
}

fn launcher() -> PathBuf {
    crate::workspace_root().join("tests/py/fake_companion_device.py")
}

impl FakeCompanionDevice {
    /// Starts the fake; `None` when pyatv is not available (outside CI).
    pub async fn start() -> Option<Self> {
        let python = crate::pyatv_python()?;
        let source = crate::pyatv_source()?;
        let mut child = Command::new(python)
            .arg(launcher())
            .arg(source)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("cannot start the fake Companion device launcher");
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

    /// Calls one of the fake's use cases (`FakeCompanionUseCases.<method>(**kwargs)`).
    pub async fn call(&mut self, method: &str, kwargs: Value) {
        self.command(json!({"op": "call", "method": method, "kwargs": kwargs}))
            .await;
    }

    /// What the fake recorded (buttons, apps, text, touch, ...).
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

    /// Pairs pyatv's own Companion client with the fake; returns its credentials.
    pub async fn pyatv_pair(&mut self) -> String {
        let answer = self.command(json!({"op": "pyatv_pair"})).await;
        answer["credentials"]
            .as_str()
            .unwrap_or_else(|| panic!("no credentials in {answer}"))
            .to_owned()
    }

    /// Connects pyatv's own Companion client with `credentials` and lists the apps
    /// (bundle id, name) through it.
    pub async fn pyatv_app_list(&mut self, credentials: &str) -> Vec<(String, String)> {
        let answer = self
            .command(json!({"op": "pyatv_check", "credentials": credentials}))
            .await;
        answer["apps"]
            .as_array()
            .unwrap_or_else(|| panic!("no apps in {answer}"))
            .iter()
            .map(|pair| {
                (
                    pair[0].as_str().unwrap_or_default().to_owned(),
                    pair[1].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
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
