//! One Companion connection: a task that owns the socket, and cloneable handles to it.
//!
//! [`CompanionConnection::connect`] opens the TCP connection and spawns the task.
//! Handles send requests ([`CompanionConnection::request`]) whose responses are matched
//! by transaction id (`_x`), with a timeout each and a cap on how many wait at once;
//! pairing frames ([`CompanionConnection::exchange_auth`]) are matched by frame type.
//! Events from the device are broadcast to [`CompanionConnection::subscribe`]rs. After
//! pair-verify the task encrypts inside its codec; nothing above notices.
//!
//! The connection ends when [`CompanionConnection::close`] is called, when every handle
//! is dropped, or on an error; waiting requests then fail, and the [`DeviceListener`],
//! if one is set, hears about it exactly once.

mod driver;
pub(crate) mod pending;
pub(crate) mod session_codec;

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio_util::codec::Framed;

use atv_core::interface::DeviceListener;

use crate::error::{CompanionError, Result};
use crate::frame::FrameType;
use crate::message::{MessageType, message, pairing_message};
use crate::opack::Value;
use driver::{Command, Driver};
use pending::{ReplyHook, ReplyKey};
use session_codec::SessionCodec;

pub use session_codec::client_cipher;

/// An event the device sent (`_t` = 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Its name (`_i`), e.g. `SystemStatus`.
    pub name: String,
    /// Its content (`_c`).
    pub content: Value,
}

/// Tuning of a connection. The defaults are what pyatv uses where it has a value.
#[derive(Debug, Clone)]
pub struct ConnectionOptions {
    /// How long a request waits for its response (pyatv: 5 s).
    pub request_timeout: Duration,
    /// How long writing one frame may take.
    pub write_timeout: Duration,
    /// How many requests may wait for responses at once.
    pub max_in_flight: usize,
    /// How many events a slow subscriber may fall behind by.
    pub broadcast_capacity: usize,
    /// Largest frame payload accepted from the device.
    pub max_payload_len: usize,
}

impl Default for ConnectionOptions {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(5),
            write_timeout: Duration::from_secs(10),
            max_in_flight: 64,
            broadcast_capacity: 256,
            max_payload_len: 1 << 20,
        }
    }
}

/// Why requests fail once the device closed its end.
const DEVICE_CLOSED: &str = "the device closed the connection";

/// How a connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloseReason {
    /// It was closed on purpose.
    Requested,
    /// The device closed its end cleanly (reported as closed, not lost, as pyatv
    /// does when the stream ends without an error).
    ClosedByDevice,
    /// It failed; the text says why.
    Lost(String),
}

#[derive(Default)]
struct ListenerSlotState {
    listener: Option<Weak<dyn DeviceListener>>,
    outcome: Option<CloseReason>,
    reported: bool,
}

/// Reports the end of a connection exactly once, whichever comes first: the end or the
/// listener.
#[derive(Default)]
pub(crate) struct ListenerState(Mutex<ListenerSlotState>);

impl ListenerState {
    fn set(&self, listener: Option<Weak<dyn DeviceListener>>) {
        let mut state = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        state.listener = listener;
        state.reported = false;
        let due = Self::take_due(&mut state);
        drop(state);
        Self::report(due);
    }

    fn finish(&self, outcome: CloseReason) {
        let mut state = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        state.outcome = Some(outcome);
        let due = Self::take_due(&mut state);
        drop(state);
        Self::report(due);
    }

    fn take_due(state: &mut ListenerSlotState) -> Option<(Arc<dyn DeviceListener>, CloseReason)> {
        if state.reported {
            return None;
        }
        let outcome = state.outcome.clone()?;
        let listener = state.listener.as_ref()?.upgrade()?;
        state.reported = true;
        Some((listener, outcome))
    }

