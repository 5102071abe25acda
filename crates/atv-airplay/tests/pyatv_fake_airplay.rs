//! atv's AirPlay client against pyatv 0.18.0's fake AirPlay device (real sockets, real
//! peer): playing URLs and local files, HAP and legacy pairing, pair-verify.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use atv_airplay::version::AirPlayMajorVersion;
use atv_airplay::{AirPlayPairingHandler, AirPlayStream, ControlConnection, Player};
use atv_core::interface::PairingHandler;
use atv_core::{Properties, Protocol, Service, Settings};
use atv_pairing::{Credentials, LegacyCredentials};
use atv_tests::pyatv_fake_airplay::{FakeAirPlayDevice, LEGACY_CLIENT_ID, LEGACY_SEED, PIN};
use serde_json::json;

const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const TEST_TIMEOUT: Duration = Duration::from_secs(60);
const FAST_POLL: Duration = Duration::from_millis(20);

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn legacy_credentials() -> LegacyCredentials {
    LegacyCredentials {
        client_id: hex(LEGACY_CLIENT_ID),
        seed: hex(LEGACY_SEED).try_into().unwrap(),
    }
}

async fn open_player(fake: &FakeAirPlayDevice) -> (ControlConnection, Player) {
    let connection = ControlConnection::connect(LOCALHOST, fake.port)
        .await
        .unwrap();
    let player = Player::new(connection.clone()).with_poll_interval(FAST_POLL);
    (connection, player)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plays_url_until_playback_ends() {
    let Some(mut fake) = FakeAirPlayDevice::start().await else {
        return;
    };
    // Playing twice, then idle: playback ends after the idle polls.
    fake.call("airplay_playback_playing", json!({})).await;
    fake.call("airplay_playback_playing", json!({})).await;
    fake.call("airplay_playback_idle", json!({})).await;
    let (connection, player) = open_player(&fake).await;
    tokio::time::timeout(
        TEST_TIMEOUT,
        player.play_url(None, false, "http://example.invalid/movie.mp4", 12.5),
    )
    .await
    .expect("play_url never returned")
    .expect("play_url failed");
    connection.close().await;
    let state = fake.state().await;
    assert_eq!(
        state["last_airplay_url"],
        "http://example.invalid/movie.mp4"
    );
    assert_eq!(state["last_airplay_start"], 12.5);
    assert_eq!(state["play_count"], 1);
    assert_eq!(state["airplay_responses_left"], 0, "{state}");
    let uuid = state["last_airplay_uuid"].as_str().unwrap();
    assert_eq!(uuid.len(), 36, "{uuid}");
    fake.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_play_after_internal_errors() {
    let Some(mut fake) = FakeAirPlayDevice::start().await else {
        return;
    };
    fake.call("airplay_play_failure", json!({"count": 2})).await;
    let (connection, player) = open_player(&fake).await;
    tokio::time::timeout(
        TEST_TIMEOUT,
        player.play_url(None, false, "http://x.invalid/a", 0.0),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(fake.state().await["play_count"], 3);

    // More failures than retries: an error.
    fake.call("airplay_play_failure", json!({"count": 3})).await;
    let error = player
        .play_url(None, false, "http://x.invalid/a", 0.0)
        .await
        .expect_err("three failures must fail");
    assert!(error.to_string().contains("retries"), "{error}");
    connection.close().await;
    fake.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn playback_error_and_forbidden_are_reported() {
    let Some(mut fake) = FakeAirPlayDevice::start().await else {
        return;
    };
    fake.call("airplay_playback_playing_no_permission", json!({}))
        .await;
    let (connection, player) = open_player(&fake).await;
    let error = player
        .play_url(None, false, "http://x.invalid/a", 0.0)
        .await
        .expect_err("403 from playback-info must fail");
    assert!(
        matches!(error, atv_airplay::AirPlayError::Authentication(_)),
        "{error}"
    );
    connection.close().await;

    fake.call("airplay_always_fail_authentication", json!({}))
        .await;
    let (connection, player) = open_player(&fake).await;
    let error = player
        .play_url(None, false, "http://x.invalid/a", 0.0)
        .await
        .expect_err("503 from /play must fail");
    assert!(error.to_string().contains("503"), "{error}");
    connection.close().await;
    fake.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plays_local_file_through_built_in_server() {
    let Some(mut fake) = FakeAirPlayDevice::start().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clip one.mp4");
    let content: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &content).unwrap();
    let stream = AirPlayStream::new(LOCALHOST, fake.port, None, AirPlayMajorVersion::V1);
    // The fake reports idle: play_url returns after pyatv's five idle polls (1 s each).
    tokio::time::timeout(TEST_TIMEOUT, stream.play(path.to_str().unwrap(), 0.0))
        .await
        .expect("play_url never returned")
        .expect("play_url failed");
    let state = fake.state().await;
    let url = state["last_airplay_url"].as_str().unwrap();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/clip%20one.mp4"),
        "{url}"
    );
    assert_eq!(
        state["last_airplay_content"].as_str().map(hex),
        Some(content),
        "the fake fetched other bytes than the file's"
    );
    fake.stop().await;
}

fn airplay_service(port: u16) -> Service {
    Service::new(None, Protocol::AirPlay, port, Properties::new())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hap_pairing_then_verified_play() {
    let Some(mut fake) = FakeAirPlayDevice::start().await else {
        return;
    };
    let mut handler = AirPlayPairingHandler::new(
        LOCALHOST,
        airplay_service(fake.port),
        &Settings::default(),
        AirPlayMajorVersion::V2,
    );
    tokio::time::timeout(TEST_TIMEOUT, handler.begin())
        .await
        .unwrap()
        .unwrap();
    handler.pin(PIN);
    tokio::time::timeout(TEST_TIMEOUT, handler.finish())
        .await
        .unwrap()
        .unwrap();
    assert!(handler.has_paired());
    let text = handler
        .service()
        .credentials
        .clone()
        .expect("credentials stored");
    let credentials: Credentials = text.parse().unwrap();
    assert!(matches!(credentials, Credentials::Hap(_)), "{text}");
    handler.close().await.unwrap();

    // pair-verify with the new credentials, then play (AirPlay 1 flow stays plain).
    let (connection, player) = open_player(&fake).await;
    tokio::time::timeout(
        TEST_TIMEOUT,
        player.play_url(Some(&credentials), false, "http://x.invalid/v", 0.0),
    )
    .await
    .unwrap()
    .unwrap();
    connection.close().await;
    assert_eq!(fake.state().await["last_airplay_url"], "http://x.invalid/v");
    fake.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hap_pairing_with_wrong_pin_fails() {
    let Some(fake) = FakeAirPlayDevice::start().await else {
        return;
    };
    let mut handler = AirPlayPairingHandler::new(
        LOCALHOST,
        airplay_service(fake.port),
        &Settings::default(),
        AirPlayMajorVersion::V2,
    );
    handler.begin().await.unwrap();
    handler.pin(PIN + 1);
    let error = handler.finish().await.expect_err("wrong PIN must fail");
    assert!(matches!(error, atv_core::Error::Pairing(_)), "{error}");
    assert!(!handler.has_paired());
    handler.close().await.unwrap();
    fake.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_pairing_matches_pyatvs_recorded_session() {
    let Some(fake) = FakeAirPlayDevice::start().await else {
        return;
    };
    // The fake answers only pyatv's recorded requests: our plists and SRP values must
    // be byte-identical to what pyatv sent for the same identity and PIN.
    let connection = ControlConnection::connect(LOCALHOST, fake.port)
        .await
        .unwrap();
    let paired = tokio::time::timeout(
        TEST_TIMEOUT,
        atv_airplay::legacy_setup(&connection, legacy_credentials(), &PIN.to_string()),
    )
    .await
    .unwrap()
    .expect("legacy pairing failed");
    assert_eq!(paired, legacy_credentials());
    connection.close().await;
    fake.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_verify_unlocks_play() {
    let Some(mut fake) = FakeAirPlayDevice::start().await else {
        return;
    };
    fake.call("airplay_require_authentication", json!({})).await;
    let (connection, player) = open_player(&fake).await;
    let error = player
        .play_url(None, false, "http://x.invalid/a", 0.0)
        .await
        .expect_err("unauthenticated play must fail");
    assert!(error.to_string().contains("503"), "{error}");
    connection.close().await;

    let credentials = Credentials::Legacy(legacy_credentials());
    let (connection, player) = open_player(&fake).await;
    tokio::time::timeout(
        TEST_TIMEOUT,
        player.play_url(Some(&credentials), false, "http://x.invalid/b", 0.0),
    )
    .await
    .unwrap()
    .expect("legacy-verified play failed");
    assert_eq!(fake.state().await["has_authenticated"], true);
    connection.close().await;
    fake.stop().await;
}
