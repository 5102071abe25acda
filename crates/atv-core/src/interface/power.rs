//! Power state and on/off (pyatv's `Power` and `PowerListener`).

use std::sync::Weak;

use async_trait::async_trait;

use super::not_supported;
use crate::{PowerState, Result};

/// Receives power state changes (pyatv's `PowerListener`).
pub trait PowerListener: Send + Sync {
    /// The power state changed from `old` to `new`.
    fn powerstate_update(&self, old: PowerState, new: PowerState);
}

/// Reads and changes the power state (pyatv's `Power`).
#[async_trait]
pub trait Power: Send + Sync {
    /// The current power state.
    fn power_state(&self) -> Result<PowerState> {
        not_supported("power_state")
    }

    /// Turns the device on; with `await_new_state`, returns once it reports being on.
    async fn turn_on(&self, await_new_state: bool) -> Result<()> {
        let _ = await_new_state;
        not_supported("turn_on")
    }

    /// Turns the device off (standby); with `await_new_state`, returns once it reports
    /// being off.
    async fn turn_off(&self, await_new_state: bool) -> Result<()> {
        let _ = await_new_state;
        not_supported("turn_off")
    }

    /// Sets (or with `None`, removes) the listener. It is held weakly: keep the `Arc`.
    /// The default ignores it (for implementations that never report changes).
    fn set_listener(&self, listener: Option<Weak<dyn PowerListener>>) {
        let _ = listener;
    }
}
