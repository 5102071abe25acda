//! `tokio_util` codecs for the two ends of an HTTP/RTSP connection.

use bytes::BytesMut;
use tokio_util::codec::{Decoder, Encoder};

use super::{Limits, Request, Response, WireError, decode_request_with, decode_response_with};

/// The client end: writes [`Request`]s, reads [`Response`]s.
#[derive(Debug, Clone, Default)]
pub struct ClientCodec {
    limits: Limits,
}

/// The server end: reads [`Request`]s, writes [`Response`]s.
#[derive(Debug, Clone, Default)]
pub struct ServerCodec {
    limits: Limits,
}

impl ClientCodec {
    /// A codec with the default [`Limits`].
    pub fn new() -> Self {
        Self::default()
    }

    /// A codec with the given limits.
    pub fn with_limits(limits: Limits) -> Self {
        Self { limits }
    }
}

impl ServerCodec {
    /// A codec with the default [`Limits`].
    pub fn new() -> Self {
        Self::default()
    }

    /// A codec with the given limits.
    pub fn with_limits(limits: Limits) -> Self {
        Self { limits }
    }
}

impl Decoder for ClientCodec {
    type Item = Response;
    type Error = CodecError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Response>, CodecError> {
        Ok(decode_response_with(src, &self.limits)?)
    }
}

impl Encoder<Request> for ClientCodec {
    type Error = CodecError;

    fn encode(&mut self, item: Request, dst: &mut BytesMut) -> Result<(), CodecError> {
        item.encode(dst);
        Ok(())
    }
}

impl Encoder<&Request> for ClientCodec {
    type Error = CodecError;

    fn encode(&mut self, item: &Request, dst: &mut BytesMut) -> Result<(), CodecError> {
        item.encode(dst);
        Ok(())
    }
}

impl Decoder for ServerCodec {
    type Item = Request;
    type Error = CodecError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Request>, CodecError> {
        Ok(decode_request_with(src, &self.limits)?)
    }
}

impl Encoder<Response> for ServerCodec {
    type Error = CodecError;

    fn encode(&mut self, item: Response, dst: &mut BytesMut) -> Result<(), CodecError> {
        item.encode(dst);
        Ok(())
    }
}

impl Encoder<&Response> for ServerCodec {
    type Error = CodecError;

    fn encode(&mut self, item: &Response, dst: &mut BytesMut) -> Result<(), CodecError> {
        item.encode(dst);
        Ok(())
    }
}

/// What a codec fails with: a malformed message or an I/O error of the stream below
/// (`tokio_util` codecs must accept `std::io::Error`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CodecError {
    /// The peer sent a malformed or oversize message.
    #[error(transparent)]
    Wire(#[from] WireError),
    /// Reading or writing the stream failed.
    #[error("connection I/O failed: {0}; reconnect")]
    Io(#[from] std::io::Error),
}
