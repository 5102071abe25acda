//! `atv::pair` and `atv::connect` over MRP against pyatv's own fake MRP device (from
//! pyatv's sdist, run by atv-mrp's launcher tests/py/fake_mrp_device.py) on 127.0.0.1.
//! Skipped when the pyatv venv or sdist is missing, except under CI.
#![cfg(feature = "mrp")]

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

use atv::core::interface::DeviceListener;
use atv::core::{InputAction, MemoryStorage, Storage};
use atv::{
    ConnectOptions, DeviceConfig, Error, PairOptions, Properties, Protocol, Service, connect, pair,
};

const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
/// The PIN pyatv's fake devices pair with.
const PIN: u32 = 1111;
/// How long any exchange with the fake may take.
const CONTROL_TIMEOUT: Duration = Duration::from_secs(20);

/// pyatv's fake MRP device, killed when dropped.
struct PyatvFake {
    child: Child,
    stdin: ChildStdin,
    stdout: Lines<BufReader<ChildStdout>>,
    port: u16,
}

impl PyatvFake {
    async fn start() -> Option<Self> {
        let python = atv_tests::pyatv_python()?;
        let source = atv_tests::pyatv_source()?;
        let launcher =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../atv-mrp/tests/py/fake_mrp_device.py");
        let mut child = Command::new(python)
            .arg(launcher)
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

    async fn command(&mut self, command: Value) -> Value {
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

    async fn state(&mut self) -> Value {
        self.command(json!({"op": "state"})).await["state"].clone()
    }

    /// Polls the fake's state until `check` accepts it.
    async fn wait_state(&mut self, what: &str, check: impl Fn(&Value) -> bool) -> Value {
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

    async fn stop(mut self) {
        drop(self.stdin);
        if tokio::time::timeout(CONTROL_TIMEOUT, self.child.wait())
            .await
            .is_err()
        {
            let _ = self.child.kill().await;
        }
    }
}

#[derive(Default)]
struct Events {
    lost: AtomicUsize,
    closed: AtomicUsize,
}

impl DeviceListener for Events {
    fn connection_lost(&self, _error: &Error) {
        self.lost.fetch_add(1, Ordering::SeqCst);
    }

    fn connection_closed(&self) {
        self.closed.fetch_add(1, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn pair_connect_control_and_close_against_pyatv() {
    let body = async {
        let Some(mut fake) = PyatvFake::start().await else {
            return;
        };
        fake.command(json!({"op": "call", "method": "example_music", "kwargs": {"paused": true}}))
            .await;
        let mut config = DeviceConfig::new(LOCALHOST, "pyatv fake");
        config.add_service(Service::new(
            Some("pyatv-fake-mrp".into()),
            Protocol::Mrp,
            fake.port,
            Properties::new(),
        ));
        let storage: Arc<dyn Storage> = Arc::new(MemoryStorage::new());

        let options = PairOptions::default().storage(Arc::clone(&storage));
        let mut handler = pair(&config, Protocol::Mrp, options).await.expect("pair");
        handler.begin().await.expect("begin pairing");
        handler.pin(PIN);
        handler.finish().await.expect("finish pairing");
        handler.close().await.expect("close pairing");
        let stored = storage.get_settings(&config).await.unwrap();
        assert!(stored.protocols.mrp.credentials.is_some());

        let events = Arc::new(Events::default());
        let listener: Arc<dyn DeviceListener> = events.clone();
        let options = ConnectOptions::default()
            .storage(Arc::clone(&storage))
            .listener(Arc::downgrade(&listener));
        let atv = connect(&config, options).await.expect("connect");
        let playing = atv.metadata().playing().await.expect("playing");
        assert_eq!(playing.title.as_deref(), Some("music"));

        atv.remote_control()
            .up(InputAction::SingleTap)
            .await
            .expect("up");
        fake.wait_state("up pressed", |s| s["last_button_pressed"] == "up")
            .await;

        let audio = atv.audio();
        fake.command(
            json!({"op": "call", "method": "change_volume_control", "kwargs": {"available": true}}),
        )
        .await;
        let deadline = tokio::time::Instant::now() + CONTROL_TIMEOUT;
        while audio.volume().ok() != Some(50.0) {
            assert!(tokio::time::Instant::now() < deadline, "volume never 50 %");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(matches!(
            audio.set_volume(150.0, None).await,
            Err(Error::Protocol(_))
        ));
        audio.set_volume(30.0, None).await.expect("set volume");
        fake.wait_state("volume 30 %", |s| {
            s["volume"].as_f64().is_some_and(|v| (v - 0.3).abs() < 1e-6)
        })
        .await;

        atv.close().await;
        assert_eq!(events.closed.load(Ordering::SeqCst), 1);
        assert_eq!(events.lost.load(Ordering::SeqCst), 0);
        fake.stop().await;
    };
    tokio::time::timeout(Duration::from_secs(180), body)
        .await
        .expect("test took too long");
}
