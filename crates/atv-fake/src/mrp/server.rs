//! The MRP listener: an accept loop, and one task per connection that owns its socket,
//! reads frames (decrypting them once pair-verify is done), performs what the
//! [`Session`] answers and forwards state updates once the client subscribed.

use std::sync::Arc;
use std::time::Duration;

use atv_mrp::framing::{FrameCodec, decode_message, encode_message};
use atv_mrp::protobuf::ProtocolMessage;
use atv_pairing::{NonceLayout, SessionCipher};
use bytes::Bytes;
use futures::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::codec::Framed;

use super::session::{Context, Session, Step};
use crate::error::Error;

/// A connection silent for this long is closed (clients send a heartbeat every 30 s).
const IDLE_TIMEOUT: Duration = Duration::from_secs(120);
/// Longest wait for one message to be written.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
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

/// Returns once `shutdown` turns true or its sender is gone.
async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

async fn connection(stream: TcpStream, ctx: Arc<Context>, shutdown: watch::Receiver<bool>) {
    let _ = stream.set_nodelay(true);
    let state = ctx.state.clone();
    state.update(|data, _| data.connected_clients += 1);
    match Connection::new(stream, ctx).run(shutdown).await {
        Ok(()) => tracing::debug!("MRP client disconnected"),
        Err(error) => tracing::info!(%error, "MRP connection closed"),
    }
    state.update(|data, _| data.connected_clients = data.connected_clients.saturating_sub(1));
}

struct Connection {
    framed: Framed<TcpStream, FrameCodec>,
    cipher: Option<SessionCipher>,
    session: Session,
}

impl Connection {
    fn new(stream: TcpStream, ctx: Arc<Context>) -> Self {
        Self {
            framed: Framed::new(stream, FrameCodec::new()),
            cipher: None,
            session: Session::new(ctx),
        }
    }

    async fn run(mut self, mut shutdown: watch::Receiver<bool>) -> Result<(), Error> {
        let mut deadline = Instant::now() + IDLE_TIMEOUT;
        loop {
            tokio::select! {
                frame = self.framed.next() => {
                    let Some(frame) = frame else {
                        return Ok(());
                    };
                    deadline = Instant::now() + IDLE_TIMEOUT;
                    if !self.received(frame?.freeze()).await? {
                        return Ok(());
                    }
                }
                () = tokio::time::sleep_until(deadline) => return Err(Error::IdleTimeout),
                event = self.session.next_event() => {
                    for message in self.session.event_messages(event) {
                        self.send(&message).await?;
                    }
                }
                () = stopped(&mut shutdown) => return Ok(()),
            }
        }
    }

    /// Handles one frame; `Ok(false)` when the connection is to be closed.
    async fn received(&mut self, frame: Bytes) -> Result<bool, Error> {
        let plain = match &mut self.cipher {
            Some(cipher) => Bytes::from(
                cipher
                    .decrypt(&frame, &[])
                    .map_err(|_| Error::DecryptFailed)?,
            ),
            None => frame,
        };
        let message = match decode_message(plain) {
            Ok(message) => message,
            Err(error) => {
                tracing::warn!(%error, "undecodable MRP message ignored");
                return Ok(true);
            }
        };
        // Changes made before this message arrived go out before its answer, so that a
        // client sees them in order (a request's reply shows it has seen them).
        self.forward_events().await?;
        for step in self.session.handle(&message) {
            match step {
                Step::Send(message) => self.send(&message).await?,
                Step::ForwardEvents => self.forward_events().await?,
                Step::EnableEncryption(keys) => {
                    self.cipher = Some(SessionCipher::new(&keys, NonceLayout::ZeroPrefixed));
                }
                Step::Close => return Ok(false),
            }
        }
        self.forward_events().await?;
        Ok(true)
    }

    async fn forward_events(&mut self) -> Result<(), Error> {
        for message in self.session.pending_event_messages() {
            self.send(&message).await?;
        }
        Ok(())
    }

    async fn send(&mut self, message: &ProtocolMessage) -> Result<(), Error> {
        tracing::trace!(r#type = ?message.r#type, "sending");
        let plain = encode_message(message);
        let frame = match &mut self.cipher {
            Some(cipher) => Bytes::from(
                cipher
                    .encrypt(&plain, &[])
                    .map_err(|_| Error::EncryptFailed)?,
            ),
            None => plain,
        };
        match tokio::time::timeout(WRITE_TIMEOUT, self.framed.send(frame)).await {
            Ok(result) => result.map_err(Error::from),
            Err(_) => Err(Error::WriteTimeout),
        }
    }
}
