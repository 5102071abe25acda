//! The protocol token of a start line (`HTTP/1.1`, `RTSP/1.0`).

use std::fmt;

/// Which protocol a message's start line names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Protocol {
    /// `HTTP/1.1`: the AirPlay control connection and the built-in file server.
    Http11,
    /// `HTTP/1.0`: accepted from peers, never sent by atv.
    Http10,
    /// `RTSP/1.0`: AirPlay 2 sessions and the event channel.
    Rtsp10,
}

impl Protocol {
    /// The token as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Http11 => "HTTP/1.1",
            Self::Http10 => "HTTP/1.0",
            Self::Rtsp10 => "RTSP/1.0",
        }
    }

    /// Parses a token; `None` for anything else.
    pub fn parse(token: &str) -> Option<Self> {
        match token {
            "HTTP/1.1" => Some(Self::Http11),
            "HTTP/1.0" => Some(Self::Http10),
            "RTSP/1.0" => Some(Self::Rtsp10),
            _ => None,
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
