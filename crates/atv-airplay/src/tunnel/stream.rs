//! The MRP end of the tunnel: an in-memory pipe that also tells how the tunnel ended.
//!
//! When the device closes the data channel or the control connection cleanly, the pipe
//! simply ends, and MRP reports the connection closed (as pyatv does for an end of
//! stream). When the tunnel fails (a reset, bad encryption, unanswered feedback), the
//! reason is recorded before the pipe ends, and reading the pipe's end yields that error
//! instead, so MRP reports the connection lost.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, DuplexStream, ReadBuf};

/// Why the tunnel failed, if it did; the first reason recorded wins.
#[derive(Debug, Default)]
pub(super) struct TunnelEnd(Mutex<Option<String>>);

impl TunnelEnd {
    /// Records that the tunnel failed (before the pipe is dropped).
    pub(super) fn fail(&self, reason: impl Into<String>) {
        let mut slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.is_none() {
            *slot = Some(reason.into());
        }
    }

    fn failure(&self) -> Option<String> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// The byte stream MRP runs over: varint-framed MRP messages, in and out.
#[derive(Debug)]
pub struct TunnelStream {
    pipe: DuplexStream,
    end: Arc<TunnelEnd>,
}

impl TunnelStream {
    pub(super) fn new(pipe: DuplexStream, end: Arc<TunnelEnd>) -> Self {
        Self { pipe, end }
    }
}

impl AsyncRead for TunnelStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let wanted = buf.remaining() > 0;
        let before = buf.filled().len();
        ready!(Pin::new(&mut this.pipe).poll_read(cx, buf))?;
        // Nothing read although there was room: the pipe ended.
        if wanted
            && buf.filled().len() == before
            && let Some(reason) = this.end.failure()
        {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                format!("the AirPlay remote-control tunnel failed: {reason}"),
            )));
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for TunnelStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().pipe).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().pipe).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().pipe).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    #[tokio::test]
    async fn a_clean_end_reads_as_end_of_stream() {
        let (ours, mut theirs) = tokio::io::duplex(64);
        let mut stream = TunnelStream::new(ours, Arc::default());
        theirs.write_all(b"abc").await.unwrap();
        drop(theirs);
        let mut read = Vec::new();
        stream.read_to_end(&mut read).await.unwrap();
        assert_eq!(read, b"abc");
    }

    #[tokio::test]
    async fn a_failure_reads_as_an_error_after_the_data() {
        let (ours, mut theirs) = tokio::io::duplex(64);
        let end = Arc::new(TunnelEnd::default());
        let mut stream = TunnelStream::new(ours, Arc::clone(&end));
        theirs.write_all(b"abc").await.unwrap();
        end.fail("read failed: connection reset");
        end.fail("a later reason");
        drop(theirs);
        let mut buf = [0u8; 8];
        assert_eq!(stream.read(&mut buf).await.unwrap(), 3);
        let error = stream.read(&mut buf).await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::ConnectionAborted);
        assert!(error.to_string().contains("connection reset"), "{error}");
    }
}
