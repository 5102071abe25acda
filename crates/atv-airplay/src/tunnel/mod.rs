//! The AirPlay 2 remote-control tunnel (tvOS 15 and later carry MRP only here): on an
//! encrypted control connection, RTSP `SETUP` of an event channel, `RECORD`, `SETUP` of
//! a data stream (type 130) whose socket carries MRP messages in DataStream frames, and
//! `POST /feedback` every two seconds to keep the session alive.
//!
//! [`RemoteControlSession::open`] returns one end of an in-memory pipe carrying plain
//! varint-framed MRP, so atv-mrp's client runs over it unchanged
//! ([`TunnelTransport`] implements its `SecuredTransport`).
//!
//! How the tunnel ends reaches MRP's listener as pyatv reports it: the device closing
//! the data channel (or the control connection) cleanly is an end of stream, reported
//! as closed; a reset, bad data or unanswered feedback is an error, reported as lost.

mod data_channel;
mod event_channel;
mod stream;
mod transport;

pub use stream::TunnelStream;
pub use transport::TunnelTransport;

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use plist::Value;
use rand::Rng;
use tokio::net::TcpStream;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use atv_core::InfoSettings;
use atv_pairing::session_keys::{self, AIRPLAY_CONTROL, AIRPLAY_EVENTS};
use atv_pairing::{Credentials, SharedSecret};

use crate::auth::{Verified, verify};
use crate::control_connection::{CLOSED_BY_DEVICE, CONNECT_TIMEOUT, ControlConnection};
use crate::error::{AirPlayError, Result};
use crate::player::random_uuid;
use crate::plist_body::dictionary;
use crate::rtsp_client::RtspClient;

/// Interval of `POST /feedback` (what iOS uses).
pub const FEEDBACK_INTERVAL: Duration = Duration::from_secs(2);
/// Stream type of the remote-control data stream.
pub const STREAM_TYPE_REMOTE_CONTROL: i64 = 130;
/// Client type UUID announced for the data stream.
const CLIENT_TYPE_UUID: &str = "1910A70F-DBC0-4242-AF95-115DB30604E1";
/// Bytes buffered in each direction of the in-memory pipe.
const PIPE_CAPACITY: usize = 256 * 1024;

/// A live remote-control session; dropping it tears everything down.
#[derive(Debug)]
pub struct RemoteControlSession {
    rtsp: Arc<RtspClient>,
    tasks: Mutex<JoinSet<()>>,
}

impl RemoteControlSession {
    /// Connects to the AirPlay service at `address:port`, verifies `credentials` (HAP or
    /// transient: the session must be encrypted), sets up both channels and returns the
    /// session with the MRP end of the pipe.
    pub async fn open(
        address: IpAddr,
        port: u16,
        credentials: Option<&Credentials>,
        info: &InfoSettings,
    ) -> Result<(Self, TunnelStream)> {
        let connection = ControlConnection::connect(address, port)
            .await?
            .with_client_name(&info.name);
        match Self::start(connection.clone(), credentials, info).await {
            Ok(opened) => Ok(opened),
            Err(error) => {
                connection.close().await;
                Err(error)
            }
        }
    }

    async fn start(
        connection: ControlConnection,
        credentials: Option<&Credentials>,
        info: &InfoSettings,
    ) -> Result<(Self, TunnelStream)> {
        let Verified::Secret(secret) = verify(&connection, credentials).await? else {
            return Err(AirPlayError::Authentication(
                "the remote-control tunnel needs HAP or transient credentials; pair with \
                 AirPlay first"
                    .into(),
            ));
        };
        connection
            .enable_encryption(secret.session_keys(AIRPLAY_CONTROL))
            .await?;
        let peer = connection.peer_addr().ip();
        let rtsp = Arc::new(RtspClient::new(connection));
        let mut tasks = JoinSet::new();

        // Event channel: must exist, carries nothing we need.
        let reply = rtsp.setup(event_setup_body(info)).await?;
        let event_port = port_field(reply.get("eventPort"), "eventPort")?;
        let event_socket = connect(peer, event_port).await?;
        tasks.spawn(event_channel::run(
            event_socket,
            secret.session_keys(AIRPLAY_EVENTS),
        ));

        rtsp.record().await?;

        // Data channel: MRP in DataStream frames.
        let seed: u64 = rand::thread_rng().r#gen();
        let reply = rtsp.setup(data_setup_body(seed)).await?;
        let data_port = reply
            .get("streams")
            .and_then(Value::as_array)
            .and_then(|streams| streams.first())
            .and_then(Value::as_dictionary)
            .and_then(|stream| stream.get("dataPort"));
        let data_port = port_field(data_port, "streams[0].dataPort")?;
        let data_socket = connect(peer, data_port).await?;
        let (mrp_end, bridge_end) = tokio::io::duplex(PIPE_CAPACITY);
        let stop = CancellationToken::new();
        let end = Arc::new(stream::TunnelEnd::default());
        tasks.spawn(data_channel::run(
            data_socket,
            data_stream_keys(&secret, seed),
            bridge_end,
            stop.clone(),
            Arc::clone(&end),
        ));
        tasks.spawn(keep_alive(Arc::clone(&rtsp), stop, Arc::clone(&end)));
        Ok((
            Self {
                rtsp,
                tasks: Mutex::new(tasks),
            },
            TunnelStream::new(mrp_end, end),
        ))
    }

