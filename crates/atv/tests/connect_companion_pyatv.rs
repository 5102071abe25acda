//! `atv::pair` and `atv::connect` over Companion against pyatv's own fake Companion
//! device (from pyatv's sdist, run through `atv_tests::pyatv_fake_companion`) on
//! 127.0.0.1. Skipped when the pyatv venv or sdist is missing, except under CI.
#![cfg(feature = "companion")]

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use atv_tests::pyatv_fake_companion::{CONTROL_TIMEOUT, FakeCompanionDevice, PIN};
use serde_json::json;

use atv::core::interface::DeviceListener;
use atv::core::{InputAction, MemoryStorage, PowerState, Storage};
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
async fn pair_connect_and_control_over_companion() {
    let body = async {
        let Some(mut fake) = FakeCompanionDevice::start().await else {
            return;
        };
        let mut config = DeviceConfig::new(LOCALHOST, "pyatv fake companion");
        config.add_service(Service::new(
            Some("pyatv-fake-companion".into()),
            Protocol::Companion,
            fake.port,
            Properties::new(),
        ));
        let storage: Arc<dyn Storage> = Arc::new(MemoryStorage::new());

        let options = PairOptions::default().storage(Arc::clone(&storage));
        let mut handler = pair(&config, Protocol::Companion, options)
            .await
            .expect("pair");
        assert!(handler.device_provides_pin());
        handler.begin().await.expect("begin pairing");
        handler.pin(PIN);
        handler.finish().await.expect("finish pairing");
        assert!(handler.has_paired());
        handler.close().await.expect("close pairing");
        let stored = storage.get_settings(&config).await.unwrap();
        assert!(stored.protocols.companion.credentials.is_some());

        fake.call(
            "set_installed_apps",
            json!({"apps": {"com.apple.TVMusic": "Music"}}),
        )
        .await;
        fake.call(
            "set_available_accounts",
            json!({"accounts": {"a1": "Alice"}}),
        )
        .await;

        let events = Arc::new(Events::default());
        let listener: Arc<dyn DeviceListener> = events.clone();
        let options = ConnectOptions::default()
            .storage(Arc::clone(&storage))
            .listener(Arc::downgrade(&listener));
        let atv = connect(&config, options).await.expect("connect");

        let apps = atv.apps().app_list().await.expect("app list");
        assert_eq!(apps.len(), 1);
        assert_eq!(apps[0].identifier, "com.apple.TVMusic");
        atv.apps()
            .launch_app("com.apple.TVMusic")
            .await
            .expect("launch app");
        let accounts = atv.user_accounts().account_list().await.expect("accounts");
        assert_eq!(accounts[0].name, "Alice");
        atv.user_accounts()
            .switch_account("a1")
            .await
            .expect("switch account");
        let state = fake.state().await;
        assert_eq!(state["active_app"], "com.apple.TVMusic");
        assert_eq!(state["active_account"], "a1");

        assert_eq!(atv.power().power_state().unwrap(), PowerState::On);
        atv.power().turn_off(false).await.expect("turn off");
        fake.wait_state("powered off", |s| s["powered_on"] == false)
            .await;

        atv.remote_control()
            .menu(InputAction::SingleTap)
            .await
            .expect("menu");
        fake.wait_state("menu pressed", |s| s["latest_button"] == "menu")
            .await;

        let text = atv.keyboard().text_get().await.expect("text get");
        assert_eq!(text.as_deref(), Some("Fake Companion Keyboard Text"));
        atv.keyboard().text_set("atv").await.expect("text set");
        fake.wait_state("text set", |s| s["rti_text"] == "atv")
            .await;

        atv.touch().swipe(0, 0, 500, 500, 50).await.expect("swipe");
        fake.wait_state("swipe", |s| s["touch"]["mode"] == 4).await;

        atv.close().await;
        assert_eq!(events.closed.load(Ordering::SeqCst), 1);
        assert_eq!(events.lost.load(Ordering::SeqCst), 0);
        fake.stop().await;
    };
    tokio::time::timeout(CONTROL_TIMEOUT * 6, body)
        .await
        .expect("test took too long");
}
