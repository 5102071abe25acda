//! The MRP client: connects, runs the start-up exchange, keeps the model of the device
//! up to date from its messages, and hands out the interface implementations
//! ([`MrpRemoteControl`], [`MrpMetadata`], [`MrpPower`], [`MrpPushUpdater`],
//! [`MrpAudio`], [`MrpFeatures`]), which all share it.

use std::fmt;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use atv_core::interface::{
    AudioListener, DeviceListener, ListenerSlot, PowerListener, PushListener,
};
use atv_core::{DeviceInfo, InfoSettings, PowerState};
use atv_pairing::HapCredentials;

use crate::artwork::ArtworkCache;
use crate::artwork_fetcher::{ArtworkFetcher, PlainHttpFetcher};
use crate::audio::MrpAudio;
use crate::connection::{ConnectionOptions, MessageObserver, MrpConnection};
use crate::error::{MrpError, Result};
use crate::features::MrpFeatures;
use crate::metadata::MrpMetadata;
use crate::model::{Applied, Event, Model};
use crate::playing::unix_now;
use crate::power::MrpPower;
use crate::protobuf::ProtocolMessage;
use crate::push_updates::MrpPushUpdater;
use crate::remote_control::MrpRemoteControl;
use crate::session::{self, HEARTBEAT_INTERVAL};

/// How to reach the device and present ourselves.
#[derive(Clone)]
pub struct MrpClientConfig {
    /// The device's address.
    pub address: IpAddr,
    /// The MRP port.
    pub port: u16,
    /// Credentials from pairing (pyatv's string); without them the session stays
    /// unencrypted, which only older tvOS versions accept.
    pub credentials: Option<String>,
    /// Name and OS build the client announces.
    pub info: InfoSettings,
    /// The device's identifier (what [`Metadata::device_id`](atv_core::interface::Metadata::device_id) returns).
    pub device_id: Option<String>,
    /// How long opening the connection may take.
    pub connect_timeout: Duration,
    /// Interval of heartbeats; `None` sends none.
    pub heartbeat_interval: Option<Duration>,
    /// Connection tuning (its observer is replaced by the client's).
    pub connection: ConnectionOptions,
    /// Fetches artwork the device names by URL; `None` always asks the device.
    pub artwork_fetcher: Option<Arc<dyn ArtworkFetcher>>,
    /// An already secured transport to run over instead of TCP to `address:port` (the
    /// AirPlay remote-control tunnel). With one, the client skips MRP's own pair-verify:
    /// the transport is encrypted already.
    pub transport: Option<Arc<dyn SecuredTransport>>,
}

/// A byte stream MRP can run over.
pub trait ByteStream:
    tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static
{
}

impl<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static> ByteStream for S {}

/// Opens an already authenticated and encrypted byte stream to the device's MRP
/// endpoint, e.g. the data channel of an AirPlay 2 remote-control session.
#[async_trait::async_trait]
pub trait SecuredTransport: Send + Sync {
    /// Opens the stream (each connect opens a new one).
    async fn open(&self) -> Result<Box<dyn ByteStream>>;

    /// Tears down what `open` set up; called when the client closes.
    async fn close(&self) {}
}

impl MrpClientConfig {
    /// A configuration with pyatv's defaults: default client info, 10 s to connect,
    /// heartbeats every 30 s, artwork URLs fetched over plain HTTP.
    pub fn new(address: IpAddr, port: u16) -> Self {
        Self {
            address,
            port,
            credentials: None,
            info: InfoSettings::default(),
            device_id: None,
            connect_timeout: Duration::from_secs(10),
            heartbeat_interval: Some(HEARTBEAT_INTERVAL),
            connection: ConnectionOptions::default(),
            artwork_fetcher: Some(Arc::new(PlainHttpFetcher::default())),
            transport: None,
        }
    }
}

impl fmt::Debug for MrpClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MrpClientConfig")
            .field("address", &self.address)
            .field("port", &self.port)
            .field(
                "credentials",
                &self.credentials.as_ref().map(|_| "<redacted>"),
            )
            .field("device_id", &self.device_id)
            .field("connect_timeout", &self.connect_timeout)
            .field("heartbeat_interval", &self.heartbeat_interval)
            .field("artwork_fetcher", &self.artwork_fetcher.is_some())
            .finish_non_exhaustive()
    }
}

