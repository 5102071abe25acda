//! The AirPlay listener: an accept loop, and one task per control connection that owns
//! its socket, reads requests (decrypting them once pairing is done), sends what the
//! [`ControlSession`] answers and starts the channel tasks a remote-control session asks
//! for. The channels close with their control connection.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use atv_airplay::wire::{CodecError, Response, decode_request};
use atv_pairing::HapFrameCodec;
use bytes::BytesMut;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::AirPlayConfig;
use super::control::{ControlSession, Reply, Then};
use super::{data_channel, event_channel};
use crate::error::Error;
use crate::mrp::connection::{IDLE_TIMEOUT, WRITE_TIMEOUT, stopped};
use crate::mrp::session::Context as MrpContext;

/// Pause after a failed accept (e.g. out of file descriptors) before trying again.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// What the AirPlay side shares between its connections: its configuration and the MRP
/// side's context (state and device information) that the tunnel serves.
#[derive(Debug)]
pub(crate) struct Context {
    pub(crate) config: AirPlayConfig,
    pub(crate) mrp: Arc<MrpContext>,
}

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
                    tracing::debug!(%peer, "AirPlay client connected");
                    connections.spawn(connection(stream, Arc::clone(&ctx), shutdown.clone()));
                }
                Err(error) => {
                    tracing::warn!(%error, "accepting an AirPlay connection failed");
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
    let (local_ip, peer_ip) = match (stream.local_addr(), stream.peer_addr()) {
        (Ok(local), Ok(peer)) => (local.ip(), peer.ip()),
        (Err(error), _) | (_, Err(error)) => {
            tracing::info!(%error, "AirPlay connection without an address");
            return;
        }
    };
    let mut control = ControlConnection {
        stream,
        local_ip,
        peer_ip,
        raw: BytesMut::new(),
        plain: BytesMut::new(),
        cipher: None,
        session: ControlSession::new(Arc::clone(&ctx)),
        ctx,
        channels: JoinSet::new(),
        stop_channels: watch::channel(false).0,
        recorded: watch::channel(0).0,
        next_stream_id: 1,
    };
    match control.run(shutdown).await {
        Ok(()) => tracing::debug!("AirPlay client disconnected"),
        Err(error) => tracing::info!(%error, "AirPlay connection closed"),
    }
    let _ = control.stop_channels.send(true);
    while control.channels.join_next().await.is_some() {}
}

struct ControlConnection {
    stream: TcpStream,
    local_ip: IpAddr,
    /// The client's address: the only one (besides loopback) media is fetched from.
    peer_ip: IpAddr,
    /// Bytes read and not yet decrypted.
    raw: BytesMut,
    /// Plaintext not yet making up a whole request.
    plain: BytesMut,
    /// The HAP framing, once pairing is done.
    cipher: Option<HapFrameCodec>,
    session: ControlSession,
    ctx: Arc<Context>,
    /// The event channel and data stream tasks.
    channels: JoinSet<()>,
    /// Turns true to close the channels opened so far.
    stop_channels: watch::Sender<bool>,
    /// How many times the session was recorded (the event channel watches it).
    recorded: watch::Sender<u64>,
    next_stream_id: u64,
}

impl ControlConnection {
    async fn run(&mut self, mut shutdown: watch::Receiver<bool>) -> Result<(), Error> {
        let mut deadline = Instant::now() + IDLE_TIMEOUT;
        loop {
            while let Some(request) = decode_request(&mut self.plain).map_err(CodecError::from)? {
                if !self.answer(request).await? {
                    return Ok(());
                }
            }
            tokio::select! {
                read = self.stream.read_buf(&mut self.raw) => {
                    if read? == 0 {
                        return Ok(());
                    }
                    deadline = Instant::now() + IDLE_TIMEOUT;
                    self.decrypt()?;
                }
                () = tokio::time::sleep_until(deadline) => return Err(Error::IdleTimeout),
                Some(_) = self.channels.join_next(), if !self.channels.is_empty() => {}
                () = stopped(&mut shutdown) => return Ok(()),
            }
        }
    }

