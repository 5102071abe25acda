//! DataStream: the framing of the AirPlay 2 remote-control data channel (stream type
//! 130), which carries MRP messages on tvOS 15 and later. Pure, no I/O.
//!
//! A frame is a 32-byte header followed by a payload:
//!
//! | bytes  | field                                                       |
//! |--------|-------------------------------------------------------------|
//! | 0..4   | total size, header included (u32, big-endian)               |
//! | 4..16  | message type: `sync` (a request) or `rply`, zero-padded     |
//! | 16..20 | command: `comm` on requests, zeros on replies               |
//! | 20..28 | sequence number (u64, big-endian); a reply echoes it        |
//! | 28..32 | padding (u32, zero)                                         |
//!
//! The payload of a `sync`/`comm` frame is a binary property list
//! `{"params": {"data": <bytes>}}` whose data holds MRP protobuf messages, each preceded
//! by its length as a varint (see [`payload`]). Every `sync` frame is answered with an
//! empty `rply` frame carrying the same sequence number.
//!
//! - [`DataStreamFrame`] with [`decode_frame`] / [`DataStreamFrame::encode`], and
//!   [`DataStreamCodec`] for `tokio_util`;
//! - [`encode_mrp_payload`], [`decode_mrp_payload`] and [`split_mrp_messages`] for the
//!   payload.

mod codec;
mod frame;
pub mod payload;

pub use codec::DataStreamCodec;
pub use frame::{
    COMMAND_COMM, DEFAULT_MAX_FRAME_LEN, DataStreamFrame, HEADER_LEN, MESSAGE_TYPE_REPLY,
    MESSAGE_TYPE_SYNC, decode_frame, decode_frame_with,
};
pub use payload::{decode_mrp_payload, encode_mrp_payload, split_mrp_messages};

#[cfg(test)]
mod tests;
