//! `atv::pair` and `atv::connect` over Companion against atv's own fake device,
//! in-process over real sockets on 127.0.0.1: every Companion feature through the
//! public API, checked against what the fake device recorded.
#![cfg(feature = "companion")]

mod support;

use support::{Recorder, WAIT, device_config, eventually, pair_into, within_limit};

use std::sync::Arc;
use std::sync::atomic::Ordering;

use atv::core::interface::{AudioListener, DeviceListener, KeyboardListener, PowerListener};
use atv::core::{
    App, FeatureName, FeatureState, InputAction, KeyboardFocusState, MemoryStorage, PowerState,
    Storage, TouchAction, UserAccount,
};
use atv::{AppleTv, ConnectOptions, Error, Protocol, connect};
use atv_fake::companion::{HidButtonEvent, Launch, MediaCommand};
use atv_fake::{FakeDevice, RunningFake};

/// A paired and connected device with every listener set.
struct Connected {
    fake: RunningFake,
    atv: AppleTv,
    recorder: Arc<Recorder>,
    // The facade holds listeners weakly: these keep them alive.
    _device: Arc<dyn DeviceListener>,
    _power: Arc<dyn PowerListener>,
    _audio: Arc<dyn AudioListener>,
    _keyboard: Arc<dyn KeyboardListener>,
}

async fn pair_and_connect() -> Connected {
    let fake = FakeDevice::builder()
        .companion()
        .demo()
        .start()
        .await
        .unwrap();
    let config = device_config(&fake, &[Protocol::Companion]);
    let storage: Arc<dyn Storage> = Arc::new(MemoryStorage::new());
    let credentials = pair_into(&config, Protocol::Companion, &storage).await;
    let stored = storage.get_settings(&config).await.unwrap();
    assert_eq!(stored.protocols.companion.credentials, Some(credentials));
    assert!(
        config
            .get_service(Protocol::Companion)
            .unwrap()
            .credentials
            .is_none(),
        "connect takes the credentials from the storage"
    );

    let recorder = Arc::new(Recorder::default());
    let device: Arc<dyn DeviceListener> = recorder.clone();
    let options = ConnectOptions::default()
        .storage(Arc::clone(&storage))
        .listener(Arc::downgrade(&device));
    let atv = connect(&config, options).await.expect("connect");
    assert_eq!(atv.protocols(), vec![Protocol::Companion]);
    assert!(fake.state().companion().has_authenticated());
    let power: Arc<dyn PowerListener> = recorder.clone();
    atv.power().set_listener(Some(Arc::downgrade(&power)));
    let audio: Arc<dyn AudioListener> = recorder.clone();
    atv.audio().set_listener(Some(Arc::downgrade(&audio)));
    let keyboard: Arc<dyn KeyboardListener> = recorder.clone();
    atv.keyboard().set_listener(Some(Arc::downgrade(&keyboard)));
    Connected {
        fake,
        atv,
        recorder,
        _device: device,
        _power: power,
        _audio: audio,
        _keyboard: keyboard,
    }
}

impl Connected {
    /// Closes and checks that exactly `connection_closed` was heard.
    async fn close(self) {
        self.atv.close().await;
        assert_eq!(self.recorder.closed.load(Ordering::SeqCst), 1);
        assert_eq!(self.recorder.lost.load(Ordering::SeqCst), 0);
        self.fake.shutdown().await;
    }

    /// The HID button events the fake recorded since `from`.
    fn hid_since(&self, from: usize) -> Vec<HidButtonEvent> {
        self.fake.state().companion().hid_buttons()[from..].to_vec()
    }

    fn hid_count(&self) -> usize {
        self.fake.state().companion().hid_buttons().len()
    }
}

fn down(command: u8) -> HidButtonEvent {
    HidButtonEvent {
        command,
        down: true,
    }
}

fn up(command: u8) -> HidButtonEvent {
    HidButtonEvent {
        command,
        down: false,
    }
}

