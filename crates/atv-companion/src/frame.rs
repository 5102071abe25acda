//! Companion frames: the unit of the Companion TCP stream.
//!
//! A frame is a 4-byte header, one byte of [`FrameType`] and the payload length in three
//! bytes big-endian, followed by the payload. Payloads are OPACK (see
//! [`crate::opack`]) for the `*_OPACK` types and the pairing frames, which carry a
//! dictionary whose `_pd` entry is HAP TLV8.
//!
//! Everything here is pure: [`FrameCodec`] splits bytes into [`Frame`]s and writes them,
//! for `tokio_util::codec::Framed`, and does no I/O itself.
//!
//! # Encryption (a layer above this one)
//!
//! After pair-verify, each direction seals every frame whose payload is not empty with
//! ChaCha20-Poly1305: keys from HKDF-SHA512 of the shared secret with an empty salt and
//! the info `ClientEncrypt-main` (client to device) or `ServerEncrypt-main` (device to
//! client), the nonce a per-direction message counter from zero, little-endian in 12
//! bytes. The 16-byte tag is appended to the payload and counted in the header's length,
//! and the 4-byte header as sent is the associated data: three bytes of `E_OPACK` are
//! sent under the header `08 00 00 13`. Empty payloads are sent as they are. The
//! encrypting codec therefore sees whole frames from [`FrameCodec`], and can rebuild the
//! associated data with [`header`]. A payload may be at most
//! [`MAX_PAYLOAD_LEN`]` - 16` bytes before sealing.

use bytes::{Buf, BufMut, Bytes, BytesMut};
use tokio_util::codec::{Decoder, Encoder};

use crate::CodecError;

/// Length of the frame header: type and length.
pub const HEADER_LEN: usize = 4;

/// Largest payload the 3-byte length field can announce.
pub const MAX_PAYLOAD_LEN: usize = 0xFF_FFFF;

/// How much buffer to reserve ahead for a frame still arriving: a bogus length should
/// not make the receiver allocate 16 MiB before the bytes exist.
const RESERVE_AHEAD: usize = 64 * 1024;

/// The type of a frame: its first byte.
///
/// Numbers no named variant has are kept as [`FrameType::Other`], so the stream stays in
/// step (and, once encrypted, the nonce counter too); pyatv likewise reads such a frame
/// whole, fails to handle it, logs that and goes on with the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FrameType {
    /// 0x00, `Unknown` in pyatv.
    Unknown,
    /// 0x01, `NoOp`.
    NoOp,
    /// 0x03, `PS_Start`: the first pair-setup message.
    PsStart,
    /// 0x04, `PS_Next`: the following pair-setup messages.
    PsNext,
    /// 0x05, `PV_Start`: the first pair-verify message.
    PvStart,
    /// 0x06, `PV_Next`: the following pair-verify messages.
    PvNext,
    /// 0x07, `U_OPACK`: unencrypted OPACK.
    UOpack,
    /// 0x08, `E_OPACK`: OPACK, encrypted once pair-verify is done; requests, responses and
    /// events travel in these.
    EOpack,
    /// 0x09, `P_OPACK`.
    POpack,
    /// 0x0A, `PA_Req`.
    PaReq,
    /// 0x0B, `PA_Rsp`.
    PaRsp,
    /// 0x10, `SessionStartRequest`.
    SessionStartRequest,
    /// 0x11, `SessionStartResponse`.
    SessionStartResponse,
    /// 0x12, `SessionData`.
    SessionData,
    /// 0x20, `FamilyIdentityRequest`.
    FamilyIdentityRequest,
    /// 0x21, `FamilyIdentityResponse`.
    FamilyIdentityResponse,
    /// 0x22, `FamilyIdentityUpdate`.
    FamilyIdentityUpdate,
    /// Any number that no variant above has.
    Other(u8),
}

impl FrameType {
    /// The type for a header byte.
    pub const fn from_byte(byte: u8) -> Self {
        match byte {
            0x00 => Self::Unknown,
            0x01 => Self::NoOp,
            0x03 => Self::PsStart,
            0x04 => Self::PsNext,
            0x05 => Self::PvStart,
            0x06 => Self::PvNext,
            0x07 => Self::UOpack,
            0x08 => Self::EOpack,
            0x09 => Self::POpack,
            0x0A => Self::PaReq,
            0x0B => Self::PaRsp,
            0x10 => Self::SessionStartRequest,
            0x11 => Self::SessionStartResponse,
            0x12 => Self::SessionData,
            0x20 => Self::FamilyIdentityRequest,
            0x21 => Self::FamilyIdentityResponse,
            0x22 => Self::FamilyIdentityUpdate,
            other => Self::Other(other),
        }
    }

    /// The header byte for this type.
    pub const fn to_byte(self) -> u8 {
        match self {
            Self::Unknown => 0x00,
            Self::NoOp => 0x01,
            Self::PsStart => 0x03,
            Self::PsNext => 0x04,
            Self::PvStart => 0x05,
            Self::PvNext => 0x06,
            Self::UOpack => 0x07,
            Self::EOpack => 0x08,
            Self::POpack => 0x09,
            Self::PaReq => 0x0A,
            Self::PaRsp => 0x0B,
            Self::SessionStartRequest => 0x10,
            Self::SessionStartResponse => 0x11,
            Self::SessionData => 0x12,
            Self::FamilyIdentityRequest => 0x20,
            Self::FamilyIdentityResponse => 0x21,
            Self::FamilyIdentityUpdate => 0x22,
            Self::Other(byte) => byte,
        }
    }
}

