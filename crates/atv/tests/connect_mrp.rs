//! `atv::pair` and `atv::connect` over MRP against atv's fake Apple TV, in-process over
//! real sockets on 127.0.0.1: pairing stores credentials in the storage, connect takes
//! them from there, and the facade reads, presses, guards the volume and closes.
#![cfg(feature = "mrp")]

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use atv::core::interface::DeviceListener;
use atv::core::{InputAction, MemoryStorage, Storage};
use atv::{
    ConnectOptions, DeviceConfig, Error, PairOptions, Properties, Protocol, Service, connect, pair,
};
use atv_fake::{FakeDevice, RunningFake};

const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
/// The PIN atv's fake device pairs with.
const PIN: u32 = 1111;
/// How long the fake may take to show a change.
const WAIT: Duration = Duration::from_secs(10);

async fn within_limit(body: impl Future<Output = ()>) {
    tokio::time::timeout(Duration::from_secs(60), body)
        .await
        .expect("test took too long");
}

/// Counts connection events.
#[derive(Default)]
struct Events {
    lost: AtomicUsize,
    closed: AtomicUsize,
}

impl Events {
    fn total(&self) -> usize {
        self.lost.load(Ordering::SeqCst) + self.closed.load(Ordering::SeqCst)
    }
}

impl DeviceListener for Events {
    fn connection_lost(&self, _error: &Error) {
        self.lost.fetch_add(1, Ordering::SeqCst);
    }

    fn connection_closed(&self) {
        self.closed.fetch_add(1, Ordering::SeqCst);
    }
}

fn device_config(fake: &RunningFake) -> DeviceConfig {
    let port = fake.ports().mrp.expect("MRP enabled");
    let mut config = DeviceConfig::new(LOCALHOST, "Fake");
    config.add_service(Service::new(
        Some(fake.identifier().to_owned()),
        Protocol::Mrp,
        port,
        Properties::new(),
    ));
    config
}

/// Pairs through `atv::pair`, with the settings in `storage`.
async fn pair_into(config: &DeviceConfig, storage: &Arc<dyn Storage>) -> String {
    let options = PairOptions::default().storage(Arc::clone(storage));
    let mut handler = pair(config, Protocol::Mrp, options).await.expect("pair");
    assert!(handler.device_provides_pin(), "the Apple TV shows the PIN");
    handler.begin().await.expect("begin pairing");
    handler.pin(PIN);
    handler.finish().await.expect("finish pairing");
    assert!(handler.has_paired());
    let credentials = handler.service().credentials.clone().expect("credentials");
    handler.close().await.expect("close pairing");
    credentials
}

