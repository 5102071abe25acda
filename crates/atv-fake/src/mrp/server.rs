//! The MRP listener: an accept loop, and one task per connection that owns its socket and
//! drives a [`Session`] over varint frames (decrypted once pair-verify is done).

use std::sync::Arc;
use std::time::Duration;

use atv_mrp::framing::{FrameCodec, decode_message, encode_message};
use atv_mrp::protobuf::ProtocolMessage;
use atv_pairing::{NonceLayout, SessionCipher, SessionKeys};
use bytes::Bytes;
use futures::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_util::codec::Framed;

use super::connection::{IDLE_TIMEOUT, MessageTransport, drive, stopped};
use super::session::{Context, Session};
use crate::error::Error;

/// Pause after a failed accept (e.g. out of file descriptors) before trying again.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Accepts connections until `shutdown` turns true (or its sender goes), then waits for
/// every connection to close.
pub(crate) async fn serve(
    listener: TcpListener,
    ctx: Arc<Context>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    tracing::debug!(%peer, "MRP client connected");
                    connections.spawn(connection(stream, Arc::clone(&ctx), shutdown.clone()));
                }
                Err(error) => {
                    tracing::warn!(%error, "accepting an MRP connection failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            () = stopped(&mut shutdown) => break,
        }
    }
    drop(listener);
    while connections.join_next().await.is_some() {}
}

async fn connection(stream: TcpStream, ctx: Arc<Context>, shutdown: watch::Receiver<bool>) {
    let _ = stream.set_nodelay(true);
    let state = ctx.state.clone();
    state.update(|data, _| data.connected_clients += 1);
    let mut transport = FramedTransport {
        framed: Framed::new(stream, FrameCodec::new()),
        cipher: None,
    };
    let mut session = Session::new(ctx);
    match drive(&mut transport, &mut session, Some(IDLE_TIMEOUT), shutdown).await {
        Ok(()) => tracing::debug!("MRP client disconnected"),
        Err(error) => tracing::info!(%error, "MRP connection closed"),
    }
    state.update(|data, _| data.connected_clients = data.connected_clients.saturating_sub(1));
}

/// The MRP port's transport: varint frames, ChaCha20-Poly1305 after pair-verify.
struct FramedTransport {
    framed: Framed<TcpStream, FrameCodec>,
    cipher: Option<SessionCipher>,
}

impl MessageTransport for FramedTransport {
    async fn receive(&mut self) -> Option<Result<Vec<ProtocolMessage>, Error>> {
        let frame = match self.framed.next().await? {
            Ok(frame) => frame.freeze(),
            Err(error) => return Some(Err(error.into())),
        };
        let plain = match &mut self.cipher {
            Some(cipher) => match cipher.decrypt(&frame, &[]) {
                Ok(plain) => Bytes::from(plain),
                Err(_) => return Some(Err(Error::DecryptFailed)),
            },
            None => frame,
        };
        match decode_message(plain) {
            Ok(message) => Some(Ok(vec![message])),
            Err(error) => {
                tracing::warn!(%error, "undecodable MRP message ignored");
                Some(Ok(Vec::new()))
            }
        }
    }

    async fn send(&mut self, message: &ProtocolMessage) -> Result<(), Error> {
        let plain = encode_message(message);
        let frame = match &mut self.cipher {
            Some(cipher) => Bytes::from(
                cipher
                    .encrypt(&plain, &[])
                    .map_err(|_| Error::EncryptFailed)?,
            ),
            None => plain,
        };
        Ok(self.framed.send(frame).await?)
    }

    fn enable_encryption(&mut self, keys: SessionKeys) {
        self.cipher = Some(SessionCipher::new(&keys, NonceLayout::ZeroPrefixed));
    }
}