    fn report(due: Option<(Arc<dyn DeviceListener>, CloseReason)>) {
        match due {
            Some((listener, CloseReason::Requested | CloseReason::ClosedByDevice)) => {
                listener.connection_closed();
            }
            Some((listener, CloseReason::Lost(reason))) => {
                listener.connection_lost(&atv_core::Error::ConnectionLost(reason));
            }
            None => {}
        }
    }
}

struct Inner {
    commands: mpsc::Sender<Command>,
    events: broadcast::WeakSender<Arc<Event>>,
    closed: watch::Receiver<Option<CloseReason>>,
    listener: Arc<ListenerState>,
    request_timeout: Duration,
    next_xid: AtomicU32,
    peer: Option<SocketAddr>,
}

/// A handle to a Companion connection. Clones share the connection; it closes when the
/// last handle is dropped.
#[derive(Clone)]
pub struct CompanionConnection {
    inner: Arc<Inner>,
}

impl fmt::Debug for CompanionConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CompanionConnection")
            .field("peer", &self.inner.peer)
            .field("closed", &*self.inner.closed.borrow())
            .finish()
    }
}

async fn wait_closed(mut closed: watch::Receiver<Option<CloseReason>>) -> CloseReason {
    match closed.wait_for(Option::is_some).await {
        Ok(reason) => reason.clone().unwrap_or(CloseReason::Requested),
        Err(_) => CloseReason::Requested,
    }
}

impl CompanionConnection {
    /// Connects to `address:port`, giving up after `timeout`.
    pub async fn connect(
        address: IpAddr,
        port: u16,
        timeout: Duration,
        options: ConnectionOptions,
    ) -> Result<Self> {
        let target = SocketAddr::new(address, port);
        let stream = match tokio::time::timeout(timeout, TcpStream::connect(target)).await {
            Ok(Ok(stream)) => stream,
            Ok(Err(source)) => {
                return Err(CompanionError::Connect {
                    address: target,
                    source,
                });
            }
            Err(_) => {
                return Err(CompanionError::ConnectTimeout {
                    address: target,
                    after: timeout,
                });
            }
        };
        stream.set_nodelay(true)?;
        Ok(Self::start(stream, options, Some(target)))
    }

