//! The task that owns a Companion socket.
//!
//! It writes what the handles ask it to, reads and decodes frames, hands each response
//! to the request waiting for it, broadcasts events, fails requests whose deadline
//! passed, and when the connection ends, fails everything still waiting and reports the
//! end exactly once.

use std::sync::Arc;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio::time::{Instant, sleep_until, timeout};
use tokio_util::codec::Framed;

use super::pending::{Pending, ReplyHook, ReplyKey, ReplyResult, Waiter};
use super::session_codec::{Decoded, SessionCodec};
use super::{CloseReason, DEVICE_CLOSED, Event, ListenerState};
use crate::error::CompanionError;
use crate::frame::FrameType;
use crate::message::{Inbound, response_error};
use crate::opack::Value;

/// What a handle asks the task to do.
pub(super) enum Command {
    /// Write a message; `done` learns whether it was written.
    Send {
        frame_type: FrameType,
        body: Value,
        done: oneshot::Sender<Result<(), CompanionError>>,
    },
    /// Write a message and hand its response to `reply`.
    Request {
        frame_type: FrameType,
        body: Value,
        key: ReplyKey,
        name: String,
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
    pub(super) events: broadcast::Sender<Arc<Event>>,
    pub(super) pending: Pending,
    pub(super) write_timeout: Duration,
    pub(super) closed: watch::Sender<Option<CloseReason>>,
    pub(super) listener: Arc<ListenerState>,
}

enum Exit {
    Requested,
    /// The device closed its end (end of stream, no error).
    ClosedByDevice,
    Failed(CompanionError),
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send + 'static> Driver<S> {
    /// Runs until the connection ends.
    pub(super) async fn run(mut self) {
        let exit = self.serve().await;
        let (error, reason) = match exit {
            Exit::Requested => (CompanionError::Closed, CloseReason::Requested),
            Exit::ClosedByDevice => (
                CompanionError::ConnectionLost {
                    reason: DEVICE_CLOSED.into(),
                },
                CloseReason::ClosedByDevice,
            ),
            Exit::Failed(error) => {
                let reason = CloseReason::Lost(error.reason());
                (error, reason)
            }
        };
        tracing::debug!("Companion connection ended: {reason:?}");
        self.pending.fail_all(&error);
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
        // Shut the socket down politely; it is dropped right after either way.
        let _ = timeout(self.write_timeout, self.framed.get_mut().shutdown()).await;
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
                    Some(Ok(Decoded::Message(message))) => self.handle_message(message),
                    Some(Ok(Decoded::Undecodable(error))) => {
                        tracing::warn!("skipping a Companion frame that cannot be decoded: {error}");
                    }
                },
                () = sleep_until(deadline.unwrap_or_else(Instant::now)), if deadline.is_some() => {
                    self.pending.expire(Instant::now());
                }
            }
        }
    }

    async fn write(&mut self, frame_type: FrameType, body: &Value) -> Result<(), CompanionError> {
        tracing::trace!("Companion >> {frame_type:?} {}", describe(body));
        match timeout(self.write_timeout, self.framed.send((frame_type, body))).await {
            Ok(result) => result,
            Err(_) => Err(CompanionError::WriteTimeout {
                after: self.write_timeout,
            }),
        }
    }

    async fn handle_command(&mut self, command: Command) -> Option<Exit> {
        match command {
            Command::Send {
                frame_type,
                body,
                done,
            } => {
                let result = self.write(frame_type, &body).await;
                let failure = result.as_ref().err().map(CompanionError::duplicate);
                let _ = done.send(result);
                failure.map(Exit::Failed)
            }
            Command::Request {
                frame_type,
                body,
                key,
                name,
                timeout,
                reply,
                hook,
            } => {
                let waiter = Waiter {
                    reply,
                    deadline: Instant::now() + timeout,
                    timeout,
                    request: name,
                    hook,
                };
                if !self.pending.insert(key, waiter) {
                    return None;
                }
                match self.write(frame_type, &body).await {
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
            } => Some(Exit::Failed(CompanionError::ConnectionLost { reason })),
        }
    }

    fn handle_message(&mut self, message: Inbound) {
        match message {
            Inbound::Auth { frame_type, body } => {
                tracing::trace!("Companion << {frame_type:?}");
                match self.pending.remove(&ReplyKey::Auth(frame_type)) {
                    Some(waiter) => self.answer(waiter, body),
                    None => tracing::warn!("no one waits for the pairing frame {frame_type:?}"),
                }
            }
            Inbound::Response { xid, body } => {
                tracing::trace!("Companion << response {xid} {}", describe(&body));
                match self.pending.remove(&ReplyKey::Xid(xid)) {
                    Some(waiter) => {
                        if let Some((message, code, domain)) = response_error(&body) {
                            let _ = waiter.reply.send(Err(CompanionError::Command {
                                request: waiter.request,
                                message,
                                code,
                                domain,
                            }));
                        } else {
                            self.answer(waiter, body);
                        }
                    }
                    None => tracing::debug!("no one waits for the response to {xid}"),
                }
            }
            Inbound::Event { name, content } => {
                tracing::trace!("Companion << event {name}");
                // No subscriber is not an error.
                let _ = self.events.send(Arc::new(Event { name, content }));
            }
            Inbound::Ignored(what) => tracing::debug!("Companion: ignoring {what}"),
        }
    }

    fn answer(&mut self, waiter: Waiter, body: Value) {
        let result = match waiter.hook {
            None => Ok(body),
            Some(hook) => match hook(&body) {
                Ok(Some(cipher)) => {
                    self.framed.codec_mut().enable_encryption(cipher);
                    Ok(body)
                }
                Ok(None) => Ok(body),
                Err(error) => Err(error),
            },
        };
        let _ = waiter.reply.send(result);
    }
}

/// The message name for logs (never the content, which may hold pairing data or text).
fn describe(body: &Value) -> &str {
    body.get("_i").and_then(Value::as_str).unwrap_or("")
}
