//! A small HTTP server that serves one local file, so `play_url` can take a path: the
//! device fetches `http://<our address>:<port>/<file name>`. Supports `GET` and `HEAD`
//! and single byte ranges (players seek with them); every other path is refused.

use std::io::SeekFrom;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use crate::error::{AirPlayError, Result};
use crate::wire::{Protocol, Request, Response, decode_request};

/// How long a client may take to send a request.
const READ_TIMEOUT: Duration = Duration::from_secs(30);
/// How long writing a chunk may take.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
const CHUNK: usize = 64 * 1024;

/// Serves one file until dropped.
#[derive(Debug)]
pub struct FileServer {
    address: SocketAddr,
    name: String,
    tasks: JoinSet<()>,
}

impl FileServer {
    /// Starts serving `path` on `bind` (port 0 picks one).
    pub async fn start(path: &Path, bind: IpAddr) -> Result<Self> {
        let file_error = |source| AirPlayError::File {
            path: path.display().to_string(),
            source,
        };
        let metadata = tokio::fs::metadata(path).await.map_err(file_error)?;
        if !metadata.is_file() {
            return Err(file_error(std::io::Error::other("not a regular file")));
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| file_error(std::io::Error::other("no file name")))?;
        let listener = TcpListener::bind(SocketAddr::new(bind, 0)).await?;
        let address = listener.local_addr()?;
        let mut tasks = JoinSet::new();
        let file = Arc::new(ServedFile {
            path: path.to_path_buf(),
            uri: format!("/{}", percent_encode(&name)),
            content_type: content_type(&name),
        });
        tasks.spawn(accept_loop(listener, file));
        Ok(Self {
            address,
            name,
            tasks,
        })
    }

    /// The URL of the file.
    pub fn url(&self) -> String {
        let host = match self.address.ip() {
            IpAddr::V6(v6) => format!("[{v6}]"),
            v4 => v4.to_string(),
        };
        format!(
            "http://{host}:{}/{}",
            self.address.port(),
            percent_encode(&self.name)
        )
    }

    /// Stops serving.
    pub async fn close(mut self) {
        self.tasks.shutdown().await;
    }
}

struct ServedFile {
    path: PathBuf,
    uri: String,
    content_type: &'static str,
}