    /// Runs a connection over an already open byte stream. Spawns the task on the
    /// current tokio runtime.
    pub fn from_stream<S>(stream: S, options: ConnectionOptions) -> Self
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        Self::start(stream, options, None)
    }

    fn start<S>(stream: S, options: ConnectionOptions, peer: Option<SocketAddr>) -> Self
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let (commands_tx, commands_rx) = mpsc::channel(options.max_in_flight.max(1));
        let (events, _) = broadcast::channel(options.broadcast_capacity.max(1));
        let (closed_tx, closed_rx) = watch::channel(None);
        let listener = Arc::new(ListenerState::default());
        let driver = Driver {
            framed: Framed::new(stream, SessionCodec::new(options.max_payload_len)),
            commands: commands_rx,
            events: events.clone(),
            pending: pending::Pending::new(options.max_in_flight.max(1)),
            write_timeout: options.write_timeout,
            closed: closed_tx,
            listener: Arc::clone(&listener),
        };
        let inner = Inner {
            commands: commands_tx,
            events: events.downgrade(),
            closed: closed_rx,
            listener,
            request_timeout: options.request_timeout,
            // pyatv starts anywhere in 0..=2^16 and counts up.
            next_xid: AtomicU32::new(rand::random::<u32>() % 0x1_0001),
            peer,
        };
        drop(events);
        tokio::spawn(driver.run());
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The address of the device, when connected over TCP.
    pub fn peer(&self) -> Option<SocketAddr> {
        self.inner.peer
    }

    fn next_xid(&self) -> u32 {
        self.inner.next_xid.fetch_add(1, Ordering::Relaxed)
    }

    async fn command(&self, command: Command) -> Result<()> {
        self.inner
            .commands
            .send(command)
            .await
            .map_err(|_| self.end_error())
    }

    fn end_error(&self) -> CompanionError {
        match &*self.inner.closed.borrow() {
            Some(CloseReason::Lost(reason)) => CompanionError::ConnectionLost {
                reason: reason.clone(),
            },
            Some(CloseReason::ClosedByDevice) => CompanionError::ConnectionLost {
                reason: DEVICE_CLOSED.into(),
            },
            _ => CompanionError::Closed,
        }
    }

    async fn exchange(
        &self,
        frame_type: FrameType,
        body: Value,
        key: ReplyKey,
        name: String,
        timeout: Duration,
        hook: Option<ReplyHook>,
    ) -> Result<Value> {
        let (reply, result) = oneshot::channel();
        self.command(Command::Request {
            frame_type,
            body,
            key,
            name,
            timeout,
            reply,
            hook,
        })
        .await?;
        result.await.map_err(|_| self.end_error())?
    }

    /// Sends request `identifier` with `content` in an `E_OPACK` frame and waits for its
    /// response (the whole dictionary; its content is under `_c`). A response carrying
    /// an error (`_em`) is [`CompanionError::Command`].
    pub async fn request(&self, identifier: &str, content: Value) -> Result<Value> {
        self.request_with_timeout(identifier, content, self.inner.request_timeout)
            .await
    }

    /// Like [`request`](Self::request) with another timeout.
    pub async fn request_with_timeout(
        &self,
        identifier: &str,
        content: Value,
        timeout: Duration,
    ) -> Result<Value> {
        let xid = self.next_xid();
        let body = message(identifier, MessageType::Request, content, xid);
        self.exchange(
            FrameType::EOpack,
            body,
            ReplyKey::Xid(i64::from(xid)),
            identifier.to_owned(),
            timeout,
            None,
        )
        .await
    }

    /// Sends event `identifier` with `content` (no response); returns once written.
    pub async fn send_event(&self, identifier: &str, content: Value) -> Result<()> {
        let body = message(identifier, MessageType::Event, content, self.next_xid());
        let (done, result) = oneshot::channel();
        self.command(Command::Send {
            frame_type: FrameType::EOpack,
            body,
            done,
        })
        .await?;
        result.await.map_err(|_| self.end_error())?
    }

    /// Sends a pairing frame (`_pd` = `tlv`, plus `extra` integer entries) and waits for
    /// the device's pairing frame in return: a `*_Start` is answered by `*_Next`.
    pub(crate) async fn exchange_auth(
        &self,
        frame_type: FrameType,
        tlv: Vec<u8>,
        extra: &[(&str, i64)],
        hook: Option<ReplyHook>,
    ) -> Result<Value> {
        let answer_type = match frame_type {
            FrameType::PsStart => FrameType::PsNext,
            FrameType::PvStart => FrameType::PvNext,
            other => other,
        };
        let body = pairing_message(tlv, extra, self.next_xid());
        self.exchange(
            frame_type,
            body,
            ReplyKey::Auth(answer_type),
            format!("{frame_type:?}"),
            self.inner.request_timeout,
            hook,
        )
        .await
    }

    /// Receives every event from now on. A receiver that falls more than
    /// [`ConnectionOptions::broadcast_capacity`] events behind loses the oldest.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        match self.inner.events.upgrade() {
            Some(sender) => sender.subscribe(),
            None => broadcast::channel(1).1,
        }
    }

    /// Sets (or removes) who hears about the end of the connection, exactly once.
    pub fn set_listener(&self, listener: Option<Weak<dyn DeviceListener>>) {
        self.inner.listener.set(listener);
    }

    /// Whether the connection has ended.
    pub fn is_closed(&self) -> bool {
        self.inner.closed.borrow().is_some()
    }

    /// Waits until the connection ends, and says how.
    pub async fn closed(&self) -> CloseReason {
        wait_closed(self.inner.closed.clone()).await
    }

    /// Closes the connection and waits until it is torn down.
    pub async fn close(&self) {
        if self.command(Command::Close { error: None }).await.is_ok() {
            self.closed().await;
        }
    }
}
