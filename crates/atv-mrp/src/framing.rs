//! MRP framing: every message on the TCP stream is a protobuf varint holding the length
//! of what follows, then that many bytes.
//!
//! Before pair-verify the bytes of a frame are a serialized [`ProtocolMessage`]; after
//! it they are ChaCha20-Poly1305 ciphertext of one, and the length counts the ciphertext
//! (tag included). So there are two layers:
//!
//! - [`FrameCodec`] (and [`encode_frame`] / [`decode_frame`]) splits the stream into raw
//!   frames and knows nothing of their content; the connection decrypts these.
//! - [`MessageCodec`] (and [`encode_message`] / [`decode_message`]) additionally encodes
//!   and decodes `ProtocolMessage`s, for the plaintext phase and for tests.
//!
//! Everything here is pure: bytes in, bytes out, no I/O. Malformed input gives a
//! [`FramingError`], never a panic.

use bytes::{Buf, BufMut, Bytes, BytesMut};
use prost::Message;
use tokio_util::codec::{Decoder, Encoder};

use crate::protobuf::ProtocolMessage;

/// Largest frame accepted by default: 16 MiB.
///
/// The reference client has no limit. The largest frames in practice carry artwork at its
/// original size (a playback queue request with width -1), which is a few MiB at most;
/// 16 MiB leaves room for that while keeping a bogus length from making the receiver
/// buffer without bound.
pub const DEFAULT_MAX_FRAME_LEN: usize = 16 * 1024 * 1024;

/// A varint holding a 64-bit value takes at most ten bytes.
const MAX_VARINT_LEN: usize = 10;

/// What can go wrong while framing or decoding MRP messages.
///
/// Framing errors (a bad prefix, an oversize or truncated frame) are fatal to a
/// connection: the stream position can no longer be trusted. A [`FramingError::Decode`]
/// comes after its frame was taken off the stream, so the stream stays in step; a
/// connection that reads with [`FrameCodec`] and calls [`decode_message`] itself may skip
/// such a message and go on (tokio's `FramedRead` ends the stream after any error, so
/// [`MessageCodec`] inside it cannot).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FramingError {
    /// The length prefix is not a valid varint (more than ten bytes, or more than 64
    /// bits).
    #[error(
        "invalid MRP frame length prefix: the stream is corrupt or the peer does not speak \
         MRP; reconnect"
    )]
    InvalidLengthPrefix,
    /// A frame announces more bytes than the configured maximum.
    #[error(
        "MRP frame of {length} bytes exceeds the limit of {max} bytes; reconnect (raise the \
         limit only if the device really sends frames this large)"
    )]
    FrameTooLarge {
        /// Length announced by the prefix.
        length: u64,
        /// The limit in force.
        max: usize,
    },
    /// The stream ended in the middle of a frame.
    #[error("MRP connection closed in the middle of a frame ({buffered} bytes left over)")]
    Truncated {
        /// Bytes received of the incomplete frame (prefix included).
        buffered: usize,
    },
    /// A frame's bytes are not a valid `ProtocolMessage`.
    #[error("MRP message could not be decoded ({0}); the device sent malformed protobuf")]
    Decode(#[from] prost::DecodeError),
    /// Reading from or writing to the socket failed (only from the codecs, which tokio's
    /// `Framed` drives over a socket).
    #[error("MRP connection I/O failed: {0}")]
    Io(#[from] std::io::Error),
}

/// Appends `payload` to `dst` as one frame (varint length, then the bytes).
pub fn encode_frame(payload: &[u8], dst: &mut BytesMut) {
    let length = payload.len() as u64;
    dst.reserve(prost::encoding::encoded_len_varint(length) + payload.len());
    prost::encoding::encode_varint(length, dst);
    dst.put_slice(payload);
}

/// Takes one complete frame off the front of `src` and returns its bytes (without the
/// prefix).
///
/// Returns `Ok(None)` and leaves `src` untouched while the frame is incomplete. Fails if
/// the prefix is malformed or announces more than `max_frame_len` bytes; that check is
/// made as soon as the prefix is complete, before the frame's bytes arrive.
pub fn decode_frame(
    src: &mut BytesMut,
    max_frame_len: usize,
) -> Result<Option<BytesMut>, FramingError> {
    let Some((prefix_len, length)) = read_length_prefix(src)? else {
        return Ok(None);
    };
    let payload_len = match usize::try_from(length) {
        Ok(len) if len <= max_frame_len => len,
        _ => {
            return Err(FramingError::FrameTooLarge {
                length,
                max: max_frame_len,
            });
        }
    };
    // Cannot overflow: prefix_len <= 10 and payload_len <= max_frame_len <= usize::MAX,
    // but stay checked so a huge configured maximum cannot wrap.
    let Some(frame_len) = prefix_len.checked_add(payload_len) else {
        return Err(FramingError::FrameTooLarge {
            length,
            max: max_frame_len,
        });
    };
    if src.len() < frame_len {
        return Ok(None);
    }
    src.advance(prefix_len);
    Ok(Some(src.split_to(payload_len)))
}

/// Reads the varint length prefix at the start of `src`.
///
/// Returns the prefix size and the value, or `None` if more bytes are needed.
fn read_length_prefix(src: &[u8]) -> Result<Option<(usize, u64)>, FramingError> {
    let mut value: u64 = 0;
    for (index, &byte) in src.iter().take(MAX_VARINT_LEN).enumerate() {
        let bits = u64::from(byte & 0x7f);
        // The tenth byte may only contribute the 64th bit.
        if index == MAX_VARINT_LEN - 1 && byte > 1 {
            return Err(FramingError::InvalidLengthPrefix);
        }
        value |= bits << (7 * index);
        if byte & 0x80 == 0 {
            return Ok(Some((index + 1, value)));
        }
    }
    if src.len() >= MAX_VARINT_LEN {
        Err(FramingError::InvalidLengthPrefix)
    } else {
        Ok(None)
    }
}

/// Serializes a message (the bytes of one frame, without the prefix).
pub fn encode_message(message: &ProtocolMessage) -> Bytes {
    Bytes::from(message.encode_to_vec())
}

/// Parses the bytes of one frame as a message. Byte fields of the result share `payload`'s
/// memory instead of copying it.
pub fn decode_message(payload: Bytes) -> Result<ProtocolMessage, FramingError> {
    Ok(ProtocolMessage::decode(payload)?)
}

/// Splits a byte stream into raw MRP frames (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameCodec {
    max_frame_len: usize,
}

