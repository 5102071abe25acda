//! Binary property lists as request and response bodies.

use bytes::Bytes;
use plist::{Dictionary, Value};

use crate::error::{AirPlayError, Result};

/// The content type of binary property list bodies.
pub const BPLIST_CONTENT_TYPE: &str = "application/x-apple-binary-plist";

/// Encodes `value` as a binary property list.
pub(crate) fn encode_value(value: &Value) -> Bytes {
    let mut out = Vec::new();
    // Writing into a Vec only fails for values a plist cannot hold (none are built here).
    if let Err(error) = value.to_writer_binary(&mut out) {
        tracing::warn!(%error, "cannot encode property list");
        out.clear();
    }
    Bytes::from(out)
}

/// Decodes a body that must be a property list dictionary (binary or XML).
pub(crate) fn decode_dictionary(body: &[u8]) -> Result<Dictionary> {
    let value = Value::from_reader(std::io::Cursor::new(body)).map_err(|e| {
        AirPlayError::UnexpectedResponse(format!("body is not a property list: {e}"))
    })?;
    match value {
        Value::Dictionary(dict) => Ok(dict),
        _ => Err(AirPlayError::UnexpectedResponse(
            "property list is not a dictionary".to_owned(),
        )),
    }
}

/// A dictionary from `(key, value)` pairs, keys sorted as Python's `plistlib` writes
/// them (devices and pyatv's recorded sessions expect that order).
pub(crate) fn dictionary<const N: usize>(entries: [(&str, Value); N]) -> Value {
    let mut entries = entries;
    entries.sort_by(|a, b| a.0.cmp(b.0));
    Value::Dictionary(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}