async fn accept_loop(listener: TcpListener, file: Arc<ServedFile>) {
    let mut connections = JoinSet::new();
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(error) => {
                // Out of descriptors and the like: back off instead of spinning.
                tracing::debug!(%error, "file server accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let file = Arc::clone(&file);
        connections.spawn(async move {
            if let Err(error) = serve(stream, &file).await {
                tracing::debug!(%error, "file server connection ended");
            }
        });
        while connections.try_join_next().is_some() {}
    }
}

async fn serve(mut stream: TcpStream, file: &ServedFile) -> Result<()> {
    let mut buf = BytesMut::with_capacity(4096);
    loop {
        let request = loop {
            if let Some(request) = decode_request(&mut buf)? {
                break request;
            }
            let read = tokio::time::timeout(READ_TIMEOUT, stream.read_buf(&mut buf))
                .await
                .map_err(|_| AirPlayError::Closed {
                    reason: "client idle".into(),
                })??;
            if read == 0 {
                return Ok(());
            }
        };
        respond(&mut stream, file, &request).await?;
    }
}

async fn respond(stream: &mut TcpStream, file: &ServedFile, request: &Request) -> Result<()> {
    let protocol = Protocol::Http11;
    let path = request.uri.split('?').next().unwrap_or_default();
    if path != file.uri || !matches!(request.method.as_str(), "GET" | "HEAD") {
        let response = Response::new(protocol, 404, "Not Found");
        return write_all(stream, &response).await;
    }
    let mut handle = tokio::fs::File::open(&file.path).await?;
    let size = handle.metadata().await?.len();
    let range = request
        .headers
        .get("Range")
        .and_then(|r| parse_range(r, size));
    let (status, reason, start, end) = match range {
        Some((start, end)) => (206, "Partial Content", start, end),
        None if request.headers.contains("Range") && size > 0 => {
            let response = Response::new(protocol, 416, "Range Not Satisfiable")
                .with_header("Content-Range", format!("bytes */{size}"));
            return write_all(stream, &response).await;
        }
        None => (200, "OK", 0, size),
    };
    let length = end - start;
    let mut head = Response::new(protocol, status, reason)
        .with_header("Content-Type", file.content_type)
        .with_header("Accept-Ranges", "bytes");
    if status == 206 {
        head = head.with_header("Content-Range", format!("bytes {start}-{}/{size}", end - 1));
    }
    let mut out = BytesMut::new();
    head.encode_head(length, &mut out);
    write_bytes(stream, &out).await?;
    if request.method == "HEAD" {
        return Ok(());
    }
    handle.seek(SeekFrom::Start(start)).await?;
    let mut remaining = length;
    let mut chunk = vec![0; CHUNK];
    while remaining > 0 {
        let want = usize::try_from(remaining.min(CHUNK as u64)).unwrap_or(CHUNK);
        let read = handle.read(&mut chunk[..want]).await?;
        if read == 0 {
            return Err(AirPlayError::Io(std::io::Error::other(
                "file shrank while served",
            )));
        }
        write_bytes(stream, &chunk[..read]).await?;
        remaining -= read as u64;
    }
    Ok(())
}

async fn write_all(stream: &mut TcpStream, response: &Response) -> Result<()> {
    let mut out = BytesMut::new();
    response.encode(&mut out);
    write_bytes(stream, &out).await
}

async fn write_bytes(stream: &mut TcpStream, bytes: &[u8]) -> Result<()> {
    tokio::time::timeout(WRITE_TIMEOUT, stream.write_all(bytes))
        .await
        .map_err(|_| AirPlayError::Closed {
            reason: "client stopped reading".into(),
        })??;
    Ok(())
}

/// `bytes=a-b`, `bytes=a-` or `bytes=-n` within a file of `size` bytes, as a half-open
/// range; `None` when unsatisfiable or not a single range.
fn parse_range(header: &str, size: u64) -> Option<(u64, u64)> {
    let spec = header.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (first, last) = spec.split_once('-')?;
    let (start, end) = match (first.trim(), last.trim()) {
        ("", suffix) => {
            let n: u64 = suffix.parse().ok()?;
            (size.saturating_sub(n), size)
        }
        (first, "") => (first.parse().ok()?, size),
        (first, last) => {
            let last: u64 = last.parse().ok()?;
            (first.parse().ok()?, last.saturating_add(1).min(size))
        }
    };
    (start < end && start < size).then_some((start, end))
}

fn content_type(name: &str) -> &'static str {
    let extension = name
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match extension.as_str() {
        "mp4" | "m4v" => "video/mp4",
        "mov" => "video/quicktime",
        "m4a" => "audio/mp4",
        "mp3" => "audio/mpeg",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "m3u8" => "application/vnd.apple.mpegurl",
        _ => "application/octet-stream",
    }
}

/// Percent-encodes everything but unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-9", 100), Some((0, 10)));
        assert_eq!(parse_range("bytes=90-", 100), Some((90, 100)));
        assert_eq!(parse_range("bytes=-10", 100), Some((90, 100)));
        assert_eq!(parse_range("bytes=0-1000", 100), Some((0, 100)));
        assert_eq!(parse_range("bytes=100-", 100), None);
        assert_eq!(parse_range("bytes=0-1,3-4", 100), None);
        assert_eq!(parse_range("items=0-1", 100), None);
    }

    #[test]
    fn names_are_encoded() {
        assert_eq!(percent_encode("a b.mp4"), "a%20b.mp4");
    }
}
