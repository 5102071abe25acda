//! Connection events (pyatv's `DeviceListener`).

use crate::Error;

/// Receives connection events (pyatv's `DeviceListener`). Exactly one of the two
/// methods is called, once, per connection.
pub trait DeviceListener: Send + Sync {
    /// The connection was lost unexpectedly, because of `error`.
    fn connection_lost(&self, error: &Error);

    /// The connection was closed on purpose.
    fn connection_closed(&self);
}
