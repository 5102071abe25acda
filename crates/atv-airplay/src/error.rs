//! The error type of atv-airplay's connections, and its conversion into atv-core's
//! [`atv_core::Error`].
//!
//! Pure codecs report [`WireError`](crate::wire::WireError); everything that talks to a
//! device reports [`AirPlayError`], which wraps it.

use std::net::SocketAddr;
use std::time::Duration;

use crate::wire::{CodecError, WireError};

/// Everything that can go wrong talking AirPlay to a device.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AirPlayError {
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
    /// The device sent something that is not valid HTTP/RTSP or DataStream framing.
    #[error(transparent)]
    Wire(#[from] WireError),
    /// No response came in time.
    #[error("no response to {request} within {after:?}; check that the device is awake")]
    Timeout {
        /// The request (method and URI).
        request: String,
        /// How long was waited.
        after: Duration,
    },
    /// The connection closed (by us or by the device).
    #[error("the AirPlay connection is closed: {reason}; connect again")]
    Closed {
        /// What happened.
        reason: String,
    },
    /// The device answered with an error status.
    #[error("{request} failed with status {status} {reason}")]
    Status {
        /// The request (method and URI).
        request: String,
        /// The status code.
        status: u16,
        /// The reason phrase.
        reason: String,
    },
    /// The device refused our credentials (401/403/470) or pair-verify failed.
    #[error("the device did not accept the credentials: {0}; pair again")]
    Authentication(String),
    /// Pair-setup failed.
    #[error("pairing failed: {0}")]
    Pairing(String),
    /// The credentials string cannot be used.
    #[error("invalid AirPlay credentials: {0}; pair again")]
    InvalidCredentials(String),
    /// Encrypting or decrypting a HAP frame failed.
    #[error("AirPlay session encryption failed: {0}; reconnect")]
    Encryption(#[source] atv_pairing::Error),
    /// A response lacked something or had an unexpected shape.
    #[error("unexpected response from the device: {0}")]
    UnexpectedResponse(String),
    /// Playing media failed.
    #[error("playback failed: {0}")]
    Playback(String),
    /// A call came in a state that does not allow it.
    #[error("invalid state: {0}")]
    InvalidState(String),
    /// A local file could not be served.
    #[error("cannot serve {path}: {source}")]
    File {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Socket I/O failed.
    #[error("AirPlay I/O failed: {0}; reconnect")]
    Io(#[from] std::io::Error),
}

/// Results of atv-airplay.
pub type Result<T, E = AirPlayError> = std::result::Result<T, E>;

impl From<CodecError> for AirPlayError {
    fn from(error: CodecError) -> Self {
        match error {
            CodecError::Wire(e) => Self::Wire(e),
            CodecError::Io(e) => Self::Io(e),
        }
    }
}

impl From<AirPlayError> for atv_core::Error {
    fn from(error: AirPlayError) -> Self {
        let text = error.to_string();
        match error {
            AirPlayError::Connect { .. } | AirPlayError::ConnectTimeout { .. } => {
                Self::ConnectionFailed(text)
            }
            AirPlayError::Wire(_) | AirPlayError::Closed { .. } | AirPlayError::Encryption(_) => {
                Self::ConnectionLost(text)
            }
            AirPlayError::Timeout { .. } => Self::OperationTimeout(text),
            AirPlayError::Status {
                status: 401 | 403 | 470,
                ..
            }
            | AirPlayError::Authentication(_) => Self::Authentication(text),
            AirPlayError::Status { .. } | AirPlayError::UnexpectedResponse(_) => {
                Self::Protocol(text)
            }
            AirPlayError::Pairing(_) => Self::Pairing(text),
            AirPlayError::InvalidCredentials(_) => Self::InvalidCredentials(text),
            AirPlayError::Playback(_) | AirPlayError::File { .. } => Self::Playback(text),
            AirPlayError::InvalidState(_) => Self::InvalidState(text),
            AirPlayError::Io(source) => Self::Io(std::sync::Arc::new(source)),
        }
    }
}
