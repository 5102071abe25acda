//! The error type of atv-mrp, and its conversion into atv-core's [`atv_core::Error`].

use std::net::SocketAddr;
use std::time::Duration;

use crate::framing::FramingError;

/// Everything that can go wrong on an MRP connection.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MrpError {
    /// The TCP connection could not be opened.
    #[error("cannot connect to {address}: {source}; check that the device is on and reachable")]
    Connect {
        /// Where the connection went.
        address: SocketAddr,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },

    /// Opening the TCP connection took too long.
    #[error("connecting to {address} timed out after {after:?}; check that the device is on")]
    ConnectTimeout {
        /// Where the connection went.
        address: SocketAddr,
        /// How long was waited.
        after: Duration,
    },

    /// The byte stream from the device is not valid MRP framing.
    #[error(transparent)]
    Framing(#[from] FramingError),

    /// The device's frames could not be decrypted or a message could not be encrypted.
    #[error("MRP session encryption failed: {0}; reconnect (pair again if it persists)")]
    Encryption(#[source] atv_pairing::Error),

    /// Pair-verify with stored credentials failed while connecting.
    #[error("the device did not accept the credentials: {0}")]
    Authentication(#[source] atv_pairing::Error),

    /// Pair-setup failed.
    #[error("pairing failed: {0}")]
    Pairing(#[source] atv_pairing::Error),

    /// The connection was closed on purpose (by [`close`](crate::MrpConnection::close)
    /// or by dropping every handle).
    #[error("the MRP connection is closed; connect again")]
    Closed,

    /// The connection went away because of an error.
    #[error("the MRP connection was lost: {reason}; connect again")]
    ConnectionLost {
        /// What happened.
        reason: String,
    },

    /// No reply came in time.
    #[error("no reply to {request} within {after:?}; check that the device is awake")]
    RequestTimeout {
        /// The message type of the request.
        request: String,
        /// How long was waited.
        after: Duration,
    },

    /// Writing to the socket took too long (the device stopped reading).
    #[error("sending to the device timed out after {after:?}; reconnect")]
    WriteTimeout {
        /// How long was waited.
        after: Duration,
    },

    /// Too many requests are waiting for replies.
    #[error("{limit} requests are already waiting for replies; retry when some have finished")]
    Busy {
        /// The limit in force.
        limit: usize,
    },

    /// The device answered with something else than the request asks for.
    #[error("unexpected reply to {request}: {detail}")]
    UnexpectedReply {
        /// What was asked.
        request: &'static str,
        /// What was wrong with the answer.
        detail: String,
    },

    /// The device refused a playback command.
    #[error("{command} failed: SendError={send_error}, HandlerReturnStatus={handler_status}")]
    Command {
        /// The command (pyatv's name, e.g. `Play`).
        command: String,
        /// The device's send error.
        send_error: String,
        /// The device's handler status.
        handler_status: String,
    },

    /// The client is not connected yet (or any more).
    #[error("not connected to the device; call connect first")]
    NotConnected,

    /// A value the device never sent was needed (e.g. its output device identifier).
    #[error("{0}")]
    Missing(&'static str),

    /// A wait for the device to report a change ran out of time.
    #[error("the device did not report the new {what} within {after:?}")]
    StateTimeout {
        /// What was waited for.
        what: &'static str,
        /// How long was waited.
        after: Duration,
    },

    /// The operation does not fit the current state (e.g. `finish` without a PIN).
    #[error("{0}")]
    InvalidState(String),

    /// Credentials are missing or cannot be used for MRP.
    #[error("invalid credentials: {0}; pair again to get new credentials")]
    InvalidCredentials(String),

    /// A socket operation failed.
    #[error("MRP connection I/O failed: {0}")]
    Io(#[from] std::io::Error),
}

/// Result with [`MrpError`].
pub type Result<T, E = MrpError> = std::result::Result<T, E>;

impl MrpError {
    /// What went wrong, without the advice around it when the error is itself a lost
    /// connection (so it can be wrapped again).
    pub(crate) fn reason(&self) -> String {
        match self {
            Self::ConnectionLost { reason } => reason.clone(),
            other => other.to_string(),
        }
    }

    /// The same error again, for handing one failure to many waiters. Errors that carry
    /// a source that cannot be cloned become [`MrpError::ConnectionLost`] with their text.
    pub(crate) fn duplicate(&self) -> Self {
        match self {
            Self::Closed => Self::Closed,
            Self::ConnectionLost { reason } => Self::ConnectionLost {
                reason: reason.clone(),
            },
            Self::WriteTimeout { after } => Self::WriteTimeout { after: *after },
            other => Self::ConnectionLost {
                reason: other.reason(),
            },
        }
    }
}

fn pairing_error(error: atv_pairing::Error, during_setup: bool) -> atv_core::Error {
    use atv_pairing::{DeviceErrorCode, Error as PairingError};
    match error {
        PairingError::InvalidCredentials { .. } => {
            atv_core::Error::InvalidCredentials(error.to_string())
        }
        PairingError::Device {
            code: DeviceErrorCode::BACK_OFF,
            ..
        } => atv_core::Error::BackOff(error.to_string()),
        _ if during_setup => atv_core::Error::Pairing(error.to_string()),
        _ => atv_core::Error::Authentication(error.to_string()),
    }
}

impl From<MrpError> for atv_core::Error {
    fn from(error: MrpError) -> Self {
        let text = error.to_string();
        match error {
            MrpError::Connect { .. } | MrpError::ConnectTimeout { .. } => {
                Self::ConnectionFailed(text)
            }
            MrpError::Framing(_) | MrpError::Encryption(_) | MrpError::ConnectionLost { .. } => {
                Self::ConnectionLost(text)
            }
            MrpError::Authentication(e) => pairing_error(e, false),
            MrpError::Pairing(e) => pairing_error(e, true),
            MrpError::Closed | MrpError::NotConnected => Self::BlockedState(text),
            MrpError::RequestTimeout { .. }
            | MrpError::WriteTimeout { .. }
            | MrpError::StateTimeout { .. } => Self::OperationTimeout(text),
            MrpError::Busy { .. } | MrpError::InvalidState(_) => Self::InvalidState(text),
            MrpError::UnexpectedReply { .. } | MrpError::Missing(_) => Self::Protocol(text),
            MrpError::Command { .. } => Self::Command(text),
            MrpError::InvalidCredentials(_) => Self::InvalidCredentials(text),
            MrpError::Io(e) => Self::Io(std::sync::Arc::new(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_keep_the_kind() {
        let lost: atv_core::Error = MrpError::ConnectionLost {
            reason: "eof".into(),
        }
        .into();
        assert!(matches!(lost, atv_core::Error::ConnectionLost(_)));
        let busy: atv_core::Error = MrpError::Busy { limit: 3 }.into();
        assert!(matches!(busy, atv_core::Error::InvalidState(_)));
        let auth: atv_core::Error =
            MrpError::Authentication(atv_pairing::Error::WrongDevice).into();
        assert!(matches!(auth, atv_core::Error::Authentication(_)));
        let pairing: atv_core::Error = MrpError::Pairing(atv_pairing::Error::BadProof).into();
        assert!(matches!(pairing, atv_core::Error::Pairing(_)));
        let timeout: atv_core::Error = MrpError::RequestTimeout {
            request: "GenericMessage".into(),
            after: Duration::from_secs(5),
        }
        .into();
        assert!(matches!(timeout, atv_core::Error::OperationTimeout(_)));
    }

    #[test]
    fn duplicates_keep_the_message() {
        let original = MrpError::Framing(FramingError::InvalidLengthPrefix);
        let copy = original.duplicate();
        assert!(copy.to_string().contains("length prefix"), "{copy}");
        assert!(matches!(MrpError::Closed.duplicate(), MrpError::Closed));
    }
}
