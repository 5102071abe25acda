//! The Companion client: connects, runs pyatv's start-up exchange, follows the device's
//! events (power, media control flags and volume, keyboard focus) and hands out the
//! interface implementations, which all share it.

use std::fmt;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::{Duration, Instant};

use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

use atv_core::interface::{
    AudioListener, DeviceListener, KeyboardListener, ListenerSlot, PowerListener,
};
use atv_core::{InfoSettings, KeyboardFocusState, PowerState};
use atv_pairing::HapCredentials;

use crate::apps::{CompanionApps, CompanionUserAccounts};
use crate::audio::CompanionAudio;
use crate::auth;
use crate::commands::{MediaControlCommand, SystemStatus, media_control_flags};
use crate::connection::{CompanionConnection, ConnectionOptions, Event};
use crate::error::{CompanionError, Result};
use crate::features::CompanionFeatures;
use crate::keyboard::CompanionKeyboard;
use crate::message::dict;
use crate::opack::Value;
use crate::power::CompanionPower;
use crate::remote_control::CompanionRemoteControl;
use crate::requests;
use crate::touch::CompanionTouchGestures;

/// Events the client registers for: media control flags, then power (system status).
const MEDIA_CONTROL_EVENT: &str = "_iMC";
const POWER_EVENTS: [&str; 2] = ["SystemStatus", "TVSystemStatus"];

/// How long each request of the polite goodbye may take before the connection is
/// closed anyway.
const CLOSE_REQUEST_TIMEOUT: Duration = Duration::from_secs(2);

/// How to reach the device and present ourselves.
#[derive(Clone)]
pub struct CompanionClientConfig {
    /// The device's address.
    pub address: IpAddr,
    /// The Companion port.
    pub port: u16,
    /// Credentials from pairing (pyatv's string); Companion does not work without.
    pub credentials: Option<String>,
    /// Name, model and identifiers the client announces.
    pub info: InfoSettings,
    /// How long opening the connection may take.
    pub connect_timeout: Duration,
    /// Connection tuning.
    pub connection: ConnectionOptions,
}

impl CompanionClientConfig {
    /// A configuration with default client info and 10 s to connect.
    pub fn new(address: IpAddr, port: u16) -> Self {
        Self {
            address,
            port,
            credentials: None,
            info: InfoSettings::default(),
            connect_timeout: Duration::from_secs(10),
            connection: ConnectionOptions::default(),
        }
    }
}

impl fmt::Debug for CompanionClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CompanionClientConfig")
            .field("address", &self.address)
            .field("port", &self.port)
            .field(
                "credentials",
                &self.credentials.as_ref().map(|_| "<redacted>"),
            )
            .field("connect_timeout", &self.connect_timeout)
            .finish_non_exhaustive()
    }
}

/// Locks a mutex, ignoring poisoning (every update is complete before anything that
/// could panic).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What the device told us.
#[derive(Debug)]
pub(crate) struct DeviceState {
    pub(crate) power: PowerState,
    pub(crate) media_flags: u64,
    pub(crate) volume: f64,
    pub(crate) focus: KeyboardFocusState,
    /// Events registered for, to deregister on close.
    pub(crate) subscribed: Vec<String>,
    /// The session id (device's half above ours).
    pub(crate) sid: u64,
    /// When the touch session started (touch events count nanoseconds from it).
    pub(crate) touch_base: Instant,
}

impl DeviceState {
    fn new() -> Self {
        Self {
            power: PowerState::Unknown,
            media_flags: 0,
            volume: 0.0,
            focus: KeyboardFocusState::Unknown,
            subscribed: Vec::new(),
            sid: 0,
            touch_base: Instant::now(),
        }
    }
}

/// What the client and its interfaces share.
pub(crate) struct Shared {
    pub(crate) config: CompanionClientConfig,
    connection: Mutex<Option<CompanionConnection>>,
    pub(crate) state: Mutex<DeviceState>,
    /// The power state, for callers waiting for a change.
    pub(crate) power: watch::Sender<PowerState>,
    /// Counts volume reports, for callers waiting for one.
    pub(crate) volume_reports: watch::Sender<u64>,
    pub(crate) power_listener: ListenerSlot<dyn PowerListener>,
    pub(crate) audio_listener: ListenerSlot<dyn AudioListener>,
    pub(crate) keyboard_listener: ListenerSlot<dyn KeyboardListener>,
    device_listener: Mutex<Option<Weak<dyn DeviceListener>>>,
    events_task: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        if let Some(task) = lock(&self.events_task).take() {
            task.abort();
        }
    }
}

