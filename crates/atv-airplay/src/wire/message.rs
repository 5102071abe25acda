//! Requests and responses, and how they are written.

use bytes::{BufMut, Bytes, BytesMut};

use super::{Headers, Protocol};

/// An HTTP or RTSP request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The method (`GET`, `POST`, `SETUP`, ...).
    pub method: String,
    /// The request target (`/info`, `rtsp://10.0.0.2/123`, `*`).
    pub uri: String,
    /// The protocol of the start line.
    pub protocol: Protocol,
    /// The headers, in order.
    pub headers: Headers,
    /// The body (empty when there is none).
    pub body: Bytes,
}

/// An HTTP or RTSP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The protocol of the status line.
    pub protocol: Protocol,
    /// The status code (200, 401, ...).
    pub status: u16,
    /// The reason phrase (may be empty).
    pub reason: String,
    /// The headers, in order.
    pub headers: Headers,
    /// The body (empty when there is none).
    pub body: Bytes,
}

impl Request {
    /// A request with no headers and no body.
    pub fn new(method: impl Into<String>, uri: impl Into<String>, protocol: Protocol) -> Self {
        Self {
            method: method.into(),
            uri: uri.into(),
            protocol,
            headers: Headers::new(),
            body: Bytes::new(),
        }
    }

    /// Sets a header (replacing one of the same name) and returns the request.
    #[must_use]
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// Sets the body and its `Content-Type` and returns the request.
    #[must_use]
    pub fn with_body(mut self, content_type: &str, body: impl Into<Bytes>) -> Self {
        self.headers.insert("Content-Type", content_type);
        self.body = body.into();
        self
    }

    /// The `CSeq` header as a number.
    pub fn cseq(&self) -> Option<u32> {
        parse_cseq(&self.headers)
    }

    /// Writes the request.
    ///
    /// Headers are written in order. A `Content-Length` header is written with the real
    /// length of the body; when there is none and the body is not empty, one is added at
    /// the end.
    pub fn encode(&self, dst: &mut BytesMut) {
        dst.reserve(self.method.len() + self.uri.len() + 64 + self.body.len());
        put_clean(dst, &self.method);
        dst.put_u8(b' ');
        put_clean(dst, &self.uri);
        dst.put_u8(b' ');
        dst.put_slice(self.protocol.as_str().as_bytes());
        dst.put_slice(b"\r\n");
        put_headers_and_body(dst, &self.headers, &self.body, false);
    }
}

impl Response {
    /// A response with no headers and no body.
    pub fn new(protocol: Protocol, status: u16, reason: impl Into<String>) -> Self {
        Self {
            protocol,
            status,
            reason: reason.into(),
            headers: Headers::new(),
            body: Bytes::new(),
        }
    }

    /// Sets a header (replacing one of the same name) and returns the response.
    #[must_use]
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// Sets the body and its `Content-Type` and returns the response.
    #[must_use]
    pub fn with_body(mut self, content_type: &str, body: impl Into<Bytes>) -> Self {
        self.headers.insert("Content-Type", content_type);
        self.body = body.into();
        self
    }

    /// The `CSeq` header as a number.
    pub fn cseq(&self) -> Option<u32> {
        parse_cseq(&self.headers)
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Writes the response.
    ///
    /// Headers are written in order; `Content-Length` always carries the real length of
    /// the body (added at the end when missing, `0` for an empty body) so the peer never
    /// has to guess where the message ends.
    pub fn encode(&self, dst: &mut BytesMut) {
        dst.reserve(self.reason.len() + 64 + self.body.len());
        dst.put_slice(self.protocol.as_str().as_bytes());
        dst.put_u8(b' ');
        // A status above 999 cannot be parsed back; clamp to keep the output valid.
        dst.put_slice(self.status.min(999).to_string().as_bytes());
        dst.put_u8(b' ');
        put_clean(dst, &self.reason);
        dst.put_slice(b"\r\n");
        put_headers_and_body(dst, &self.headers, &self.body, true);
    }

    /// Writes only the status line and headers, announcing a body of `body_len` bytes
    /// that the caller writes afterwards (to stream a large body); `self.body` is
    /// ignored.
    pub fn encode_head(&self, body_len: u64, dst: &mut BytesMut) {
        dst.put_slice(self.protocol.as_str().as_bytes());
        dst.put_u8(b' ');
        dst.put_slice(self.status.min(999).to_string().as_bytes());
        dst.put_u8(b' ');
        put_clean(dst, &self.reason);
        dst.put_slice(b"\r\n");
        for (name, value) in self.headers.iter() {
            if !name.eq_ignore_ascii_case("content-length") {
                put_header(dst, name, value);
            }
        }
        put_header(dst, "Content-Length", &body_len.to_string());
        dst.put_slice(b"\r\n");
    }
}

fn parse_cseq(headers: &Headers) -> Option<u32> {
    headers.get("CSeq")?.trim().parse().ok()
}

fn put_headers_and_body(dst: &mut BytesMut, headers: &Headers, body: &Bytes, always_length: bool) {
    let mut length_written = false;
    for (name, value) in headers.iter() {
        if name.eq_ignore_ascii_case("content-length") {
            if length_written {
                continue;
            }
            length_written = true;
            put_header(dst, name, &body.len().to_string());
        } else {
            put_header(dst, name, value);
        }
    }
    if !length_written && (always_length || !body.is_empty()) {
        put_header(dst, "Content-Length", &body.len().to_string());
    }
    dst.put_slice(b"\r\n");
    dst.put_slice(body);
}

fn put_header(dst: &mut BytesMut, name: &str, value: &str) {
    put_clean(dst, name);
    dst.put_slice(b": ");
    put_clean(dst, value);
    dst.put_slice(b"\r\n");
}

/// Writes text with CR and LF replaced by spaces, so it cannot end a line.
fn put_clean(dst: &mut BytesMut, text: &str) {
    for &byte in text.as_bytes() {
        dst.put_u8(if byte == b'\r' || byte == b'\n' {
            b' '
        } else {
            byte
        });
    }
}
