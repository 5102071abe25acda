//! The DataStream frame: header and raw payload.

use bytes::{Buf, BufMut, Bytes, BytesMut};

use crate::wire::WireError;

/// Size of the frame header.
pub const HEADER_LEN: usize = 32;

/// Largest frame accepted by default (header included): 16 MiB, as for plain MRP
/// framing; artwork is the largest thing that travels here.
pub const DEFAULT_MAX_FRAME_LEN: usize = 16 * 1024 * 1024;

/// Message type of a request frame.
pub const MESSAGE_TYPE_SYNC: [u8; 12] = *b"sync\0\0\0\0\0\0\0\0";

/// Message type of a reply frame.
pub const MESSAGE_TYPE_REPLY: [u8; 12] = *b"rply\0\0\0\0\0\0\0\0";

/// Command of a request frame carrying MRP messages.
pub const COMMAND_COMM: [u8; 4] = *b"comm";

/// One DataStream frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataStreamFrame {
    /// The 12-byte message type ([`MESSAGE_TYPE_SYNC`], [`MESSAGE_TYPE_REPLY`]).
    pub message_type: [u8; 12],
    /// The 4-byte command ([`COMMAND_COMM`], or zeros).
    pub command: [u8; 4],
    /// Sequence number; a reply carries the number of the request it answers.
    pub seqno: u64,
    /// The last header field, zero in practice.
    pub padding: u32,
    /// The payload (a binary property list on `comm` frames, empty on replies).
    pub payload: Bytes,
}

impl DataStreamFrame {
    /// A `sync`/`comm` request carrying `payload`.
    pub fn sync_comm(seqno: u64, payload: impl Into<Bytes>) -> Self {
        Self {
            message_type: MESSAGE_TYPE_SYNC,
            command: COMMAND_COMM,
            seqno,
            padding: 0,
            payload: payload.into(),
        }
    }

    /// The empty `rply` answering request `seqno`.
    pub fn reply(seqno: u64) -> Self {
        Self {
            message_type: MESSAGE_TYPE_REPLY,
            command: [0; 4],
            seqno,
            padding: 0,
            payload: Bytes::new(),
        }
    }

    /// Whether this frame is a request (its type starts with `sync`) that must be
    /// answered with a [`reply`](Self::reply).
    pub fn is_sync(&self) -> bool {
        self.message_type.starts_with(b"sync")
    }

    /// Whether this frame is a reply (its type starts with `rply`).
    pub fn is_reply(&self) -> bool {
        self.message_type.starts_with(b"rply")
    }

    /// Writes the frame.
    ///
    /// A payload too large for the 32-bit size field cannot be represented; it is
    /// written with the size saturated, which the peer rejects. Payloads come from atv
    /// itself and are far below that.
    pub fn encode(&self, dst: &mut BytesMut) {
        let size = u32::try_from(HEADER_LEN.saturating_add(self.payload.len())).unwrap_or(u32::MAX);
        dst.reserve(HEADER_LEN + self.payload.len());
        dst.put_u32(size);
        dst.put_slice(&self.message_type);
        dst.put_slice(&self.command);
        dst.put_u64(self.seqno);
        dst.put_u32(self.padding);
        dst.put_slice(&self.payload);
    }
}

/// Takes one frame off the front of `buf` (limit [`DEFAULT_MAX_FRAME_LEN`]).
///
/// Returns `Ok(None)`, leaving `buf` untouched, while the frame is incomplete.
pub fn decode_frame(buf: &mut BytesMut) -> Result<Option<DataStreamFrame>, WireError> {
    decode_frame_with(buf, DEFAULT_MAX_FRAME_LEN)
}

/// Takes one frame off the front of `buf`, accepting frames up to `max_len` bytes
/// (header included).
pub fn decode_frame_with(
    buf: &mut BytesMut,
    max_len: usize,
) -> Result<Option<DataStreamFrame>, WireError> {
    let Some(header) = buf.get(..HEADER_LEN) else {
        return Ok(None);
    };
    let mut header = header;
    let size = header.get_u32();
    let total = usize::try_from(size).unwrap_or(usize::MAX);
    if total < HEADER_LEN || total > max_len {
        return Err(WireError::BadFrameSize { size, max: max_len });
    }
    if buf.len() < total {
        buf.reserve(total - buf.len());
        return Ok(None);
    }
    let mut message_type = [0; 12];
    header.copy_to_slice(&mut message_type);
    let mut command = [0; 4];
    header.copy_to_slice(&mut command);
    let seqno = header.get_u64();
    let padding = header.get_u32();
    let mut frame = buf.split_to(total);
    frame.advance(HEADER_LEN);
    Ok(Some(DataStreamFrame {
        message_type,
        command,
        seqno,
        padding,
        payload: frame.freeze(),
    }))
}