impl Shared {
    /// The connection, when connected.
    pub(crate) fn connection(&self) -> Result<CompanionConnection> {
        match &*lock(&self.connection) {
            Some(connection) if !connection.is_closed() => Ok(connection.clone()),
            _ => Err(CompanionError::NotConnected),
        }
    }

    /// Sends a request and returns the response's content (`_c`, null if absent).
    pub(crate) async fn request(&self, identifier: &str, content: Value) -> Result<Value> {
        let response = self.connection()?.request(identifier, content).await?;
        Ok(response.get("_c").cloned().unwrap_or(Value::Null))
    }

    /// Sends an event.
    pub(crate) async fn send_event(&self, identifier: &str, content: Value) -> Result<()> {
        self.connection()?.send_event(identifier, content).await
    }

    /// Sends a media control command; returns the response's content.
    pub(crate) async fn media_control(
        &self,
        command: MediaControlCommand,
        args: Vec<(&str, Value)>,
    ) -> Result<Value> {
        self.request("_mcc", requests::media_control(command, args))
            .await
    }

    /// Records a power state; `notify` tells the listener of a change (not for the state
    /// fetched while connecting, as in pyatv).
    fn set_power(&self, new: PowerState, notify: bool) {
        let old = std::mem::replace(&mut lock(&self.state).power, new);
        self.power.send_replace(new);
        if old != new && notify {
            tracing::debug!("Companion power state changed from {old} to {new}");
            if let Some(listener) = self.power_listener.get() {
                listener.powerstate_update(old, new);
            }
        }
    }

    /// A `_tiStart` response or `_tiStarted`/`_tiStopped` event: focused when it
    /// describes a text field.
    pub(crate) fn text_input_update(&self, content: &Value) {
        let new = if content.get("_tiD").is_some() {
            KeyboardFocusState::Focused
        } else {
            KeyboardFocusState::Unfocused
        };
        let old = std::mem::replace(&mut lock(&self.state).focus, new);
        if old != new
            && let Some(listener) = self.keyboard_listener.get()
        {
            listener.focusstate_update(old, new);
        }
    }

    fn set_volume_level(&self, new: f64) {
        let old = std::mem::replace(&mut lock(&self.state).volume, new);
        self.volume_reports.send_modify(|n| *n = n.wrapping_add(1));
        if old != new
            && let Some(listener) = self.audio_listener.get()
        {
            listener.volume_update(old, new);
        }
    }

    async fn media_flags_update(&self, content: &Value) {
        let Some(flags) = content.get("_mcF").and_then(Value::as_u64) else {
            tracing::debug!("media control event without flags");
            return;
        };
        lock(&self.state).media_flags = flags;
        if flags & media_control_flags::VOLUME == 0 {
            // Without volume control nothing is known about the volume.
            self.set_volume_level(0.0);
            return;
        }
        match self
            .media_control(MediaControlCommand::GetVolume, Vec::new())
            .await
        {
            Ok(content) => match content.get("_vol").and_then(Value::as_f64) {
                // Percent with one decimal, as MRP reports it: devices send the level
                // as a 32-bit float, and unrounded it would differ from MRP's report of
                // the same change (0.4 becomes 40.00000059604645), which would reach
                // listeners twice on a device with both protocols.
                Some(volume) => self.set_volume_level((volume * 1000.0).round() / 10.0),
                None => tracing::debug!("volume response without _vol"),
            },
            Err(error) => tracing::debug!("fetching the volume failed: {error}"),
        }
    }

    async fn handle_event(&self, event: &Event) {
        match event.name.as_str() {
            name if POWER_EVENTS.contains(&name) => {
                match event
                    .content
                    .get("state")
                    .and_then(Value::as_int)
                    .and_then(SystemStatus::from_value)
                {
                    Some(status) => self.set_power(status.power_state(), true),
                    None => tracing::debug!("invalid system status event"),
                }
            }
            MEDIA_CONTROL_EVENT => self.media_flags_update(&event.content).await,
            "_tiStarted" | "_tiStopped" => self.text_input_update(&event.content),
            other => tracing::trace!("unhandled Companion event {other}"),
        }
    }

