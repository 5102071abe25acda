//! The Companion listener: an accept loop, and one task per connection that owns its
//! socket, splits it into frames, decrypts them once pair-verify is done, performs what
//! the [`Session`] answers and sends the device's events.

use std::time::Duration;

use atv_companion::frame::{Frame, FrameCodec, FrameType, header};
use atv_companion::opack::{self, Value};
use atv_pairing::{NonceLayout, SessionCipher, session_cipher::TAG_LEN};
use futures::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast::{self, error::RecvError, error::TryRecvError};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::codec::Framed;

use super::session::{Context, Session, Step};
use super::state::CompanionEvent;
use crate::error::Error;
use crate::state::StateEvent;

/// A connection silent for this long is closed (Companion clients send no heartbeats,
/// so this is long).
const IDLE_TIMEOUT: Duration = Duration::from_secs(600);
/// Longest wait for one frame to be written.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Pause after a failed accept (e.g. out of file descriptors) before trying again.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);
/// Largest frame payload accepted from a client (no Companion message comes near it).
const MAX_PAYLOAD: usize = 1 << 20;

/// Accepts connections until `shutdown` turns true (or its sender goes), then waits for
/// every connection to close.
pub(crate) async fn serve(
    listener: TcpListener,
    ctx: Context,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    tracing::debug!(%peer, "Companion client connected");
                    connections.spawn(connection(stream, ctx.clone(), shutdown.clone()));
                }
                Err(error) => {
                    tracing::warn!(%error, "accepting a Companion connection failed");
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

async fn connection(stream: TcpStream, ctx: Context, shutdown: watch::Receiver<bool>) {
    let _ = stream.set_nodelay(true);
    let companion = ctx.state.companion().clone();
    companion.update(|data, _| data.connected_clients += 1);
    let outcome = Connection::new(stream, ctx).run(shutdown).await;
    companion.update(|data, _| data.connected_clients = data.connected_clients.saturating_sub(1));
    match outcome {
        Ok(()) => tracing::debug!("Companion client disconnected"),
        Err(error) => tracing::info!(%error, "Companion connection closed"),
    }
}

struct Connection {
    framed: Framed<TcpStream, FrameCodec>,
    cipher: Option<SessionCipher>,
    session: Session,
    state_events: broadcast::Receiver<StateEvent>,
    companion_events: broadcast::Receiver<CompanionEvent>,
}

impl Connection {
    fn new(stream: TcpStream, ctx: Context) -> Self {
        let state_events = ctx.state.subscribe();
        let companion_events = ctx.state.companion().subscribe();
        Self {
            framed: Framed::new(stream, FrameCodec::with_max_payload_len(MAX_PAYLOAD)),
            cipher: None,
            session: Session::new(ctx),
            state_events,
            companion_events,
        }
    }

    async fn run(mut self, mut shutdown: watch::Receiver<bool>) -> Result<(), Error> {
        let mut deadline = Instant::now() + IDLE_TIMEOUT;
        loop {
            let steps = tokio::select! {
                frame = self.framed.next() => {
                    let Some(frame) = frame else {
                        return Ok(());
                    };
                    deadline = Instant::now() + IDLE_TIMEOUT;
                    if !self.received(frame?).await? {
                        return Ok(());
                    }
                    continue;
                }
                () = tokio::time::sleep_until(deadline) => return Err(Error::IdleTimeout),
                event = self.state_events.recv() => self.session.state_event(event),
                event = self.companion_events.recv() => self.session.companion_event(event),
                () = stopped(&mut shutdown) => return Ok(()),
            };
            if !self.perform(steps).await? {
                return Ok(());
            }
        }
    }

    /// Handles one frame; `Ok(false)` when the connection is to be closed.
    async fn received(&mut self, frame: Frame) -> Result<bool, Error> {
        let plain = match &mut self.cipher {
            Some(cipher) if !frame.payload.is_empty() => {
                let aad = header(frame.frame_type, frame.payload.len())?;
                cipher
                    .decrypt(&frame.payload, &aad)
                    .map_err(|_| Error::DecryptFailed)?
            }
            _ => frame.payload.to_vec(),
        };
        let payload = match opack::decode(&plain) {
            Ok((value, _)) => value,
            Err(error) => {
                tracing::warn!(%error, "undecodable Companion message ignored");
                return Ok(true);
            }
        };
        // Changes made before this message arrived go out before its answer.
        if !self.forward_events().await? {
            return Ok(false);
        }
        let steps = self.session.handle(frame.frame_type, payload);
        if !self.perform(steps).await? {
            return Ok(false);
        }
        // And the changes it made, after its answer.
        self.forward_events().await
    }

    /// Sends the events published so far; `Ok(false)` when the connection is to close.
    async fn forward_events(&mut self) -> Result<bool, Error> {
        loop {
            let steps = match self.state_events.try_recv() {
                Ok(event) => self.session.state_event(Ok(event)),
                Err(TryRecvError::Lagged(missed)) => {
                    self.session.state_event(Err(RecvError::Lagged(missed)))
                }
                Err(TryRecvError::Empty | TryRecvError::Closed) => break,
            };
            if !self.perform(steps).await? {
                return Ok(false);
            }
        }
        loop {
            let steps = match self.companion_events.try_recv() {
                Ok(event) => self.session.companion_event(Ok(event)),
                Err(TryRecvError::Lagged(missed)) => {
                    self.session.companion_event(Err(RecvError::Lagged(missed)))
                }
                Err(TryRecvError::Empty | TryRecvError::Closed) => break,
            };
            if !self.perform(steps).await? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Performs steps in order; `Ok(false)` when the connection is to close.
    async fn perform(&mut self, steps: Vec<Step>) -> Result<bool, Error> {
        for step in steps {
            match step {
                Step::Send(frame_type, value) => self.send(frame_type, &value).await?,
                Step::EnableEncryption(keys) => {
                    self.cipher = Some(SessionCipher::new(&keys, NonceLayout::CounterFirst));
                }
                Step::Close => return Ok(false),
            }
        }
        Ok(true)
    }

    async fn send(&mut self, frame_type: FrameType, value: &Value) -> Result<(), Error> {
        let plain = opack::encode(value);
        let payload = match &mut self.cipher {
            Some(cipher) if !plain.is_empty() => {
                let aad = header(frame_type, plain.len() + TAG_LEN)?;
                cipher
                    .encrypt(&plain, &aad)
                    .map_err(|_| Error::EncryptFailed)?
            }
            _ => plain,
        };
        let frame = Frame::new(frame_type, payload);
        match tokio::time::timeout(WRITE_TIMEOUT, self.framed.send(frame)).await {
            Ok(result) => result.map_err(Error::from),
            Err(_) => Err(Error::WriteTimeout),
        }
    }
}