#[tokio::test]
async fn apps_and_accounts() {
    within_limit(async {
        let device = pair_and_connect().await;
        let atv = &device.atv;
        let companion = device.fake.state().companion();

        let apps = atv.apps().app_list().await.expect("app list");
        assert_eq!(apps, companion.apps());
        assert!(!apps.is_empty());
        companion.set_apps(vec![App::new(
            Some("Podcasts".into()),
            "com.apple.podcasts",
        )]);
        let apps = atv.apps().app_list().await.expect("app list");
        assert_eq!(apps.len(), 1);
        assert_eq!(apps[0].identifier, "com.apple.podcasts");
        assert_eq!(apps[0].name.as_deref(), Some("Podcasts"));

        atv.apps()
            .launch_app("com.apple.podcasts")
            .await
            .expect("launch by bundle id");
        assert_eq!(
            companion.active_app().as_deref(),
            Some("com.apple.podcasts")
        );
        let url = "https://tv.apple.com/show/umc.cmc.1";
        atv.apps().launch_app(url).await.expect("launch by URL");
        assert_eq!(companion.opened_url().as_deref(), Some(url));
        assert_eq!(
            companion.launches(),
            vec![
                Launch::App("com.apple.podcasts".into()),
                Launch::Url(url.into())
            ]
        );

        let accounts = atv.user_accounts().account_list().await.expect("accounts");
        assert_eq!(accounts, companion.accounts());
        assert!(accounts.len() >= 2);
        let second = accounts[1].identifier.clone();
        atv.user_accounts()
            .switch_account(&second)
            .await
            .expect("switch account");
        assert_eq!(companion.active_account(), Some(second));
        companion.set_accounts(vec![UserAccount::new("Carol", "C-1")]);
        let accounts = atv.user_accounts().account_list().await.expect("accounts");
        assert_eq!(accounts, vec![UserAccount::new("Carol", "C-1")]);
        device.close().await;
    })
    .await;
}

#[tokio::test]
async fn power_state_on_off_and_listener() {
    within_limit(async {
        let device = pair_and_connect().await;
        let atv = &device.atv;
        let state = device.fake.state();
        assert_eq!(atv.power().power_state().unwrap(), PowerState::On);
        assert_eq!(
            atv.features().get_feature(FeatureName::PowerState).state,
            FeatureState::Available
        );

        let from = device.hid_count();
        atv.power().turn_off(true).await.expect("turn off");
        assert!(!state.powered_on());
        assert_eq!(atv.power().power_state().unwrap(), PowerState::Off);
        // A lone release of the sleep button, as pyatv sends it.
        assert_eq!(device.hid_since(from), vec![up(12)]);

        let from = device.hid_count();
        atv.power().turn_on(true).await.expect("turn on");
        assert!(state.powered_on());
        assert_eq!(atv.power().power_state().unwrap(), PowerState::On);
        assert_eq!(device.hid_since(from), vec![up(13)]);

        // Changes made on the device are heard too.
        state.set_powered_on(false);
        assert!(
            eventually(|| atv.power().power_state().ok() == Some(PowerState::Off)).await,
            "power off reported"
        );
        state.set_powered_on(true);
        assert!(
            eventually(|| device.recorder.power.lock().unwrap().len() == 4).await,
            "{:?}",
            device.recorder.power.lock().unwrap()
        );
        assert_eq!(
            *device.recorder.power.lock().unwrap(),
            vec![
                (PowerState::On, PowerState::Off),
                (PowerState::Off, PowerState::On),
                (PowerState::On, PowerState::Off),
                (PowerState::Off, PowerState::On),
            ]
        );

        // Without waiting, turning off still reaches the device.
        atv.power().turn_off(false).await.expect("turn off");
        assert!(
            state.wait_until(WAIT, |s| !s.powered_on()).await,
            "device off"
        );
        device.close().await;
    })
    .await;
}

/// The HID number and the fake's button name of each navigation button.
const NAVIGATION: [(u8, &str); 7] = [
    (1, "up"),
    (2, "down"),
    (3, "left"),
    (4, "right"),
    (6, "select"),
    (5, "menu"),
    (7, "home"),
];

async fn press(atv: &AppleTv, name: &str, action: InputAction) {
    let rc = atv.remote_control();
    let result = match name {
        "up" => rc.up(action).await,
        "down" => rc.down(action).await,
        "left" => rc.left(action).await,
        "right" => rc.right(action).await,
        "select" => rc.select(action).await,
        "menu" => rc.menu(action).await,
        "home" => rc.home(action).await,
        other => panic!("no button {other}"),
    };
    result.unwrap_or_else(|e| panic!("{name} {action:?}: {e}"));
}

