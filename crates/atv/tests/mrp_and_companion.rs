//! A device offering MRP and Companion (atv's fake device, in-process on 127.0.0.1)
//! through `atv::connect`: the facade sends power to Companion first (pyatv's priority
//! override for power), apps, accounts, keyboard and touch to Companion, buttons,
//! volume and what plays to MRP; features are merged; close closes both; losing the
//! device is reported once.
#![cfg(all(feature = "mrp", feature = "companion"))]

mod support;

use support::{Recorder, WAIT, device_config, eventually, pair_into, within_limit};

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use atv::core::interface::{AudioListener, DeviceListener, KeyboardListener};
use atv::core::{
    FeatureName, FeatureState, InputAction, KeyboardFocusState, MemoryStorage, PowerState, Storage,
};
use atv::{AppleTv, ConnectOptions, Error, Protocol, connect};
use atv_fake::companion::HidButtonEvent;
use atv_fake::{FakeDevice, RunningFake};

struct Connected {
    fake: RunningFake,
    atv: AppleTv,
    recorder: Arc<Recorder>,
    _device: Arc<dyn DeviceListener>,
    _audio: Arc<dyn AudioListener>,
    _keyboard: Arc<dyn KeyboardListener>,
}

async fn pair_and_connect() -> Connected {
    let fake = FakeDevice::builder()
        .mrp()
        .companion()
        .demo()
        .start()
        .await
        .unwrap();
    let config = device_config(&fake, &[Protocol::Mrp, Protocol::Companion]);
    let storage: Arc<dyn Storage> = Arc::new(MemoryStorage::new());
    pair_into(&config, Protocol::Mrp, &storage).await;
    pair_into(&config, Protocol::Companion, &storage).await;
    let recorder = Arc::new(Recorder::default());
    let device: Arc<dyn DeviceListener> = recorder.clone();
    let options = ConnectOptions::default()
        .storage(Arc::clone(&storage))
        .listener(Arc::downgrade(&device));
    let atv = connect(&config, options).await.expect("connect");
    let mut protocols = atv.protocols();
    protocols.sort();
    let mut expected = vec![Protocol::Mrp, Protocol::Companion];
    expected.sort();
    assert_eq!(protocols, expected);
    assert_eq!(fake.state().connected_clients(), 1);
    assert_eq!(fake.state().companion().connected_clients(), 1);
    let audio: Arc<dyn AudioListener> = recorder.clone();
    atv.audio().set_listener(Some(Arc::downgrade(&audio)));
    let keyboard: Arc<dyn KeyboardListener> = recorder.clone();
    atv.keyboard().set_listener(Some(Arc::downgrade(&keyboard)));
    Connected {
        fake,
        atv,
        recorder,
        _device: device,
        _audio: audio,
        _keyboard: keyboard,
    }
}

