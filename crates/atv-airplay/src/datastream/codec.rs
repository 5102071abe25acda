//! DataStream frames as a `tokio_util` codec.

use bytes::BytesMut;
use tokio_util::codec::{Decoder, Encoder};

use super::{DEFAULT_MAX_FRAME_LEN, DataStreamFrame, decode_frame_with};
use crate::wire::CodecError;

/// Reads and writes [`DataStreamFrame`]s (both ends use the same framing).
#[derive(Debug, Clone)]
pub struct DataStreamCodec {
    max_frame_len: usize,
}

impl DataStreamCodec {
    /// A codec accepting frames up to [`DEFAULT_MAX_FRAME_LEN`].
    pub fn new() -> Self {
        Self::with_max_frame_len(DEFAULT_MAX_FRAME_LEN)
    }

    /// A codec accepting frames up to `max_frame_len` bytes, header included.
    pub fn with_max_frame_len(max_frame_len: usize) -> Self {
        Self { max_frame_len }
    }
}

impl Default for DataStreamCodec {
    fn default() -> Self {
        Self::new()
    }
}

impl Decoder for DataStreamCodec {
    type Item = DataStreamFrame;
    type Error = CodecError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<DataStreamFrame>, CodecError> {
        Ok(decode_frame_with(src, self.max_frame_len)?)
    }
}

impl Encoder<DataStreamFrame> for DataStreamCodec {
    type Error = CodecError;

    fn encode(&mut self, item: DataStreamFrame, dst: &mut BytesMut) -> Result<(), CodecError> {
        item.encode(dst);
        Ok(())
    }
}

impl Encoder<&DataStreamFrame> for DataStreamCodec {
    type Error = CodecError;

    fn encode(&mut self, item: &DataStreamFrame, dst: &mut BytesMut) -> Result<(), CodecError> {
        item.encode(dst);
        Ok(())
    }
}