#[tokio::test]
async fn navigation_buttons_tap_double_tap_and_hold() {
    within_limit(async {
        let device = pair_and_connect().await;
        let atv = &device.atv;
        let state = device.fake.state();
        for (command, name) in NAVIGATION {
            for action in [
                InputAction::SingleTap,
                InputAction::DoubleTap,
                InputAction::Hold,
            ] {
                // Another button first, so that the fake does not take this press for
                // the second half of a double tap.
                atv.remote_control().channel_up().await.expect("channel up");
                let from = device.hid_count();
                press(atv, name, action).await;
                let expected = match action {
                    InputAction::DoubleTap => {
                        vec![down(command), up(command), down(command), up(command)]
                    }
                    _ => vec![down(command), up(command)],
                };
                assert_eq!(device.hid_since(from), expected, "{name} {action:?}");
                assert_eq!(state.last_button_pressed().as_deref(), Some(name));
                assert_eq!(
                    state.last_button_action(),
                    Some(action),
                    "{name} {action:?}"
                );
            }
        }
        device.close().await;
    })
    .await;
}

#[tokio::test]
async fn other_buttons_are_hid_presses() {
    within_limit(async {
        let device = pair_and_connect().await;
        let atv = &device.atv;
        let rc = atv.remote_control();
        let state = device.fake.state();
        for (command, name) in [
            (14, "playpause"),
            (15, "channel_up"),
            (16, "channel_down"),
            (11, "screensaver"),
            (17, "guide"),
            (19, "control_center"),
            (8, "volumeup"),
            (9, "volumedown"),
        ] {
            let from = device.hid_count();
            let result = match name {
                "playpause" => rc.play_pause().await,
                "channel_up" => rc.channel_up().await,
                "channel_down" => rc.channel_down().await,
                "screensaver" => rc.screensaver().await,
                "guide" => rc.guide().await,
                "control_center" => rc.control_center().await,
                "volumeup" => rc.volume_up().await,
                _ => rc.volume_down().await,
            };
            result.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(
                device.hid_since(from),
                vec![down(command), up(command)],
                "{name}"
            );
            assert_eq!(state.last_button_pressed().as_deref(), Some(name));
        }
        device.close().await;
    })
    .await;
}

#[tokio::test]
async fn media_control_and_volume() {
    within_limit(async {
        let device = pair_and_connect().await;
        let atv = &device.atv;
        let state = device.fake.state();
        let rc = atv.remote_control();
        rc.play().await.expect("play");
        rc.pause().await.expect("pause");
        rc.next().await.expect("next");
        rc.previous().await.expect("previous");
        rc.skip_forward(15.0).await.expect("skip forward");
        rc.skip_backward(0.0).await.expect("skip backward");
        let commands = state.companion().media_commands();
        let command = |command, argument| MediaCommand { command, argument };
        assert_eq!(
            commands,
            vec![
                command(1, None),
                command(2, None),
                command(3, None),
                command(4, None),
                command(7, Some(15.0)),
                // No interval given: ten seconds, as the TV Remote app skips.
                command(7, Some(-10.0)),
            ]
        );
        assert_eq!(state.last_button_pressed().as_deref(), Some("previtem"));

        // Volume: known from the start (the device announces volume control).
        let initial = f64::from(state.volume()) * 100.0;
        assert!((atv.audio().volume().unwrap() - initial).abs() < 0.01);
        atv.audio()
            .set_volume(40.0, None)
            .await
            .expect("set volume");
        assert!((state.volume() - 0.4).abs() < 1e-6, "{}", state.volume());
        assert!((atv.audio().volume().unwrap() - 40.0).abs() < 0.01);
        atv.audio().volume_up().await.expect("volume up");
        assert!((atv.audio().volume().unwrap() - 45.0).abs() < 0.01);
        atv.audio().volume_down().await.expect("volume down");
        atv.audio().volume_down().await.expect("volume down");
        assert!((atv.audio().volume().unwrap() - 35.0).abs() < 0.01);
        assert!((state.volume() - 0.35).abs() < 1e-6);
        // Changed on the device: heard too.
        state.set_volume(0.8);
        assert!(eventually(|| (atv.audio().volume().unwrap() - 80.0).abs() < 0.01).await);
        let heard: Vec<f64> = device
            .recorder
            .volume
            .lock()
            .unwrap()
            .iter()
            .map(|(_, new)| (new * 100.0).round() / 100.0)
            .collect();
        assert_eq!(heard, vec![40.0, 45.0, 40.0, 35.0, 80.0]);
        assert!(matches!(
            atv.audio().set_volume(101.0, None).await,
            Err(Error::Protocol(_))
        ));
        device.close().await;
    })
    .await;
}

