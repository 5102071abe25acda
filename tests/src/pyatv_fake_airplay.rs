//! pyatv's fake AirPlay device, driven from Rust tests: `tests/py/fake_airplay_device.py`
//! (our launcher around pyatv's own `tests/fake_device`) listens on 127.0.0.1 and takes
//! one JSON command per stdin line, answering one JSON line on stdout. Used by the
//! AirPlay client's interop tests.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

/// How long any exchange with the fake may take.
pub const CONTROL_TIMEOUT: Duration = Duration::from_secs(20);

/// The PIN pyatv's fake AirPlay device pairs with (HAP pair-setup).
pub const PIN: u32 = 2271;

/// The identifier of pyatv's recorded legacy pairing session (client id, upper-case hex).
pub const LEGACY_CLIENT_ID: &str = "75FBEEC773CFC563";
/// The Ed25519 seed of pyatv's recorded legacy pairing session (hex).
pub const LEGACY_SEED: &str = "8F06696F2542D70DF59286C761695C485F815BE3D152849E1361282D46AB1493";

/// pyatv's fake AirPlay device, killed when dropped.
pub struct FakeAirPlayDevice {
    child: Child,
    stdin: ChildStdin,
    stdout: Lines<BufReader<ChildStdout>>,
    /// The port it listens on (127.0.0.1).
    pub port: u16,
}

fn launcher() -> PathBuf {
    crate::workspace_root().join("tests/py/fake_airplay_device.py")
}

impl FakeAirPlayDevice {
    /// Starts the fake; `None` when pyatv is not available (outside CI).
    pub async fn start() -> Option<Self> {
        let (python, source) = crate::pyatv_fake_mrp::pyatv()?;
        let mut child = Command::new(python)
            .arg(launcher())
            .arg(source)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("cannot start the fake device launcher");
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

    /// Calls one of the fake's use cases (`FakeAirPlayUseCases.<method>(**kwargs)`).
    pub async fn call(&mut self, method: &str, kwargs: Value) {
        self.command(json!({"op": "call", "method": method, "kwargs": kwargs}))
            .await;
    }

    /// What the fake recorded (last URL, start position, fetched content, play count).
    pub async fn state(&mut self) -> Value {
        self.command(json!({"op": "state"})).await["state"].clone()
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