impl FrameCodec {
    /// A codec accepting frames up to [`DEFAULT_MAX_FRAME_LEN`].
    pub fn new() -> Self {
        Self::with_max_frame_len(DEFAULT_MAX_FRAME_LEN)
    }

    /// A codec accepting frames up to `max_frame_len` bytes (prefix not counted).
    pub fn with_max_frame_len(max_frame_len: usize) -> Self {
        Self { max_frame_len }
    }

    /// The largest frame this codec accepts.
    pub fn max_frame_len(&self) -> usize {
        self.max_frame_len
    }
}

impl Default for FrameCodec {
    fn default() -> Self {
        Self::new()
    }
}

impl Decoder for FrameCodec {
    type Item = BytesMut;
    type Error = FramingError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<BytesMut>, FramingError> {
        decode_frame(src, self.max_frame_len)
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<BytesMut>, FramingError> {
        match self.decode(src)? {
            Some(frame) => Ok(Some(frame)),
            None if src.is_empty() => Ok(None),
            None => Err(FramingError::Truncated {
                buffered: src.len(),
            }),
        }
    }
}

impl Encoder<&[u8]> for FrameCodec {
    type Error = FramingError;

    fn encode(&mut self, payload: &[u8], dst: &mut BytesMut) -> Result<(), FramingError> {
        encode_frame(payload, dst);
        Ok(())
    }
}

impl Encoder<Bytes> for FrameCodec {
    type Error = FramingError;

    fn encode(&mut self, payload: Bytes, dst: &mut BytesMut) -> Result<(), FramingError> {
        encode_frame(&payload, dst);
        Ok(())
    }
}

/// Frames and (de)serializes plaintext [`ProtocolMessage`]s.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MessageCodec {
    frames: FrameCodec,
}