#[tokio::test]
async fn pair_connect_control_and_close() {
    within_limit(async {
        let fake = FakeDevice::builder().mrp().demo().start().await.unwrap();
        let config = device_config(&fake);
        let storage: Arc<dyn Storage> = Arc::new(MemoryStorage::new());
        let credentials = pair_into(&config, &storage).await;
        let stored = storage.get_settings(&config).await.unwrap();
        assert_eq!(stored.protocols.mrp.credentials, Some(credentials));
        assert_eq!(fake.state().paired_clients(), 1);

        // `config` has no credentials: they come from the storage.
        assert!(
            config
                .get_service(Protocol::Mrp)
                .unwrap()
                .credentials
                .is_none()
        );
        let events = Arc::new(Events::default());
        let listener: Arc<dyn DeviceListener> = events.clone();
        let options = ConnectOptions::default()
            .storage(Arc::clone(&storage))
            .listener(Arc::downgrade(&listener));
        let atv = connect(&config, options).await.expect("connect");
        assert_eq!(atv.protocols(), vec![Protocol::Mrp]);
        assert_eq!(atv.service().map(|s| s.protocol), Some(Protocol::Mrp));

        let playing = atv.metadata().playing().await.expect("playing");
        let expected = fake.state().playing().expect("the demo plays");
        assert_eq!(playing.title, expected.title);
        assert!(playing.title.is_some());

        atv.remote_control()
            .up(InputAction::SingleTap)
            .await
            .expect("up");
        assert!(
            fake.state()
                .wait_until(WAIT, |s| s.last_button_pressed().as_deref() == Some("up"))
                .await,
            "the fake never saw up: {:?}",
            fake.state().last_button_pressed()
        );

        let audio = atv.audio();
        let before = fake.state().volume();
        assert!(matches!(
            audio.set_volume(150.0, None).await,
            Err(Error::Protocol(_))
        ));
        assert_eq!(fake.state().volume(), before);
        audio.set_volume(30.0, None).await.expect("set volume");
        assert!(
            fake.state()
                .wait_until(WAIT, |s| (s.volume() - 0.3).abs() < 0.001)
                .await,
            "the fake's volume is {}",
            fake.state().volume()
        );

        atv.close().await;
        atv.close().await;
        assert_eq!(events.closed.load(Ordering::SeqCst), 1);
        assert_eq!(events.lost.load(Ordering::SeqCst), 0);
        assert!(matches!(
            atv.remote_control().up(InputAction::SingleTap).await,
            Err(Error::BlockedState(_))
        ));
        fake.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn device_going_away_is_reported_once_and_closes_the_device() {
    within_limit(async {
        let fake = FakeDevice::builder().mrp().demo().start().await.unwrap();
        let config = device_config(&fake);
        let storage: Arc<dyn Storage> = Arc::new(MemoryStorage::new());
        pair_into(&config, &storage).await;
        let atv = connect(&config, ConnectOptions::default().storage(storage))
            .await
            .expect("connect");
        let events = Arc::new(Events::default());
        let listener: Arc<dyn DeviceListener> = events.clone();
        atv.set_listener(Some(Arc::downgrade(&listener)));

        fake.shutdown().await;
        tokio::time::timeout(WAIT, async {
            while !atv.is_closed() {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await
        .expect("the facade closes when the device goes away");
        atv.close().await;
        assert_eq!(events.total(), 1);
        // The fake closed its socket cleanly: closed, not lost, as pyatv reports an end
        // of stream.
        assert_eq!(events.closed.load(Ordering::SeqCst), 1);
        assert!(matches!(
            atv.metadata().playing().await,
            Err(Error::BlockedState(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn connect_and_pair_refuse_what_they_cannot_use() {
    let empty = DeviceConfig::new(LOCALHOST, "Nothing");
    assert!(matches!(
        connect(&empty, ConnectOptions::default()).await,
        Err(Error::NoService(_))
    ));
    let mut anonymous = DeviceConfig::new(LOCALHOST, "Anonymous");
    anonymous.add_service(Service::new(None, Protocol::Mrp, 1, Properties::new()));
    assert!(matches!(
        connect(&anonymous, ConnectOptions::default()).await,
        Err(Error::DeviceIdMissing(_))
    ));
    assert!(matches!(
        pair(&anonymous, Protocol::Companion, PairOptions::default()).await,
        Err(Error::NoService(_))
    ));

    // Only a service this build cannot connect with yet, or a disabled one.
    let mut raop = DeviceConfig::new(LOCALHOST, "Speaker");
    raop.add_service(Service::new(
        Some("raop-id".into()),
        Protocol::Raop,
        1,
        Properties::new(),
    ));
    assert!(matches!(
        connect(&raop, ConnectOptions::default()).await,
        Err(Error::NoService(_))
    ));
    assert!(matches!(
        pair(&raop, Protocol::Raop, PairOptions::default()).await,
        Err(Error::UnsupportedProtocol(Protocol::Raop))
    ));
    let mut disabled = anonymous.clone();
    disabled.get_service_mut(Protocol::Mrp).unwrap().identifier = Some("id".into());
    disabled.get_service_mut(Protocol::Mrp).unwrap().enabled = false;
    assert!(matches!(
        connect(&disabled, ConnectOptions::default()).await,
        Err(Error::NoService(_))
    ));
    // Restricted to a protocol the device lacks.
    let mut mrp = anonymous.clone();
    mrp.get_service_mut(Protocol::Mrp).unwrap().identifier = Some("id".into());
    assert!(matches!(
        connect(&mrp, ConnectOptions::default().protocol(Protocol::AirPlay)).await,
        Err(Error::NoService(_))
    ));
}

#[tokio::test]
async fn a_refused_connection_fails_connect() {
    // A port nothing listens on (bound, then released).
    let port = {
        let socket = std::net::TcpListener::bind((LOCALHOST, 0)).unwrap();
        socket.local_addr().unwrap().port()
    };
    let mut config = DeviceConfig::new(LOCALHOST, "Gone");
    config.add_service(Service::new(
        Some("id".into()),
        Protocol::Mrp,
        port,
        Properties::new(),
    ));
    let error = connect(&config, ConnectOptions::default())
        .await
        .expect_err("nothing listens");
    assert!(
        matches!(
            error,
            Error::ConnectionFailed(_) | Error::Io(_) | Error::OperationTimeout(_)
        ),
        "{error}"
    );
}
