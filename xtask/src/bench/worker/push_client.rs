//! `bench-worker push-client LIMIT_S CREDENTIALS PORT...`: one atv client process
//! connected to fake devices on 127.0.0.1, counting the push updates each delivers.
//!
//! It connects to every port (all at once) with the given MRP credentials, installs a
//! push listener on each device and starts updates, then prints `ready`. It counts the
//! updates whose title is `bench N` until every device has delivered `bench end` (or
//! LIMIT_S seconds have passed), then prints one line: `received TOTAL COMPLETE
//! SPAN_SECONDS`: updates counted over all devices, devices that delivered their end
//! marker, and the seconds from the first counted update to the last end marker.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, Instant};

use atv::core::Playing;
use atv::core::interface::PushListener;
use atv::{AppleTv, ConnectOptions, DeviceConfig, Properties, Protocol, Service};
use tokio::sync::Notify;

/// What the listeners of all devices have seen.
#[derive(Default)]
struct Tally {
    counted: u64,
    complete: usize,
    first: Option<Instant>,
    last_end: Option<Instant>,
}

/// Counts one device's updates into the shared tally.
struct Counter {
    tally: Arc<Mutex<Tally>>,
    done: Arc<Notify>,
}

impl PushListener for Counter {
    fn playstatus_update(&self, playing: &Playing) {
        let Some(rest) = playing
            .title
            .as_deref()
            .and_then(|t| t.strip_prefix("bench "))
        else {
            return;
        };
        let now = Instant::now();
        let mut tally = self.tally.lock().unwrap_or_else(PoisonError::into_inner);
        tally.first.get_or_insert(now);
        if rest == "end" {
            tally.complete += 1;
            tally.last_end = Some(now);
            self.done.notify_one();
        } else {
            tally.counted += 1;
        }
    }

    fn playstatus_error(&self, error: &atv::Error) {
        eprintln!("bench-worker: push update error: {error}");
    }
}

/// Connects, counts and reports.
pub(crate) async fn run(
    limit: Duration,
    credentials: String,
    ports: Vec<u16>,
) -> Result<(), String> {
    let tally = Arc::new(Mutex::new(Tally::default()));
    let done = Arc::new(Notify::new());
    let mut connecting = tokio::task::JoinSet::new();
    for port in ports.iter().copied() {
        let credentials = credentials.clone();
        connecting.spawn(async move { connect(port, credentials).await });
    }
    let mut devices: Vec<AppleTv> = Vec::with_capacity(ports.len());
    while let Some(joined) = connecting.join_next().await {
        devices.push(joined.map_err(|e| format!("a connect task failed: {e}"))??);
    }
    // Keep the listeners alive as long as the devices: the updater holds them weakly.
    let mut listeners: Vec<Arc<dyn PushListener>> = Vec::with_capacity(devices.len());
    for device in &devices {
        let listener: Arc<dyn PushListener> = Arc::new(Counter {
            tally: Arc::clone(&tally),
            done: Arc::clone(&done),
        });
        let weak: Weak<dyn PushListener> = Arc::downgrade(&listener);
        device.push_updater().set_listener(Some(weak));
        device
            .push_updater()
            .start(0)
            .map_err(|e| format!("push updates do not start: {e}"))?;
        listeners.push(listener);
    }
    say("ready")?;

    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let complete = tally
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .complete;
        if complete >= devices.len() {
            break;
        }
        if tokio::time::timeout_at(deadline, done.notified())
            .await
            .is_err()
        {
            break;
        }
    }
    let line = {
        let tally = tally.lock().unwrap_or_else(PoisonError::into_inner);
        let span = match (tally.first, tally.last_end) {
            (Some(first), Some(last)) => last.duration_since(first).as_secs_f64(),
            _ => 0.0,
        };
        format!("received {} {} {span:.6}", tally.counted, tally.complete)
    };
    say(&line)?;
    for device in &devices {
        device.close().await;
    }
    drop(listeners);
    Ok(())
}

/// Connects to the fake device on `port` with the MRP credentials.
async fn connect(port: u16, credentials: String) -> Result<AppleTv, String> {
    atv::connect(
        &device_config(port, Some(credentials)),
        ConnectOptions::default(),
    )
    .await
    .map_err(|e| format!("cannot connect to port {port}: {e}"))
}

/// The fake device on 127.0.0.1 `port` as a manual MRP configuration.
pub(crate) fn device_config(port: u16, credentials: Option<String>) -> DeviceConfig {
    let mut service = Service::new(
        Some(atv_fake::device::DEFAULT_IDENTIFIER.to_owned()),
        Protocol::Mrp,
        port,
        Properties::new(),
    );
    service.credentials = credentials;
    let mut config = DeviceConfig::new(IpAddr::V4(Ipv4Addr::LOCALHOST), "Bench fake");
    config.add_service(service);
    config
}

/// Prints one line and flushes it.
pub(crate) fn say(line: &str) -> Result<(), String> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}")
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("cannot write a result: {e}"))
}
