//! Functional tests against atv's own fake Apple TV (crates/atv-fake), run in-process
//! over real sockets on 127.0.0.1: pairing, the encrypted session, what plays, buttons,
//! shuffle, volume, power and push updates.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use atv_core::interface::{
    Audio, Metadata, PairingHandler, Power, PushListener, PushUpdater, RemoteControl,
};
use atv_core::{
    DeviceState, InfoSettings, InputAction, Playing, PowerState, Properties, Protocol, Service,
    ShuffleState,
};
use atv_fake::{FakeDevice, RunningFake};
use atv_mrp::{MrpClient, MrpClientConfig, MrpPairingHandler};

const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const WAIT: Duration = Duration::from_secs(10);

async fn paired_client() -> (RunningFake, MrpClient) {
    let fake = FakeDevice::builder()
        .mrp()
        .demo()
        .start()
        .await
        .expect("start the fake");
    let port = fake.ports().mrp.expect("MRP port");
    let service = Service::new(None, Protocol::Mrp, port, Properties::new());
    let mut handler = MrpPairingHandler::new(LOCALHOST, service, InfoSettings::default());
    handler.begin().await.expect("begin pairing");
    handler.pin(1111);
    handler.finish().await.expect("finish pairing");
    let credentials = handler.service().credentials.clone();
    handler.close().await.unwrap();
    let client = MrpClient::connect_to(MrpClientConfig {
        credentials,
        ..MrpClientConfig::new(LOCALHOST, port)
    })
    .await
    .expect("connect");
    (fake, client)
}

#[tokio::test]
async fn pair_connect_and_read_what_plays() {
    let (fake, client) = paired_client().await;
    assert!(fake.state().has_authenticated());
    let playing = client.metadata().playing().await.unwrap();
    assert_eq!(playing.title.as_deref(), Some("music"));
    assert_eq!(playing.artist.as_deref(), Some("artist"));
    assert_eq!(playing.device_state, DeviceState::Playing);
    client.close().await;
    fake.shutdown().await;
}

#[tokio::test]
async fn buttons_reach_the_fake_with_their_action() {
    let (fake, client) = paired_client().await;
    let rc = client.remote_control();
    let state = fake.state();
    let check = |name: &'static str, action: InputAction| {
        let state = state.clone();
        async move {
            assert!(
                state
                    .wait_until(WAIT, |s| s.last_button_pressed().as_deref() == Some(name))
                    .await,
                "{name} never arrived"
            );
            assert_eq!(state.last_button_action(), Some(action), "{name}");
        }
    };
    rc.up(InputAction::SingleTap).await.unwrap();
    check("up", InputAction::SingleTap).await;
    rc.select(InputAction::Hold).await.unwrap();
    check("select", InputAction::Hold).await;
    rc.left(InputAction::DoubleTap).await.unwrap();
    check("left", InputAction::DoubleTap).await;
    rc.pause().await.unwrap();
    assert_eq!(fake.state().last_button_pressed().as_deref(), Some("pause"));
    client.close().await;
    fake.shutdown().await;
}

#[tokio::test]
async fn shuffle_volume_and_power() {
    let (fake, client) = paired_client().await;
    let rc = client.remote_control();
    rc.set_shuffle(ShuffleState::Songs).await.unwrap();
    let playing = client.metadata().playing().await.unwrap();
    assert_eq!(playing.shuffle, Some(ShuffleState::Songs));

    let audio = client.audio();
    audio.set_volume(30.0, None).await.unwrap();
    assert_eq!(audio.volume().unwrap(), 30.0);
    assert!((fake.state().volume() - 0.3).abs() < 1e-6);

    let power = client.power();
    power.turn_off(true).await.unwrap();
    assert_eq!(power.power_state().unwrap(), PowerState::Off);
    assert!(!fake.state().powered_on());
    power.turn_on(true).await.unwrap();
    assert_eq!(power.power_state().unwrap(), PowerState::On);
    client.close().await;
    fake.shutdown().await;
}

struct Updates(mpsc::UnboundedSender<Playing>);

impl PushListener for Updates {
    fn playstatus_update(&self, playing: &Playing) {
        let _ = self.0.send(playing.clone());
    }

    fn playstatus_error(&self, error: &atv_core::Error) {
        panic!("{error}");
    }
}

#[tokio::test]
async fn push_updates_follow_the_fake() {
    let (fake, client) = paired_client().await;
    let push = client.push_updater();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let listener: Arc<dyn PushListener> = Arc::new(Updates(tx));
    push.set_listener(Some(Arc::downgrade(&listener)));
    push.start(0).unwrap();
    let first = tokio::time::timeout(WAIT, rx.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.title.as_deref(), Some("music"));
    fake.state().example_video(true);
    loop {
        let update = tokio::time::timeout(WAIT, rx.recv())
            .await
            .unwrap()
            .unwrap();
        if update.title.as_deref() == Some("dummy") {
            assert_eq!(update.device_state, DeviceState::Paused);
            break;
        }
    }
    client.close().await;
    fake.shutdown().await;
}
