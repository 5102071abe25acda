//! The connected device (pyatv's `FacadeAppleTV`): connects every protocol, registers
//! their interfaces with the relayers, reports connection events once and closes
//! everything.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

use tokio::sync::OnceCell;

use atv_core::interface::{
    Apps, Audio, DeviceListener, Features, Keyboard, ListenerSlot, Metadata, Power, PushUpdater,
    RemoteControl, Stream, TouchGestures, UserAccounts,
};
use atv_core::setup::SetupData;
use atv_core::{DeviceConfig, DeviceInfo, Error, Protocol, Result, Service, Settings};

use crate::apps::{FacadeApps, FacadeUserAccounts};
use crate::audio::FacadeAudio;
use crate::features::FacadeFeatures;
use crate::gate::Gate;
use crate::keyboard::FacadeKeyboard;
use crate::metadata::FacadeMetadata;
use crate::power::FacadePower;
use crate::priority::{DEFAULT_PRIORITIES, POWER_PRIORITIES};
use crate::push_updater::FacadePushUpdater;
use crate::relayer::Relayer;
use crate::remote_control::FacadeRemoteControl;
use crate::stream::FacadeStream;
use crate::takeover::{InterfaceKind, TakeoverHandle, TakeoverTarget, TakeoverTargets};
use crate::touch::FacadeTouchGestures;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What the device and its protocols share.
struct Inner {
    me: Weak<Self>,
    config: DeviceConfig,
    settings: Settings,
    gate: Arc<Gate>,
    /// Added with [`AppleTv::add_protocol`], not yet connected.
    pending: Mutex<Vec<SetupData>>,
    /// Connected, in the order they were connected.
    connected: Mutex<Vec<SetupData>>,
    /// Whether [`AppleTv::connect`] ran (adding protocols is refused after).
    connect_started: AtomicBool,
    device_info: Mutex<DeviceInfo>,
    remote_control: Arc<FacadeRemoteControl>,
    metadata: Arc<FacadeMetadata>,
    power: Arc<FacadePower>,
    push_updater: Arc<FacadePushUpdater>,
    audio: Arc<FacadeAudio>,
    features: Arc<FacadeFeatures>,
    apps: Arc<FacadeApps>,
    user_accounts: Arc<FacadeUserAccounts>,
    keyboard: Arc<FacadeKeyboard>,
    touch: Arc<FacadeTouchGestures>,
    stream: Arc<FacadeStream>,
    /// The user's listener.
    listener: ListenerSlot<dyn DeviceListener>,
    /// Whether the user's listener heard (or may no longer hear) an event.
    reported: AtomicBool,
    /// Whether closing began.
    closing: AtomicBool,
    closed: OnceCell<()>,
}

impl Inner {
    fn register(&self, setup: &SetupData) {
        let protocol = setup.protocol;
        let interfaces = &setup.interfaces;
        if let Some(i) = &interfaces.remote_control {
            self.remote_control
                .relayer
                .register(protocol, Arc::clone(i));
        }
        if let Some(i) = &interfaces.metadata {
            self.metadata.relayer.register(protocol, Arc::clone(i));
        }
        if let Some(i) = &interfaces.power {
            self.power.relayer.register(protocol, Arc::clone(i));
        }
        if let Some(i) = &interfaces.push_updater {
            self.push_updater.register(protocol, Arc::clone(i));
        }
        if let Some(i) = &interfaces.audio {
            self.audio.relayer.register(protocol, Arc::clone(i));
        }
        if let Some(i) = &interfaces.features {
            self.features.add_mapping(protocol, i, &setup.features);
        }
        if let Some(i) = &interfaces.apps {
            self.apps.relayer.register(protocol, Arc::clone(i));
        }
        if let Some(i) = &interfaces.user_accounts {
            self.user_accounts.relayer.register(protocol, Arc::clone(i));
        }
        if let Some(i) = &interfaces.keyboard {
            self.keyboard.relayer.register(protocol, Arc::clone(i));
        }
        if let Some(i) = &interfaces.touch {
            self.touch.relayer.register(protocol, Arc::clone(i));
        }
        if let Some(i) = &interfaces.stream {
            self.stream.relayer.register(protocol, Arc::clone(i));
        }
    }