/// Locks a mutex, ignoring poisoning (the data stays consistent: every update is
/// complete before anything that could panic).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What the client and its interfaces share.
pub(crate) struct Shared {
    pub(crate) config: MrpClientConfig,
    connection: Mutex<Option<MrpConnection>>,
    pub(crate) model: Mutex<Model>,
    pub(crate) power: watch::Sender<PowerState>,
    /// Counts volume reports, for callers waiting for one.
    pub(crate) volume_reports: watch::Sender<u64>,
    /// Counts device information updates, for callers waiting for output devices.
    pub(crate) device_info_reports: watch::Sender<u64>,
    pub(crate) push_listener: ListenerSlot<dyn PushListener>,
    pub(crate) power_listener: ListenerSlot<dyn PowerListener>,
    pub(crate) audio_listener: ListenerSlot<dyn AudioListener>,
    device_listener: Mutex<Option<Weak<dyn DeviceListener>>>,
    pub(crate) artwork_cache: Mutex<ArtworkCache>,
    heartbeat: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        if let Some(task) = lock(&self.heartbeat).take() {
            task.abort();
        }
    }
}

impl Shared {
    /// The connection, when connected.
    pub(crate) fn connection(&self) -> Result<MrpConnection> {
        match &*lock(&self.connection) {
            Some(connection) if !connection.is_closed() => Ok(connection.clone()),
            _ => Err(MrpError::NotConnected),
        }
    }

    /// Applies a message to the model and tells listeners and waiters what changed.
    pub(crate) fn apply(&self, message: &ProtocolMessage) {
        let applied = lock(&self.model).apply(message, unix_now());
        self.publish(applied);
    }

    fn publish(&self, applied: Applied) {
        if let Some(state) = applied.power_reported {
            self.power.send_replace(state);
        }
        if applied.volume_reported {
            self.volume_reports.send_modify(|n| *n = n.wrapping_add(1));
        }
        if applied.device_info_reported {
            self.device_info_reports
                .send_modify(|n| *n = n.wrapping_add(1));
        }
        for event in applied.events {
            self.notify(event);
        }
    }

    /// Calls the listener an event is for (outside every lock).
    pub(crate) fn notify(&self, event: Event) {
        match event {
            Event::Playing(playing) => {
                if let Some(listener) = self.push_listener.get() {
                    listener.playstatus_update(&playing);
                }
            }
            Event::Power { old, new } => {
                if let Some(listener) = self.power_listener.get() {
                    listener.powerstate_update(old, new);
                }
            }
            Event::Volume { old, new } => {
                if let Some(listener) = self.audio_listener.get() {
                    listener.volume_update(old, new);
                }
            }
            Event::DeviceVolume { device, old, new } => {
                if let Some(listener) = self.audio_listener.get() {
                    listener.volume_device_update(&device, old, new);
                }
            }
            Event::OutputDevices { old, new } => {
                if let Some(listener) = self.audio_listener.get() {
                    listener.outputdevices_update(&old, &new);
                }
            }
        }
    }
}

/// Applies the device's messages to the shared model, on the connection's task.
struct ModelObserver(Weak<Shared>);

impl MessageObserver for ModelObserver {
    fn message_received(&self, message: &ProtocolMessage) {
        if let Some(shared) = self.0.upgrade() {
            shared.apply(message);
        }
    }
}

/// An MRP client. Cheap to clone; the interface implementations it hands out share it.
/// The connection closes when the client and all of them are dropped, or on
/// [`MrpClient::close`].
#[derive(Clone)]
pub struct MrpClient {
    shared: Arc<Shared>,
}

impl fmt::Debug for MrpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MrpClient")
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

impl MrpClient {
    /// A client for the device in `config`; nothing happens until [`MrpClient::connect`].
    pub fn new(config: MrpClientConfig) -> Self {
        Self {
            shared: Arc::new(Shared {
                config,
                connection: Mutex::new(None),
                model: Mutex::new(Model::new()),
                power: watch::Sender::new(PowerState::Unknown),
                volume_reports: watch::Sender::new(0),
                device_info_reports: watch::Sender::new(0),
                push_listener: ListenerSlot::new(),
                power_listener: ListenerSlot::new(),
                audio_listener: ListenerSlot::new(),
                device_listener: Mutex::new(None),
                artwork_cache: Mutex::new(ArtworkCache::default()),
                heartbeat: Mutex::new(None),
            }),
        }
    }

    /// Creates a client and connects it.
    pub async fn connect_to(config: MrpClientConfig) -> Result<Self> {
        let client = Self::new(config);
        client.connect().await?;
        Ok(client)
    }

