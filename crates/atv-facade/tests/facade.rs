//! The facade against small protocols written here: which protocol a call reaches,
//! the value guards, merged features, push updates from the main protocol only, and
//! connection events reported exactly once.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use async_trait::async_trait;

use atv_core::interface::{
    Audio, DeviceListener, Features, PlayUrlOptions, Power, PowerListener, PushListener,
    PushUpdater, RemoteControl, Stream,
};
use atv_core::setup::{Interfaces, ProtocolSession, SetupData};
use atv_core::{
    DeviceConfig, DeviceInfo, Error, FeatureInfo, FeatureName, FeatureState, InputAction, Playing,
    PowerState, Properties, Protocol, Result, Service, Settings,
};
use atv_facade::AppleTv;

/// Every call a test protocol receives, as "PROTOCOL method".
type Log = Arc<Mutex<Vec<String>>>;

fn entries(log: &Log) -> Vec<String> {
    log.lock().unwrap().clone()
}

/// A protocol implementing the methods named in `supports`.
struct TestProtocol {
    protocol: Protocol,
    supports: &'static [&'static str],
    log: Log,
    volume: Mutex<f64>,
    feature_states: Vec<(FeatureName, FeatureState)>,
    push_listener: Mutex<Option<Weak<dyn PushListener>>>,
    push_active: AtomicBool,
    fail_connect: bool,
    closes: AtomicUsize,
    device_listener: Mutex<Option<Weak<dyn DeviceListener>>>,
    power_listener: Mutex<Option<Weak<dyn PowerListener>>>,
    info: DeviceInfo,
}

impl TestProtocol {
    fn new(protocol: Protocol, supports: &'static [&'static str], log: &Log) -> Self {
        Self {
            protocol,
            supports,
            log: Arc::clone(log),
            volume: Mutex::new(20.0),
            feature_states: Vec::new(),
            push_listener: Mutex::new(None),
            push_active: AtomicBool::new(false),
            fail_connect: false,
            closes: AtomicUsize::new(0),
            device_listener: Mutex::new(None),
            power_listener: Mutex::new(None),
            info: DeviceInfo::default(),
        }
    }

    fn call(&self, method: &str) -> Result<()> {
        if self.supports.contains(&method) {
            self.log
                .lock()
                .unwrap()
                .push(format!("{} {method}", self.protocol));
            Ok(())
        } else {
            Err(Error::not_supported(method))
        }
    }

    /// Reports what plays as this protocol's push updater would.
    fn push(&self, title: &str) {
        let listener = self.push_listener.lock().unwrap().clone();
        if let Some(listener) = listener.and_then(|l| l.upgrade()) {
            let playing = Playing {
                title: Some(title.to_owned()),
                ..Playing::default()
            };
            listener.playstatus_update(&playing);
        }
    }

    fn setup(self: &Arc<Self>, features: &[FeatureName]) -> SetupData {
        SetupData {
            protocol: self.protocol,
            session: self.clone(),
            interfaces: Interfaces {
                remote_control: Some(self.clone()),
                power: Some(self.clone()),
                audio: Some(self.clone()),
                push_updater: Some(self.clone()),
                features: Some(self.clone()),
                stream: Some(self.clone()),
                ..Interfaces::default()
            },
            features: features.iter().copied().collect::<BTreeSet<_>>(),
        }
    }
}

#[async_trait]
impl ProtocolSession for TestProtocol {
    async fn connect(&self) -> Result<()> {
        self.call("connect").ok();
        if self.fail_connect {
            Err(Error::ConnectionFailed("refused".into()))
        } else {
            Ok(())
        }
    }

    async fn close(&self) {
        self.closes.fetch_add(1, Ordering::SeqCst);
        // As MRP does: closing reports `connection_closed`.
        let listener = self.device_listener.lock().unwrap().clone();
        if let Some(listener) = listener.and_then(|l| l.upgrade()) {
            listener.connection_closed();
        }
    }

    fn device_info(&self) -> DeviceInfo {
        self.info.clone()
    }
}

#[async_trait]
impl RemoteControl for TestProtocol {
    async fn up(&self, _action: InputAction) -> Result<()> {
        self.call("up")
    }

    async fn home(&self, _action: InputAction) -> Result<()> {
        self.call("home")
    }

    async fn guide(&self) -> Result<()> {
        self.call("guide")
    }
}

#[async_trait]
impl Power for TestProtocol {
    async fn turn_on(&self, _await_new_state: bool) -> Result<()> {
        self.call("turn_on")
    }