    /// Registers for `event` (an `_interest` event).
    async fn subscribe_event(&self, connection: &CompanionConnection, event: &str) -> Result<()> {
        if lock(&self.state).subscribed.iter().any(|e| e == event) {
            return Ok(());
        }
        connection
            .send_event("_interest", requests::register_event(event))
            .await?;
        lock(&self.state).subscribed.push(event.to_owned());
        Ok(())
    }

    /// pyatv's start-up exchange, after the TCP connection opened.
    async fn start_session(
        &self,
        connection: &CompanionConnection,
        credentials: HapCredentials,
    ) -> Result<()> {
        let client_id = credentials.client_id.clone();
        auth::verify(connection, credentials).await?;
        connection
            .request(
                "_systemInfo",
                requests::system_info(&self.config.info, &client_id),
            )
            .await?;
        lock(&self.state).touch_base = Instant::now();
        connection
            .request("_touchStart", requests::touch_start())
            .await?;

        let local_sid = rand::random::<u32>();
        let response = connection
            .request("_sessionStart", requests::session_start(local_sid))
            .await?;
        let remote_sid = response
            .get("_c")
            .and_then(|c| c.get("_sid"))
            .and_then(Value::as_u64)
            .ok_or_else(|| CompanionError::UnexpectedResponse {
                request: "_sessionStart".into(),
                detail: "no session id (_sid) in the response".into(),
            })?;
        lock(&self.state).sid = requests::session_id(remote_sid, local_sid);

        // Needed before tvOS answers FetchAttentionState; older devices do not know it.
        if let Err(error) = connection
            .request("TVRCSessionStart", requests::tv_rc_session_start())
            .await
        {
            tracing::debug!("TVRCSessionStart not supported: {error}");
        }
        let response = connection.request("_tiStart", dict([])).await?;
        self.text_input_update(response.get("_c").unwrap_or(&Value::Null));
        self.subscribe_event(connection, MEDIA_CONTROL_EVENT)
            .await?;

        // Power: the state now, then its changes. Newer tvOS versions answer the fetch
        // with an error; the events still come.
        match connection.request("FetchAttentionState", dict([])).await {
            Ok(response) => match response
                .get("_c")
                .and_then(|c| c.get("state"))
                .and_then(Value::as_int)
                .and_then(SystemStatus::from_value)
            {
                Some(status) => self.set_power(status.power_state(), false),
                None => tracing::debug!("FetchAttentionState gave no valid state"),
            },
            Err(error) => tracing::debug!("could not fetch the system status: {error}"),
        }
        for event in POWER_EVENTS {
            self.subscribe_event(connection, event).await?;
        }
        Ok(())
    }

    /// pyatv's goodbye: deregister events, stop the session, touch and text input; the
    /// first failure ends it (the connection closes anyway).
    async fn stop_session(&self, connection: &CompanionConnection) -> Result<()> {
        let (events, sid) = {
            let state = lock(&self.state);
            (state.subscribed.clone(), state.sid)
        };
        for event in events {
            connection
                .send_event("_interest", requests::deregister_event(&event))
                .await?;
            lock(&self.state).subscribed.retain(|e| *e != event);
        }
        for (identifier, content) in [
            ("_sessionStop", requests::session_stop(sid)),
            ("_touchStop", requests::touch_stop()),
            ("_tiStop", dict([])),
        ] {
            connection
                .request_with_timeout(identifier, content, CLOSE_REQUEST_TIMEOUT)
                .await?;
        }
        Ok(())
    }
}

/// Follows the device's events until the connection ends.
async fn follow_events(shared: Weak<Shared>, mut events: broadcast::Receiver<Arc<Event>>) {
    loop {
        match events.recv().await {
            Ok(event) => {
                let Some(shared) = shared.upgrade() else {
                    return;
                };
                shared.handle_event(&event).await;
            }
            Err(broadcast::error::RecvError::Lagged(missed)) => {
                tracing::warn!("missed {missed} Companion events");
            }
            Err(broadcast::error::RecvError::Closed) => return,
        }
    }
}

/// A Companion client. Cheap to clone; the interface implementations it hands out share
/// it. The connection closes when the client and all of them are dropped, or on
/// [`CompanionClient::close`].
#[derive(Clone)]
pub struct CompanionClient {
    shared: Arc<Shared>,
}

impl fmt::Debug for CompanionClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CompanionClient")
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

