//! atv-airplay's `play_url` against the fake device's AirPlay 1 playback, on loopback:
//! the client pair-verifies (AirPlay 2: then encrypts), `POST /play`s a URL, and polls
//! `/playback-info` until the media ended; the fake fetches the URL from the client and
//! records what it got. A local file goes through the client's own file server, and the
//! fake must receive its exact bytes.

use std::net::{IpAddr, Ipv4Addr};
use std::str::FromStr;
use std::time::Duration;

use atv_airplay::features::AirPlayMajorVersion;
use atv_airplay::{AirPlayError, AirPlayStream, ControlConnection, FileServer, Player};
use atv_fake::mrp::pairing::{PYATV_CLIENT_CREDENTIALS, pyatv_test_client};
use atv_fake::{FakeDevice, RunningFake};
use atv_pairing::Credentials;

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
/// Longest one playback may take here.
const PLAY_TIMEOUT: Duration = Duration::from_secs(60);
/// A quick poll, so playback ends soon after the media does.
const QUICK_POLL: Duration = Duration::from_millis(50);

/// The fake (AirPlay only) with pyatv's test client already paired.
async fn start() -> (RunningFake, u16) {
    let fake = FakeDevice::builder()
        .airplay()
        .start()
        .await
        .expect("fake device starts");
    let (identifier, public_key) = pyatv_test_client();
    fake.state().add_paired_client(&identifier, public_key);
    let port = fake.ports().airplay.expect("AirPlay port");
    (fake, port)
}

fn credentials() -> Credentials {
    Credentials::from_str(PYATV_CLIENT_CREDENTIALS).expect("valid credentials")
}

/// Media of `len` bytes that no two offsets confuse.
fn media(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i.wrapping_mul(31) ^ (i >> 8)) as u8)
        .collect()
}

#[tokio::test]
async fn a_local_file_plays_and_the_device_fetches_its_exact_bytes() {
    let (fake, port) = start().await;
    let playback = fake.state().airplay_playback();
    playback.set_media_duration(0.5);
    let dir = tempfile::tempdir().expect("scratch directory");
    let path = dir.path().join("movie file.mp4");
    let bytes = media(300_000);
    std::fs::write(&path, &bytes).expect("media written");

    let stream = AirPlayStream::new(LOOPBACK, port, Some(credentials()), AirPlayMajorVersion::V2);
    let path_text = path.to_str().expect("utf-8 path");
    tokio::time::timeout(PLAY_TIMEOUT, stream.play(path_text, 0.0))
        .await
        .expect("playback ended in time")
        .expect("playback succeeded");

    assert_eq!(playback.play_count(), 1);
    let url = playback.url().expect("a URL to play");
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with(".mp4"),
        "{url}"
    );
    assert_eq!(playback.fetch_error(), None);
    assert_eq!(
        playback.content(),
        Some(bytes),
        "the fake got the file's bytes"
    );
    assert_eq!(playback.start_position(), Some(0.0));
    assert!(playback.session_id().is_some_and(|id| id.len() == 36));
    assert!(!playback.is_playing(), "playback ended");
    assert!(fake.state().has_authenticated());
    fake.shutdown().await;
}

#[tokio::test]
async fn the_player_seeks_pauses_and_stops() {
    let (fake, port) = start().await;
    let state = fake.state().clone();
    // Long enough that it only ends when stopped.
    state.airplay_playback().set_media_duration(3600.0);
    let dir = tempfile::tempdir().expect("scratch directory");
    let path = dir.path().join("clip.mp4");
    std::fs::write(&path, media(1000)).expect("media written");
    let server = FileServer::start(&path, LOOPBACK)
        .await
        .expect("file server");
    let url = server.url();

    let connection = ControlConnection::connect(LOOPBACK, port)
        .await
        .expect("connects");
    let player = Player::new(connection.clone()).with_poll_interval(QUICK_POLL);
    let playing = tokio::spawn({
        let player = player.clone();
        let url = url.clone();
        async move {
            player
                .play_url(Some(&credentials()), true, &url, 12.0)
                .await
        }
    });
    let mut polls = tokio::time::interval(QUICK_POLL);
    tokio::time::timeout(PLAY_TIMEOUT, async {
        while !state.airplay_playback().is_playing() {
            polls.tick().await;
        }
    })
    .await
    .expect("playback started");
    let playback = state.airplay_playback();
    assert_eq!(playback.start_position(), Some(12.0));
    assert!(playback.position().is_some_and(|position| position >= 12.0));

    player.scrub(30.5).await.expect("scrub");
    player.rate(0.0).await.expect("pause");
    let paused_at = playback.position().expect("still playing");
    assert!(paused_at >= 30.5, "{paused_at}");
    player.rate(1.0).await.expect("resume");
    assert_eq!(playback.scrubs(), vec![30.5]);
    assert_eq!(playback.rates(), vec![0.0, 1.0]);

    player.stop().await.expect("stop");
    tokio::time::timeout(PLAY_TIMEOUT, playing)
        .await
        .expect("play_url returned after stop")
        .expect("play task")
        .expect("playback succeeded");
    assert_eq!(playback.stops(), 1);
    assert!(!playback.is_playing());
    assert_eq!(playback.content(), Some(media(1000)));
    connection.close().await;
    server.close().await;
    fake.shutdown().await;
}

