//! `atv::pair` and `atv::connect` over MRP against pyatv's own fake MRP device (from
//! pyatv's sdist, run through `atv_tests::pyatv_fake_mrp`) on 127.0.0.1.
//! Skipped when the pyatv venv or sdist is missing, except under CI.
#![cfg(feature = "mrp")]

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use atv_tests::pyatv_fake_mrp::{CONTROL_TIMEOUT, FakeMrpDevice, PIN};
use serde_json::json;

use atv::core::interface::DeviceListener;
use atv::core::{InputAction, MemoryStorage, Storage};
use atv::{
    ConnectOptions, DeviceConfig, Error, PairOptions, Properties, Protocol, Service, connect, pair,
};

const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
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

#[tokio::test]
async fn pair_connect_control_and_close_against_pyatv() {
    let body = async {
        let Some(mut fake) = FakeMrpDevice::start().await else {
            return;
        };
        fake.command(json!({"op": "call", "method": "example_music", "kwargs": {"paused": true}}))
            .await;
        let mut config = DeviceConfig::new(LOCALHOST, "pyatv fake");
        config.add_service(Service::new(
            Some("pyatv-fake-mrp".into()),
            Protocol::Mrp,
            fake.port,
            Properties::new(),
        ));
        let storage: Arc<dyn Storage> = Arc::new(MemoryStorage::new());

        let options = PairOptions::default().storage(Arc::clone(&storage));
        let mut handler = pair(&config, Protocol::Mrp, options).await.expect("pair");
        handler.begin().await.expect("begin pairing");
        handler.pin(PIN);
        handler.finish().await.expect("finish pairing");
        handler.close().await.expect("close pairing");
        let stored = storage.get_settings(&config).await.unwrap();
        assert!(stored.protocols.mrp.credentials.is_some());

        let events = Arc::new(Events::default());
        let listener: Arc<dyn DeviceListener> = events.clone();
        let options = ConnectOptions::default()
            .storage(Arc::clone(&storage))
            .listener(Arc::downgrade(&listener));
        let atv = connect(&config, options).await.expect("connect");
        let playing = atv.metadata().playing().await.expect("playing");
        assert_eq!(playing.title.as_deref(), Some("music"));

        atv.remote_control()
            .up(InputAction::SingleTap)
            .await
            .expect("up");
        fake.wait_state("up pressed", |s| s["last_button_pressed"] == "up")
            .await;

        let audio = atv.audio();
        fake.command(
            json!({"op": "call", "method": "change_volume_control", "kwargs": {"available": true}}),
        )
        .await;
        let deadline = tokio::time::Instant::now() + CONTROL_TIMEOUT;
        while audio.volume().ok() != Some(50.0) {
            assert!(tokio::time::Instant::now() < deadline, "volume never 50 %");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(matches!(
            audio.set_volume(150.0, None).await,
            Err(Error::Protocol(_))
        ));
        audio.set_volume(30.0, None).await.expect("set volume");
        fake.wait_state("volume 30 %", |s| {
            s["volume"].as_f64().is_some_and(|v| (v - 0.3).abs() < 1e-6)
        })
        .await;

        atv.close().await;
        assert_eq!(events.closed.load(Ordering::SeqCst), 1);
        assert_eq!(events.lost.load(Ordering::SeqCst), 0);
        fake.stop().await;
    };
    tokio::time::timeout(Duration::from_secs(180), body)
        .await
        .expect("test took too long");
}
