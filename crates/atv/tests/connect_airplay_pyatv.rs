//! `atv::pair` and `atv::connect` over AirPlay against pyatv's own fake AirPlay device
//! (from pyatv's sdist, run through `atv_tests::pyatv_fake_airplay`) on 127.0.0.1:
//! HAP pairing with the fake's PIN, then playing a URL and a local file through the
//! facade. Skipped when the pyatv venv or sdist is missing, except under CI.
#![cfg(feature = "airplay")]

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Duration;

use atv_tests::pyatv_fake_airplay::{FakeAirPlayDevice, PIN};
use serde_json::json;

use atv::core::interface::PlayUrlOptions;
use atv::core::{FeatureName, FeatureState, MemoryStorage, Storage};
use atv::{
    ConnectOptions, DeviceConfig, PairOptions, Properties, Protocol, Service, connect, pair,
};

const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const TEST_TIMEOUT: Duration = Duration::from_secs(90);

fn config(port: u16, features: &str) -> DeviceConfig {
    let mut config = DeviceConfig::new(LOCALHOST, "pyatv fake");
    let properties: Properties = [("features", features)].into_iter().collect();
    config.add_service(Service::new(
        Some("pyatv-fake-airplay".into()),
        Protocol::AirPlay,
        port,
        properties,
    ));
    config
}

#[tokio::test]
async fn pair_then_play_url_and_file_against_pyatv() {
    let body = async {
        let Some(mut fake) = FakeAirPlayDevice::start().await else {
            return;
        };
        let storage: Arc<dyn Storage> = Arc::new(MemoryStorage::new());

        // Unified media control (bit 38) makes it an AirPlay 2 device: HAP pairing.
        let airplay2 = config(fake.port, "0x1,0x40");
        let options = PairOptions::default().storage(Arc::clone(&storage));
        let mut handler = pair(&airplay2, Protocol::AirPlay, options)
            .await
            .expect("pair");
        handler.begin().await.expect("begin pairing");
        handler.pin(PIN);
        handler.finish().await.expect("finish pairing");
        handler.close().await.expect("close pairing");
        let stored = storage.get_settings(&airplay2).await.unwrap();
        let credentials = stored
            .protocols
            .airplay
            .credentials
            .clone()
            .expect("stored");
        assert_eq!(
            credentials.split(':').count(),
            4,
            "HAP credentials expected"
        );

        // pyatv's fake speaks the AirPlay 1 /play flow (no session encryption).
        let airplay1 = config(fake.port, "0x1");
        let options = ConnectOptions::default().storage(Arc::clone(&storage));
        let atv = connect(&airplay1, options).await.expect("connect");
        assert_eq!(
            atv.features().get_feature(FeatureName::PlayUrl).state,
            FeatureState::Available
        );

        fake.call("airplay_playback_playing", json!({})).await;
        fake.call("airplay_playback_idle", json!({})).await;
        atv.stream()
            .play_url(
                "http://example.invalid/a.mp4",
                &PlayUrlOptions { position: 3 },
            )
            .await
            .expect("play_url");
        let state = fake.state().await;
        assert_eq!(state["last_airplay_url"], "http://example.invalid/a.mp4");
        assert_eq!(state["last_airplay_start"], 3.0);

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("movie.mp4");
        std::fs::write(&path, b"not really a movie").unwrap();
        atv.stream()
            .play_url(path.to_str().unwrap(), &PlayUrlOptions::default())
            .await
            .expect("play_url of a local file");
        let state = fake.state().await;
        assert_eq!(
            state["last_airplay_content"].as_str(),
            Some(hex(b"not really a movie").as_str())
        );
        atv.close().await;
        fake.stop().await;
    };
    tokio::time::timeout(TEST_TIMEOUT, body)
        .await
        .expect("test timed out");
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
