//! The task that owns an MRP socket.
//!
//! It writes what the handles ask it to, reads and decodes frames, hands each reply to
//! the request waiting for it, shows every other message to the observer and then
//! broadcasts it, fails requests whose deadline passed, and when the connection ends,
//! fails everything still waiting and reports the end exactly once.

use std::sync::Arc;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio::time::{Instant, sleep_until, timeout};
use tokio_util::codec::Framed;

use super::pending::{Pending, ReplyHook, ReplyKey, ReplyResult, Waiter};
use super::session_codec::{Inbound, SessionCodec};
use super::{CloseReason, DEVICE_CLOSED, ListenerState, MessageObserver, message_type_name};
use crate::error::MrpError;
use crate::protobuf::ProtocolMessage;

/// What a handle asks the task to do.
pub(super) enum Command {
    /// Write a message; `done` learns whether it was written.
    Send {
        message: ProtocolMessage,
        done: oneshot::Sender<Result<(), MrpError>>,
    },
    /// Write a message and hand its reply to `reply`.
    Request {
        message: ProtocolMessage,
        key: ReplyKey,
        timeout: Duration,
        reply: oneshot::Sender<ReplyResult>,
        hook: Option<ReplyHook>,
    },
    /// End the connection: on purpose (`None`) or because of an error found above.
    Close { error: Option<String> },
}

/// Everything the task owns.
pub(super) struct Driver<S> {
    pub(super) framed: Framed<S, SessionCodec>,
    pub(super) commands: mpsc::Receiver<Command>,
    pub(super) updates: broadcast::Sender<Arc<ProtocolMessage>>,
    pub(super) observer: Option<Arc<dyn MessageObserver>>,
    pub(super) pending: Pending,
    pub(super) write_timeout: Duration,
    pub(super) closed: watch::Sender<Option<CloseReason>>,
    pub(super) listener: Arc<ListenerState>,
}

/// Why the loop stopped.
enum Exit {
    Requested,
    /// The device closed its end (end of stream, no error).
    ClosedByDevice,
    Failed(MrpError),
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send + 'static> Driver<S> {
    /// Runs until the connection ends.
    pub(super) async fn run(mut self) {
        let exit = self.serve().await;
        let (error, reason) = match exit {
            Exit::Requested => (MrpError::Closed, CloseReason::Requested),
            Exit::ClosedByDevice => (
                MrpError::ConnectionLost {
                    reason: DEVICE_CLOSED.into(),
                },
                CloseReason::ClosedByDevice,
            ),
            Exit::Failed(error) => {
                let reason = CloseReason::Lost(error.reason());
                (error, reason)
            }
        };
        tracing::debug!("MRP connection ended: {reason:?}");
        self.pending.fail_all(&error);
        // Anything still queued gets the same answer.
        self.commands.close();
        while let Ok(command) = self.commands.try_recv() {
            match command {
                Command::Send { done, .. } => {
                    let _ = done.send(Err(error.duplicate()));
                }
                Command::Request { reply, .. } => {
                    let _ = reply.send(Err(error.duplicate()));
                }
                Command::Close { .. } => {}
            }
        }
        // Shut our end down politely (the device closed its end, or we are done); the
        // socket is dropped right after either way.
        let _ = timeout(self.write_timeout, self.framed.get_mut().shutdown()).await;
        // The listener hears first, so that whoever waits for the end finds it told.
        self.listener.finish(reason.clone());
        self.closed.send_replace(Some(reason));
    }

    async fn serve(&mut self) -> Exit {
        loop {
            let deadline = self.pending.next_deadline();
            tokio::select! {
                biased;
                command = self.commands.recv() => match command {
                    None => return Exit::Requested,
                    Some(command) => {
                        if let Some(exit) = self.handle_command(command).await {
                            return exit;
                        }
                    }
                },
                inbound = self.framed.next() => match inbound {
                    None => return Exit::ClosedByDevice,
                    Some(Err(error)) => return Exit::Failed(error),
                    Some(Ok(Inbound::Message(message))) => self.handle_message(*message),
                    Some(Ok(Inbound::Undecodable(error))) => {
                        tracing::warn!("skipping an MRP message that cannot be decoded: {error}");
                    }
                },
                () = sleep_until(deadline.unwrap_or_else(Instant::now)), if deadline.is_some() => {
                    self.pending.expire(Instant::now());
                }
            }
        }
    }

    async fn write(&mut self, message: &ProtocolMessage) -> Result<(), MrpError> {
        tracing::trace!("MRP >> {}", message_type_name(message));
        match timeout(self.write_timeout, self.framed.send(message)).await {
            Ok(result) => result,
            Err(_) => Err(MrpError::WriteTimeout {
                after: self.write_timeout,
            }),
        }
    }

    /// Carries out one command; `Some` ends the connection.
    async fn handle_command(&mut self, command: Command) -> Option<Exit> {
        match command {
            Command::Send { message, done } => {
                let result = self.write(&message).await;
                let failure = result.as_ref().err().map(MrpError::duplicate);
                let _ = done.send(result);
                failure.map(Exit::Failed)
            }
            Command::Request {
                message,
                key,
                timeout,
                reply,
                hook,
            } => {
                let waiter = Waiter {
                    reply,
                    deadline: Instant::now() + timeout,
                    timeout,
                    request: message_type_name(&message),
                    hook,
                };
                if !self.pending.insert(key.clone(), waiter) {
                    return None;
                }
                match self.write(&message).await {
                    Ok(()) => None,
                    Err(error) => {
                        if let Some(waiter) = self.pending.remove(&key) {
                            let _ = waiter.reply.send(Err(error.duplicate()));
                        }
                        Some(Exit::Failed(error))
                    }
                }
            }
            Command::Close { error: None } => Some(Exit::Requested),
            Command::Close {
                error: Some(reason),
            } => Some(Exit::Failed(MrpError::ConnectionLost { reason })),
        }
    }

    fn handle_message(&mut self, message: ProtocolMessage) {
        tracing::trace!("MRP << {}", message_type_name(&message));
        if let Some(waiter) = self.pending.remove(&ReplyKey::of(&message)) {
            let result = match waiter.hook {
                None => Ok(message),
                Some(hook) => match hook(&message) {
                    Ok(Some(cipher)) => {
                        self.framed.codec_mut().enable_encryption(cipher);
                        Ok(message)
                    }
                    Ok(None) => Ok(message),
                    Err(error) => Err(error),
                },
            };
            // The caller may have given up; the reply is dropped then.
            let _ = waiter.reply.send(result);
            return;
        }
        if let Some(observer) = &self.observer {
            observer.message_received(&message);
        }
        // No subscriber is not an error.
        let _ = self.updates.send(Arc::new(message));
    }
}
