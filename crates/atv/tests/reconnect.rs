//! `atv::reconnect` against atv's fake Apple TV on 127.0.0.1, found by a unicast scan of
//! an mDNS responder on a private port: the fake is shut down and started again on a
//! new port (same state, same identifier), and the reconnecting device must report each
//! transition, find the device at its new port and bring push updates back.
#![cfg(feature = "mrp")]

use std::net::{Ipv4Addr, SocketAddrV4};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use atv::core::interface::PushListener;
use atv::core::{Playing, Protocol};
use atv::mdns::{Responder, ResponderMode, ResponderOptions};
use atv::reconnect::{
    Backoff, ConnectionEvent, ConnectionListener, ReconnectOptions, ReconnectingDevice,
};
use atv::{ConnectOptions, DeviceConfig, ScanOptions};
use atv_fake::announce::{device_info_announcement, mrp_announcement};
use atv_fake::mrp::pairing::PYATV_CLIENT_CREDENTIALS;
use atv_fake::{FakeDevice, FakeState, RunningFake};
use tokio::sync::Notify;

const HOST: Ipv4Addr = Ipv4Addr::LOCALHOST;
const NAME: &str = "Reconnect Test";
/// Limit for every wait on something the test expects to happen.
const WAIT: Duration = Duration::from_secs(30);

/// Records what it hears and wakes waiters.
#[derive(Default)]
struct Recorder {
    events: Mutex<Vec<ConnectionEvent>>,
    titles: Mutex<Vec<String>>,
    changed: Notify,
}

