//! pyatv's fake Companion device, driven from Rust tests: `tests/py/fake_companion_device.py`
//! (our launcher around pyatv's own `tests/fake_device`) listens on 127.0.0.1 and takes
//! one JSON command per stdin line, answering one JSON line on stdout. It can also run
//! pyatv's own Companion client against the fake (pairing, and connecting with given
//! credentials), for credential compatibility tests. Used by the Companion client's
//! interop tests and by the umbrella crate's connect tests.

use std::ops::{Deref, DerefMut};

use crate::pyatv_fake::PyatvFake;
pub use crate::pyatv_fake::{CONTROL_TIMEOUT, pyatv};
use serde_json::json;

/// The PIN pyatv's fake devices pair with.
pub const PIN: u32 = 1111;

/// pyatv's fake Companion device, killed when dropped; the common commands come from
/// [`PyatvFake`] (`call`, `state`, `wait_state`, `command`, `port`).
pub struct FakeCompanionDevice(PyatvFake);

impl FakeCompanionDevice {
    /// Starts the fake; `None` when pyatv is not available (outside CI).
    pub async fn start() -> Option<Self> {
        PyatvFake::start("fake_companion_device.py").await.map(Self)
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
    pub async fn stop(self) {
        self.0.stop().await;
    }
}

impl Deref for FakeCompanionDevice {
    type Target = PyatvFake;

    fn deref(&self) -> &PyatvFake {
        &self.0
    }
}

impl DerefMut for FakeCompanionDevice {
    fn deref_mut(&mut self) -> &mut PyatvFake {
        &mut self.0
    }
}
