//! The event channel: the device sends RTSP requests over it; each is answered with an
//! empty 200 (echoing `CSeq` and `Server`) and otherwise ignored.

use std::time::Duration;

use bytes::BytesMut;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use atv_pairing::SessionKeys;

use crate::hap_channel::HapChannel;
use crate::wire::{Response, decode_request};

const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves the event channel until the device closes it or an error occurs.
pub(super) async fn run(mut socket: TcpStream, keys: SessionKeys) {
    let mut channel = HapChannel::encrypted(&keys);
    let mut raw = BytesMut::with_capacity(4096);
    let mut plain = BytesMut::new();
    loop {
        match socket.read_buf(&mut raw).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if channel.open(&mut raw, &mut plain).is_err() {
            tracing::debug!("event channel: cannot decrypt; closing it");
            return;
        }
        loop {
            let request = match decode_request(&mut plain) {
                Ok(Some(request)) => request,
                Ok(None) => break,
                Err(error) => {
                    tracing::debug!(%error, "event channel: malformed request; closing it");
                    return;
                }
            };
            tracing::debug!(method = %request.method, uri = %request.uri, "event channel request");
            let mut response = Response::new(request.protocol, 200, "OK")
                .with_header("Content-Length", "0")
                .with_header("Audio-Latency", "0");
            for name in ["Server", "CSeq"] {
                if let Some(value) = request.headers.get(name) {
                    response.headers.insert(name, value);
                }
            }
            let mut encoded = BytesMut::new();
            response.encode(&mut encoded);
            let mut out = BytesMut::new();
            if channel.seal(&encoded, &mut out).is_err() {
                return;
            }
            match tokio::time::timeout(WRITE_TIMEOUT, socket.write_all(&out)).await {
                Ok(Ok(())) => {}
                _ => return,
            }
        }
    }
}
