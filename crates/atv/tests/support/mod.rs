//! What the umbrella crate's tests against atv's in-process fake device share: time
//! limits, a listener that records every call, the device configuration for a running
//! fake, and pairing through `atv::pair`.
#![allow(dead_code)] // Each test file uses its own part of it.

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use atv::core::interface::{AudioListener, DeviceListener, KeyboardListener, PowerListener};
use atv::core::{KeyboardFocusState, OutputDevice, PowerState, Storage};
use atv::{DeviceConfig, Error, PairOptions, Properties, Protocol, Service, pair};
use atv_fake::RunningFake;

pub(crate) const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
/// The PIN atv's fake device pairs with (every protocol).
pub(crate) const PIN: u32 = 1111;
/// How long the fake (or a listener) may take to show a change.
pub(crate) const WAIT: Duration = Duration::from_secs(10);

/// Runs a test body, failing it after two minutes.
pub(crate) async fn within_limit(body: impl Future<Output = ()>) {
    tokio::time::timeout(Duration::from_secs(120), body)
        .await
        .expect("test took too long");
}

/// Waits until `condition` holds; false after [`WAIT`].
pub(crate) async fn eventually(mut condition: impl FnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + WAIT;
    while tokio::time::Instant::now() < deadline {
        if condition() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    condition()
}

/// Records every listener call.
#[derive(Default)]
pub(crate) struct Recorder {
    pub(crate) lost: AtomicUsize,
    pub(crate) closed: AtomicUsize,
    pub(crate) power: Mutex<Vec<(PowerState, PowerState)>>,
    pub(crate) volume: Mutex<Vec<(f64, f64)>>,
    pub(crate) focus: Mutex<Vec<(KeyboardFocusState, KeyboardFocusState)>>,
}

impl Recorder {
    /// Connection events heard (lost and closed).
    pub(crate) fn events(&self) -> usize {
        self.lost.load(Ordering::SeqCst) + self.closed.load(Ordering::SeqCst)
    }
}

impl DeviceListener for Recorder {
    fn connection_lost(&self, _error: &Error) {
        self.lost.fetch_add(1, Ordering::SeqCst);
    }

    fn connection_closed(&self) {
        self.closed.fetch_add(1, Ordering::SeqCst);
    }
}

impl PowerListener for Recorder {
    fn powerstate_update(&self, old: PowerState, new: PowerState) {
        self.power.lock().unwrap().push((old, new));
    }
}

impl AudioListener for Recorder {
    fn volume_update(&self, old_level: f64, new_level: f64) {
        self.volume.lock().unwrap().push((old_level, new_level));
    }

    fn volume_device_update(&self, _device: &OutputDevice, _old: f64, _new: f64) {}

    fn outputdevices_update(&self, _old: &[OutputDevice], _new: &[OutputDevice]) {}
}

impl KeyboardListener for Recorder {
    fn focusstate_update(&self, old: KeyboardFocusState, new: KeyboardFocusState) {
        self.focus.lock().unwrap().push((old, new));
    }
}

/// A configuration for `fake` on 127.0.0.1 with a service for each of `protocols`.
pub(crate) fn device_config(fake: &RunningFake, protocols: &[Protocol]) -> DeviceConfig {
    let ports = fake.ports();
    let mut config = DeviceConfig::new(LOCALHOST, "Fake");
    for &protocol in protocols {
        let port = match protocol {
            Protocol::Mrp => ports.mrp,
            Protocol::Companion => ports.companion,
            Protocol::AirPlay => ports.airplay,
            _ => None,
        };
        let port = port.unwrap_or_else(|| panic!("{protocol} is not enabled on the fake"));
        config.add_service(Service::new(
            Some(fake.identifier().to_owned()),
            protocol,
            port,
            Properties::new(),
        ));
    }
    config
}

/// Pairs `protocol` through `atv::pair` with PIN 1111, into `storage`; returns the
/// credentials.
pub(crate) async fn pair_into(
    config: &DeviceConfig,
    protocol: Protocol,
    storage: &Arc<dyn Storage>,
) -> String {
    let options = PairOptions::default().storage(Arc::clone(storage));
    let mut handler = pair(config, protocol, options).await.expect("pair");
    assert!(handler.device_provides_pin(), "{protocol}");
    handler.begin().await.expect("begin pairing");
    handler.pin(PIN);
    handler.finish().await.expect("finish pairing");
    assert!(handler.has_paired(), "{protocol}");
    let credentials = handler.service().credentials.clone().expect("credentials");
    handler.close().await.expect("close pairing");
    credentials
}