impl MessageCodec {
    /// A codec accepting frames up to [`DEFAULT_MAX_FRAME_LEN`].
    pub fn new() -> Self {
        Self::default()
    }

    /// A codec accepting frames up to `max_frame_len` bytes.
    pub fn with_max_frame_len(max_frame_len: usize) -> Self {
        Self {
            frames: FrameCodec::with_max_frame_len(max_frame_len),
        }
    }
}

impl Decoder for MessageCodec {
    type Item = ProtocolMessage;
    type Error = FramingError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<ProtocolMessage>, FramingError> {
        match self.frames.decode(src)? {
            Some(frame) => decode_message(frame.freeze()).map(Some),
            None => Ok(None),
        }
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<ProtocolMessage>, FramingError> {
        match self.frames.decode_eof(src)? {
            Some(frame) => decode_message(frame.freeze()).map(Some),
            None => Ok(None),
        }
    }
}

impl Encoder<&ProtocolMessage> for MessageCodec {
    type Error = FramingError;

    fn encode(
        &mut self,
        message: &ProtocolMessage,
        dst: &mut BytesMut,
    ) -> Result<(), FramingError> {
        let length = message.encoded_len();
        dst.reserve(prost::encoding::encoded_len_varint(length as u64) + length);
        // Cannot fail: the buffer was just reserved large enough.
        message
            .encode_length_delimited(dst)
            .map_err(|e| FramingError::Io(std::io::Error::other(e)))
    }
}

impl Encoder<ProtocolMessage> for MessageCodec {
    type Error = FramingError;

    fn encode(&mut self, message: ProtocolMessage, dst: &mut BytesMut) -> Result<(), FramingError> {
        self.encode(&message, dst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protobuf::MessageType;

    fn frame(payload: &[u8]) -> BytesMut {
        let mut buf = BytesMut::new();
        encode_frame(payload, &mut buf);
        buf
    }

    #[test]
    fn prefix_is_a_protobuf_varint() {
        assert_eq!(&frame(b"abc")[..], b"\x03abc");
        let long = vec![7u8; 300];
        let framed = frame(&long);
        // 300 = 0b10_0101100 -> 0xac 0x02
        assert_eq!(&framed[..2], &[0xac, 0x02]);
        assert_eq!(&framed[2..], &long[..]);
    }

    #[test]
    fn frame_round_trip_with_empty_frame() {
        let mut buf = frame(b"");
        buf.extend_from_slice(&frame(b"x"));
        assert_eq!(decode_frame(&mut buf, 10).unwrap().unwrap().len(), 0);
        assert_eq!(&decode_frame(&mut buf, 10).unwrap().unwrap()[..], b"x");
        assert!(buf.is_empty());
    }

    #[test]
    fn length_prefix_limits() {
        // Ten bytes, the last holding bit 64: the largest valid varint.
        let max = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        assert_eq!(read_length_prefix(&max).unwrap(), Some((10, u64::MAX)));
        let overflow = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02];
        assert!(matches!(
            read_length_prefix(&overflow),
            Err(FramingError::InvalidLengthPrefix)
        ));
        let endless = [0x80; 11];
        assert!(matches!(
            read_length_prefix(&endless),
            Err(FramingError::InvalidLengthPrefix)
        ));
        assert_eq!(read_length_prefix(&[0x80; 9]).unwrap(), None);
        // Non-minimal encodings are accepted, as protobuf parsers do.
        assert_eq!(read_length_prefix(&[0x81, 0x00]).unwrap(), Some((2, 1)));
    }

    #[test]
    fn message_codec_round_trip() {
        let message = ProtocolMessage {
            r#type: Some(MessageType::GenericMessage as i32),
            unique_identifier: Some("ID".into()),
            ..Default::default()
        };
        let mut codec = MessageCodec::new();
        let mut buf = BytesMut::new();
        codec.encode(&message, &mut buf).unwrap();
        assert_eq!(buf[0] as usize, buf.len() - 1);
        assert_eq!(codec.decode(&mut buf).unwrap(), Some(message));
        assert_eq!(codec.decode_eof(&mut buf).unwrap(), None);
    }
}