    /// Tells the user's listener, unless it already heard something.
    fn report(&self, event: impl FnOnce(&dyn DeviceListener)) {
        if self.reported.swap(true, Ordering::SeqCst) {
            return;
        }
        if let Some(listener) = self.listener.get() {
            event(&*listener);
        }
    }

    async fn close(&self) {
        self.closing.store(true, Ordering::SeqCst);
        self.closed
            .get_or_init(|| async {
                self.push_updater.stop_all();
                self.gate.block();
                let connected = std::mem::take(&mut *lock(&self.connected));
                for setup in connected.iter().rev() {
                    setup.session.close().await;
                }
                self.report(|listener| listener.connection_closed());
            })
            .await;
    }

    /// Closes everything in the background after a protocol reported (the first report
    /// ends the whole device, as pyatv does).
    fn close_in_background(&self) {
        if self.closing.swap(true, Ordering::SeqCst) {
            return;
        }
        let (Some(me), Ok(runtime)) = (self.me.upgrade(), tokio::runtime::Handle::try_current())
        else {
            self.gate.block();
            return;
        };
        runtime.spawn(async move { me.close().await });
    }
}

impl TakeoverTargets for Inner {
    fn target(&self, kind: InterfaceKind) -> &dyn TakeoverTarget {
        match kind {
            InterfaceKind::RemoteControl => &self.remote_control.relayer,
            InterfaceKind::Metadata => &self.metadata.relayer,
            InterfaceKind::PushUpdater => &self.push_updater.shared.relayer,
            InterfaceKind::Power => &self.power.relayer,
            InterfaceKind::Audio => &self.audio.relayer,
            InterfaceKind::Apps => &self.apps.relayer,
            InterfaceKind::UserAccounts => &self.user_accounts.relayer,
            InterfaceKind::Keyboard => &self.keyboard.relayer,
            InterfaceKind::Touch => &self.touch.relayer,
            InterfaceKind::Stream => &self.stream.relayer,
        }
    }
}

impl DeviceListener for Inner {
    fn connection_lost(&self, error: &Error) {
        tracing::debug!("a protocol lost its connection: {error}");
        self.report(|listener| listener.connection_lost(error));
        self.close_in_background();
    }

    fn connection_closed(&self) {
        self.report(|listener| listener.connection_closed());
        self.close_in_background();
    }
}

/// A device connected over one or more protocols (pyatv's `AppleTV` as returned by
/// `connect`).
///
/// Build it with [`AppleTv::new`], give each protocol's [`SetupData`] to
/// [`AppleTv::add_protocol`] (their `setup` takes [`AppleTv::protocol_listener`]), then
/// [`AppleTv::connect`]. The accessors hand out the facade implementations of
/// atv-core's interfaces; each call goes to the highest-priority protocol that
/// supports it. After [`AppleTv::close`], or once any protocol loses its connection,
/// every call fails with [`Error::BlockedState`] and the listener set with
/// [`AppleTv::set_listener`] has heard exactly one event.
#[derive(Clone)]
pub struct AppleTv {
    inner: Arc<Inner>,
}

impl fmt::Debug for AppleTv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let protocols: Vec<Protocol> = lock(&self.inner.connected)
            .iter()
            .map(|s| s.protocol)
            .collect();
        f.debug_struct("AppleTv")
            .field("name", &self.inner.config.name)
            .field("address", &self.inner.config.address)
            .field("protocols", &protocols)
            .field("closed", &self.inner.gate.is_blocked())
            .finish_non_exhaustive()
    }
}

