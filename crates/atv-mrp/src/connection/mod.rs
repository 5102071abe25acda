//! One MRP connection: a task that owns the socket, and cloneable handles to it.
//!
//! [`MrpConnection::connect`] opens the TCP connection and spawns the task. Handles send
//! messages ([`MrpConnection::send`]) and requests ([`MrpConnection::request`]) whose
//! replies are matched by the `identifier` the connection gives them; each request has a
//! timeout, and the number waiting at once is capped. Every other message the device
//! sends is shown to the [`MessageObserver`] (in order, before any later reply is
//! handed out) and then broadcast to [`MrpConnection::subscribe`]rs. After pair-verify
//! the task encrypts inside its codec; nothing above notices.
//!
//! The connection ends when [`MrpConnection::close`] is called, when every handle is
//! dropped, when the device closes its end, or on an error; waiting requests then fail,
//! and the [`DeviceListener`], if one is set, hears about it exactly once: as closed
//! when we or the device closed the stream cleanly (end of stream without an error, as
//! pyatv reports it), as lost on an error (reset, malformed data, a failed write, a
//! [`MrpConnection::fail`]).

mod driver;
pub(crate) mod pending;
pub(crate) mod session_codec;

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio_util::codec::Framed;

use atv_core::interface::DeviceListener;

use crate::error::{MrpError, Result};
use crate::framing::DEFAULT_MAX_FRAME_LEN;
use crate::message_builders::random_uuid;
use crate::protobuf::{MessageType, ProtocolMessage};
use driver::{Command, Driver};
use pending::{ReplyHook, ReplyKey};
use session_codec::SessionCodec;

/// Sees every message the device sends that is not a reply, in order, on the
/// connection's task, before the message is broadcast and before any later reply reaches
/// its request. Keep it short: the connection reads nothing while it runs.
pub trait MessageObserver: Send + Sync {
    /// A message that answers no request arrived.
    fn message_received(&self, message: &ProtocolMessage);
}

/// Tuning of a connection. The defaults are what pyatv uses where it has a value.
#[derive(Clone)]
pub struct ConnectionOptions {
    /// How long a request waits for its reply (pyatv: 5 s).
    pub request_timeout: Duration,
    /// How long writing one message may take.
    pub write_timeout: Duration,
    /// How many requests may wait for replies at once.
    pub max_in_flight: usize,
    /// How many unsolicited messages a slow subscriber may fall behind by.
    pub broadcast_capacity: usize,
    /// Largest frame accepted from the device.
    pub max_frame_len: usize,
    /// Sees unsolicited messages in order (see [`MessageObserver`]).
    pub observer: Option<Arc<dyn MessageObserver>>,
}

impl Default for ConnectionOptions {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(5),
            write_timeout: Duration::from_secs(10),
            max_in_flight: 64,
            broadcast_capacity: 256,
            max_frame_len: DEFAULT_MAX_FRAME_LEN,
            observer: None,
        }
    }
}

impl fmt::Debug for ConnectionOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectionOptions")
            .field("request_timeout", &self.request_timeout)
            .field("write_timeout", &self.write_timeout)
            .field("max_in_flight", &self.max_in_flight)
            .field("broadcast_capacity", &self.broadcast_capacity)
            .field("max_frame_len", &self.max_frame_len)
            .field("observer", &self.observer.is_some())
            .finish()
    }
}

/// Why requests fail once the device closed its end.
const DEVICE_CLOSED: &str = "the device closed the connection";

/// How a connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloseReason {
    /// It was closed on purpose.
    Requested,
    /// The device closed its end cleanly (end of stream, no error); reported to the
    /// listener as closed, not lost, as pyatv does.
    ClosedByDevice,
    /// It failed; the text says why.
    Lost(String),
}

/// Who hears about the end of the connection, and whether they did.
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
        // Each listener hears once.
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
    updates: broadcast::WeakSender<Arc<ProtocolMessage>>,
    closed: watch::Receiver<Option<CloseReason>>,
    listener: Arc<ListenerState>,
    request_timeout: Duration,
    peer: Option<SocketAddr>,
}