    fn set_listener(&self, listener: Option<Weak<dyn PowerListener>>) {
        *self.power_listener.lock().unwrap() = listener;
    }
}

impl TestProtocol {
    /// Reports a power change as this protocol's power implementation would.
    fn power_changed(&self, new: PowerState) {
        let listener = self.power_listener.lock().unwrap().clone();
        if let Some(listener) = listener.and_then(|l| l.upgrade()) {
            listener.powerstate_update(PowerState::Unknown, new);
        }
    }
}

#[async_trait]
impl Stream for TestProtocol {
    async fn play_url(&self, _url: &str, _options: &PlayUrlOptions) -> Result<()> {
        self.call("play_url")
    }
}

#[async_trait]
impl Audio for TestProtocol {
    fn volume(&self) -> Result<f64> {
        self.call("volume")?;
        Ok(*self.volume.lock().unwrap())
    }

    async fn set_volume(
        &self,
        level: f64,
        _output_device: Option<&atv_core::OutputDevice>,
    ) -> Result<()> {
        self.call("set_volume")?;
        *self.volume.lock().unwrap() = level;
        Ok(())
    }
}

impl PushUpdater for TestProtocol {
    fn active(&self) -> bool {
        self.push_active.load(Ordering::SeqCst)
    }

    fn start(&self, _initial_delay: u32) -> Result<()> {
        self.push_active.store(true, Ordering::SeqCst);
        Ok(())
    }

    fn stop(&self) {
        self.push_active.store(false, Ordering::SeqCst);
    }

    fn set_listener(&self, listener: Option<Weak<dyn PushListener>>) {
        *self.push_listener.lock().unwrap() = listener;
    }
}

impl Features for TestProtocol {
    fn get_feature(&self, feature: FeatureName) -> FeatureInfo {
        self.feature_states
            .iter()
            .find(|(name, _)| *name == feature)
            .map_or(FeatureState::Unsupported, |(_, state)| *state)
            .into()
    }
}

/// Counts connection events.
#[derive(Default)]
struct Events {
    lost: AtomicUsize,
    closed: AtomicUsize,
}

impl DeviceListener for Events {
    fn connection_lost(&self, _error: &Error) {
        self.lost.fetch_add(1, Ordering::SeqCst);
    }

    fn connection_closed(&self) {
        self.closed.fetch_add(1, Ordering::SeqCst);
    }
}

/// Keeps the titles pushed to it.
#[derive(Default)]
struct Titles(Mutex<Vec<String>>);

impl PushListener for Titles {
    fn playstatus_update(&self, playing: &Playing) {
        self.0
            .lock()
            .unwrap()
            .push(playing.title.clone().unwrap_or_default());
    }

    fn playstatus_error(&self, _error: &Error) {}
}

fn config() -> DeviceConfig {
    let mut config = DeviceConfig::new(IpAddr::V4(Ipv4Addr::LOCALHOST), "Test");
    for (protocol, port) in [(Protocol::Companion, 2), (Protocol::Mrp, 1)] {
        let id = Some(format!("{protocol}-id"));
        config.add_service(Service::new(id, protocol, port, Properties::new()));
    }
    config
}

/// A device with `protocols` added (with their listeners hooked up) and connected.
async fn connected(protocols: &[(&Arc<TestProtocol>, &[FeatureName])]) -> AppleTv {
    let atv = AppleTv::new(config(), Settings::default());
    for (protocol, features) in protocols {
        *protocol.device_listener.lock().unwrap() = Some(atv.protocol_listener());
        atv.add_protocol(protocol.setup(features)).unwrap();
    }
    atv.connect().await.unwrap();
    atv
}

const ALL: &[&str] = &[
    "connect",
    "up",
    "home",
    "guide",
    "turn_on",
    "volume",
    "set_volume",
];

#[tokio::test]
async fn calls_go_to_the_highest_priority_protocol_that_supports_them() {
    let log = Log::default();
    let companion = Arc::new(TestProtocol::new(Protocol::Companion, ALL, &log));
    let mrp = Arc::new(TestProtocol::new(
        Protocol::Mrp,
        &["connect", "up", "turn_on", "set_volume"],
        &log,
    ));
    // Added Companion first: the order of adding does not decide priority.
    let atv = connected(&[(&companion, &[]), (&mrp, &[])]).await;
    assert_eq!(atv.protocols(), vec![Protocol::Companion, Protocol::Mrp]);
    log.lock().unwrap().clear();

    let rc = atv.remote_control();
    rc.up(InputAction::SingleTap).await.unwrap();
    // MRP does not implement home: Companion gets it.
    rc.home(InputAction::SingleTap).await.unwrap();
    // Power prefers Companion even though MRP implements it too.
    atv.power().turn_on(false).await.unwrap();
    assert_eq!(
        entries(&log),
        vec!["MRP up", "Companion home", "Companion turn_on"]
    );
    // Nobody implements top_menu.
    assert!(matches!(rc.top_menu().await, Err(Error::NotSupported(_))));
    atv.close().await;
}

