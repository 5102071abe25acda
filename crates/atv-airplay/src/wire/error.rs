//! What can go wrong while decoding HTTP/RTSP messages or DataStream frames.

/// A malformed or oversize message from a peer.
///
/// These are errors of the byte stream: after one, the position in the stream can no
/// longer be trusted and the connection should be closed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WireError {
    /// The start line and headers are longer than the limit.
    #[error("message head exceeds {max} bytes; the peer is not speaking HTTP/RTSP, reconnect")]
    HeadTooLarge {
        /// The limit in force.
        max: usize,
    },
    /// More headers than the limit.
    #[error("message has more than {max} headers; reconnect")]
    TooManyHeaders {
        /// The limit in force.
        max: usize,
    },
    /// The body announced by `Content-Length` is larger than the limit.
    #[error("message body of {length} bytes exceeds the limit of {max} bytes; reconnect")]
    BodyTooLarge {
        /// The announced length.
        length: u64,
        /// The limit in force.
        max: usize,
    },
    /// The start line could not be parsed.
    #[error("malformed start line {line:?}; the peer is not speaking HTTP/RTSP")]
    BadStartLine {
        /// The line (lossily decoded, cut to 100 characters).
        line: String,
    },
    /// A header line has no colon, or the head is not UTF-8.
    #[error("malformed header line {line:?}; reconnect")]
    BadHeader {
        /// The line (lossily decoded, cut to 100 characters).
        line: String,
    },
    /// `Content-Length` is not a decimal number, or two disagree.
    #[error("invalid Content-Length {value:?}; reconnect")]
    BadContentLength {
        /// The value.
        value: String,
    },
    /// The message uses a feature AirPlay never does (chunked transfer encoding).
    #[error("unsupported {what}; AirPlay peers are not expected to send it")]
    Unsupported {
        /// What was found.
        what: &'static str,
    },
    /// A DataStream frame header announces a size smaller than the header itself or
    /// larger than the limit.
    #[error("invalid DataStream frame size {size} (limit {max}); reconnect")]
    BadFrameSize {
        /// The announced size.
        size: u32,
        /// The limit in force.
        max: usize,
    },
    /// A DataStream payload is not the expected property list.
    #[error("invalid DataStream payload: {reason}")]
    BadPayload {
        /// What is wrong with it.
        reason: String,
    },
    /// A varint length prefix inside a DataStream payload is invalid or runs past the end.
    #[error("invalid MRP message length inside a DataStream payload")]
    BadMessageLength,
}

/// A line for an error message: lossily decoded and cut short.
pub(crate) fn excerpt(line: &[u8]) -> String {
    String::from_utf8_lossy(line).chars().take(100).collect()
}