#[tokio::test]
async fn keyboard_text_and_focus() {
    within_limit(async {
        let device = pair_and_connect().await;
        let atv = &device.atv;
        let companion = device.fake.state().companion();
        let keyboard = atv.keyboard();
        assert_eq!(
            keyboard.text_focus_state().unwrap(),
            KeyboardFocusState::Unfocused
        );
        assert_eq!(keyboard.text_get().await.unwrap(), None);

        companion.set_text_focus(Some("Star"));
        assert!(
            eventually(|| keyboard.text_focus_state().ok() == Some(KeyboardFocusState::Focused))
                .await
        );
        assert_eq!(keyboard.text_get().await.unwrap().as_deref(), Some("Star"));
        keyboard.text_append(" Wars").await.expect("append");
        assert!(
            companion
                .wait_until(WAIT, |c| c.text().as_deref() == Some("Star Wars"))
                .await
        );
        assert_eq!(
            keyboard.text_get().await.unwrap().as_deref(),
            Some("Star Wars")
        );
        keyboard.text_set("Andor").await.expect("set");
        assert!(
            companion
                .wait_until(WAIT, |c| c.text().as_deref() == Some("Andor"))
                .await
        );
        keyboard.text_clear().await.expect("clear");
        assert!(
            companion
                .wait_until(WAIT, |c| c.text().as_deref() == Some(""))
                .await
        );
        assert_eq!(keyboard.text_get().await.unwrap().as_deref(), Some(""));

        companion.set_text_focus(None);
        assert!(
            eventually(|| keyboard.text_focus_state().ok() == Some(KeyboardFocusState::Unfocused))
                .await
        );
        assert_eq!(keyboard.text_get().await.unwrap(), None);
        assert_eq!(
            *device.recorder.focus.lock().unwrap(),
            vec![
                (KeyboardFocusState::Unfocused, KeyboardFocusState::Focused),
                (KeyboardFocusState::Focused, KeyboardFocusState::Unfocused),
            ]
        );
        device.close().await;
    })
    .await;
}

#[tokio::test]
async fn touch_swipe_action_and_click() {
    within_limit(async {
        let device = pair_and_connect().await;
        let atv = &device.atv;
        let companion = device.fake.state().companion();
        assert_eq!(companion.touch_area(), Some((1000.0, 1000.0)));

        atv.touch()
            .swipe(100, 200, 900, 600, 200)
            .await
            .expect("swipe");
        assert!(
            companion
                .wait_until(WAIT, |c| c
                    .touch_events()
                    .last()
                    .is_some_and(|t| t.action == TouchAction::Release))
                .await
        );
        let events = companion.touch_events();
        let first = events.first().unwrap();
        let last = events.last().unwrap();
        assert_eq!(
            (first.action, first.x, first.y),
            (TouchAction::Press, 100, 200)
        );
        assert_eq!(
            (last.action, last.x, last.y),
            (TouchAction::Release, 900, 600)
        );
        let moves = &events[1..events.len() - 1];
        assert!(!moves.is_empty());
        assert!(moves.iter().all(|t| t.action == TouchAction::Hold));
        // Moves go from start to end, and time goes forward.
        assert!(
            moves
                .windows(2)
                .all(|w| w[0].x <= w[1].x && w[0].y <= w[1].y)
        );
        assert!(events.windows(2).all(|w| w[0].nanos <= w[1].nanos));

        let before = companion.touch_events().len();
        atv.touch()
            .action(321, 654, TouchAction::Click)
            .await
            .expect("action");
        assert!(
            companion
                .wait_until(WAIT, |c| c.touch_events().len() == before + 1)
                .await
        );
        let event = *companion.touch_events().last().unwrap();
        assert_eq!(
            (event.action, event.x, event.y),
            (TouchAction::Click, 321, 654)
        );

        for (action, clicks) in [
            (InputAction::SingleTap, 1),
            (InputAction::DoubleTap, 2),
            (InputAction::Hold, 1),
        ] {
            let hid_from = device.hid_count();
            let touch_from = companion.touch_events().len();
            atv.touch().click(action).await.expect("click");
            let expected: Vec<HidButtonEvent> =
                (0..clicks).flat_map(|_| [down(6), up(6)]).collect();
            assert_eq!(device.hid_since(hid_from), expected, "{action:?}");
            assert!(
                companion
                    .wait_until(WAIT, |c| c.touch_events().len() == touch_from + clicks)
                    .await
            );
            let touches = companion.touch_events()[touch_from..].to_vec();
            assert!(
                touches
                    .iter()
                    .all(|t| (t.action, t.x, t.y) == (TouchAction::Click, 1000, 1000)),
                "{touches:?}"
            );
        }
        assert_eq!(
            device.fake.state().last_button_action(),
            Some(InputAction::Hold)
        );
        device.close().await;
    })
    .await;
}

