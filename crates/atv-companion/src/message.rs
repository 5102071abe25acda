//! Companion messages: OPACK dictionaries in frames (pure, no I/O).
//!
//! Requests, responses and events travel in `E_OPACK` frames as dictionaries with the
//! keys `_i` (what the message is, e.g. `_launchApp`), `_t` ([`MessageType`]), `_c`
//! (its content) and `_x` (a transaction id: a response carries its request's). A
//! response that failed carries `_em` (message), `_ec` (code) and `_ed` (domain)
//! instead of content. Pairing travels in the `PS_*` and `PV_*` frames as dictionaries
//! whose `_pd` is HAP TLV8; their responses come in `PS_Next`/`PV_Next` without a usable
//! transaction id, so they are matched by frame type.

use crate::CodecError;
use crate::frame::FrameType;
use crate::opack::{self, Value};

/// Key of the message name.
pub const KEY_IDENTIFIER: &str = "_i";
/// Key of the message type.
pub const KEY_TYPE: &str = "_t";
/// Key of the content.
pub const KEY_CONTENT: &str = "_c";
/// Key of the transaction id.
pub const KEY_XID: &str = "_x";
/// Key of the pairing data (TLV8) in pairing frames.
pub const KEY_PAIRING_DATA: &str = "_pd";

/// What a message in an OPACK frame is (`_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageType {
    /// 1: an event, which gets no response.
    Event,
    /// 2: a request, answered by a response with the same `_x`.
    Request,
    /// 3: a response.
    Response,
}

impl MessageType {
    /// The number on the wire.
    pub const fn value(self) -> i64 {
        match self {
            Self::Event => 1,
            Self::Request => 2,
            Self::Response => 3,
        }
    }

    /// The type for a number on the wire.
    pub const fn from_value(value: i64) -> Option<Self> {
        match value {
            1 => Some(Self::Event),
            2 => Some(Self::Request),
            3 => Some(Self::Response),
            _ => None,
        }
    }
}

/// Builds a dictionary from string keys, in order.
pub fn dict<const N: usize>(entries: [(&str, Value); N]) -> Value {
    Value::Dict(
        entries
            .into_iter()
            .map(|(k, v)| (Value::from(k), v))
            .collect(),
    )
}

/// An OPACK message (`_i`, `_t`, `_c`, then `_x`), as a request or an event is sent.
pub fn message(identifier: &str, message_type: MessageType, content: Value, xid: u32) -> Value {
    dict([
        (KEY_IDENTIFIER, Value::from(identifier)),
        (KEY_TYPE, Value::Int(message_type.value())),
        (KEY_CONTENT, content),
        (KEY_XID, Value::Int(i64::from(xid))),
    ])
}

/// A pairing message: `_pd` with the TLV8, the extra entries, then `_x`.
pub fn pairing_message(tlv: Vec<u8>, extra: &[(&str, i64)], xid: u32) -> Value {
    let mut entries = vec![(Value::from(KEY_PAIRING_DATA), Value::Data(tlv))];
    for (key, value) in extra {
        entries.push((Value::from(*key), Value::Int(*value)));
    }
    entries.push((Value::from(KEY_XID), Value::Int(i64::from(xid))));
    Value::Dict(entries)
}

/// What a received frame carries, sorted for dispatch.
#[derive(Debug, Clone, PartialEq)]
pub enum Inbound {
    /// A pairing frame (`PS_*`, `PV_*`); its dictionary.
    Auth {
        /// The frame type (the response to a `*_Start` comes as `*_Next`).
        frame_type: FrameType,
        /// The whole dictionary.
        body: Value,
    },
    /// A response: matched to its request by `xid`.
    Response {
        /// The transaction id.
        xid: i64,
        /// The whole dictionary.
        body: Value,
    },
    /// An event from the device.
    Event {
        /// Its name (`_i`).
        name: String,
        /// Its content (`_c`; null when missing).
        content: Value,
    },
    /// Anything else (requests from the device, other frame types, other shapes): logged
    /// and dropped, as pyatv does.
    Ignored(String),
}