#[tokio::test]
async fn volume_is_guarded() {
    let log = Log::default();
    let mrp = Arc::new(TestProtocol::new(Protocol::Mrp, ALL, &log));
    let atv = connected(&[(&mrp, &[])]).await;
    let audio = atv.audio();
    for refused in [150.0, -1.0, 100.5, f64::NAN] {
        assert!(
            matches!(
                audio.set_volume(refused, None).await,
                Err(Error::Protocol(_))
            ),
            "{refused}"
        );
    }
    assert!(!entries(&log).contains(&"MRP set_volume".to_owned()));
    audio.set_volume(30.0, None).await.unwrap();
    assert_eq!(audio.volume().unwrap(), 30.0);
    audio.set_volume(100.0, None).await.unwrap();
    // A protocol reporting an impossible volume is refused too.
    *mrp.volume.lock().unwrap() = 180.0;
    assert!(matches!(audio.volume(), Err(Error::Protocol(_))));
    atv.close().await;
}

#[tokio::test]
async fn features_come_from_the_highest_priority_protocol_listing_them() {
    let log = Log::default();
    let mut mrp = TestProtocol::new(Protocol::Mrp, ALL, &log);
    mrp.feature_states = vec![(FeatureName::Play, FeatureState::Available)];
    let mut companion = TestProtocol::new(Protocol::Companion, ALL, &log);
    companion.feature_states = vec![
        (FeatureName::Play, FeatureState::Unavailable),
        (FeatureName::AppList, FeatureState::Available),
        (FeatureName::TurnOn, FeatureState::Available),
    ];
    let (mrp, companion) = (Arc::new(mrp), Arc::new(companion));
    let atv = connected(&[
        (&companion, &[FeatureName::Play, FeatureName::AppList]),
        (&mrp, &[FeatureName::Play]),
    ])
    .await;
    let features = atv.features();
    let state = |name| features.get_feature(name).state;
    assert_eq!(state(FeatureName::Play), FeatureState::Available);
    assert_eq!(state(FeatureName::AppList), FeatureState::Available);
    // Companion knows TurnOn but did not list it in its setup.
    assert_eq!(state(FeatureName::TurnOn), FeatureState::Unsupported);
    assert_eq!(state(FeatureName::Volume), FeatureState::Unsupported);
    // Push updaters exist, so push updates are available.
    assert_eq!(state(FeatureName::PushUpdates), FeatureState::Available);
    let facade = atv.facade_features();
    assert_eq!(facade.protocol_of(FeatureName::Play), Some(Protocol::Mrp));
    assert_eq!(
        facade.protocol_of(FeatureName::AppList),
        Some(Protocol::Companion)
    );
    atv.close().await;
    assert_eq!(state(FeatureName::Play), FeatureState::Unavailable);
}

#[tokio::test]
async fn push_updates_come_from_the_main_protocol_only() {
    let log = Log::default();
    let mrp = Arc::new(TestProtocol::new(Protocol::Mrp, ALL, &log));
    let companion = Arc::new(TestProtocol::new(Protocol::Companion, ALL, &log));
    let atv = connected(&[(&mrp, &[]), (&companion, &[])]).await;
    let titles = Arc::new(Titles::default());
    let listener: Arc<dyn PushListener> = titles.clone();
    let push = atv.push_updater();
    push.set_listener(Some(Arc::downgrade(&listener)));
    push.start(0).unwrap();
    assert!(push.active());
    assert!(companion.push_active.load(Ordering::SeqCst));
    companion.push("from companion");
    mrp.push("from mrp");
    push.stop();
    assert!(!mrp.push_active.load(Ordering::SeqCst));
    assert!(!companion.push_active.load(Ordering::SeqCst));
    mrp.push("after stop");
    assert_eq!(*titles.0.lock().unwrap(), vec!["from mrp".to_owned()]);
    atv.close().await;
}

