//! Decoding: one whole message off the front of a buffer.

use bytes::{Buf, BytesMut};

use super::error::excerpt;
use super::{Headers, Limits, Protocol, Request, Response, WireError};

/// Takes one request off the front of `buf`, with the default [`Limits`].
///
/// Returns `Ok(None)` (leaving `buf` untouched) while the message is incomplete.
pub fn decode_request(buf: &mut BytesMut) -> Result<Option<Request>, WireError> {
    decode_request_with(buf, &Limits::default())
}

/// Takes one response off the front of `buf`, with the default [`Limits`].
///
/// Returns `Ok(None)` (leaving `buf` untouched) while the message is incomplete.
pub fn decode_response(buf: &mut BytesMut) -> Result<Option<Response>, WireError> {
    decode_response_with(buf, &Limits::default())
}

/// Takes one request off the front of `buf`, within `limits`.
pub fn decode_request_with(
    buf: &mut BytesMut,
    limits: &Limits,
) -> Result<Option<Request>, WireError> {
    let Some(frame) = split_message(buf, limits)? else {
        return Ok(None);
    };
    let (method, uri, protocol) = parse_request_line(frame.start_line)?;
    let request = Request {
        method: method.to_owned(),
        uri: uri.to_owned(),
        protocol,
        headers: frame.headers,
        body: Default::default(),
    };
    let (head_len, body_len) = (frame.head_len, frame.body_len);
    buf.advance(head_len);
    let body = buf.split_to(body_len).freeze();
    Ok(Some(Request { body, ..request }))
}

/// Takes one response off the front of `buf`, within `limits`.
pub fn decode_response_with(
    buf: &mut BytesMut,
    limits: &Limits,
) -> Result<Option<Response>, WireError> {
    let Some(frame) = split_message(buf, limits)? else {
        return Ok(None);
    };
    let (protocol, status, reason) = parse_status_line(frame.start_line)?;
    let response = Response {
        protocol,
        status,
        reason: reason.to_owned(),
        headers: frame.headers,
        body: Default::default(),
    };
    let (head_len, body_len) = (frame.head_len, frame.body_len);
    buf.advance(head_len);
    let body = buf.split_to(body_len).freeze();
    Ok(Some(Response { body, ..response }))
}

/// A complete message found at the front of the buffer, not yet taken off.
struct Frame<'a> {
    start_line: &'a str,
    headers: Headers,
    /// Bytes of start line, headers and the empty line.
    head_len: usize,
    body_len: usize,
}

fn split_message<'a>(buf: &'a [u8], limits: &Limits) -> Result<Option<Frame<'a>>, WireError> {
    let window = buf.get(..buf.len().min(limits.max_head_len)).unwrap_or(buf);
    let Some(end) = find_head_end(window) else {
        if buf.len() >= limits.max_head_len {
            return Err(WireError::HeadTooLarge {
                max: limits.max_head_len,
            });
        }
        return Ok(None);
    };
    // `end` is where "\r\n\r\n" starts; the head proper is everything before it.
    let head_bytes = buf.get(..end).unwrap_or_default();
    let head_len = end.saturating_add(4);
    let head = std::str::from_utf8(head_bytes).map_err(|_| WireError::BadHeader {
        line: excerpt(head_bytes),
    })?;
    let mut lines = head.split("\r\n");
    let start_line = lines.next().unwrap_or_default();

    let mut headers = Headers::new();
    for line in lines {
        if headers.len() >= limits.max_headers {
            return Err(WireError::TooManyHeaders {
                max: limits.max_headers,
            });
        }
        headers_push(&mut headers, line)?;
    }

    if let Some(encoding) = headers.get("Transfer-Encoding")
        && !encoding.trim().eq_ignore_ascii_case("identity")
    {
        return Err(WireError::Unsupported {
            what: "Transfer-Encoding (chunked bodies)",
        });
    }

    let body_len = content_length(&headers, limits)?;
    if buf.len().saturating_sub(head_len) < body_len {
        return Ok(None);
    }
    Ok(Some(Frame {
        start_line,
        headers,
        head_len,
        body_len,
    }))
}

fn find_head_end(window: &[u8]) -> Option<usize> {
    window.windows(4).position(|w| w == b"\r\n\r\n")
}

fn headers_push(headers: &mut Headers, line: &str) -> Result<(), WireError> {
    let bad = || WireError::BadHeader {
        line: excerpt(line.as_bytes()),
    };
    // A line starting with white space would be an obsolete continuation line.
    if line.starts_with([' ', '\t']) {
        return Err(bad());
    }
    let (name, value) = line.split_once(':').ok_or_else(bad)?;
    if name.is_empty()
        || name
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return Err(bad());
    }
    let value = value.trim_matches([' ', '\t']);
    if value.bytes().any(|b| b.is_ascii_control() && b != b'\t') {
        return Err(bad());
    }
    headers.append(name, value);
    Ok(())
}

fn content_length(headers: &Headers, limits: &Limits) -> Result<usize, WireError> {
    let mut length: Option<u64> = None;
    for value in headers.get_all("Content-Length") {
        let value = value.trim();
        let bad = || WireError::BadContentLength {
            value: excerpt(value.as_bytes()),
        };
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let parsed: u64 = value.parse().map_err(|_| bad())?;
        if length.is_some_and(|l| l != parsed) {
            return Err(bad());
        }
        length = Some(parsed);
    }
    let length = length.unwrap_or(0);
    match usize::try_from(length) {
        Ok(len) if len <= limits.max_body_len => Ok(len),
        _ => Err(WireError::BodyTooLarge {
            length,
            max: limits.max_body_len,
        }),
    }
}

fn parse_request_line(line: &str) -> Result<(&str, &str, Protocol), WireError> {
    let bad = || WireError::BadStartLine {
        line: excerpt(line.as_bytes()),
    };
    let mut parts = line.split(' ');
    let (Some(method), Some(uri), Some(protocol), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    if method.is_empty()
        || uri.is_empty()
        || !method.bytes().all(|b| b.is_ascii_graphic())
        || uri.bytes().any(|b| b.is_ascii_control())
    {
        return Err(bad());
    }
    let protocol = Protocol::parse(protocol).ok_or_else(bad)?;
    Ok((method, uri, protocol))
}

fn parse_status_line(line: &str) -> Result<(Protocol, u16, &str), WireError> {
    let bad = || WireError::BadStartLine {
        line: excerpt(line.as_bytes()),
    };
    let (protocol, rest) = line.split_once(' ').ok_or_else(bad)?;
    let protocol = Protocol::parse(protocol).ok_or_else(bad)?;
    let (status, reason) = rest.split_once(' ').unwrap_or((rest, ""));
    if status.len() != 3 || !status.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let status: u16 = status.parse().map_err(|_| bad())?;
    if reason.bytes().any(|b| b.is_ascii_control() && b != b'\t') {
        return Err(bad());
    }
    Ok((protocol, status, reason))
}