/// Sorts a decrypted frame payload: which of [`Inbound`] it is. Bad OPACK is an error
/// for this frame only (the connection goes on).
pub fn classify(frame_type: FrameType, payload: &[u8]) -> Result<Inbound, CodecError> {
    let is_auth = matches!(
        frame_type,
        FrameType::PsStart | FrameType::PsNext | FrameType::PvStart | FrameType::PvNext
    );
    let is_opack = matches!(
        frame_type,
        FrameType::UOpack | FrameType::EOpack | FrameType::POpack
    );
    if !is_auth && !is_opack {
        return Ok(Inbound::Ignored(format!("frame type {frame_type:?}")));
    }
    let (body, _) = opack::decode(payload)?;
    if body.as_dict().is_none() {
        return Ok(Inbound::Ignored(
            "a payload that is not a dictionary".into(),
        ));
    }
    if is_auth {
        return Ok(Inbound::Auth { frame_type, body });
    }
    let message_type = body
        .get(KEY_TYPE)
        .and_then(Value::as_int)
        .and_then(MessageType::from_value);
    match message_type {
        Some(MessageType::Event) => {
            let Some(name) = body.get(KEY_IDENTIFIER).and_then(Value::as_str) else {
                return Ok(Inbound::Ignored("an event without name".into()));
            };
            let name = name.to_owned();
            let content = body.get(KEY_CONTENT).cloned().unwrap_or(Value::Null);
            Ok(Inbound::Event { name, content })
        }
        Some(MessageType::Response) => match body.get(KEY_XID).and_then(Value::as_int) {
            Some(xid) => Ok(Inbound::Response { xid, body }),
            None => Ok(Inbound::Ignored("a response without transaction id".into())),
        },
        Some(MessageType::Request) => Ok(Inbound::Ignored(format!(
            "a request from the device ({})",
            body.get(KEY_IDENTIFIER)
                .and_then(Value::as_str)
                .unwrap_or("unnamed")
        ))),
        None => Ok(Inbound::Ignored("a message of unknown type".into())),
    }
}

/// The error a response reports (`_em`, with `_ec` and `_ed`), if it reports one.
pub fn response_error(body: &Value) -> Option<(String, Option<i64>, Option<String>)> {
    let message = body.get("_em")?;
    let text = match message.as_str() {
        Some(text) => text.to_owned(),
        None => format!("{message:?}"),
    };
    let code = body.get("_ec").and_then(Value::as_int);
    let domain = body.get("_ed").and_then(Value::as_str).map(str::to_owned);
    Some((text, code, domain))
}

/// The TLV8 of a pairing message (`_pd`), if present as data.
pub fn pairing_data(body: &Value) -> Option<&[u8]> {
    body.get(KEY_PAIRING_DATA).and_then(Value::as_data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_layout_matches_pyatv() {
        // pyatv: {"_i": "_systemInfo", "_t": 2, "_c": {}, "_x": 7} packed.
        let bytes = opack::encode(&message(
            "_hidC",
            MessageType::Request,
            dict([("_hBtS", Value::Int(1)), ("_hidC", Value::Int(6))]),
            7,
        ));
        let expected = [
            &[0xE4, 0x42][..],
            b"_i",
            &[0x45],
            b"_hidC",
            &[0x42],
            b"_t",
            &[0x0A, 0x42],
            b"_c",
            &[0xE2, 0x45],
            b"_hBtS",
            &[0x09, 0xA1, 0x0E, 0x42],
            b"_x",
            &[0x0F],
        ]
        .concat();
        assert_eq!(bytes, expected);
    }

    #[test]
    fn classify_sorts_frames() {
        let response = opack::encode(&dict([
            ("_i", Value::from("x")),
            ("_t", Value::Int(3)),
            ("_x", Value::Int(500)),
            ("_c", dict([])),
        ]));
        assert!(matches!(
            classify(FrameType::EOpack, &response).unwrap(),
            Inbound::Response { xid: 500, .. }
        ));
        let event = opack::encode(&dict([
            ("_i", Value::from("SystemStatus")),
            ("_t", Value::Int(1)),
            ("_c", dict([("state", Value::Int(1))])),
        ]));
        match classify(FrameType::EOpack, &event).unwrap() {
            Inbound::Event { name, content } => {
                assert_eq!(name, "SystemStatus");
                assert_eq!(content.get("state").and_then(Value::as_int), Some(1));
            }
            other => panic!("{other:?}"),
        }
        let auth = opack::encode(&dict([("_pd", Value::Data(vec![6, 1, 2]))]));
        match classify(FrameType::PvNext, &auth).unwrap() {
            Inbound::Auth { body, .. } => assert_eq!(pairing_data(&body), Some(&[6, 1, 2][..])),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            classify(FrameType::NoOp, &[]).unwrap(),
            Inbound::Ignored(_)
        ));
        assert!(matches!(
            classify(FrameType::EOpack, &opack::encode(&Value::Int(3))).unwrap(),
            Inbound::Ignored(_)
        ));
        assert!(classify(FrameType::EOpack, &[0xE1]).is_err());
    }

    #[test]
    fn errors_are_read_from_responses() {
        let body = dict([
            ("_em", Value::from("No request handler")),
            ("_ec", Value::Int(58822)),
            ("_ed", Value::from("RPErrorDomain")),
        ]);
        assert_eq!(
            response_error(&body),
            Some((
                "No request handler".into(),
                Some(58822),
                Some("RPErrorDomain".into())
            ))
        );
        assert_eq!(response_error(&dict([])), None);
    }
}