#[tokio::test]
async fn close_reports_closed_once_and_blocks_everything() {
    let log = Log::default();
    let mrp = Arc::new(TestProtocol::new(Protocol::Mrp, ALL, &log));
    let companion = Arc::new(TestProtocol::new(Protocol::Companion, ALL, &log));
    let atv = connected(&[(&mrp, &[]), (&companion, &[])]).await;
    let events = Arc::new(Events::default());
    let listener: Arc<dyn DeviceListener> = events.clone();
    atv.set_listener(Some(Arc::downgrade(&listener)));
    atv.close().await;
    atv.close().await;
    assert_eq!(events.closed.load(Ordering::SeqCst), 1);
    assert_eq!(events.lost.load(Ordering::SeqCst), 0);
    assert_eq!(mrp.closes.load(Ordering::SeqCst), 1);
    assert_eq!(companion.closes.load(Ordering::SeqCst), 1);
    assert!(matches!(
        atv.remote_control().up(InputAction::SingleTap).await,
        Err(Error::BlockedState(_))
    ));
    assert!(matches!(
        atv.audio().set_volume(10.0, None).await,
        Err(Error::BlockedState(_))
    ));
    assert!(matches!(
        atv.push_updater().start(0),
        Err(Error::BlockedState(_))
    ));
}

