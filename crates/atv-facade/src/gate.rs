//! The switch that blocks every facade interface once the device is closed.

use std::sync::atomic::{AtomicBool, Ordering};

use atv_core::{Error, Result};

/// Open until [`Gate::block`]; then every call through the facade fails with
/// [`Error::BlockedState`] (pyatv's shield).
#[derive(Debug, Default)]
pub(crate) struct Gate {
    blocked: AtomicBool,
}

impl Gate {
    /// Blocks from now on.
    pub(crate) fn block(&self) {
        self.blocked.store(true, Ordering::SeqCst);
    }

    /// Whether calls are blocked.
    pub(crate) fn is_blocked(&self) -> bool {
        self.blocked.load(Ordering::SeqCst)
    }

    /// Fails when blocked, naming `operation`.
    pub(crate) fn check(&self, operation: &str) -> Result<()> {
        if self.is_blocked() {
            Err(Error::BlockedState(format!("{operation} is blocked")))
        } else {
            Ok(())
        }
    }
}