/// A handle to an MRP connection. Clones share the connection; it closes when the last
/// handle is dropped.
#[derive(Clone)]
pub struct MrpConnection {
    inner: Arc<Inner>,
}

/// A handle that does not keep the connection open (for background tasks such as the
/// heartbeat).
#[derive(Clone)]
pub struct WeakMrpConnection {
    inner: Weak<Inner>,
    closed: watch::Receiver<Option<CloseReason>>,
}

impl WeakMrpConnection {
    /// The connection, unless every strong handle is gone.
    pub fn upgrade(&self) -> Option<MrpConnection> {
        self.inner.upgrade().map(|inner| MrpConnection { inner })
    }

    /// Waits until the connection ends, and says how.
    pub async fn closed(&self) -> CloseReason {
        wait_closed(self.closed.clone()).await
    }
}

async fn wait_closed(mut closed: watch::Receiver<Option<CloseReason>>) -> CloseReason {
    match closed.wait_for(Option::is_some).await {
        Ok(reason) => reason.clone().unwrap_or(CloseReason::Requested),
        // The task is gone without a word; it cannot end otherwise than closed.
        Err(_) => CloseReason::Requested,
    }
}

impl fmt::Debug for MrpConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MrpConnection")
            .field("peer", &self.inner.peer)
            .field("closed", &*self.inner.closed.borrow())
            .finish()
    }
}

/// The name of a message's type, for logs and errors (`SendCommandMessage`, ...).
pub(crate) fn message_type_name(message: &ProtocolMessage) -> String {
    let value = message.r#type.unwrap_or_default();
    match MessageType::try_from(value) {
        Ok(message_type) => format!("{message_type:?}"),
        Err(_) => format!("message type {value}"),
    }
}

impl MrpConnection {
    /// Connects to `address:port`, giving up after `timeout`, with default options.
    pub async fn connect(address: IpAddr, port: u16, timeout: Duration) -> Result<Self> {
        Self::connect_with(address, port, timeout, ConnectionOptions::default()).await
    }

    /// Connects to `address:port`, giving up after `timeout`.
    pub async fn connect_with(
        address: IpAddr,
        port: u16,
        timeout: Duration,
        options: ConnectionOptions,
    ) -> Result<Self> {
        let target = SocketAddr::new(address, port);
        let stream = match tokio::time::timeout(timeout, TcpStream::connect(target)).await {
            Ok(Ok(stream)) => stream,
            Ok(Err(source)) => {
                return Err(MrpError::Connect {
                    address: target,
                    source,
                });
            }
            Err(_) => {
                return Err(MrpError::ConnectTimeout {
                    address: target,
                    after: timeout,
                });
            }
        };
        // Small messages (key presses) should not wait for Nagle.
        stream.set_nodelay(true)?;
        Ok(Self::start(stream, options, Some(target)))
    }

