//! The payload of a `comm` frame: `{"params": {"data": <MRP messages>}}` as a binary
//! property list, the messages each preceded by a varint length.

use bytes::{BufMut, Bytes, BytesMut};
use plist::{Dictionary, Value};

use crate::wire::WireError;

/// The first byte of every serialized MRP `ProtocolMessage`: field 1 (`type`), varint.
///
/// A length prefix can never be this byte in practice (a message is at least a few
/// dozen bytes), so data starting with it is one message without a prefix, which
/// devices are known to send for some messages.
const PROTOCOL_MESSAGE_FIRST_BYTE: u8 = 0x08;

/// A varint holding a 64-bit value takes at most ten bytes.
const MAX_VARINT_LEN: usize = 10;

/// Builds the payload carrying `messages` (each a serialized MRP `ProtocolMessage`).
pub fn encode_mrp_payload<M: AsRef<[u8]>>(messages: &[M]) -> Bytes {
    let mut data = BytesMut::new();
    for message in messages {
        let message = message.as_ref();
        put_varint(&mut data, message.len() as u64);
        data.put_slice(message);
    }
    let mut params = Dictionary::new();
    params.insert("data".to_owned(), Value::Data(data.to_vec()));
    let mut root = Dictionary::new();
    root.insert("params".to_owned(), Value::Dictionary(params));
    let mut out = Vec::new();
    // Writing a plist of a dictionary into a Vec cannot fail.
    if Value::Dictionary(root).to_writer_binary(&mut out).is_err() {
        out.clear();
    }
    Bytes::from(out)
}

/// Reads the `params.data` bytes of a payload.
///
/// `Ok(None)` when the payload is a valid property list without them (devices send
/// other kinds of frame that carry no MRP messages).
pub fn decode_mrp_payload(payload: &[u8]) -> Result<Option<Bytes>, WireError> {
    let value =
        Value::from_reader(std::io::Cursor::new(payload)).map_err(|err| WireError::BadPayload {
            reason: format!("not a property list ({err})"),
        })?;
    let Some(root) = value.as_dictionary() else {
        return Err(WireError::BadPayload {
            reason: "the property list is not a dictionary".to_owned(),
        });
    };
    let data = root
        .get("params")
        .and_then(Value::as_dictionary)
        .and_then(|params| params.get("data"))
        .and_then(Value::as_data);
    Ok(data.map(Bytes::copy_from_slice))
}

/// Splits `params.data` into serialized MRP messages.
pub fn split_mrp_messages(mut data: &[u8]) -> Result<Vec<Bytes>, WireError> {
    let mut messages = Vec::new();
    while let Some(&first) = data.first() {
        if first == PROTOCOL_MESSAGE_FIRST_BYTE {
            messages.push(Bytes::copy_from_slice(data));
            break;
        }
        let (length, used) = read_varint(data).ok_or(WireError::BadMessageLength)?;
        let rest = data.get(used..).ok_or(WireError::BadMessageLength)?;
        let length = usize::try_from(length).map_err(|_| WireError::BadMessageLength)?;
        let message = rest.get(..length).ok_or(WireError::BadMessageLength)?;
        messages.push(Bytes::copy_from_slice(message));
        data = rest.get(length..).unwrap_or_default();
    }
    Ok(messages)
}

fn put_varint(dst: &mut BytesMut, mut value: u64) {
    while value >= 0x80 {
        dst.put_u8((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    dst.put_u8(value as u8);
}

/// Reads a varint; returns it and how many bytes it took.
fn read_varint(data: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (index, &byte) in data.iter().take(MAX_VARINT_LEN).enumerate() {
        let bits = u64::from(byte & 0x7f);
        let shift = 7 * index as u32;
        if shift == 63 && bits > 1 {
            return None;
        }
        value |= bits << shift;
        if byte & 0x80 == 0 {
            return Some((value, index + 1));
        }
    }
    None
}
