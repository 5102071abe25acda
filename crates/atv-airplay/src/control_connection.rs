//! The AirPlay control connection: one task owns the TCP socket; requests are answered
//! in order (HTTP and RTSP on one socket answer in order; RTSP's `CSeq` is checked by
//! [`RtspClient`](crate::rtsp_client::RtspClient)); every request has a timeout; after
//! pair-verify the task switches to HAP encryption.

use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot, watch};
use tokio_util::sync::CancellationToken;

use atv_pairing::SessionKeys;

use crate::error::{AirPlayError, Result};
use crate::hap_channel::HapChannel;
use crate::wire::{Request, Response, decode_response};

/// How long a request waits for its response by default (a sleeping device can take a
/// while to wake up).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long opening the connection may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long writing to the socket may take.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Most requests waiting for a response.
const MAX_IN_FLIGHT: usize = 32;
/// What [`ControlConnection::closed`] says when the device ended the stream cleanly.
pub(crate) const CLOSED_BY_DEVICE: &str = "closed by the device";

enum Command {
    Send {
        request: Request,
        reply: oneshot::Sender<Result<Response>>,
    },
    Encrypt {
        keys: Box<SessionKeys>,
        done: oneshot::Sender<()>,
    },
}

/// The header naming us to the device.
const CLIENT_NAME_HEADER: &str = "X-Apple-Client-Name";

/// A handle to the control connection; clones share it. Dropping every handle closes it.
#[derive(Clone, Debug)]
pub struct ControlConnection {
    commands: mpsc::Sender<Command>,
    closed: watch::Receiver<Option<String>>,
    cancel: CancellationToken,
    local: SocketAddr,
    peer: SocketAddr,
    /// Sent as `X-Apple-Client-Name` with every request (see [`Self::with_client_name`]).
    client_name: Option<Arc<str>>,
    _guard: Arc<DropGuard>,
}

#[derive(Debug)]
struct DropGuard(CancellationToken);

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

impl ControlConnection {
    /// Connects to `address:port`.
    pub async fn connect(address: IpAddr, port: u16) -> Result<Self> {
        let target = SocketAddr::new(address, port);
        let stream = match tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(target)).await {
            Ok(Ok(stream)) => stream,
            Ok(Err(source)) => {
                return Err(AirPlayError::Connect {
                    address: target,
                    source,
                });
            }
            Err(_) => {
                return Err(AirPlayError::ConnectTimeout {
                    address: target,
                    after: CONNECT_TIMEOUT,
                });
            }
        };
        stream.set_nodelay(true)?;
        let local = stream.local_addr()?;
        let (commands, commands_rx) = mpsc::channel(MAX_IN_FLIGHT);
        let (closed_tx, closed) = watch::channel(None);
        let cancel = CancellationToken::new();
        tokio::spawn(run(stream, commands_rx, closed_tx, cancel.clone()));
        Ok(Self {
            commands,
            closed,
            cancel: cancel.clone(),
            local,
            peer: target,
            client_name: None,
            _guard: Arc::new(DropGuard(cancel)),
        })
    }

    /// Names us to the device: every request sent through this handle (and clones made
    /// from it afterwards) carries `X-Apple-Client-Name: name`, which newer tvOS versions
    /// expect and show in their list of AirPlay senders.
    #[must_use]
    pub fn with_client_name(mut self, name: &str) -> Self {
        self.client_name = Some(Arc::from(name));
        self
    }

    /// Our address on this connection (the device reaches us there).
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// The device's address.
    pub fn peer_addr(&self) -> SocketAddr {
        self.peer
    }

    /// Sends `request` and waits up to `timeout` for its response.
    ///
    /// A timeout closes the connection: later responses could no longer be matched.
    pub async fn request(&self, request: Request, timeout: Duration) -> Result<Response> {
        let request = match &self.client_name {
            Some(name) if !request.headers.contains(CLIENT_NAME_HEADER) => {
                request.with_header(CLIENT_NAME_HEADER, &**name)
            }
            _ => request,
        };
        let label = format!("{} {}", request.method, request.uri);
        let (reply, response) = oneshot::channel();
        self.commands
            .send(Command::Send { request, reply })
            .await
            .map_err(|_| self.closed_error())?;
        match tokio::time::timeout(timeout, response).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(self.closed_error()),
            Err(_) => {
                self.cancel.cancel();
                Err(AirPlayError::Timeout {
                    request: label,
                    after: timeout,
                })
            }
        }
    }

    /// Encrypts everything sent and received from now on with `keys`.
    pub async fn enable_encryption(&self, keys: SessionKeys) -> Result<()> {
        let (done, wait) = oneshot::channel();
        self.commands
            .send(Command::Encrypt {
                keys: Box::new(keys),
                done,
            })
            .await
            .map_err(|_| self.closed_error())?;
        wait.await.map_err(|_| self.closed_error())
    }

    /// Whether the connection has closed.
    pub fn is_closed(&self) -> bool {
        self.closed.borrow().is_some() || self.cancel.is_cancelled()
    }

    /// Waits until the connection has closed; returns why.
    pub async fn closed(&self) -> String {
        let mut closed = self.closed.clone();
        match closed.wait_for(Option::is_some).await {
            Ok(reason) => reason.clone().unwrap_or_default(),
            Err(_) => "closed".to_owned(),
        }
    }

    /// Closes the connection; returns when its task has finished.
    pub async fn close(&self) {
        self.cancel.cancel();
        let _ = self.closed().await;
    }

    fn closed_error(&self) -> AirPlayError {
        AirPlayError::Closed {
            reason: self
                .closed
                .borrow()
                .clone()
                .unwrap_or_else(|| "closed".to_owned()),
        }
    }
}

