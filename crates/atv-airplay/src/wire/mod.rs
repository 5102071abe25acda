//! HTTP/1.1 and RTSP/1.0 messages as AirPlay uses them: a pure codec, no I/O.
//!
//! AirPlay talks HTTP on its control connection (`GET /info`, `POST /play`,
//! `POST /pair-setup`, ...) and switches to RTSP on the same socket for AirPlay 2
//! sessions (`SETUP`, `RECORD`, `POST /feedback`); the event channel carries RTSP requests
//! *from* the device. Both share one syntax: a start line, `Name: value` headers, an empty
//! line and a body whose length is given by `Content-Length` (AirPlay never uses chunked
//! transfer encoding).
//!
//! - [`Request`] and [`Response`] hold a message; [`Headers`] keeps header order and looks
//!   names up without regard to case.
//! - [`decode_request`] / [`decode_response`] take one whole message off the front of a
//!   buffer, or return `Ok(None)` when more bytes are needed; [`Request::encode`] and
//!   [`Response::encode`] write one.
//! - [`ClientCodec`] and [`ServerCodec`] wrap those as `tokio_util` codecs for the two
//!   ends of a connection.
//!
//! Malformed or oversize input gives a [`WireError`], never a panic; [`Limits`] bounds how
//! much a peer can make the decoder buffer.

mod codec;
mod error;
mod headers;
mod limits;
mod message;
mod parse;
mod protocol;

pub use codec::{ClientCodec, CodecError, ServerCodec};
pub use error::WireError;
pub use headers::Headers;
pub use limits::Limits;
pub use message::{Request, Response};
pub use parse::{decode_request, decode_request_with, decode_response, decode_response_with};
pub use protocol::Protocol;

#[cfg(test)]
mod tests;