#[tokio::test]
async fn a_failing_play_is_retried() {
    let (fake, port) = start().await;
    let playback = fake.state().airplay_playback();
    playback.set_media_duration(0.0);
    playback.fail_next_plays(2);
    let dir = tempfile::tempdir().expect("scratch directory");
    let path = dir.path().join("a.mp4");
    std::fs::write(&path, b"tiny").expect("media written");
    let server = FileServer::start(&path, LOOPBACK)
        .await
        .expect("file server");

    let connection = ControlConnection::connect(LOOPBACK, port)
        .await
        .expect("connects");
    let player = Player::new(connection.clone()).with_poll_interval(QUICK_POLL);
    tokio::time::timeout(
        PLAY_TIMEOUT,
        player.play_url(Some(&credentials()), true, &server.url(), 0.0),
    )
    .await
    .expect("in time")
    .expect("third attempt plays");
    assert_eq!(playback.play_count(), 3);
    assert_eq!(playback.content().as_deref(), Some(&b"tiny"[..]));
    connection.close().await;
    server.close().await;
    fake.shutdown().await;
}

#[tokio::test]
async fn media_elsewhere_than_the_client_is_not_fetched() {
    let (fake, port) = start().await;
    let playback = fake.state().airplay_playback();
    let connection = ControlConnection::connect(LOOPBACK, port)
        .await
        .expect("connects");
    let player = Player::new(connection.clone()).with_poll_interval(QUICK_POLL);
    // TEST-NET-1: the fake must refuse rather than send anything off this machine.
    let result = tokio::time::timeout(
        PLAY_TIMEOUT,
        player.play_url(Some(&credentials()), true, "http://192.0.2.1/x.mp4", 0.0),
    )
    .await
    .expect("in time");
    assert!(
        matches!(result, Err(AirPlayError::Playback(_))),
        "{result:?}"
    );
    assert_eq!(playback.play_count(), atv_airplay::PLAY_RETRIES);
    assert!(
        playback
            .fetch_error()
            .is_some_and(|error| error.contains("not fetched"))
    );
    assert_eq!(playback.content(), None);
    connection.close().await;
    fake.shutdown().await;
}

#[tokio::test]
async fn an_unpaired_client_cannot_play() {
    let (fake, port) = start().await;
    let stream = AirPlayStream::new(LOOPBACK, port, None, AirPlayMajorVersion::V2);
    let result = tokio::time::timeout(PLAY_TIMEOUT, stream.play("http://127.0.0.1:1/x", 0.0))
        .await
        .expect("in time");
    assert!(result.is_err(), "{result:?}");
    assert_eq!(fake.state().airplay_playback().play_count(), 0);
    fake.shutdown().await;
}

// --- An AirPlay 1 device: legacy pairing, no encryption ---------------------------------

async fn start_airplay1() -> (RunningFake, u16) {
    let fake = FakeDevice::builder()
        .airplay1()
        .start()
        .await
        .expect("fake device starts");
    let port = fake.ports().airplay.expect("AirPlay port");
    (fake, port)
}

async fn legacy_pair(port: u16, pin: &str) -> atv_airplay::Result<Credentials> {
    let connection = ControlConnection::connect(LOOPBACK, port)
        .await
        .expect("connects");
    let fresh = atv_pairing::LegacyCredentials::generate(&mut rand::thread_rng());
    let paired = atv_airplay::legacy_setup(&connection, fresh, pin).await;
    connection.close().await;
    paired.map(Credentials::Legacy)
}

#[tokio::test]
async fn legacy_pairing_then_plain_playback() {
    let (fake, port) = start_airplay1().await;
    let state = fake.state().clone();
    let playback = state.airplay_playback();
    playback.set_media_duration(0.0);

    assert!(
        legacy_pair(port, "9999").await.is_err(),
        "wrong PIN refused"
    );
    assert_eq!(state.paired_clients(), 0);
    let credentials = legacy_pair(port, "1111").await.expect("pairs with the PIN");
    assert_eq!(state.paired_clients(), 1);

    let dir = tempfile::tempdir().expect("scratch directory");
    let path = dir.path().join("v.mp4");
    std::fs::write(&path, media(5000)).expect("media written");
    let stream = AirPlayStream::new(LOOPBACK, port, Some(credentials), AirPlayMajorVersion::V1);
    tokio::time::timeout(
        PLAY_TIMEOUT,
        stream.play(path.to_str().expect("utf-8"), 0.0),
    )
    .await
    .expect("in time")
    .expect("plays after legacy pair-verify");
    assert!(state.has_authenticated());
    assert_eq!(playback.content(), Some(media(5000)));
    fake.shutdown().await;
}

#[tokio::test]
async fn an_airplay1_device_refuses_unknown_and_missing_credentials() {
    let (fake, port) = start_airplay1().await;
    // Credentials the device never paired with fail legacy pair-verify.
    let stranger = Credentials::Legacy(atv_pairing::LegacyCredentials::generate(
        &mut rand::thread_rng(),
    ));
    for credentials in [Some(stranger), None] {
        let stream = AirPlayStream::new(LOOPBACK, port, credentials, AirPlayMajorVersion::V1);
        let result = tokio::time::timeout(PLAY_TIMEOUT, stream.play("http://127.0.0.1:1/x", 0.0))
            .await
            .expect("in time");
        assert!(result.is_err(), "{result:?}");
    }
    assert!(!fake.state().has_authenticated());
    assert_eq!(fake.state().airplay_playback().play_count(), 0);
    fake.shutdown().await;
}