impl AppleTv {
    /// A device for `config` (with settings already applied) with no protocol yet.
    pub fn new(config: DeviceConfig, settings: Settings) -> Self {
        let gate = Arc::new(Gate::default());
        let push_updater = Arc::new(FacadePushUpdater::new(Relayer::new(
            &DEFAULT_PRIORITIES,
            Arc::clone(&gate),
        )));
        let features = Arc::new(FacadeFeatures::new(Arc::clone(&push_updater.shared)));
        let stream = Arc::new(FacadeStream::new(
            Relayer::new(&DEFAULT_PRIORITIES, Arc::clone(&gate)),
            Arc::clone(&features),
        ));
        let inner = Arc::new_cyclic(|me| Inner {
            me: me.clone(),
            config,
            settings,
            pending: Mutex::new(Vec::new()),
            connected: Mutex::new(Vec::new()),
            connect_started: AtomicBool::new(false),
            device_info: Mutex::new(DeviceInfo::default()),
            remote_control: Arc::new(FacadeRemoteControl {
                relayer: Relayer::new(&DEFAULT_PRIORITIES, Arc::clone(&gate)),
            }),
            metadata: Arc::new(FacadeMetadata {
                relayer: Relayer::new(&DEFAULT_PRIORITIES, Arc::clone(&gate)),
            }),
            power: Arc::new(FacadePower::new(Relayer::new(
                &POWER_PRIORITIES,
                Arc::clone(&gate),
            ))),
            push_updater,
            audio: Arc::new(FacadeAudio::new(Relayer::new(
                &DEFAULT_PRIORITIES,
                Arc::clone(&gate),
            ))),
            features,
            apps: Arc::new(FacadeApps {
                relayer: Relayer::new(&DEFAULT_PRIORITIES, Arc::clone(&gate)),
            }),
            user_accounts: Arc::new(FacadeUserAccounts {
                relayer: Relayer::new(&DEFAULT_PRIORITIES, Arc::clone(&gate)),
            }),
            keyboard: Arc::new(FacadeKeyboard::new(Relayer::new(
                &DEFAULT_PRIORITIES,
                Arc::clone(&gate),
            ))),
            touch: Arc::new(FacadeTouchGestures {
                relayer: Relayer::new(&DEFAULT_PRIORITIES, Arc::clone(&gate)),
            }),
            stream,
            listener: ListenerSlot::new(),
            reported: AtomicBool::new(false),
            closing: AtomicBool::new(false),
            closed: OnceCell::new(),
            gate,
        });
        Self { inner }
    }

    /// Where protocols report connection events: give it to each protocol's `setup`.
    /// The first report closes the whole device.
    pub fn protocol_listener(&self) -> Weak<dyn DeviceListener> {
        let inner: Arc<dyn DeviceListener> = self.inner.clone();
        Arc::downgrade(&inner)
    }

    /// What lets a protocol take interfaces over (see [`TakeoverHandle::takeover`]):
    /// give it to the protocols that need it at setup.
    pub fn takeover_handle(&self) -> TakeoverHandle {
        let inner: Arc<dyn TakeoverTargets> = self.inner.clone();
        TakeoverHandle {
            targets: Arc::downgrade(&inner),
        }
    }

    /// Adds a protocol to connect; fails with [`Error::InvalidState`] once
    /// [`AppleTv::connect`] was called.
    pub fn add_protocol(&self, setup: SetupData) -> Result<()> {
        if self.inner.connect_started.load(Ordering::SeqCst) {
            return Err(Error::InvalidState(
                "cannot add a protocol after connect was called".into(),
            ));
        }
        tracing::debug!("adding protocol {}", setup.protocol);
        lock(&self.inner.pending).push(setup);
        Ok(())
    }