#[tokio::test]
async fn features_follow_the_device() {
    within_limit(async {
        let device = pair_and_connect().await;
        let atv = &device.atv;
        let features = atv.features();
        let state = |name| features.get_feature(name).state;
        for name in [
            FeatureName::AppList,
            FeatureName::LaunchApp,
            FeatureName::AccountList,
            FeatureName::SwitchAccount,
            FeatureName::PowerState,
            FeatureName::TurnOn,
            FeatureName::TurnOff,
            FeatureName::Up,
            FeatureName::Select,
            FeatureName::Home,
            FeatureName::ControlCenter,
            FeatureName::TextGet,
            FeatureName::TextSet,
            FeatureName::TextFocusState,
            FeatureName::Swipe,
            FeatureName::Action,
            FeatureName::Click,
            // The fake announces volume control only.
            FeatureName::Volume,
            FeatureName::SetVolume,
        ] {
            assert_eq!(state(name), FeatureState::Available, "{name:?}");
        }
        for name in [
            FeatureName::Play,
            FeatureName::Pause,
            FeatureName::SkipForward,
        ] {
            assert_eq!(state(name), FeatureState::Unavailable, "{name:?}");
        }
        assert_eq!(state(FeatureName::Title), FeatureState::Unsupported);
        assert_eq!(state(FeatureName::Artwork), FeatureState::Unsupported);

        // Play and skip announced, volume withdrawn.
        device
            .fake
            .state()
            .companion()
            .set_media_control_flags(0x0001 | 0x0200);
        assert!(eventually(|| state(FeatureName::Play) == FeatureState::Available).await);
        assert_eq!(state(FeatureName::SkipForward), FeatureState::Available);
        assert_eq!(state(FeatureName::SkipBackward), FeatureState::Unavailable);
        assert_eq!(state(FeatureName::Volume), FeatureState::Unavailable);
        device.close().await;
    })
    .await;
}

#[tokio::test]
async fn device_going_away_is_reported_once() {
    within_limit(async {
        let device = pair_and_connect().await;
        let Connected {
            fake,
            atv,
            recorder,
            ..
        } = device;
        // A request answered: the device has read everything sent (a socket closed
        // with unread data is reset, which is a loss).
        atv.apps().app_list().await.expect("app list");
        fake.shutdown().await;
        assert!(
            eventually(|| recorder.lost.load(Ordering::SeqCst)
                + recorder.closed.load(Ordering::SeqCst)
                > 0)
            .await
        );
        assert!(eventually(|| atv.is_closed()).await);
        atv.close().await;
        // The device closed its socket: pyatv reports that as closed, not lost.
        assert_eq!(recorder.closed.load(Ordering::SeqCst), 1);
        assert_eq!(recorder.lost.load(Ordering::SeqCst), 0);
        assert!(matches!(
            atv.apps().app_list().await,
            Err(Error::BlockedState(_))
        ));
    })
    .await;
}