impl CompanionClient {
    /// A client for the device in `config`; nothing happens until
    /// [`CompanionClient::connect`].
    pub fn new(config: CompanionClientConfig) -> Self {
        Self {
            shared: Arc::new(Shared {
                config,
                connection: Mutex::new(None),
                state: Mutex::new(DeviceState::new()),
                power: watch::Sender::new(PowerState::Unknown),
                volume_reports: watch::Sender::new(0),
                power_listener: ListenerSlot::new(),
                audio_listener: ListenerSlot::new(),
                keyboard_listener: ListenerSlot::new(),
                device_listener: Mutex::new(None),
                events_task: Mutex::new(None),
            }),
        }
    }

    /// Connects: pair-verify with the credentials, then system information, touch,
    /// session, TV remote session and text input start, event registrations and the
    /// power state, as pyatv does.
    pub async fn connect(&self) -> Result<()> {
        let shared = &self.shared;
        if shared.connection().is_ok() {
            return Err(CompanionError::InvalidState("already connected".into()));
        }
        let credentials = match shared.config.credentials.as_deref() {
            None | Some("") => return Err(CompanionError::NoCredentials),
            Some(text) => text
                .parse::<HapCredentials>()
                .map_err(|e| CompanionError::InvalidCredentials(e.to_string()))?,
        };
        *lock(&shared.state) = DeviceState::new();
        let connection = CompanionConnection::connect(
            shared.config.address,
            shared.config.port,
            shared.config.connect_timeout,
            shared.config.connection.clone(),
        )
        .await?;
        // Subscribed before anything is sent, so no event is missed.
        let events = connection.subscribe();
        let task = tokio::spawn(follow_events(Arc::downgrade(shared), events));
        // The start-up needs the connection through `shared` for the event task's
        // volume requests too.
        *lock(&shared.connection) = Some(connection.clone());
        if let Some(old) = lock(&shared.events_task).replace(task) {
            old.abort();
        }
        if let Err(error) = shared.start_session(&connection, credentials).await {
            lock(&shared.connection).take();
            if let Some(task) = lock(&shared.events_task).take() {
                task.abort();
            }
            connection.close().await;
            return Err(error);
        }
        connection.set_listener(lock(&shared.device_listener).clone());
        Ok(())
    }

    /// Says goodbye as pyatv does and closes the connection; returns when it is torn
    /// down.
    pub async fn close(&self) {
        let Some(connection) = lock(&self.shared.connection).clone() else {
            return;
        };
        if !connection.is_closed()
            && let Err(error) = self.shared.stop_session(&connection).await
        {
            tracing::debug!("ignoring an error while closing Companion: {error}");
        }
        lock(&self.shared.connection).take();
        if let Some(task) = lock(&self.shared.events_task).take() {
            task.abort();
        }
        connection.close().await;
    }

    /// The connection, while connected.
    pub fn connection(&self) -> Option<CompanionConnection> {
        self.shared.connection().ok()
    }

    /// Sets (or removes) who hears, exactly once, that the connection was lost or closed.
    pub fn set_device_listener(&self, listener: Option<Weak<dyn DeviceListener>>) {
        lock(&self.shared.device_listener).clone_from(&listener);
        if let Some(connection) = lock(&self.shared.connection).as_ref() {
            connection.set_listener(listener);
        }
    }

    /// Apps.
    pub fn apps(&self) -> CompanionApps {
        CompanionApps::new(Arc::clone(&self.shared))
    }

    /// User accounts.
    pub fn user_accounts(&self) -> CompanionUserAccounts {
        CompanionUserAccounts::new(Arc::clone(&self.shared))
    }

    /// Power state and on/off.
    pub fn power(&self) -> CompanionPower {
        CompanionPower::new(Arc::clone(&self.shared))
    }

    /// Buttons (HID) and media control.
    pub fn remote_control(&self) -> CompanionRemoteControl {
        CompanionRemoteControl::new(Arc::clone(&self.shared))
    }

    /// Volume.
    pub fn audio(&self) -> CompanionAudio {
        CompanionAudio::new(Arc::clone(&self.shared))
    }

    /// The virtual keyboard.
    pub fn keyboard(&self) -> CompanionKeyboard {
        CompanionKeyboard::new(Arc::clone(&self.shared))
    }

    /// Touch gestures.
    pub fn touch(&self) -> CompanionTouchGestures {
        CompanionTouchGestures::new(Arc::clone(&self.shared))
    }

    /// Which features are usable.
    pub fn features(&self) -> CompanionFeatures {
        CompanionFeatures::new(Arc::clone(&self.shared))
    }
}
