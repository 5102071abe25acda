//! Push updates of what plays (pyatv's `PushUpdater` and `PushListener`).

use std::sync::Weak;

use crate::{Error, Playing, Result};

/// Receives push updates (pyatv's `PushListener`).
pub trait PushListener: Send + Sync {
    /// What plays changed.
    fn playstatus_update(&self, playing: &Playing);

    /// Getting what plays failed; updates stop until
    /// [`PushUpdater::start`] is called again.
    fn playstatus_error(&self, error: &Error);
}

/// Reports changes of what plays as they happen (pyatv's `PushUpdater`).
///
/// An update is reported only when something actually changed.
pub trait PushUpdater: Send + Sync {
    /// Whether updates have been started.
    fn active(&self) -> bool;

    /// Starts reporting updates to the listener, after `initial_delay` seconds. After
    /// an error, call it again.
    fn start(&self, initial_delay: u32) -> Result<()>;

    /// Stops reporting updates.
    fn stop(&self);

    /// Sets (or with `None`, removes) the listener. It is held weakly: keep the `Arc`.
    fn set_listener(&self, listener: Option<Weak<dyn PushListener>>);
}
