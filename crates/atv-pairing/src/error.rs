//! The one error type of this crate: every way a peer can misbehave during pairing, and
//! every way stored credentials can be malformed.

use std::fmt;

/// A HomeKit error code as a device sends it in the `Error` TLV item (kTLVError_*).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct DeviceErrorCode(pub u8);

impl DeviceErrorCode {
    /// Generic failure.
    pub const UNKNOWN: Self = Self(0x01);
    /// Setup code or signature verification failed (a wrong PIN ends here).
    pub const AUTHENTICATION: Self = Self(0x02);
    /// The device wants the client to wait before trying again.
    pub const BACK_OFF: Self = Self(0x03);
    /// The device cannot accept any more pairings.
    pub const MAX_PEERS: Self = Self(0x04);
    /// The device saw too many failed attempts.
    pub const MAX_TRIES: Self = Self(0x05);
    /// The device does not accept pairing now.
    pub const UNAVAILABLE: Self = Self(0x06);
    /// The device is pairing with someone else.
    pub const BUSY: Self = Self(0x07);

    /// The HomeKit name of this code, or `None` for a code HomeKit does not define.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0x01 => "Unknown",
            0x02 => "Authentication",
            0x03 => "BackOff",
            0x04 => "MaxPeers",
            0x05 => "MaxTries",
            0x06 => "Unavailable",
            0x07 => "Busy",
            _ => return None,
        })
    }

    /// What a user can do about this code.
    fn advice(self) -> &'static str {
        match self {
            Self::AUTHENTICATION => "check the PIN shown on the device and pair again",
            Self::BACK_OFF | Self::BUSY => "wait a moment and pair again",
            Self::MAX_PEERS => "remove an old pairing on the device, then pair again",
            Self::MAX_TRIES => "restart the device to reset its attempt counter",
            Self::UNAVAILABLE => "enable pairing on the device, then pair again",
            _ => "pair again",
        }
    }
}

impl fmt::Debug for DeviceErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for DeviceErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name} (0x{:02x})", self.0),
            None => write!(f, "code 0x{:02x}", self.0),
        }
    }
}

/// Everything that can go wrong while pairing, verifying, framing or reading credentials.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// TLV8 bytes ended in the middle of an item.
    #[error(
        "malformed TLV8 data: the item at byte {offset} runs past the end of the message; \
         the peer sent a truncated pairing message"
    )]
    MalformedTlv {
        /// Byte offset of the item that is cut short.
        offset: usize,
    },
    /// A pairing message lacks a field that its step requires.
    #[error("pairing message {step} has no {field}; the peer does not follow the pairing protocol")]
    MissingField {
        /// The message, e.g. "pair-setup M2".
        step: &'static str,
        /// The missing field, e.g. "PublicKey".
        field: &'static str,
    },
    /// A pairing message carries a field of the wrong size or form.
    #[error(
        "pairing message {step} has a malformed {field}; the peer does not follow the pairing protocol"
    )]
    MalformedField {
        /// The message, e.g. "pair-verify M2".
        step: &'static str,
        /// The malformed field.
        field: &'static str,
    },
    /// A message arrived out of order (its sequence number is not the expected one).
    #[error(
        "expected {protocol} message M{expected} but got {}; start the exchange again",
        got.map_or_else(|| "one without a sequence number".to_owned(), |s| format!("M{s}"))
    )]
    UnexpectedMessage {
        /// Which exchange: "pair-setup", "pair-verify", ...
        protocol: &'static str,
        /// The state number that was expected.
        expected: u8,
        /// The state number that arrived, if any.
        got: Option<u8>,
    },
    /// The device answered with an error item instead of the next step.
    #[error("the device refused {protocol}: {code}; {}", code.advice())]
    Device {
        /// Which exchange was refused.
        protocol: &'static str,
        /// The error code the device sent.
        code: DeviceErrorCode,
        /// Seconds the device asks to wait before retrying, when it says so.
        retry_after: Option<u64>,
    },
    /// The peer's SRP proof does not match: a wrong PIN, or a peer that does not know it.
    #[error("the peer's SRP proof is wrong: the PIN does not match; check the PIN and pair again")]
    BadProof,
    /// The peer's SRP public value is invalid (zero modulo N, or u = 0).
    #[error(
        "the peer sent an invalid SRP public value; it may be an attacker, do not pair with it"
    )]
    InvalidSrpValue,
    /// A signature by the peer's long-term key does not verify.
    #[error("the peer's {what} signature does not verify; its identity cannot be trusted")]
    BadSignature {
        /// What was signed, e.g. "pair-verify M2".
        what: &'static str,
    },
    /// Encrypted data failed authentication (wrong key, or tampered with).
    #[error("cannot decrypt {what}: authentication failed; the peer used other keys (pair again)")]
    DecryptFailed {
        /// What was being decrypted.
        what: &'static str,
    },
    /// The device identified itself with another identifier than the credentials name.
    #[error(
        "the device identifies itself differently than the stored credentials; pair with it again"
    )]
    WrongDevice,
    /// A client asked for pair-verify but is not among the paired clients.
    #[error("the client is not paired with this device; pair it first")]
    UnknownClient,
    /// A key with the wrong length or an invalid point.
    #[error("invalid {what} key; the peer or the stored credentials are corrupt")]
    InvalidKey {
        /// Which key.
        what: &'static str,
    },
    /// A credentials string cannot be parsed.
    #[error("invalid credentials: {reason}; pair the device again to get new credentials")]
    InvalidCredentials {
        /// What is wrong with it.
        reason: String,
    },
    /// An encrypted frame announces more plaintext than the framing allows.
    #[error(
        "encrypted frame of {len} bytes exceeds the limit of {max}; the peer is not speaking HAP framing"
    )]
    FrameTooLong {
        /// The announced length.
        len: usize,
        /// The largest allowed.
        max: usize,
    },
    /// The nonce counter of a direction is exhausted; the session must be re-established.
    #[error("the encryption nonce counter is exhausted; reconnect to start a new session")]
    NonceExhausted,
    /// The connection carrying encrypted frames failed (only from the `tokio_util` codec).
    #[error("the encrypted connection failed: {0}; reconnect")]
    Io(#[from] std::io::Error),
    /// A state machine was driven after it finished or failed.
    #[error("this pairing exchange already finished or failed; start a new one")]
    Finished,
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
