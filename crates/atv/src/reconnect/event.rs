//! What a reconnecting connection reports as it goes.

use std::fmt;
use std::time::Duration;

use atv_core::Error;

/// One transition of a [`ReconnectingDevice`](super::ReconnectingDevice).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ConnectionEvent {
    /// The first connection is up.
    Connected,
    /// The connection went away: lost with an error, or closed by the device (`None`).
    Lost {
        /// What the protocol reported; `None` when the device closed the connection.
        error: Option<Error>,
    },
    /// Attempt `attempt` (from 1) starts after waiting `delay`.
    Reconnecting {
        /// The attempt number, from 1.
        attempt: u32,
        /// How long it waits before trying.
        delay: Duration,
    },
    /// Attempt `attempt` failed; another follows unless the limit is reached.
    AttemptFailed {
        /// The attempt number, from 1.
        attempt: u32,
        /// Why it failed (device not found, connect error, ...).
        error: Error,
    },
    /// Connected again on attempt `attempt`; listeners and push updates are back.
    Reconnected {
        /// The attempt that succeeded.
        attempt: u32,
    },
    /// The attempt limit was reached; the connection stays down.
    GaveUp {
        /// How many attempts were made.
        attempts: u32,
    },
    /// Closed by [`ReconnectingDevice::close`](super::ReconnectingDevice::close).
    Closed,
}

impl ConnectionEvent {
    /// A short lower-case name: `connected`, `lost`, `reconnecting`, `attempt_failed`,
    /// `reconnected`, `gave_up`, `closed`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Connected => "connected",
            Self::Lost { .. } => "lost",
            Self::Reconnecting { .. } => "reconnecting",
            Self::AttemptFailed { .. } => "attempt_failed",
            Self::Reconnected { .. } => "reconnected",
            Self::GaveUp { .. } => "gave_up",
            Self::Closed => "closed",
        }
    }

    /// Whether nothing follows this event (the connection is over for good).
    pub fn is_final(&self) -> bool {
        matches!(self, Self::GaveUp { .. } | Self::Closed)
    }
}

impl fmt::Display for ConnectionEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Connected => f.write_str("connected"),
            Self::Lost { error: Some(error) } => write!(f, "connection lost: {error}"),
            Self::Lost { error: None } => f.write_str("connection closed by the device"),
            Self::Reconnecting { attempt, delay } => write!(
                f,
                "reconnecting (attempt {attempt}) in {:.1} s",
                delay.as_secs_f64()
            ),
            Self::AttemptFailed { attempt, error } => {
                write!(f, "reconnection attempt {attempt} failed: {error}")
            }
            Self::Reconnected { attempt } => write!(f, "reconnected (attempt {attempt})"),
            Self::GaveUp { attempts } => write!(f, "gave up after {attempts} attempts"),
            Self::Closed => f.write_str("closed"),
        }
    }
}

/// Hears every [`ConnectionEvent`], in order, from the task that keeps the connection.
/// Calls are made from that task: return quickly.
pub trait ConnectionListener: Send + Sync {
    /// One transition.
    fn connection_event(&self, event: &ConnectionEvent);
}
