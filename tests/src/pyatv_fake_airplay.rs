//! pyatv's fake AirPlay device, driven from Rust tests: `tests/py/fake_airplay_device.py`
//! (our launcher around pyatv's own `tests/fake_device`) listens on 127.0.0.1 and takes
//! one JSON command per stdin line, answering one JSON line on stdout. Used by the
//! AirPlay client's interop tests.

use std::ops::{Deref, DerefMut};

use crate::pyatv_fake::PyatvFake;
pub use crate::pyatv_fake::{CONTROL_TIMEOUT, pyatv};

/// The PIN pyatv's fake AirPlay device pairs with (HAP pair-setup).
pub const PIN: u32 = 2271;

/// The identifier of pyatv's recorded legacy pairing session (client id, upper-case hex).
pub const LEGACY_CLIENT_ID: &str = "75FBEEC773CFC563";
/// The Ed25519 seed of pyatv's recorded legacy pairing session (hex).
pub const LEGACY_SEED: &str = "8F06696F2542D70DF59286C761695C485F815BE3D152849E1361282D46AB1493";

/// pyatv's fake AirPlay device, killed when dropped; the common commands come from
/// [`PyatvFake`] (`call`, `state`, `wait_state`, `command`, `port`).
pub struct FakeAirPlayDevice(PyatvFake);

impl FakeAirPlayDevice {
    /// Starts the fake; `None` when pyatv is not available (outside CI).
    pub async fn start() -> Option<Self> {
        PyatvFake::start("fake_airplay_device.py").await.map(Self)
    }

    /// Stops the fake (closing stdin makes it exit) and waits for it.
    pub async fn stop(self) {
        self.0.stop().await;
    }
}

impl Deref for FakeAirPlayDevice {
    type Target = PyatvFake;

    fn deref(&self) -> &PyatvFake {
        &self.0
    }
}

impl DerefMut for FakeAirPlayDevice {
    fn deref_mut(&mut self) -> &mut PyatvFake {
        &mut self.0
    }
}