impl From<u8> for FrameType {
    fn from(byte: u8) -> Self {
        Self::from_byte(byte)
    }
}

impl From<FrameType> for u8 {
    fn from(frame_type: FrameType) -> Self {
        frame_type.to_byte()
    }
}

/// One frame: its type and payload (OPACK, or ciphertext once encrypted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// What the frame is.
    pub frame_type: FrameType,
    /// The bytes after the header.
    pub payload: Bytes,
}

impl Frame {
    /// A frame of `frame_type` carrying `payload`.
    pub fn new(frame_type: FrameType, payload: impl Into<Bytes>) -> Self {
        Self {
            frame_type,
            payload: payload.into(),
        }
    }
}

/// The header of a frame of `frame_type` with a payload of `payload_len` bytes; an error
/// if the length does not fit in three bytes.
pub fn header(frame_type: FrameType, payload_len: usize) -> Result<[u8; HEADER_LEN], CodecError> {
    if payload_len > MAX_PAYLOAD_LEN {
        return Err(CodecError::FrameTooLarge {
            length: payload_len,
            max: MAX_PAYLOAD_LEN,
        });
    }
    let [_, a, b, c] = (payload_len as u32).to_be_bytes();
    Ok([frame_type.to_byte(), a, b, c])
}

/// Reads a header: the frame type and the payload length.
pub fn parse_header(header: [u8; HEADER_LEN]) -> (FrameType, usize) {
    let [frame_type, a, b, c] = header;
    (
        FrameType::from_byte(frame_type),
        u32::from_be_bytes([0, a, b, c]) as usize,
    )
}

/// Splits a byte stream into [`Frame`]s and writes frames to one.
///
/// Frames whose payload exceeds the limit ([`MAX_PAYLOAD_LEN`] unless set lower) are an
/// error in both directions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameCodec {
    max_payload_len: usize,
}

impl FrameCodec {
    /// A codec accepting any payload the length field can express.
    pub const fn new() -> Self {
        Self {
            max_payload_len: MAX_PAYLOAD_LEN,
        }
    }

    /// A codec refusing payloads over `max` bytes (capped at [`MAX_PAYLOAD_LEN`]).
    pub const fn with_max_payload_len(max: usize) -> Self {
        Self {
            max_payload_len: if max < MAX_PAYLOAD_LEN {
                max
            } else {
                MAX_PAYLOAD_LEN
            },
        }
    }

    /// The payload limit in force.
    pub const fn max_payload_len(&self) -> usize {
        self.max_payload_len
    }

    fn check_len(&self, length: usize) -> Result<(), CodecError> {
        if length > self.max_payload_len {
            return Err(CodecError::FrameTooLarge {
                length,
                max: self.max_payload_len,
            });
        }
        Ok(())
    }
}

impl Default for FrameCodec {
    fn default() -> Self {
        Self::new()
    }
}

impl Decoder for FrameCodec {
    type Item = Frame;
    type Error = CodecError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Frame>, CodecError> {
        let Some(&[frame_type, a, b, c]) = src.first_chunk::<HEADER_LEN>() else {
            return Ok(None);
        };
        let (frame_type, length) = parse_header([frame_type, a, b, c]);
        self.check_len(length)?;
        let total = HEADER_LEN + length;
        if src.len() < total {
            src.reserve((total - src.len()).min(RESERVE_AHEAD));
            return Ok(None);
        }
        src.advance(HEADER_LEN);
        let payload = src.split_to(length).freeze();
        Ok(Some(Frame {
            frame_type,
            payload,
        }))
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<Frame>, CodecError> {
        match self.decode(src)? {
            Some(frame) => Ok(Some(frame)),
            None if src.is_empty() => Ok(None),
            None => Err(CodecError::FrameTruncated {
                buffered: src.len(),
            }),
        }
    }
}

impl Encoder<Frame> for FrameCodec {
    type Error = CodecError;

    fn encode(&mut self, frame: Frame, dst: &mut BytesMut) -> Result<(), CodecError> {
        self.encode(&frame, dst)
    }
}

impl Encoder<&Frame> for FrameCodec {
    type Error = CodecError;

    fn encode(&mut self, frame: &Frame, dst: &mut BytesMut) -> Result<(), CodecError> {
        self.check_len(frame.payload.len())?;
        let header = header(frame.frame_type, frame.payload.len())?;
        dst.reserve(HEADER_LEN + frame.payload.len());
        dst.put_slice(&header);
        dst.put_slice(&frame.payload);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_round_trips_through_frame_type() {
        for byte in 0..=u8::MAX {
            assert_eq!(FrameType::from_byte(byte).to_byte(), byte);
        }
        assert_eq!(FrameType::from_byte(0x02), FrameType::Other(0x02));
    }

    #[test]
    fn header_of_the_documented_example() {
        // Three bytes of E_OPACK plus the 16-byte tag.
        assert_eq!(
            header(FrameType::EOpack, 3 + 16).ok(),
            Some([0x08, 0, 0, 0x13])
        );
        assert_eq!(parse_header([0x08, 0, 0, 0x13]), (FrameType::EOpack, 19));
    }
}