    /// Connects every added protocol in the order added (a protocol added twice is
    /// connected once, the first time). If one fails, those already connected are
    /// closed and its error is returned, as with pyatv, where any protocol failing
    /// fails the connect.
    pub async fn connect(&self) -> Result<()> {
        let inner = &self.inner;
        if inner.connect_started.swap(true, Ordering::SeqCst) {
            return Err(Error::InvalidState("already connected".into()));
        }
        let pending = std::mem::take(&mut *lock(&inner.pending));
        if pending.is_empty() {
            return Err(Error::NoService("no service to connect to".into()));
        }
        let mut device_info = DeviceInfo::default();
        for setup in pending {
            if lock(&inner.connected)
                .iter()
                .any(|s| s.protocol == setup.protocol)
            {
                tracing::debug!("protocol {} already set up, ignoring", setup.protocol);
                continue;
            }
            tracing::debug!("connecting protocol {}", setup.protocol);
            if let Err(error) = setup.session.connect().await {
                tracing::debug!("protocol {} failed to connect: {error}", setup.protocol);
                // Nobody could have set a listener to hear about this teardown.
                inner.reported.store(true, Ordering::SeqCst);
                inner.close().await;
                return Err(error);
            }
            inner.register(&setup);
            device_info.merge(&setup.session.device_info());
            lock(&inner.connected).push(setup);
        }
        *lock(&inner.device_info) = device_info;
        inner.power.attach();
        inner.audio.attach();
        inner.keyboard.attach();
        Ok(())
    }

    /// Stops push updates, closes every protocol and blocks every interface; returns
    /// when all is torn down. The listener hears `connection_closed` unless it heard
    /// an event before. Calling it again does nothing.
    pub async fn close(&self) {
        self.inner.close().await;
    }

    /// Whether the device was closed (by [`AppleTv::close`] or a lost connection).
    pub fn is_closed(&self) -> bool {
        self.inner.gate.is_blocked()
    }

    /// Sets (or with `None`, removes) who hears, once, that the connection was lost
    /// or closed. It is held weakly: keep the `Arc`.
    pub fn set_listener(&self, listener: Option<Weak<dyn DeviceListener>>) {
        self.inner.listener.set(listener);
    }

    /// The protocols connected, in the order connected.
    pub fn protocols(&self) -> Vec<Protocol> {
        lock(&self.inner.connected)
            .iter()
            .map(|s| s.protocol)
            .collect()
    }

    /// The device configuration connected to.
    pub fn config(&self) -> &DeviceConfig {
        &self.inner.config
    }

    /// The settings in use.
    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// What the protocols know about the device, merged (first value wins, in
    /// connection order).
    pub fn device_info(&self) -> DeviceInfo {
        lock(&self.inner.device_info).clone()
    }

    /// The main service: the first of MRP, DMAP, Companion, AirPlay and RAOP the
    /// device has.
    pub fn service(&self) -> Option<&Service> {
        DEFAULT_PRIORITIES
            .iter()
            .find_map(|p| self.inner.config.get_service(*p))
    }

    /// Buttons and playback commands.
    pub fn remote_control(&self) -> Arc<dyn RemoteControl> {
        self.inner.remote_control.clone()
    }

    /// What plays.
    pub fn metadata(&self) -> Arc<dyn Metadata> {
        self.inner.metadata.clone()
    }

    /// Push updates of what plays.
    pub fn push_updater(&self) -> Arc<dyn PushUpdater> {
        self.inner.push_updater.clone()
    }

    /// Power (Companion first).
    pub fn power(&self) -> Arc<dyn Power> {
        self.inner.power.clone()
    }

    /// Volume and output devices (volume checked to be within 0..=100).
    pub fn audio(&self) -> Arc<dyn Audio> {
        self.inner.audio.clone()
    }

    /// Which features are usable, merged across protocols.
    pub fn features(&self) -> Arc<dyn Features> {
        self.inner.features.clone()
    }

    /// The merged features with the protocol answering for each.
    pub fn facade_features(&self) -> Arc<FacadeFeatures> {
        Arc::clone(&self.inner.features)
    }

    /// Apps.
    pub fn apps(&self) -> Arc<dyn Apps> {
        self.inner.apps.clone()
    }

    /// User accounts.
    pub fn user_accounts(&self) -> Arc<dyn UserAccounts> {
        self.inner.user_accounts.clone()
    }

    /// The virtual keyboard.
    pub fn keyboard(&self) -> Arc<dyn Keyboard> {
        self.inner.keyboard.clone()
    }

    /// Touch gestures.
    pub fn touch(&self) -> Arc<dyn TouchGestures> {
        self.inner.touch.clone()
    }

    /// Playing URLs and streaming files.
    pub fn stream(&self) -> Arc<dyn Stream> {
        self.inner.stream.clone()
    }
}
