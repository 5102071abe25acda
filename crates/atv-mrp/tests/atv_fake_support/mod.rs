//! What the functional tests against atv's own fake device (crates/atv-fake) share:
//! starting the fake in-process on 127.0.0.1, pairing with its PIN, connecting, and
//! bounded waits for what the device reports asynchronously.

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use atv_core::interface::{Metadata, PairingHandler};
use atv_core::{InfoSettings, Playing, Properties, Protocol, Service};
use atv_fake::mrp::pairing::PIN;
use atv_fake::{FakeDevice, FakeState, PlayingState, RunningFake};
use atv_mrp::message_builders::MessageBuilder;
use atv_mrp::protobuf::PlaybackState;
use atv_mrp::{MrpClient, MrpClientConfig, MrpPairingHandler};

pub(crate) const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
/// The longest any single wait for the device may take.
pub(crate) const WAIT: Duration = Duration::from_secs(10);
/// The bundle identifier of the fake's example player.
pub(crate) const PLAYER: &str = atv_fake::playing::PLAYER_IDENTIFIER;

/// Runs a test body with an overall time limit.
pub(crate) async fn within_limit(body: impl Future<Output = ()>) {
    tokio::time::timeout(Duration::from_secs(120), body)
        .await
        .expect("test took too long");
}

/// Starts the fake with its demo state (music playing, volume controls available).
pub(crate) async fn start_demo() -> RunningFake {
    FakeDevice::builder()
        .mrp()
        .demo()
        .start()
        .await
        .expect("start the fake")
}

pub(crate) fn port(fake: &RunningFake) -> u16 {
    fake.ports().mrp.expect("MRP port")
}

/// Pairs with the fake on `port` using its PIN; returns the credentials.
pub(crate) async fn pair(port: u16) -> String {
    let service = Service::new(None, Protocol::Mrp, port, Properties::new());
    let mut handler = MrpPairingHandler::new(LOCALHOST, service, InfoSettings::default());
    handler.begin().await.expect("begin pairing");
    handler.pin(PIN.parse().expect("numeric PIN"));
    handler.finish().await.expect("finish pairing");
    assert!(handler.has_paired());
    let credentials = handler
        .service()
        .credentials
        .clone()
        .expect("credentials stored in the service");
    handler.close().await.expect("close pairing");
    credentials
}

pub(crate) fn config(port: u16, credentials: Option<String>) -> MrpClientConfig {
    MrpClientConfig {
        credentials,
        ..MrpClientConfig::new(LOCALHOST, port)
    }
}

/// Starts the demo fake, pairs and connects with the new credentials.
pub(crate) async fn connected() -> (RunningFake, MrpClient) {
    let fake = start_demo().await;
    let credentials = pair(port(&fake)).await;
    let client = MrpClient::connect_to(config(port(&fake), Some(credentials)))
        .await
        .expect("connect with the new credentials");
    (fake, client)
}

/// Makes sure the client has taken in every change made to the fake's state before now:
/// the fake sends the updates for earlier changes before it answers a heartbeat, and the
/// client handles messages in order.
pub(crate) async fn sync(client: &MrpClient) {
    let connection = client.connection().expect("connected");
    tokio::time::timeout(WAIT, connection.request(MessageBuilder::new().heartbeat()))
        .await
        .expect("heartbeat answered in time")
        .expect("heartbeat answered");
}

pub(crate) async fn playing(client: &MrpClient) -> Playing {
    client.metadata().playing().await.expect("playing")
}

/// Waits (at most [`WAIT`]) until `check` holds, polling; panics naming `what`.
pub(crate) async fn wait_for(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !check() {
        assert!(tokio::time::Instant::now() < deadline, "never {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Waits (at most [`WAIT`]) until what plays satisfies `check`.
pub(crate) async fn wait_playing(
    client: &MrpClient,
    what: &str,
    check: impl Fn(&Playing) -> bool,
) -> Playing {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let now = playing(client).await;
        if check(&now) {
            return now;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never {what}: {now:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Pauses the active player at `position` seconds (a position that stays put).
pub(crate) fn pause_at(state: &FakeState, position: f64) {
    state.change_state(|playing: &mut PlayingState| {
        playing.playback_state = Some(PlaybackState::Paused);
        playing.playback_rate = Some(0.0);
        playing.position = Some(position);
    });
}

/// The fake's position of the active player, in whole seconds.
pub(crate) fn fake_position(state: &FakeState) -> Option<f64> {
    state.playing().and_then(|p| p.position).map(f64::round)
}
