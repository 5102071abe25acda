//! Reading and writing the TLV8 messages of pair-setup and pair-verify: state checks,
//! device errors, required fields, and the replies a server sends.

use crate::error::{DeviceErrorCode, Error, Result};
use crate::tlv8::{Tag, Tlv8};

/// Decodes a message and checks it is state `expected` of `protocol`. An `Error` item is
/// reported as [`Error::Device`] before the state is looked at.
pub(crate) fn expect_state(bytes: &[u8], protocol: &'static str, expected: u8) -> Result<Tlv8> {
    check_state(Tlv8::decode(bytes)?, protocol, expected)
}

/// [`expect_state`] for a message already decoded.
pub(crate) fn check_state(tlv: Tlv8, protocol: &'static str, expected: u8) -> Result<Tlv8> {
    if let Some(code) = tlv.get(Tag::ERROR) {
        return Err(Error::Device {
            protocol,
            code: DeviceErrorCode(code.first().copied().unwrap_or(0)),
            retry_after: tlv.get_uint(Tag::RETRY_DELAY),
        });
    }
    let got = tlv.get_uint(Tag::STATE).and_then(|s| u8::try_from(s).ok());
    if got != Some(expected) {
        return Err(Error::UnexpectedMessage {
            protocol,
            expected,
            got,
        });
    }
    Ok(tlv)
}

/// The value of a required item.
pub(crate) fn field<'t>(
    tlv: &'t Tlv8,
    tag: Tag,
    step: &'static str,
    name: &'static str,
) -> Result<&'t [u8]> {
    tlv.get(tag)
        .ok_or(Error::MissingField { step, field: name })
}

/// A message that starts with its state item.
pub(crate) fn message(state: u8) -> Tlv8 {
    Tlv8::new().with(Tag::STATE, vec![state])
}

/// The reply a server sends instead of state `state` when something went wrong.
pub(crate) fn error_reply(state: u8, code: DeviceErrorCode) -> Vec<u8> {
    message(state).with(Tag::ERROR, vec![code.0]).encode()
}

/// What a server state machine answers to one request.
#[derive(Debug)]
pub struct Reply<T> {
    /// The bytes to send back: the next message, or an error message.
    pub message: Vec<u8>,
    /// Whether the exchange goes on, finished, or failed.
    pub status: Status<T>,
}

/// The state of a server-side exchange after a request.
#[derive(Debug)]
pub enum Status<T> {
    /// Send the reply and wait for the next request.
    Continue,
    /// Send the reply; the exchange is complete.
    Done(T),
    /// Send the reply (it carries an error code); the exchange failed for this reason.
    Failed(Error),
}

impl<T> Reply<T> {
    pub(crate) fn next(message: Vec<u8>) -> Self {
        Self {
            message,
            status: Status::Continue,
        }
    }

    pub(crate) fn done(message: Vec<u8>, value: T) -> Self {
        Self {
            message,
            status: Status::Done(value),
        }
    }

    /// The error reply for a failure at reply state `state`.
    pub(crate) fn failed(state: u8, error: Error) -> Self {
        let code = match error {
            Error::BadProof
            | Error::BadSignature { .. }
            | Error::DecryptFailed { .. }
            | Error::UnknownClient
            | Error::InvalidSrpValue
            | Error::InvalidKey { .. } => DeviceErrorCode::AUTHENTICATION,
            _ => DeviceErrorCode::UNKNOWN,
        };
        Self {
            message: error_reply(state, code),
            status: Status::Failed(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_errors_come_before_state_checks() {
        let bytes = message(4).with(Tag::ERROR, vec![2]).encode();
        match expect_state(&bytes, "pair-setup", 4) {
            Err(Error::Device {
                code,
                retry_after: None,
                ..
            }) => {
                assert_eq!(code, DeviceErrorCode::AUTHENTICATION);
                assert_eq!(code.to_string(), "Authentication (0x02)");
            }
            other => panic!("{other:?}"),
        }
        let backoff = message(2)
            .with(Tag::ERROR, vec![3])
            .with(Tag::RETRY_DELAY, vec![30, 0]);
        let err = expect_state(&backoff.encode(), "pair-setup", 2).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Device {
                    retry_after: Some(30),
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("BackOff"), "{err}");
    }

    #[test]
    fn wrong_or_missing_state_is_out_of_order() {
        let err = expect_state(&message(6).encode(), "pair-setup", 4).unwrap_err();
        assert!(matches!(
            err,
            Error::UnexpectedMessage {
                expected: 4,
                got: Some(6),
                ..
            }
        ));
        assert_eq!(
            err.to_string(),
            "expected pair-setup message M4 but got M6; start the exchange again"
        );
        let err = expect_state(&Tlv8::new().encode(), "pair-verify", 2).unwrap_err();
        assert!(matches!(err, Error::UnexpectedMessage { got: None, .. }));
    }
}
