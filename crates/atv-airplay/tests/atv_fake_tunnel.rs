//! The remote-control tunnel and `/info` against atv's fake Apple TV (AirPlay only, as
//! tvOS 15+), in-process over real sockets: transient pair-verify (as HomePods use it),
//! atv-mrp's client running over the tunnel, and bad credentials refused.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use atv_airplay::tunnel::{RemoteControlSession, TunnelTransport};
use atv_airplay::{ControlConnection, device_info};
use atv_core::InfoSettings;
use atv_core::interface::{DeviceListener, Metadata, RemoteControl};
use atv_fake::FakeDevice;
use atv_mrp::{MrpClient, MrpClientConfig};
use atv_pairing::Credentials;

const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const WAIT: Duration = Duration::from_secs(10);

async fn within_limit(body: impl Future<Output = ()>) {
    tokio::time::timeout(Duration::from_secs(60), body)
        .await
        .expect("test took too long");
}

#[tokio::test]
async fn info_describes_the_device() {
    within_limit(async {
        let fake = FakeDevice::builder().airplay().start().await.unwrap();
        let port = fake.ports().airplay.unwrap();
        let connection = ControlConnection::connect(LOCALHOST, port).await.unwrap();
        let info = device_info(&connection).await.unwrap();
        assert_eq!(
            info.get("model").and_then(plist::Value::as_string),
            Some(atv_fake::airplay::DEVICE_MODEL)
        );
        connection.close().await;
        fake.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn mrp_client_runs_over_a_transient_tunnel() {
    within_limit(async {
        let fake = FakeDevice::builder()
            .airplay()
            .demo()
            .start()
            .await
            .unwrap();
        let port = fake.ports().airplay.unwrap();
        let transport = TunnelTransport::new(
            LOCALHOST,
            port,
            Some(Credentials::Transient),
            InfoSettings::default(),
        );
        let client = MrpClient::connect_to(MrpClientConfig {
            heartbeat_interval: None,
            transport: Some(Arc::new(transport)),
            ..MrpClientConfig::new(LOCALHOST, port)
        })
        .await
        .expect("MRP over the tunnel");
        let playing = client.metadata().playing().await.unwrap();
        assert_eq!(playing.title, fake.state().playing().unwrap().title);
        client
            .remote_control()
            .down(atv_core::InputAction::SingleTap)
            .await
            .unwrap();
        assert!(
            fake.state()
                .wait_until(WAIT, |s| s.last_button_pressed().as_deref() == Some("down"))
                .await
        );
        client.close().await;
        fake.shutdown().await;
    })
    .await;
}

#[derive(Default)]
struct Events {
    lost: AtomicUsize,
    closed: AtomicUsize,
}

impl DeviceListener for Events {
    fn connection_lost(&self, _error: &atv_core::Error) {
        self.lost.fetch_add(1, Ordering::SeqCst);
    }

    fn connection_closed(&self) {
        self.closed.fetch_add(1, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn device_going_away_reaches_the_listener_once() {
    within_limit(async {
        let fake = FakeDevice::builder()
            .airplay()
            .demo()
            .start()
            .await
            .unwrap();
        let port = fake.ports().airplay.unwrap();
        let transport = TunnelTransport::new(
            LOCALHOST,
            port,
            Some(Credentials::Transient),
            InfoSettings::default(),
        );
        let client = MrpClient::connect_to(MrpClientConfig {
            heartbeat_interval: None,
            transport: Some(Arc::new(transport)),
            ..MrpClientConfig::new(LOCALHOST, port)
        })
        .await
        .expect("MRP over the tunnel");
        let events = Arc::new(Events::default());
        let listener: Arc<dyn DeviceListener> = events.clone();
        client.set_device_listener(Some(Arc::downgrade(&listener)));
        // The fake closes the tunnel's sockets cleanly: reported as closed, not lost, as
        // pyatv reports an end of stream on the data channel.
        fake.shutdown().await;
        let deadline = tokio::time::Instant::now() + WAIT;
        while events.lost.load(Ordering::SeqCst) + events.closed.load(Ordering::SeqCst) == 0 {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the end never reported"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        client.close().await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(events.closed.load(Ordering::SeqCst), 1);
        assert_eq!(events.lost.load(Ordering::SeqCst), 0);
    })
    .await;
}

#[tokio::test]
async fn tunnel_refuses_unknown_credentials_and_plain_sessions() {
    within_limit(async {
        let fake = FakeDevice::builder().airplay().start().await.unwrap();
        let port = fake.ports().airplay.unwrap();
        // Well-formed HAP credentials the device never issued.
        let stranger: Credentials = format!("{}:{}:aa:bb", "11".repeat(32), "22".repeat(32))
            .parse()
            .unwrap();
        let error =
            RemoteControlSession::open(LOCALHOST, port, Some(&stranger), &InfoSettings::default())
                .await
                .expect_err("unknown credentials must fail");
        assert!(
            matches!(error, atv_airplay::AirPlayError::Authentication(_)),
            "{error}"
        );
        let error = RemoteControlSession::open(LOCALHOST, port, None, &InfoSettings::default())
            .await
            .expect_err("no credentials must fail");
        assert!(
            matches!(error, atv_airplay::AirPlayError::Authentication(_)),
            "{error}"
        );
        fake.shutdown().await;
    })
    .await;
}
