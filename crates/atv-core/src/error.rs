//! The error type every atv crate converts its own errors into (pyatv's `exceptions`).

use std::sync::Arc;

use crate::Protocol;

/// Result with atv-core's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// Everything that can go wrong talking to a device.
///
/// One variant per pyatv exception, so code ported from pyatv can match on the same
/// cases. Messages say what failed and, where there is something to do, what to do.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The device has no service that can be used (pyatv's `NoServiceError`).
    #[error(
        "no usable service: {0} (scan again, or check that the protocol is enabled on the device)"
    )]
    NoService(String),

    /// A protocol was asked for that atv was built without or does not support
    /// (pyatv's `UnsupportedProtocolError`).
    #[error("protocol {0} is not supported by this build of atv (enable its cargo feature)")]
    UnsupportedProtocol(Protocol),

    /// A connection could not be made: refused, unreachable or timed out (pyatv's
    /// `ConnectionFailedError`).
    #[error("connection failed: {0} (check that the device is on and reachable)")]
    ConnectionFailed(String),

    /// An established connection went away (pyatv's `ConnectionLostError`).
    #[error("connection lost: {0} (connect again)")]
    ConnectionLost(String),

    /// Pairing did not succeed (pyatv's `PairingError`).
    #[error("pairing failed: {0} (check the PIN and try pairing again)")]
    Pairing(String),

    /// The device rejected the credentials or password (pyatv's `AuthenticationError`).
    #[error("authentication failed: {0} (pair again with `atvremote pair`, or check the password)")]
    Authentication(String),

    /// The device or atv does not support the operation (pyatv's `NotSupportedError`).
    #[error("not supported: {0}")]
    NotSupported(String),

    /// DMAP data could not be parsed (pyatv's `InvalidDmapDataError`).
    #[error("invalid DMAP data: {0}")]
    InvalidDmapData(String),

    /// A media kind number that atv does not know (pyatv's `UnknownMediaKindError`).
    #[error("unknown media kind {0}")]
    UnknownMediaKind(i64),

    /// A play state number that atv does not know (pyatv's `UnknownPlayStateError`).
    #[error("unknown play state {0}")]
    UnknownPlayState(i64),

    /// Push updates were started without a listener (pyatv's `NoAsyncListenerError`).
    #[error("no push listener set: set a listener before starting push updates")]
    NoAsyncListener,

    /// The service needs credentials and has none (pyatv's `NoCredentialsError`).
    #[error("no credentials: {0} (pair first with `atvremote pair`)")]
    NoCredentials(String),

    /// Credentials could not be parsed or do not fit the protocol (pyatv's
    /// `InvalidCredentialsError`).
    #[error("invalid credentials: {0} (pair again to get new credentials)")]
    InvalidCredentials(String),

    /// The device has no identifier, so settings cannot be stored for it (pyatv's
    /// `DeviceIdMissingError`).
    #[error("device identifier missing: {0} (scan for the device so its identifiers are known)")]
    DeviceIdMissing(String),

    /// The device asks to wait before trying again (pyatv's `BackOffError`).
    #[error("device asks to back off: {0} (wait a while and try again)")]
    BackOff(String),

    /// Playing media failed (pyatv's `PlaybackError`).
    #[error("playback failed: {0}")]
    Playback(String),

    /// The device did not carry out a command (pyatv's `CommandError`).
    #[error("command failed: {0}")]
    Command(String),

    /// The address is in no local subnet (pyatv's `NonLocalSubnetError`).
    #[error("address {0} is not in a local subnet")]
    NonLocalSubnet(String),

    /// The operation is not possible in the current state (pyatv's `InvalidStateError`).
    #[error("invalid state: {0}")]
    InvalidState(String),

    /// The peer broke the protocol: missing fields, wrong types, unexpected messages
    /// (pyatv's `ProtocolError`).
    #[error("protocol error: {0}")]
    Protocol(String),

    /// An HTTP request got an error status (pyatv's `HttpError`).
    #[error("HTTP error {status_code}: {message}")]
    Http {
        /// What was requested and what came back.
        message: String,
        /// The HTTP status code.
        status_code: u16,
    },

    /// The device configuration is wrong or incomplete (pyatv's `InvalidConfigError`).
    #[error("invalid configuration: {0}")]
    InvalidConfig(String),

    /// The interface is closed and can no longer be used (pyatv's `BlockedStateError`).
    #[error("blocked: {0} (the connection was closed; connect again)")]
    BlockedState(String),

    /// The device sent a response atv cannot use (pyatv's `InvalidResponseError`).
    #[error("invalid response: {0}")]
    InvalidResponse(String),

    /// A wait on the device ran out of time (pyatv's `OperationTimeoutError`).
    #[error("timed out: {0} (check that the device is on and reachable, then retry)")]
    OperationTimeout(String),

    /// Settings could not be read, written or used (pyatv's `SettingsError`).
    #[error("settings error: {0}")]
    Settings(String),

    /// Something looked up (device, app, output device, ...) was not found.
    #[error("not found: {0}")]
    NotFound(String),

    /// An operating system I/O call failed.
    #[error("I/O error: {0}")]
    Io(#[source] Arc<std::io::Error>),
}

impl Error {
    /// A [`Error::NotSupported`] for the named operation: what a protocol returns for
    /// something it does not implement.
    pub fn not_supported(what: impl Into<String>) -> Self {
        Self::NotSupported(what.into())
    }
}

impl From<std::io::Error> for Error {
    fn from(error: std::io::Error) -> Self {
        Self::Io(Arc::new(error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_to_do() {
        let e = Error::NoCredentials("MRP".into());
        assert_eq!(
            e.to_string(),
            "no credentials: MRP (pair first with `atvremote pair`)"
        );
        let io: Error = std::io::Error::other("boom").into();
        assert!(std::error::Error::source(&io).is_some());
        assert_eq!(
            Error::UnsupportedProtocol(Protocol::Raop).to_string(),
            "protocol RAOP is not supported by this build of atv (enable its cargo feature)"
        );
    }
}
