//! The error type of the Companion client, and its conversion into atv-core's
//! [`atv_core::Error`].

use std::net::SocketAddr;
use std::time::Duration;

use crate::CodecError;

/// Everything that can go wrong talking Companion to a device.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CompanionError {
    /// The TCP connection could not be opened.
    #[error("cannot connect to {address}: {source}; check that the device is on and reachable")]
    Connect {
        /// Where we tried to connect.
        address: SocketAddr,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },

    /// Opening the TCP connection took too long.
    #[error("connecting to {address} timed out after {after:?}; check that the device is on")]
    ConnectTimeout {
        /// Where we tried to connect.
        address: SocketAddr,
        /// The time allowed.
        after: Duration,
    },

    /// The byte stream could not be split into frames (the connection is unusable).
    #[error(transparent)]
    Codec(#[from] CodecError),

    /// Encrypting or decrypting a frame failed (wrong keys or a corrupt frame).
    #[error("Companion session encryption failed: {0}; reconnect (pair again if it persists)")]
    Encryption(#[source] atv_pairing::Error),

    /// Pair-verify failed: the device did not accept our credentials.
    #[error("the device did not accept the Companion credentials: {0}")]
    Authentication(#[source] atv_pairing::Error),

    /// Pair-setup failed.
    #[error("Companion pairing failed: {0}")]
    Pairing(#[source] atv_pairing::Error),

    /// The connection was closed on purpose.
    #[error("the Companion connection is closed; connect again")]
    Closed,

    /// The connection ended because of an error.
    #[error("the Companion connection was lost: {reason}; connect again")]
    ConnectionLost {
        /// What happened.
        reason: String,
    },

    /// A request got no response in time.
    #[error("no response to {request} within {after:?}; check that the device is awake")]
    RequestTimeout {
        /// What was asked.
        request: String,
        /// The time allowed.
        after: Duration,
    },

    /// Writing to the socket took too long.
    #[error("sending to the device timed out after {after:?}; reconnect")]
    WriteTimeout {
        /// The time allowed.
        after: Duration,
    },

    /// Too many requests wait for responses at once.
    #[error("{limit} requests are already waiting for responses; retry when some have finished")]
    Busy {
        /// The cap.
        limit: usize,
    },

    /// The device answered a request with an error (`_em`, `_ec`, `_ed`).
    #[error("{request} failed on the device: {message} (code {code:?}, domain {domain:?})")]
    Command {
        /// What was asked.
        request: String,
        /// The device's message.
        message: String,
        /// The device's error code, if given.
        code: Option<i64>,
        /// The device's error domain, if given.
        domain: Option<String>,
    },

    /// A response lacks something it must have, or has it in the wrong shape.
    #[error("unexpected response to {request}: {detail}")]
    UnexpectedResponse {
        /// What was asked.
        request: String,
        /// What was wrong.
        detail: String,
    },

    /// Not connected (call connect first).
    #[error("not connected to the device over Companion; call connect first")]
    NotConnected,

    /// The device did not report a state we wait for in time.
    #[error("the device did not report the new {what} within {after:?}")]
    StateTimeout {
        /// The state waited for.
        what: &'static str,
        /// The time allowed.
        after: Duration,
    },

    /// Companion needs credentials and none (or unusable ones) were given.
    #[error("no Companion credentials: pair first with `atvremote pair --protocol companion`")]
    NoCredentials,

    /// The credentials could not be parsed.
    #[error("invalid Companion credentials: {0}; pair again to get new credentials")]
    InvalidCredentials(String),

    /// The operation does not fit the current state (e.g. no text field has focus).
    #[error("{0}")]
    InvalidState(String),

    /// Bad arguments (e.g. an input action Companion cannot do).
    #[error("not supported over Companion: {0}")]
    NotSupported(String),

    /// I/O on the socket failed.
    #[error("Companion connection I/O failed: {0}")]
    Io(#[from] std::io::Error),
}

/// Result with [`CompanionError`].
pub type Result<T, E = CompanionError> = std::result::Result<T, E>;

impl CompanionError {
    /// The reason text a lost connection carries.
    pub(crate) fn reason(&self) -> String {
        match self {
            Self::ConnectionLost { reason } => reason.clone(),
            other => other.to_string(),
        }
    }

    /// A copy for every waiter when the connection ends (errors are not `Clone`).
    pub(crate) fn duplicate(&self) -> Self {
        match self {
            Self::Closed => Self::Closed,
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

impl From<CompanionError> for atv_core::Error {
    fn from(error: CompanionError) -> Self {
        let text = error.to_string();
        match error {
            CompanionError::Connect { .. } | CompanionError::ConnectTimeout { .. } => {
                Self::ConnectionFailed(text)
            }
            CompanionError::Codec(_)
            | CompanionError::Encryption(_)
            | CompanionError::ConnectionLost { .. }
            | CompanionError::Io(_) => Self::ConnectionLost(text),
            CompanionError::Authentication(e) => pairing_error(e, false),
            CompanionError::Pairing(e) => pairing_error(e, true),
            CompanionError::Closed | CompanionError::NotConnected => Self::BlockedState(text),
            CompanionError::RequestTimeout { .. }
            | CompanionError::WriteTimeout { .. }
            | CompanionError::StateTimeout { .. } => Self::OperationTimeout(text),
            CompanionError::Busy { .. } | CompanionError::InvalidState(_) => {
                Self::InvalidState(text)
            }
            CompanionError::Command { .. } => Self::Command(text),
            CompanionError::UnexpectedResponse { .. } => Self::Protocol(text),
            CompanionError::NoCredentials => Self::NoCredentials(text),
            CompanionError::InvalidCredentials(_) => Self::InvalidCredentials(text),
            CompanionError::NotSupported(_) => Self::NotSupported(text),
        }
    }
}