    /// Connects and runs the start-up exchange (device information, pair-verify with the
    /// credentials, connection state, update subscription, keyboard session), then
    /// starts the heartbeat.
    pub async fn connect(&self) -> Result<()> {
        let shared = &self.shared;
        if shared.connection().is_ok() {
            return Err(MrpError::InvalidState("already connected".into()));
        }
        let credentials = match shared.config.credentials.as_deref() {
            None => None,
            Some(text) => Some(
                text.parse::<HapCredentials>()
                    .map_err(|e| MrpError::InvalidCredentials(e.to_string()))?,
            ),
        };
        *lock(&shared.model) = Model::new();
        let options = ConnectionOptions {
            observer: Some(Arc::new(ModelObserver(Arc::downgrade(shared)))),
            ..shared.config.connection.clone()
        };
        let (connection, credentials) = match &shared.config.transport {
            Some(transport) => {
                let stream = transport.open().await?;
                // The transport is secured already: no pair-verify of MRP's own.
                (MrpConnection::from_stream(stream, options), None)
            }
            None => {
                let connection = MrpConnection::connect_with(
                    shared.config.address,
                    shared.config.port,
                    shared.config.connect_timeout,
                    options,
                )
                .await?;
                (connection, credentials)
            }
        };
        let started = session::start(&connection, &shared.config.info, credentials, |reply| {
            let applied = lock(&shared.model).apply_initial_device_info(reply);
            shared.publish(applied);
        })
        .await;
        if let Err(error) = started {
            connection.close().await;
            if let Some(transport) = &shared.config.transport {
                transport.close().await;
            }
            return Err(error);
        }
        connection.set_listener(lock(&shared.device_listener).clone());
        if let Some(interval) = shared.config.heartbeat_interval {
            let task = session::spawn_heartbeat(connection.downgrade(), interval);
            if let Some(old) = lock(&shared.heartbeat).replace(task) {
                old.abort();
            }
        }
        *lock(&shared.connection) = Some(connection);
        Ok(())
    }

    /// Stops push updates and the heartbeat and closes the connection; returns when it
    /// is torn down.
    pub async fn close(&self) {
        lock(&self.shared.model).push_active = false;
        if let Some(task) = lock(&self.shared.heartbeat).take() {
            task.abort();
        }
        let connection = lock(&self.shared.connection).take();
        if let Some(connection) = connection {
            connection.close().await;
        }
        // After the connection, so its end is a close, not a loss.
        if let Some(transport) = &self.shared.config.transport {
            transport.close().await;
        }
    }

    /// The connection, while connected (to send other messages or subscribe to them).
    pub fn connection(&self) -> Option<MrpConnection> {
        self.shared.connection().ok()
    }

    /// Sets (or removes) who hears, exactly once, that the connection was lost or closed.
    pub fn set_device_listener(&self, listener: Option<Weak<dyn DeviceListener>>) {
        lock(&self.shared.device_listener).clone_from(&listener);
        if let Some(connection) = lock(&self.shared.connection).as_ref() {
            connection.set_listener(listener);
        }
    }

    /// The device information the device sent when the connection started.
    pub fn device_info_message(&self) -> Option<crate::protobuf::DeviceInfoMessage> {
        lock(&self.shared.model).device_info.clone()
    }

    /// What is known about the device: from the service's properties, plus build number
    /// and model from the device information message (as pyatv's MRP setup reports it).
    pub fn device_info(&self, properties: &atv_core::Properties) -> DeviceInfo {
        let mut info = crate::scan::device_info(crate::scan::SERVICE_TYPE, properties);
        if let Some(message) = self.device_info_message() {
            if let Some(build) = message.system_build_version.filter(|b| !b.is_empty()) {
                info.build_number = Some(build);
            }
            if let Some(model) = message.model_id.filter(|m| !m.is_empty()) {
                info.model = Some(atv_core::lookup_model(&model));
                info.raw_model = Some(model);
            }
        }
        info
    }

    /// Remote control buttons and playback commands.
    pub fn remote_control(&self) -> MrpRemoteControl {
        MrpRemoteControl::new(Arc::clone(&self.shared))
    }

    /// What plays, its artwork, and the app.
    pub fn metadata(&self) -> MrpMetadata {
        MrpMetadata::new(Arc::clone(&self.shared))
    }

    /// Power state and on/off.
    pub fn power(&self) -> MrpPower {
        MrpPower::new(Arc::clone(&self.shared))
    }

    /// Push updates of what plays.
    pub fn push_updater(&self) -> MrpPushUpdater {
        MrpPushUpdater::new(Arc::clone(&self.shared))
    }

    /// Volume and output devices.
    pub fn audio(&self) -> MrpAudio {
        MrpAudio::new(Arc::clone(&self.shared))
    }

    /// Which features are usable.
    pub fn features(&self) -> MrpFeatures {
        MrpFeatures::new(Arc::clone(&self.shared))
    }
}