    /// Whether the control connection is still open.
    pub fn is_open(&self) -> bool {
        !self.rtsp.connection().is_closed()
    }

    /// Closes every channel; returns when they are down.
    pub async fn close(&self) {
        let mut tasks = std::mem::take(
            &mut *self
                .tasks
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        tasks.shutdown().await;
        self.rtsp.connection().close().await;
    }
}

/// Sends `POST /feedback` every [`FEEDBACK_INTERVAL`] until the control connection
/// ends; then stops the data channel, which ends MRP's side: as closed when the device
/// closed the control connection cleanly, as lost otherwise (a failed feedback, a reset).
async fn keep_alive(rtsp: Arc<RtspClient>, stop: CancellationToken, end: Arc<stream::TunnelEnd>) {
    let connection = rtsp.connection();
    let mut ticker = tokio::time::interval(FEEDBACK_INTERVAL);
    ticker.tick().await;
    loop {
        tokio::select! {
            reason = connection.closed() => {
                if reason == CLOSED_BY_DEVICE {
                    tracing::debug!("the device closed the AirPlay control connection");
                } else {
                    tracing::debug!(%reason, "the AirPlay control connection ended");
                    end.fail(format!("the AirPlay control connection ended: {reason}"));
                }
                break;
            }
            _ = ticker.tick() => {
                if let Err(error) = rtsp.feedback().await {
                    tracing::debug!(%error, "AirPlay feedback failed; ending the session");
                    // The device closing the connection under a request is still a
                    // clean end.
                    let clean = matches!(
                        &error,
                        AirPlayError::Closed { reason } if reason == CLOSED_BY_DEVICE
                    );
                    if !clean {
                        end.fail(format!("AirPlay feedback failed: {error}"));
                    }
                    connection.close().await;
                    break;
                }
            }
        }
    }
    stop.cancel();
}

fn data_stream_keys(secret: &SharedSecret, seed: u64) -> atv_pairing::SessionKeys {
    let salt = session_keys::airplay_data_stream_salt(seed);
    secret.session_keys(session_keys::airplay_data_stream(&salt))
}

fn event_setup_body(info: &InfoSettings) -> Value {
    dictionary([
        ("isRemoteControlOnly", Value::Boolean(true)),
        ("osName", Value::String(info.os_name.clone())),
        ("sourceVersion", Value::String("550.10".into())),
        ("timingProtocol", Value::String("None".into())),
        ("model", Value::String(info.model.clone())),
        ("deviceID", Value::String(info.device_id.clone())),
        ("osVersion", Value::String(info.os_version.clone())),
        ("osBuildVersion", Value::String(info.os_build.clone())),
        ("macAddress", Value::String(info.mac.clone())),
        ("sessionUUID", Value::String(random_uuid())),
        ("name", Value::String(info.name.clone())),
    ])
}

fn data_setup_body(seed: u64) -> Value {
    let stream = dictionary([
        ("controlType", Value::Integer(2.into())),
        ("channelID", Value::String(random_uuid())),
        ("seed", Value::Integer(seed.into())),
        ("clientUUID", Value::String(random_uuid())),
        ("type", Value::Integer(STREAM_TYPE_REMOTE_CONTROL.into())),
        ("wantsDedicatedSocket", Value::Boolean(true)),
        ("clientTypeUUID", Value::String(CLIENT_TYPE_UUID.into())),
    ]);
    dictionary([("streams", Value::Array(vec![stream]))])
}

fn port_field(value: Option<&Value>, name: &str) -> Result<u16> {
    value
        .and_then(Value::as_unsigned_integer)
        .and_then(|port| u16::try_from(port).ok())
        .filter(|port| *port != 0)
        .ok_or_else(|| AirPlayError::UnexpectedResponse(format!("SETUP response lacks {name}")))
}

async fn connect(address: IpAddr, port: u16) -> Result<TcpStream> {
    let target = SocketAddr::new(address, port);
    match tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(target)).await {
        Ok(Ok(stream)) => {
            stream.set_nodelay(true)?;
            Ok(stream)
        }
        Ok(Err(source)) => Err(AirPlayError::Connect {
            address: target,
            source,
        }),
        Err(_) => Err(AirPlayError::ConnectTimeout {
            address: target,
            after: CONNECT_TIMEOUT,
        }),
    }
}
