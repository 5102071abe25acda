//! Fetching artwork the device names by URL.
//!
//! [`ArtworkFetcher`] is the seam: an application with an HTTP client (with TLS, for the
//! `https` URLs of Apple's image servers) plugs it in through
//! [`MrpClientConfig::artwork_fetcher`](crate::MrpClientConfig). The built-in
//! [`PlainHttpFetcher`] speaks plain HTTP/1.1 only and declines other schemes, so the
//! client then falls back to asking the device for the artwork.

use std::time::Duration;

use async_trait::async_trait;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// An image fetched from a URL.
#[derive(Clone, PartialEq, Eq)]
pub struct FetchedImage {
    /// The image.
    pub bytes: Vec<u8>,
    /// Its MIME type (the `Content-Type`), empty when not given.
    pub mimetype: String,
}

impl std::fmt::Debug for FetchedImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FetchedImage")
            .field("bytes", &format_args!("<{} bytes>", self.bytes.len()))
            .field("mimetype", &self.mimetype)
            .finish()
    }
}

/// Fetches artwork by URL.
#[async_trait]
pub trait ArtworkFetcher: Send + Sync {
    /// GETs `url`. `None` when there is no image there (not found, another status, a
    /// scheme this fetcher does not speak, a network error): the client then tries the
    /// next source.
    async fn fetch(&self, url: &str) -> Option<FetchedImage>;
}

/// Plain `http://` GET with a time limit and a size limit.
#[derive(Debug, Clone)]
pub struct PlainHttpFetcher {
    /// Time limit for the whole request.
    pub timeout: Duration,
    /// Largest body accepted.
    pub max_len: usize,
}

impl Default for PlainHttpFetcher {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            max_len: 16 * 1024 * 1024,
        }
    }
}

/// Host (with port) and path of an `http://` URL.
fn split_http_url(url: &str) -> Option<(String, String)> {
    let rest = url.strip_prefix("http://")?;
    let (authority, path) = match rest.find(['/', '?']) {
        Some(at) => rest.split_at(at),
        None => (rest, "/"),
    };
    let path = if path.starts_with('?') {
        format!("/{path}")
    } else {
        path.to_owned()
    };
    let path = path.split('#').next().unwrap_or("/").to_owned();
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let host = if authority
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
        || authority.ends_with(']')
    {
        authority.to_owned()
    } else {
        format!("{authority}:80")
    };
    Some((host, path))
}

/// Decodes a chunked body; `None` when malformed or over `max_len`.
fn dechunk(mut body: &[u8], max_len: usize) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = body.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(body.get(..line_end)?).ok()?;
        let size_text = size_text.split(';').next()?.trim();
        let size = usize::from_str_radix(size_text, 16).ok()?;
        body = body.get(line_end + 2..)?;
        if size == 0 {
            return Some(out);
        }
        if out.len().checked_add(size)? > max_len {
            return None;
        }
        out.extend_from_slice(body.get(..size)?);
        body = body.get(size.checked_add(2)?..)?;
    }
}

/// Parses a whole HTTP/1.x response: the body and content type of a 200 answer.
pub(crate) fn parse_response(response: &[u8], max_len: usize) -> Option<FetchedImage> {
    let head_end = response.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(response.get(..head_end)?).ok()?;
    let body = response.get(head_end + 4..)?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?;
    let mut parts = status.split_whitespace();
    if !parts.next()?.starts_with("HTTP/1.") || parts.next()? != "200" {
        return None;
    }
    let mut mimetype = String::new();
    let mut length = None;
    let mut chunked = false;
    for line in lines {
        let (name, value) = line.split_once(':')?;
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-type" => mimetype = value.to_owned(),
            "content-length" => length = Some(value.parse::<usize>().ok()?),
            "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
            _ => {}
        }
    }
    let bytes = if chunked {
        dechunk(body, max_len)?
    } else if let Some(length) = length {
        body.get(..length)?.to_vec()
    } else {
        body.to_vec()
    };
    Some(FetchedImage { bytes, mimetype })
}

impl PlainHttpFetcher {
    async fn get(&self, host: &str, path: &str) -> std::io::Result<Vec<u8>> {
        let mut stream = TcpStream::connect(host).await?;
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: image/*\r\nConnection: close\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).await?;
        let mut response = Vec::new();
        // Headers get a little room beyond the body limit.
        let limit = u64::try_from(self.max_len.saturating_add(64 * 1024)).unwrap_or(u64::MAX);
        (&mut stream).take(limit).read_to_end(&mut response).await?;
        Ok(response)
    }
}

#[async_trait]
impl ArtworkFetcher for PlainHttpFetcher {
    async fn fetch(&self, url: &str) -> Option<FetchedImage> {
        let Some((host, path)) = split_http_url(url) else {
            tracing::debug!("not fetching artwork from {url}: only plain http is built in");
            return None;
        };
        match tokio::time::timeout(self.timeout, self.get(&host, &path)).await {
            Ok(Ok(response)) => parse_response(&response, self.max_len),
            Ok(Err(error)) => {
                tracing::debug!("fetching artwork from {url} failed: {error}");
                None
            }
            Err(_) => {
                tracing::debug!("fetching artwork from {url} timed out");
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_into_host_and_path() {
        assert_eq!(
            split_http_url("http://localhost:8080/a/b.png"),
            Some(("localhost:8080".into(), "/a/b.png".into()))
        );
        assert_eq!(
            split_http_url("http://example"),
            Some(("example:80".into(), "/".into()))
        );
        assert_eq!(
            split_http_url("http://h?x=1#frag"),
            Some(("h:80".into(), "/?x=1".into()))
        );
        assert_eq!(
            split_http_url("http://[::1]:81/p"),
            Some(("[::1]:81".into(), "/p".into()))
        );
        assert_eq!(split_http_url("https://h/p"), None);
        assert_eq!(split_http_url("http://user@h/p"), None);
        assert_eq!(split_http_url("http:///p"), None);
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let alphabet = b"HTTP/1.1 200 OK\r\n:Content-Length;chunked0123456789abcdef";
        for round in 0..2000 {
            let mut bytes = b"HTTP/1.1 200 OK\r\n".to_vec();
            for _ in 0..(round % 97) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let pick = usize::try_from(seed % alphabet.len() as u64).unwrap_or(0);
                bytes.push(alphabet[pick]);
            }
            let _ = parse_response(&bytes, 64);
            let _ = dechunk(&bytes, 64);
        }
    }

    #[test]
    fn responses_parse() {
        let ok = b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 3\r\n\r\nabcdef";
        let image = parse_response(ok, 100).unwrap();
        assert_eq!(image.bytes, b"abc");
        assert_eq!(image.mimetype, "image/png");
        let chunked =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n";
        assert_eq!(parse_response(chunked, 100).unwrap().bytes, b"abcde");
        assert_eq!(parse_response(chunked, 4), None);
        let no_length = b"HTTP/1.0 200 OK\r\n\r\nxyz";
        assert_eq!(parse_response(no_length, 100).unwrap().bytes, b"xyz");
        assert_eq!(parse_response(b"HTTP/1.1 404 Not Found\r\n\r\n", 100), None);
        assert_eq!(parse_response(b"garbage", 100), None);
        assert_eq!(
            parse_response(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab", 100),
            None
        );
        assert_eq!(
            parse_response(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n",
                100
            ),
            None
        );
    }
}