#[tokio::test]
async fn calls_reach_the_protocol_pyatv_would_use() {
    within_limit(async {
        let device = pair_and_connect().await;
        let atv = &device.atv;
        let state = device.fake.state();
        let companion = state.companion();

        // What plays: MRP.
        let playing = atv.metadata().playing().await.expect("playing");
        let expected = state.playing().expect("the demo plays");
        assert!(playing.title.is_some());
        assert_eq!(playing.title, expected.title);

        // Power: Companion first (a lone release of its sleep/wake button), not MRP.
        let mrp_hid = state.hid_events().len();
        atv.power().turn_off(true).await.expect("turn off");
        assert!(!state.powered_on());
        assert_eq!(atv.power().power_state().unwrap(), PowerState::Off);
        atv.power().turn_on(true).await.expect("turn on");
        assert!(state.powered_on());
        assert_eq!(
            companion.hid_buttons(),
            vec![
                HidButtonEvent {
                    command: 12,
                    down: false
                },
                HidButtonEvent {
                    command: 13,
                    down: false
                },
            ]
        );
        assert_eq!(state.hid_events().len(), mrp_hid, "MRP sent no key");

        // Buttons: MRP.
        atv.remote_control()
            .up(InputAction::SingleTap)
            .await
            .expect("up");
        assert!(
            state
                .wait_until(WAIT, |s| s.last_button_pressed().as_deref() == Some("up"))
                .await
        );
        assert!(state.hid_events().len() > mrp_hid);
        assert_eq!(
            companion.hid_buttons().len(),
            2,
            "Companion pressed nothing"
        );

        // Apps and accounts: Companion (MRP has none).
        let apps = atv.apps().app_list().await.expect("apps");
        assert_eq!(apps, companion.apps());
        atv.apps()
            .launch_app(&apps[0].identifier)
            .await
            .expect("launch");
        assert_eq!(companion.active_app(), Some(apps[0].identifier.clone()));
        let accounts = atv.user_accounts().account_list().await.expect("accounts");
        assert_eq!(accounts, companion.accounts());
        atv.user_accounts()
            .switch_account(&accounts[0].identifier)
            .await
            .expect("switch");
        assert_eq!(
            companion.active_account(),
            Some(accounts[0].identifier.clone())
        );

        // Keyboard: Companion; its focus changes reach the listener.
        companion.set_text_focus(Some("abc"));
        assert!(
            eventually(
                || atv.keyboard().text_focus_state().ok() == Some(KeyboardFocusState::Focused)
            )
            .await
        );
        atv.keyboard().text_append("d").await.expect("append");
        assert!(
            companion
                .wait_until(WAIT, |c| c.text().as_deref() == Some("abcd"))
                .await
        );
        assert!(
            eventually(|| device
                .recorder
                .focus
                .lock()
                .unwrap()
                .contains(&(KeyboardFocusState::Unfocused, KeyboardFocusState::Focused)))
            .await,
            "{:?}",
            device.recorder.focus.lock().unwrap()
        );

        // Touch: Companion.
        atv.touch()
            .action(10, 20, atv::core::TouchAction::Click)
            .await
            .expect("touch");
        assert!(
            companion
                .wait_until(WAIT, |c| c.touch_events().len() == 1)
                .await
        );

        // Volume: MRP sets it; both protocols hear the change, the listener once.
        atv.audio()
            .set_volume(40.0, None)
            .await
            .expect("set volume");
        assert!((state.volume() - 0.4).abs() < 1e-6);
        assert!(
            eventually(|| device
                .recorder
                .volume
                .lock()
                .unwrap()
                .iter()
                .any(|(_, new)| (new - 40.0).abs() < 0.01))
            .await
        );
        // Give the second protocol's report time to arrive (it must not be told).
        companion.set_text_focus(None);
        assert!(
            eventually(
                || atv.keyboard().text_focus_state().ok() == Some(KeyboardFocusState::Unfocused)
            )
            .await
        );
        let to_40 = device
            .recorder
            .volume
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, new)| (new - 40.0).abs() < 0.01)
            .count();
        assert_eq!(to_40, 1, "{:?}", device.recorder.volume.lock().unwrap());

        device.atv.close().await;
        assert_eq!(device.recorder.closed.load(Ordering::SeqCst), 1);
        assert_eq!(device.recorder.lost.load(Ordering::SeqCst), 0);
        // Both protocols closed their connections.
        assert!(state.wait_until(WAIT, |s| s.connected_clients() == 0).await);
        assert!(
            companion
                .wait_until(WAIT, |c| c.connected_clients() == 0)
                .await
        );
        device.fake.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn features_are_merged() {
    within_limit(async {
        let device = pair_and_connect().await;
        let atv = &device.atv;
        let features = atv.features();
        let merged = atv.facade_features();
        for (name, protocol) in [
            (FeatureName::Title, Protocol::Mrp),
            (FeatureName::Play, Protocol::Mrp),
            (FeatureName::Up, Protocol::Mrp),
            (FeatureName::SetVolume, Protocol::Mrp),
            (FeatureName::AppList, Protocol::Companion),
            (FeatureName::LaunchApp, Protocol::Companion),
            (FeatureName::AccountList, Protocol::Companion),
            (FeatureName::TextSet, Protocol::Companion),
            (FeatureName::Swipe, Protocol::Companion),
        ] {
            assert_eq!(
                features.get_feature(name).state,
                FeatureState::Available,
                "{name:?}"
            );
            assert_eq!(merged.protocol_of(name), Some(protocol), "{name:?}");
        }
        assert_eq!(
            features.get_feature(FeatureName::PowerState).state,
            FeatureState::Available
        );
        atv.close().await;
        device.fake.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn losing_the_device_is_reported_once() {
    within_limit(async {
        let device = pair_and_connect().await;
        let Connected {
            fake,
            atv,
            recorder,
            ..
        } = device;
        atv.apps().app_list().await.expect("app list");
        // Both connections end at once.
        fake.shutdown().await;
        assert!(eventually(|| recorder.events() > 0).await);
        assert!(eventually(|| atv.is_closed()).await);
        atv.close().await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(recorder.events(), 1);
        assert!(matches!(
            atv.metadata().playing().await,
            Err(Error::BlockedState(_))
        ));
        assert!(matches!(
            atv.apps().app_list().await,
            Err(Error::BlockedState(_))
        ));
    })
    .await;
}