    /// Moves what was read into the plaintext buffer, decrypting whole frames once the
    /// connection is encrypted.
    fn decrypt(&mut self) -> Result<(), Error> {
        match &mut self.cipher {
            Some(cipher) => {
                while let Some(plain) = cipher
                    .opener
                    .open_from(&mut self.raw)
                    .map_err(|_| Error::DecryptFailed)?
                {
                    self.plain.extend_from_slice(&plain);
                }
            }
            None => self.plain.extend_from_slice(&self.raw.split()),
        }
        Ok(())
    }

    /// Answers one request; `Ok(false)` when the connection is to be closed.
    async fn answer(&mut self, request: atv_airplay::wire::Request) -> Result<bool, Error> {
        match self.session.handle(request) {
            Reply::Respond(response, then) => {
                self.send(&response).await?;
                match then {
                    Then::Nothing => {}
                    Then::Encrypt(keys) => self.cipher = Some(HapFrameCodec::new(&keys)),
                    Then::Close => return Ok(false),
                    Then::StopChannels => {
                        let _ = self.stop_channels.send(true);
                        self.stop_channels = watch::channel(false).0;
                    }
                    Then::Recorded => self.recorded.send_modify(|count| *count += 1),
                }
            }
            Reply::OpenEventChannel(keys) => {
                let response = match self.listen().await {
                    Some((listener, port)) => {
                        let stop = self.stop_channels.subscribe();
                        let recorded = self.recorded.subscribe();
                        let ctx = Arc::clone(&self.ctx);
                        self.channels
                            .spawn(event_channel::serve(listener, keys, ctx, recorded, stop));
                        self.session.event_channel_opened(port)
                    }
                    None => self.session.channel_failed(),
                };
                if let Some(response) = response {
                    self.send(&response).await?;
                }
            }
            Reply::FetchMedia(request, url) => {
                let fetched = super::playback::fetch(&url, self.peer_ip).await;
                let response = self.session.play_fetched(&request, fetched);
                self.send(&response).await?;
            }
            Reply::OpenDataStream(keys) => {
                let response = match self.listen().await {
                    Some((listener, port)) => {
                        let stop = self.stop_channels.subscribe();
                        let mrp = Arc::clone(&self.ctx.mrp);
                        self.channels
                            .spawn(data_channel::serve(listener, keys, mrp, stop));
                        let id = self.next_stream_id;
                        self.next_stream_id += 1;
                        self.session.data_stream_opened(port, id)
                    }
                    None => self.session.channel_failed(),
                };
                if let Some(response) = response {
                    self.send(&response).await?;
                }
            }
        }
        Ok(true)
    }

    /// A listener for a channel, on the address the client reached this connection at.
    async fn listen(&self) -> Option<(TcpListener, u16)> {
        let address = SocketAddr::new(self.local_ip, 0);
        let bound = TcpListener::bind(address).await.and_then(|listener| {
            let port = listener.local_addr()?.port();
            Ok((listener, port))
        });
        match bound {
            Ok(bound) => Some(bound),
            Err(error) => {
                tracing::warn!(%error, "cannot listen for an AirPlay channel");
                None
            }
        }
    }

    async fn send(&mut self, response: &Response) -> Result<(), Error> {
        tracing::debug!(status = response.status, "AirPlay response");
        let mut plain = BytesMut::new();
        response.encode(&mut plain);
        let bytes = match &mut self.cipher {
            Some(cipher) => {
                let mut sealed = BytesMut::new();
                cipher
                    .sealer
                    .seal_into(&plain, &mut sealed)
                    .map_err(|_| Error::EncryptFailed)?;
                sealed
            }
            None => plain,
        };
        match tokio::time::timeout(WRITE_TIMEOUT, self.stream.write_all(&bytes)).await {
            Ok(result) => Ok(result?),
            Err(_) => Err(Error::WriteTimeout),
        }
    }
}