async fn run(
    mut stream: TcpStream,
    mut commands: mpsc::Receiver<Command>,
    closed: watch::Sender<Option<String>>,
    cancel: CancellationToken,
) {
    let mut pending: VecDeque<oneshot::Sender<Result<Response>>> = VecDeque::new();
    let mut channel = HapChannel::default();
    let mut raw = BytesMut::with_capacity(4096);
    let mut plain = BytesMut::new();
    let reason: String = loop {
        tokio::select! {
            () = cancel.cancelled() => break "closed".to_owned(),
            command = commands.recv() => match command {
                None => break "closed".to_owned(),
                Some(Command::Encrypt { keys, done }) => {
                    channel.enable(&keys);
                    let _ = done.send(());
                }
                Some(Command::Send { request, reply }) => {
                    if pending.len() >= MAX_IN_FLIGHT {
                        let _ = reply.send(Err(AirPlayError::InvalidState(format!(
                            "{MAX_IN_FLIGHT} requests are already waiting; retry later"
                        ))));
                        continue;
                    }
                    let mut plain_out = BytesMut::new();
                    request.encode(&mut plain_out);
                    let mut out = BytesMut::new();
                    if let Err(error) = channel.seal(&plain_out, &mut out) {
                        let _ = reply.send(Err(error));
                        break "encryption failed".to_owned();
                    }
                    match tokio::time::timeout(WRITE_TIMEOUT, stream.write_all(&out)).await {
                        Ok(Ok(())) => pending.push_back(reply),
                        Ok(Err(error)) => break format!("write failed: {error}"),
                        Err(_) => break "write timed out".to_owned(),
                    }
                }
            },
            read = stream.read_buf(&mut raw) => match read {
                Ok(0) => break CLOSED_BY_DEVICE.to_owned(),
                Err(error) => break format!("read failed: {error}"),
                Ok(_) => {
                    if let Err(error) = channel.open(&mut raw, &mut plain) {
                        break error.to_string();
                    }
                    if let Err(reason) = dispatch(&mut plain, &mut pending) {
                        break reason;
                    }
                }
            },
        }
    };
    tracing::debug!(%reason, "AirPlay control connection ended");
    for waiter in pending {
        let _ = waiter.send(Err(AirPlayError::Closed {
            reason: reason.clone(),
        }));
    }
    let _ = stream.shutdown().await;
    let _ = closed.send(Some(reason));
}

/// Hands every complete response to the oldest waiting request.
fn dispatch(
    plain: &mut BytesMut,
    pending: &mut VecDeque<oneshot::Sender<Result<Response>>>,
) -> std::result::Result<(), String> {
    loop {
        match decode_response(plain) {
            Ok(Some(response)) => match pending.pop_front() {
                Some(waiter) => {
                    let _ = waiter.send(Ok(response));
                }
                None => tracing::debug!(status = response.status, "response without request"),
            },
            Ok(None) => return Ok(()),
            Err(error) => return Err(error.to_string()),
        }
    }
}