impl Recorder {
    fn events(&self) -> Vec<ConnectionEvent> {
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn titles(&self) -> Vec<String> {
        self.titles
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Waits until `done` holds for what was recorded.
    async fn wait_for(&self, what: &str, done: impl Fn(&Self) -> bool) {
        let waited = tokio::time::timeout(WAIT, async {
            loop {
                let notified = self.changed.notified();
                if done(self) {
                    return;
                }
                notified.await;
            }
        })
        .await;
        assert!(
            waited.is_ok(),
            "timed out waiting for {what}; events {:?}, titles {:?}",
            self.events(),
            self.titles()
        );
    }

    fn count(&self, name: &str) -> usize {
        self.events().iter().filter(|e| e.name() == name).count()
    }
}

impl ConnectionListener for Recorder {
    fn connection_event(&self, event: &ConnectionEvent) {
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(event.clone());
        self.changed.notify_waiters();
    }
}

impl PushListener for Recorder {
    fn playstatus_update(&self, playing: &Playing) {
        if let Some(title) = &playing.title {
            self.titles
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(title.clone());
        }
        self.changed.notify_waiters();
    }

    fn playstatus_error(&self, _error: &atv::Error) {}
}

/// A fake on a new port with `state` (which keeps the pairing between restarts).
async fn start_fake(state: &FakeState) -> RunningFake {
    FakeDevice::builder()
        .mrp()
        .name(NAME)
        .state(state.clone())
        .accept_pyatv_test_credentials()
        .start()
        .await
        .expect("fake starts")
}

fn announcements(fake: &RunningFake) -> Vec<atv::mdns::Announcement> {
    let port = fake.ports().mrp.expect("MRP");
    vec![
        mrp_announcement(NAME, fake.identifier(), "18M60", HOST, port),
        device_info_announcement(NAME, HOST),
    ]
}

fn scan_options(mdns_port: u16) -> ScanOptions {
    let mut options = ScanOptions::default()
        .timeout(Duration::from_secs(3))
        .mdns_port(mdns_port);
    options.hosts = vec![HOST];
    options
}

/// The device as a scan finds it, with the credentials the fake accepts.
async fn find(fake: &RunningFake, mdns_port: u16) -> DeviceConfig {
    let options = scan_options(mdns_port).identifier(fake.identifier());
    let mut found = atv::scan(options).await.expect("scan");
    assert_eq!(found.len(), 1, "{found:?}");
    let mut config = found.remove(0);
    config.set_credentials(Protocol::Mrp, PYATV_CLIENT_CREDENTIALS);
    config
}

fn quick_backoff(max_attempts: Option<u32>) -> Backoff {
    Backoff {
        initial: Duration::from_millis(50),
        max: Duration::from_millis(400),
        factor: 2.0,
        jitter: 0.5,
        max_attempts,
    }
}

async fn setup() -> (FakeState, RunningFake, Responder, DeviceConfig) {
    let state = FakeState::new();
    atv_fake::device::demo_state(&state);
    let fake = start_fake(&state).await;
    let responder = Responder::bind(ResponderOptions {
        mode: ResponderMode::Unicast {
            bind: SocketAddrV4::new(HOST, 0),
        },
        announcements: announcements(&fake),
    })
    .await
    .expect("responder binds");
    let config = find(&fake, responder.local_addr().port()).await;
    (state, fake, responder, config)
}

#[tokio::test]
async fn restarted_device_is_found_again_and_updates_resume() {
    let (state, fake, responder, config) = setup().await;
    let first_port = fake.ports().mrp;
    let recorder = Arc::new(Recorder::default());
    let listener: Arc<dyn ConnectionListener> = recorder.clone();
    let push: Arc<dyn PushListener> = recorder.clone();
    let options = ReconnectOptions::default()
        .rediscover(scan_options(responder.local_addr().port()))
        .backoff(quick_backoff(None));
    let device = ReconnectingDevice::connect(&config, options, Arc::downgrade(&listener))
        .await
        .expect("first connect");
    let weak: Weak<dyn PushListener> = Arc::downgrade(&push);
    device.set_push_listener(Some(weak));
    device.start_push_updates(0).expect("push updates start");

    state.change_state(|s| s.title = Some("Before".into()));
    recorder
        .wait_for("the first update", |r| {
            r.titles().iter().any(|t| t == "Before")
        })
        .await;

    // The device goes away: lost, then attempts that fail while it is down.
    fake.shutdown().await;
    recorder
        .wait_for("two failed attempts", |r| r.count("attempt_failed") >= 2)
        .await;
    assert!(device.device().is_none(), "no connection while down");

    // It comes back on another port; the scan finds it there.
    let fake = start_fake(&state).await;
    assert_ne!(fake.ports().mrp, first_port);
    responder
        .update(announcements(&fake))
        .await
        .expect("announcement updated");
    recorder
        .wait_for("reconnected", |r| r.count("reconnected") == 1)
        .await;
    assert!(device.device().is_some());

    state.change_state(|s| s.title = Some("After".into()));
    recorder
        .wait_for("an update on the new connection", |r| {
            r.titles().iter().any(|t| t == "After")
        })
        .await;

    device.close().await;
    assert!(device.has_ended());
    let names: Vec<&str> = recorder
        .events()
        .iter()
        .map(ConnectionEvent::name)
        .collect();
    // connected, lost, then (reconnecting, attempt_failed) pairs, reconnecting,
    // reconnected, closed.
    assert_eq!(names[..2], ["connected", "lost"], "{names:?}");
    // The fake closed its socket cleanly (reported closed, not lost, by the protocol);
    // the reconnecting device takes that as a loss all the same.
    assert!(
        matches!(
            recorder.events().get(1),
            Some(ConnectionEvent::Lost { error: None })
        ),
        "{:?}",
        recorder.events()
    );
    assert_eq!(
        names[names.len() - 3..],
        ["reconnecting", "reconnected", "closed"]
    );
    let middle = &names[2..names.len() - 3];
    assert!(
        middle
            .chunks(2)
            .all(|pair| pair == ["reconnecting", "attempt_failed"]),
        "{names:?}"
    );
    let attempts: Vec<u32> = recorder
        .events()
        .iter()
        .filter_map(|e| match e {
            ConnectionEvent::Reconnecting { attempt, .. } => Some(*attempt),
            _ => None,
        })
        .collect();
    let expected: Vec<u32> = (1..=u32::try_from(attempts.len()).expect("few")).collect();
    assert_eq!(attempts, expected, "attempts count up from 1");
    fake.shutdown().await;
    responder.close().await;
}

#[tokio::test]
async fn gives_up_after_the_attempt_limit() {
    let (_state, fake, responder, config) = setup().await;
    let recorder = Arc::new(Recorder::default());
    let listener: Arc<dyn ConnectionListener> = recorder.clone();
    let options = ReconnectOptions::default()
        .rediscover(scan_options(responder.local_addr().port()))
        .backoff(quick_backoff(Some(2)))
        .connect_options(ConnectOptions::default());
    let device = ReconnectingDevice::connect(&config, options, Arc::downgrade(&listener))
        .await
        .expect("first connect");
    fake.shutdown().await;
    tokio::time::timeout(WAIT, device.wait_until_ended())
        .await
        .expect("gives up in time");
    let names: Vec<&str> = recorder
        .events()
        .iter()
        .map(ConnectionEvent::name)
        .collect();
    assert_eq!(
        names,
        [
            "connected",
            "lost",
            "reconnecting",
            "attempt_failed",
            "reconnecting",
            "attempt_failed",
            "gave_up"
        ]
    );
    assert!(matches!(
        recorder.events().last(),
        Some(ConnectionEvent::GaveUp { attempts: 2 })
    ));
    // Closing after the end changes nothing.
    device.close().await;
    assert_eq!(recorder.count("closed"), 0);
    responder.close().await;
}

#[tokio::test]
async fn closing_while_connected_reports_closed_once() {
    let (_state, fake, responder, config) = setup().await;
    let recorder = Arc::new(Recorder::default());
    let listener: Arc<dyn ConnectionListener> = recorder.clone();
    let options = ReconnectOptions::default().backoff(quick_backoff(None));
    let device = ReconnectingDevice::connect(&config, options, Arc::downgrade(&listener))
        .await
        .expect("first connect");
    device.close().await;
    device.close().await;
    let names: Vec<&str> = recorder
        .events()
        .iter()
        .map(ConnectionEvent::name)
        .collect();
    assert_eq!(names, ["connected", "closed"]);
    fake.shutdown().await;
    responder.close().await;
}
