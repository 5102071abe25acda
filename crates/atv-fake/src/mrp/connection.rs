//! The loop that drives one MRP [`Session`] over a transport: reads messages, performs
//! what the session answers and forwards state updates once the client subscribed.
//!
//! The transport is what differs between the MRP port (varint frames, encrypted after
//! MRP pair-verify) and the AirPlay 2 tunnel (DataStream frames on a channel that is
//! encrypted from the start); the session and this loop are the same for both.

use std::time::Duration;

use atv_mrp::protobuf::ProtocolMessage;
use atv_pairing::SessionKeys;
use tokio::sync::watch;
use tokio::time::Instant;

use super::session::{Session, Step};
use crate::error::Error;

/// An MRP connection silent for this long is closed (clients send a heartbeat every 30 s).
pub(crate) const IDLE_TIMEOUT: Duration = Duration::from_secs(120);
/// Longest wait for one message to be written.
pub(crate) const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// Carries MRP messages between the client and a [`Session`].
pub(crate) trait MessageTransport {
    /// The messages of the next frame from the client (possibly none), or `None` once the
    /// client closed the connection. Must be cancel-safe: the loop selects on it.
    async fn receive(&mut self) -> Option<Result<Vec<ProtocolMessage>, Error>>;

    /// Sends one message (without timeout; the loop adds one).
    async fn send(&mut self, message: &ProtocolMessage) -> Result<(), Error>;

    /// Answers what the transport itself owes the client for the frame received last
    /// (e.g. a DataStream reply); called after its messages were handled.
    async fn acknowledge(&mut self) -> Result<(), Error> {
        Ok(())
    }

    /// Encrypts and decrypts with `keys` from now on (after MRP pair-verify). A transport
    /// that is already secure ignores it.
    fn enable_encryption(&mut self, keys: SessionKeys);
}

/// Runs `session` over `transport` until the client leaves, falls silent for
/// `idle_timeout` (never, when `None`: a tunnel whose liveness another connection
/// watches), a write fails or `shutdown` turns true.
pub(crate) async fn drive<T: MessageTransport>(
    transport: &mut T,
    session: &mut Session,
    idle_timeout: Option<Duration>,
    mut shutdown: watch::Receiver<bool>,
) -> Result<(), Error> {
    let next_deadline = || idle_timeout.map(|timeout| Instant::now() + timeout);
    let mut deadline = next_deadline();
    loop {
        tokio::select! {
            received = transport.receive() => {
                let Some(messages) = received else {
                    return Ok(());
                };
                deadline = next_deadline();
                let messages = messages?;
                // Changes made before these messages arrived go out before their answers,
                // so that a client sees them in order (a reply shows it has seen them).
                forward_events(transport, session).await?;
                for message in &messages {
                    if !handle(transport, session, message).await? {
                        return Ok(());
                    }
                }
                forward_events(transport, session).await?;
                transport.acknowledge().await?;
            }
            () = idle(deadline) => return Err(Error::IdleTimeout),
            event = session.next_event() => {
                for message in session.event_messages(event) {
                    send(transport, &message).await?;
                }
            }
            () = stopped(&mut shutdown) => return Ok(()),
        }
    }
}

/// Returns at `deadline`, or never without one.
async fn idle(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// Returns once `shutdown` turns true or its sender is gone.
pub(crate) async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

/// Performs the steps answering one message; `Ok(false)` when the connection is to be
/// closed.
async fn handle<T: MessageTransport>(
    transport: &mut T,
    session: &mut Session,
    message: &ProtocolMessage,
) -> Result<bool, Error> {
    for step in session.handle(message) {
        match step {
            Step::Send(message) => send(transport, &message).await?,
            Step::ForwardEvents => forward_events(transport, session).await?,
            Step::EnableEncryption(keys) => transport.enable_encryption(keys),
            Step::Close => return Ok(false),
        }
    }
    Ok(true)
}

async fn forward_events<T: MessageTransport>(
    transport: &mut T,
    session: &mut Session,
) -> Result<(), Error> {
    for message in session.pending_event_messages() {
        send(transport, &message).await?;
    }
    Ok(())
}

async fn send<T: MessageTransport>(
    transport: &mut T,
    message: &ProtocolMessage,
) -> Result<(), Error> {
    tracing::trace!(r#type = ?message.r#type, "sending");
    match tokio::time::timeout(WRITE_TIMEOUT, transport.send(message)).await {
        Ok(result) => result,
        Err(_) => Err(Error::WriteTimeout),
    }
}