#[tokio::test]
async fn first_lost_connection_closes_the_device_and_is_reported_once() {
    let log = Log::default();
    let mrp = Arc::new(TestProtocol::new(Protocol::Mrp, ALL, &log));
    let companion = Arc::new(TestProtocol::new(Protocol::Companion, ALL, &log));
    let atv = connected(&[(&mrp, &[]), (&companion, &[])]).await;
    let events = Arc::new(Events::default());
    let listener: Arc<dyn DeviceListener> = events.clone();
    atv.set_listener(Some(Arc::downgrade(&listener)));

    // Companion's connection drops, then MRP's too.
    let protocol_listener = atv.protocol_listener().upgrade().unwrap();
    protocol_listener.connection_lost(&Error::ConnectionLost("reset".into()));
    protocol_listener.connection_lost(&Error::ConnectionLost("reset".into()));
    protocol_listener.connection_closed();

    tokio::time::timeout(Duration::from_secs(5), async {
        while mrp.closes.load(Ordering::SeqCst) == 0 || companion.closes.load(Ordering::SeqCst) == 0
        {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("the device closes every protocol");
    atv.close().await;
    assert!(atv.is_closed());
    assert_eq!(events.lost.load(Ordering::SeqCst), 1);
    assert_eq!(events.closed.load(Ordering::SeqCst), 0);
    assert_eq!(mrp.closes.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_failing_protocol_fails_connect_and_closes_the_others() {
    let log = Log::default();
    let mrp = Arc::new(TestProtocol::new(Protocol::Mrp, ALL, &log));
    let mut companion = TestProtocol::new(Protocol::Companion, ALL, &log);
    companion.fail_connect = true;
    let companion = Arc::new(companion);
    let atv = AppleTv::new(config(), Settings::default());
    atv.add_protocol(mrp.setup(&[])).unwrap();
    atv.add_protocol(companion.setup(&[])).unwrap();
    assert!(matches!(
        atv.connect().await,
        Err(Error::ConnectionFailed(_))
    ));
    assert_eq!(mrp.closes.load(Ordering::SeqCst), 1);
    assert!(atv.is_closed());
    assert!(matches!(
        atv.add_protocol(mrp.setup(&[])),
        Err(Error::InvalidState(_))
    ));
}

#[tokio::test]
async fn connect_needs_a_protocol_and_ignores_duplicates() {
    let atv = AppleTv::new(config(), Settings::default());
    assert!(matches!(atv.connect().await, Err(Error::NoService(_))));

    let log = Log::default();
    let mut first = TestProtocol::new(Protocol::Mrp, ALL, &log);
    first.info.mac = Some("AA:BB:CC:DD:EE:FF".into());
    let mut second = TestProtocol::new(Protocol::Mrp, ALL, &log);
    second.info.mac = Some("11:22:33:44:55:66".into());
    second.info.build_number = Some("19J346".into());
    let (first, second) = (Arc::new(first), Arc::new(second));
    let atv = connected(&[(&first, &[]), (&second, &[])]).await;
    // Only the first is connected; the facade then reads its volume once.
    assert_eq!(entries(&log), vec!["MRP connect", "MRP volume"]);
    assert_eq!(atv.protocols(), vec![Protocol::Mrp]);
    assert_eq!(atv.device_info().mac.as_deref(), Some("AA:BB:CC:DD:EE:FF"));
    assert_eq!(atv.device_info().build_number, None);
    assert_eq!(atv.service().map(|s| s.protocol), Some(Protocol::Mrp));
    assert!(matches!(atv.connect().await, Err(Error::InvalidState(_))));
    atv.close().await;
}

/// Keeps the power states reported.
#[derive(Default)]
struct PowerStates(Mutex<Vec<PowerState>>);

impl PowerListener for PowerStates {
    fn powerstate_update(&self, _old: PowerState, new: PowerState) {
        self.0.lock().unwrap().push(new);
    }
}

#[tokio::test]
async fn power_changes_come_from_companion_when_it_is_there() {
    let log = Log::default();
    let mrp = Arc::new(TestProtocol::new(Protocol::Mrp, ALL, &log));
    let companion = Arc::new(TestProtocol::new(Protocol::Companion, ALL, &log));
    let atv = connected(&[(&mrp, &[]), (&companion, &[])]).await;
    let states = Arc::new(PowerStates::default());
    let listener: Arc<dyn PowerListener> = states.clone();
    atv.power().set_listener(Some(Arc::downgrade(&listener)));
    mrp.power_changed(PowerState::Off);
    companion.power_changed(PowerState::On);
    assert_eq!(*states.0.lock().unwrap(), vec![PowerState::On]);
    atv.close().await;
}

#[tokio::test]
async fn play_url_needs_the_feature() {
    let log = Log::default();
    let mut airplay = TestProtocol::new(Protocol::AirPlay, &["connect", "play_url"], &log);
    airplay.feature_states = vec![(FeatureName::PlayUrl, FeatureState::Unavailable)];
    let airplay = Arc::new(airplay);
    let atv = connected(&[(&airplay, &[FeatureName::PlayUrl])]).await;
    let options = PlayUrlOptions::default();
    assert!(matches!(
        atv.stream()
            .play_url("http://127.0.0.1/a.mp4", &options)
            .await,
        Err(Error::NotSupported(_))
    ));
    assert!(!entries(&log).contains(&"AirPlay play_url".to_owned()));
    atv.close().await;

    let mut airplay = TestProtocol::new(Protocol::AirPlay, &["connect", "play_url"], &log);
    airplay.feature_states = vec![(FeatureName::PlayUrl, FeatureState::Available)];
    let airplay = Arc::new(airplay);
    let atv = connected(&[(&airplay, &[FeatureName::PlayUrl])]).await;
    atv.stream()
        .play_url("http://127.0.0.1/a.mp4", &options)
        .await
        .unwrap();
    assert!(entries(&log).contains(&"AirPlay play_url".to_owned()));
    atv.close().await;
}

#[tokio::test]
async fn a_takeover_puts_its_protocol_first_until_released() {
    use atv_facade::InterfaceKind;

    let log = Log::default();
    let mrp = Arc::new(TestProtocol::new(Protocol::Mrp, ALL, &log));
    let raop = Arc::new(TestProtocol::new(Protocol::Raop, ALL, &log));
    let companion = Arc::new(TestProtocol::new(Protocol::Companion, ALL, &log));
    let atv = connected(&[(&mrp, &[]), (&raop, &[]), (&companion, &[])]).await;
    let titles = Arc::new(Titles::default());
    let listener: Arc<dyn PushListener> = titles.clone();
    atv.push_updater()
        .set_listener(Some(Arc::downgrade(&listener)));
    atv.push_updater().start(0).unwrap();
    log.lock().unwrap().clear();

    let handle = atv.takeover_handle();
    let takeover = handle
        .takeover(
            Protocol::Raop,
            &[InterfaceKind::RemoteControl, InterfaceKind::PushUpdater],
        )
        .unwrap();
    atv.remote_control()
        .up(InputAction::SingleTap)
        .await
        .unwrap();
    raop.push("streamed");
    mrp.push("from mrp");
    // A second takeover of a taken interface fails and takes nothing.
    assert!(matches!(
        handle.takeover(
            Protocol::Companion,
            &[InterfaceKind::Metadata, InterfaceKind::RemoteControl]
        ),
        Err(Error::InvalidState(_))
    ));
    let metadata = handle
        .takeover(Protocol::Companion, &[InterfaceKind::Metadata])
        .expect("the failed takeover released Metadata");
    drop(metadata);
    takeover.release();
    atv.remote_control()
        .up(InputAction::SingleTap)
        .await
        .unwrap();
    raop.push("after release");
    assert_eq!(entries(&log), vec!["RAOP up", "MRP up"]);
    assert_eq!(*titles.0.lock().unwrap(), vec!["streamed".to_owned()]);
    atv.close().await;
}
