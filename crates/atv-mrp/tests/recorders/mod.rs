//! Listeners that record what the MRP client reports, shared by the tests against
//! pyatv's fake device and against atv-fake.
#![allow(dead_code, unreachable_pub)]

use std::sync::Mutex;

use atv_core::interface::{AudioListener, DeviceListener, PowerListener};
use atv_core::{OutputDevice, PowerState};

/// Volume and output-device events, as readable lines.
#[derive(Default)]
pub struct AudioEvents(pub Mutex<Vec<String>>);

impl AudioEvents {
    /// The events so far.
    pub fn seen(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

impl AudioListener for AudioEvents {
    fn volume_update(&self, old_level: f64, new_level: f64) {
        self.0
            .lock()
            .unwrap()
            .push(format!("volume {old_level} -> {new_level}"));
    }

    fn volume_device_update(&self, device: &OutputDevice, old_level: f64, new_level: f64) {
        self.0.lock().unwrap().push(format!(
            "device {} {old_level} -> {new_level}",
            device.identifier
        ));
    }

    fn outputdevices_update(&self, _old: &[OutputDevice], new: &[OutputDevice]) {
        let ids: Vec<&str> = new.iter().map(|d| d.identifier.as_str()).collect();
        self.0
            .lock()
            .unwrap()
            .push(format!("devices {}", ids.join(",")));
    }
}

/// Power state changes as (old, new).
#[derive(Default)]
pub struct PowerEvents(pub Mutex<Vec<(PowerState, PowerState)>>);

impl PowerListener for PowerEvents {
    fn powerstate_update(&self, old: PowerState, new: PowerState) {
        self.0.lock().unwrap().push((old, new));
    }
}

/// Connection events: `lost: <error>` or `closed`.
#[derive(Default)]
pub struct ConnectionEvents(pub Mutex<Vec<String>>);

impl ConnectionEvents {
    /// The events so far.
    pub fn seen(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

impl DeviceListener for ConnectionEvents {
    fn connection_lost(&self, error: &atv_core::Error) {
        self.0.lock().unwrap().push(format!("lost: {error}"));
    }

    fn connection_closed(&self) {
        self.0.lock().unwrap().push("closed".into());
    }
}