    /// Runs the MRP connection over an already open byte stream (a TCP connection, the
    /// AirPlay tunnel, or one end of an in-memory pipe in tests). Spawns the task on the
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
        let (updates, _) = broadcast::channel(options.broadcast_capacity.max(1));
        let (closed_tx, closed_rx) = watch::channel(None);
        let listener = Arc::new(ListenerState::default());
        let driver = Driver {
            framed: Framed::new(stream, SessionCodec::new(options.max_frame_len)),
            commands: commands_rx,
            updates: updates.clone(),
            observer: options.observer,
            pending: pending::Pending::new(options.max_in_flight.max(1)),
            write_timeout: options.write_timeout,
            closed: closed_tx,
            listener: Arc::clone(&listener),
        };
        let inner = Inner {
            commands: commands_tx,
            updates: updates.downgrade(),
            closed: closed_rx,
            listener,
            request_timeout: options.request_timeout,
            peer,
        };
        drop(updates);
        tokio::spawn(driver.run());
        Self {
            inner: Arc::new(inner),
        }
    }

    /// A handle that does not keep the connection open.
    pub fn downgrade(&self) -> WeakMrpConnection {
        WeakMrpConnection {
            inner: Arc::downgrade(&self.inner),
            closed: self.inner.closed.clone(),
        }
    }

    /// The address of the device, when connected over TCP.
    pub fn peer(&self) -> Option<SocketAddr> {
        self.inner.peer
    }

    /// The reply timeout requests get by default.
    pub fn request_timeout(&self) -> Duration {
        self.inner.request_timeout
    }

    async fn command(&self, command: Command) -> Result<()> {
        self.inner
            .commands
            .send(command)
            .await
            .map_err(|_| self.end_error())
    }

    /// The error for a connection whose task has ended.
    fn end_error(&self) -> MrpError {
        match &*self.inner.closed.borrow() {
            Some(CloseReason::Lost(reason)) => MrpError::ConnectionLost {
                reason: reason.clone(),
            },
            Some(CloseReason::ClosedByDevice) => MrpError::ConnectionLost {
                reason: DEVICE_CLOSED.into(),
            },
            _ => MrpError::Closed,
        }
    }

    /// Sends a message that gets no reply; returns once it was written.
    pub async fn send(&self, message: ProtocolMessage) -> Result<()> {
        let (done, result) = oneshot::channel();
        self.command(Command::Send { message, done }).await?;
        result.await.map_err(|_| self.end_error())?
    }

    /// Sends a request and waits for its reply (default timeout). The message gets a new
    /// upper-case UUID as `identifier`, which the device copies into its reply.
    pub async fn request(&self, message: ProtocolMessage) -> Result<ProtocolMessage> {
        self.request_with_timeout(message, self.inner.request_timeout)
            .await
    }

    /// Like [`request`](Self::request) with another timeout.
    pub async fn request_with_timeout(
        &self,
        mut message: ProtocolMessage,
        timeout: Duration,
    ) -> Result<ProtocolMessage> {
        let identifier = random_uuid();
        message.identifier = Some(identifier.clone());
        self.exchange(message, ReplyKey::Identifier(identifier), timeout, None)
            .await
    }

    /// Sends a request whose reply carries no identifier: the next message of the same
    /// type without identifier is taken as the reply (pairing messages work this way).
    pub async fn request_by_type(&self, message: ProtocolMessage) -> Result<ProtocolMessage> {
        let key = ReplyKey::Type(message.r#type.unwrap_or_default());
        self.exchange(message, key, self.inner.request_timeout, None)
            .await
    }

    /// Like [`request_by_type`](Self::request_by_type), running `hook` on the reply in
    /// the connection task before anything later is decoded.
    pub(crate) async fn request_by_type_with_hook(
        &self,
        message: ProtocolMessage,
        hook: ReplyHook,
    ) -> Result<ProtocolMessage> {
        let key = ReplyKey::Type(message.r#type.unwrap_or_default());
        self.exchange(message, key, self.inner.request_timeout, Some(hook))
            .await
    }

    async fn exchange(
        &self,
        message: ProtocolMessage,
        key: ReplyKey,
        timeout: Duration,
        hook: Option<ReplyHook>,
    ) -> Result<ProtocolMessage> {
        let (reply, result) = oneshot::channel();
        self.command(Command::Request {
            message,
            key,
            timeout,
            reply,
            hook,
        })
        .await?;
        // The task answers every request: with the reply, at its deadline, or when the
        // connection ends.
        result.await.map_err(|_| self.end_error())?
    }

    /// Receives every message that answers no request, from now on. A receiver that
    /// falls more than [`ConnectionOptions::broadcast_capacity`] messages behind loses
    /// the oldest (it is told how many).
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<ProtocolMessage>> {
        match self.inner.updates.upgrade() {
            Some(sender) => sender.subscribe(),
            // The connection has ended: a receiver that reports closed at once.
            None => broadcast::channel(1).1,
        }
    }

    /// Sets (or with `None`, removes) who hears about the end of the connection. When
    /// the connection has already ended, the listener hears about it now; either way it
    /// hears exactly once.
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

    /// Ends the connection as failed (e.g. when heartbeats go unanswered).
    pub async fn fail(&self, reason: impl Into<String>) {
        let error = Some(reason.into());
        if self.command(Command::Close { error }).await.is_ok() {
            self.closed().await;
        }
    }
}
