//! pyatv's fake MRP device, driven from Rust tests: `tests/py/fake_mrp_device.py` (our
//! launcher around pyatv's own `tests/fake_device`) listens on 127.0.0.1 and takes one
//! JSON command per stdin line, answering one JSON line on stdout. Used by the MRP
//! client's interop tests and by the umbrella crate's connect tests.

use std::ops::{Deref, DerefMut};

use crate::pyatv_fake::PyatvFake;
pub use crate::pyatv_fake::{CONTROL_TIMEOUT, pyatv};

/// The PIN pyatv's fake devices pair with.
pub const PIN: u32 = 1111;

/// pyatv's fake MRP device, killed when dropped; the common commands come from
/// [`PyatvFake`] (`call`, `state`, `wait_state`, `command`, `port`).
pub struct FakeMrpDevice(PyatvFake);

impl FakeMrpDevice {
    /// Starts the fake; `None` when pyatv is not available (outside CI).
    pub async fn start() -> Option<Self> {
        PyatvFake::start("fake_mrp_device.py").await.map(Self)
    }

    /// Stops the fake (closing stdin makes it exit) and waits for it.
    pub async fn stop(self) {
        self.0.stop().await;
    }
}

impl Deref for FakeMrpDevice {
    type Target = PyatvFake;

    fn deref(&self) -> &PyatvFake {
        &self.0
    }
}

impl DerefMut for FakeMrpDevice {
    fn deref_mut(&mut self) -> &mut PyatvFake {
        &mut self.0
    }
}
