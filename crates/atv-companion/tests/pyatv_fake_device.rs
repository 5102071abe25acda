//! The Companion client against pyatv 0.18.0's own fake Companion device (from pyatv's
//! sdist, run through `atv_tests::pyatv_fake_companion`) on 127.0.0.1: pairing with PIN
//! 1111, pair-verify and the encrypted session, and every interface the fake serves.
//! Skipped when the pyatv venv or sdist is missing, except under CI.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use atv_companion::{CompanionClient, CompanionClientConfig, CompanionPairingHandler};
use atv_core::interface::PairingHandler;
use atv_core::interface::{
    Apps, Audio, AudioListener, DeviceListener, Features, Keyboard, KeyboardListener, Power,
    PowerListener, RemoteControl, TouchGestures, UserAccounts,
};
use atv_core::{
    Error, FeatureName, FeatureState, InputAction, KeyboardFocusState, OutputDevice, PowerState,
    Properties, Protocol, Service, TouchAction,
};
use atv_tests::pyatv_fake_companion::{CONTROL_TIMEOUT, FakeCompanionDevice, PIN};
use serde_json::json;

const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const INITIAL_RTI_TEXT: &str = "Fake Companion Keyboard Text";

#[derive(Default)]
struct Recorder {
    lost: AtomicUsize,
    closed: AtomicUsize,
    power: Mutex<Vec<(PowerState, PowerState)>>,
    focus: Mutex<Vec<(KeyboardFocusState, KeyboardFocusState)>>,
    volume: Mutex<Vec<f64>>,
}

impl DeviceListener for Recorder {
    fn connection_lost(&self, _error: &Error) {
        self.lost.fetch_add(1, Ordering::SeqCst);
    }
    fn connection_closed(&self) {
        self.closed.fetch_add(1, Ordering::SeqCst);
    }
}

impl PowerListener for Recorder {
    fn powerstate_update(&self, old: PowerState, new: PowerState) {
        self.power.lock().unwrap().push((old, new));
    }
}

impl KeyboardListener for Recorder {
    fn focusstate_update(&self, old: KeyboardFocusState, new: KeyboardFocusState) {
        self.focus.lock().unwrap().push((old, new));
    }
}

impl AudioListener for Recorder {
    fn volume_update(&self, _old: f64, new: f64) {
        self.volume.lock().unwrap().push(new);
    }
    fn volume_device_update(&self, _device: &OutputDevice, _old: f64, _new: f64) {}
    fn outputdevices_update(&self, _old: &[OutputDevice], _new: &[OutputDevice]) {}
}

fn service(port: u16) -> Service {
    Service::new(
        Some("fake-companion".into()),
        Protocol::Companion,
        port,
        Properties::new(),
    )
}

async fn pair_with(fake: &FakeCompanionDevice) -> String {
    let mut handler = CompanionPairingHandler::new(LOCALHOST, service(fake.port), "atv test");
    handler.begin().await.expect("begin pairing");
    handler.pin(PIN);
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

fn client(port: u16, credentials: &str) -> CompanionClient {
    CompanionClient::new(CompanionClientConfig {
        credentials: Some(credentials.to_owned()),
        ..CompanionClientConfig::new(LOCALHOST, port)
    })
}

/// Polls `check` until it holds (at most the control timeout).
async fn until(what: &str, check: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + CONTROL_TIMEOUT;
    while !check() {
        assert!(tokio::time::Instant::now() < deadline, "never saw {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn with_timeout<F: Future>(body: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(180), body)
        .await
        .expect("test timed out")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pair_connect_and_use_every_interface() {
    with_timeout(async {
        let Some(mut fake) = FakeCompanionDevice::start().await else {
            return;
        };
        let credentials = pair_with(&fake).await;
        assert!(fake.state().await["has_paired"].as_bool().unwrap());
        assert_eq!(credentials.split(':').count(), 4);

        let recorder = Arc::new(Recorder::default());
        let client = client(fake.port, &credentials);
        let device_listener: Arc<dyn DeviceListener> = recorder.clone();
        client.set_device_listener(Some(Arc::downgrade(&device_listener)));
        let power_listener: Arc<dyn PowerListener> = recorder.clone();
        let keyboard_listener: Arc<dyn KeyboardListener> = recorder.clone();
        let audio_listener: Arc<dyn AudioListener> = recorder.clone();
        let power = client.power();
        let keyboard = client.keyboard();
        let audio = client.audio();
        power.set_listener(Some(Arc::downgrade(&power_listener)));
        Keyboard::set_listener(&keyboard, Some(Arc::downgrade(&keyboard_listener)));
        Audio::set_listener(&audio, Some(Arc::downgrade(&audio_listener)));

        client.connect().await.expect("connect");

        // The start-up exchange, as the fake recorded it.
        let state = fake.state().await;
        assert_eq!(state["system_info"]["name"], "pyatv");
        assert_eq!(state["system_info"]["_sv"], "170.18");
        assert_eq!(state["service_type"], "com.apple.tvremoteservices");
        assert_ne!(state["sid"], 0);
        assert_eq!(state["tv_rc_protocol_version"], "1.2");
        assert_eq!(state["touch_width"], 1000.0);
        assert_eq!(
            state["interests"],
            json!(["SystemStatus", "TVSystemStatus", "_iMC"])
        );

        // Power: from FetchAttentionState, then events.
        assert_eq!(power.power_state().unwrap(), PowerState::On);
        let features = client.features();
        assert_eq!(
            features.get_feature(FeatureName::PowerState).state,
            FeatureState::Available
        );
        fake.call("set_system_status", json!({"system_status": 1}))
            .await;
        until("power off", || power.state() == PowerState::Off).await;
        assert_eq!(
            *recorder.power.lock().unwrap(),
            vec![(PowerState::On, PowerState::Off)]
        );
        power.turn_on(false).await.expect("turn on");
        fake.wait_state("powered on", |s| s["powered_on"] == true)
            .await;
        power.turn_off(false).await.expect("turn off");
        fake.wait_state("powered off", |s| s["powered_on"] == false)
            .await;
        // Waiting for the new state: the device reports it while we wait.
        let waiting = {
            let power = power.clone();
            tokio::spawn(async move { power.turn_on(true).await })
        };
        fake.wait_state("powered on again", |s| s["powered_on"] == true)
            .await;
        fake.call("set_system_status", json!({"system_status": 3}))
            .await;
        waiting.await.unwrap().expect("turn on and wait");
        assert_eq!(power.state(), PowerState::On);

        // Apps.
        fake.call(
            "set_installed_apps",
            json!({"apps": {"com.example.one": "One", "com.example.two": "Two"}}),
        )
        .await;
        let apps = client.apps().app_list().await.expect("app list");
        let listed: Vec<(String, Option<String>)> = apps
            .into_iter()
            .map(|app| (app.identifier, app.name))
            .collect();
        assert_eq!(
            listed,
            vec![
                ("com.example.one".into(), Some("One".into())),
                ("com.example.two".into(), Some("Two".into()))
            ]
        );
        client
            .apps()
            .launch_app("com.example.two")
            .await
            .expect("launch by bundle id");
        client
            .apps()
            .launch_app("https://example.com/show")
            .await
            .expect("launch by URL");
        let state = fake.state().await;
        assert_eq!(state["active_app"], "com.example.two");
        assert_eq!(state["open_url"], "https://example.com/show");

        // Accounts.
        fake.call(
            "set_available_accounts",
            json!({"accounts": {"alice-id": "Alice", "bob-id": "Bob"}}),
        )
        .await;
        let accounts = client
            .user_accounts()
            .account_list()
            .await
            .expect("accounts");
        assert_eq!(accounts.len(), 2);
        assert_eq!(accounts[1].name, "Bob");
        assert_eq!(accounts[1].identifier, "bob-id");
        client
            .user_accounts()
            .switch_account("bob-id")
            .await
            .expect("switch account");
        assert_eq!(fake.state().await["active_account"], "bob-id");

        // HID buttons.
        let rc = client.remote_control();
        type Press<'a> = std::pin::Pin<Box<dyn Future<Output = atv_core::Result<()>> + Send + 'a>>;
        let presses: Vec<(&str, Press<'_>)> = vec![
            ("up", Box::pin(rc.up(InputAction::SingleTap))),
            ("down", Box::pin(rc.down(InputAction::DoubleTap))),
            ("left", Box::pin(rc.left(InputAction::Hold))),
            ("right", Box::pin(rc.right(InputAction::SingleTap))),
            ("select", Box::pin(rc.select(InputAction::SingleTap))),
            ("menu", Box::pin(rc.menu(InputAction::SingleTap))),
            ("home", Box::pin(rc.home(InputAction::Hold))),
            ("play_pause", Box::pin(rc.play_pause())),
            ("channel_up", Box::pin(rc.channel_up())),
            ("channel_down", Box::pin(rc.channel_down())),
            ("screensaver", Box::pin(rc.screensaver())),
            ("guide", Box::pin(rc.guide())),
            ("control_center", Box::pin(rc.control_center())),
        ];
        for (button, press) in presses {
            press.await.unwrap_or_else(|e| panic!("{button}: {e}"));
            let state = fake.state().await;
            assert_eq!(state["latest_button"], button);
        }

        // Media control.
        let media: Vec<(&str, Press<'_>)> = vec![
            ("play", Box::pin(rc.play())),
            ("pause", Box::pin(rc.pause())),
            ("next", Box::pin(rc.next())),
            ("previous", Box::pin(rc.previous())),
        ];
        for (command, send) in media {
            send.await.unwrap_or_else(|e| panic!("{command}: {e}"));
            assert_eq!(fake.state().await["latest_button"], command);
        }
        rc.skip_forward(5.0).await.expect("skip forward");
        assert_eq!(fake.state().await["duration"], 15.0);
        rc.skip_backward(0.0)
            .await
            .expect("skip backward by the default");
        assert_eq!(fake.state().await["duration"], 5.0);

        // Volume: read after the media control flags event at connect.
        until("initial volume", || audio.level() == 10.0).await;
        audio.set_volume(30.0, None).await.expect("set volume");
        assert_eq!(audio.volume().unwrap(), 30.0);
        assert_eq!(fake.state().await["volume"], 30.0);
        audio.volume_up().await.expect("volume up");
        assert_eq!(audio.volume().unwrap(), 35.0);
        audio.volume_down().await.expect("volume down");
        assert_eq!(audio.volume().unwrap(), 30.0);
        assert!(recorder.volume.lock().unwrap().contains(&35.0));

        // Features follow the media control flags.
        assert_eq!(
            features.get_feature(FeatureName::SetVolume).state,
            FeatureState::Available
        );
        assert_eq!(
            features.get_feature(FeatureName::Play).state,
            FeatureState::Unavailable
        );
        fake.call("set_control_flags", json!({"flags": 1})).await;
        audio
            .set_volume(20.0, None)
            .await
            .expect("set volume again");
        until("play available", || {
            features.get_feature(FeatureName::Play).state == FeatureState::Available
        })
        .await;

        // Keyboard.
        assert_eq!(
            keyboard.text_focus_state().unwrap(),
            KeyboardFocusState::Focused
        );
        assert_eq!(
            keyboard.text_get().await.unwrap().as_deref(),
            Some(INITIAL_RTI_TEXT)
        );
        keyboard.text_append(" and more").await.expect("append");
        fake.wait_state("appended text", |s| {
            s["rti_text"] == format!("{INITIAL_RTI_TEXT} and more")
        })
        .await;
        keyboard.text_set("replaced").await.expect("set");
        fake.wait_state("replaced text", |s| s["rti_text"] == "replaced")
            .await;
        assert_eq!(
            keyboard.text_get().await.unwrap().as_deref(),
            Some("replaced")
        );
        keyboard.text_clear().await.expect("clear");
        fake.wait_state("cleared text", |s| s["rti_text"] == "")
            .await;
        fake.call("set_rti_focus_state", json!({"state": 1})).await;
        until("unfocused", || {
            keyboard.focus_state() == KeyboardFocusState::Unfocused
        })
        .await;
        assert_eq!(
            recorder.focus.lock().unwrap().last(),
            Some(&(KeyboardFocusState::Focused, KeyboardFocusState::Unfocused))
        );
        assert_eq!(keyboard.text_get().await.unwrap(), None);

        // Touch.
        let touch = client.touch();
        touch.swipe(100, 200, 900, 800, 100).await.expect("swipe");
        fake.wait_state("swipe released", |s| {
            s["touch"] == json!({"mode": 4, "x": 900, "y": 800})
        })
        .await;
        touch
            .action(1500, -3, TouchAction::Press)
            .await
            .expect("action");
        fake.wait_state("clamped press", |s| {
            s["touch"] == json!({"mode": 1, "x": 1000, "y": 0})
        })
        .await;
        fake.call("set_rti_focus_state", json!({"state": 2})).await;
        touch.click(InputAction::DoubleTap).await.expect("click");
        let state = fake.wait_state("click", |s| s["touch"]["mode"] == 5).await;
        assert_eq!(state["latest_button"], "select");

        // Close: the goodbye reaches the fake, the listener hears once.
        client.close().await;
        let state = fake.wait_state("client gone", |s| s["clients"] == 0).await;
        assert_eq!(state["sid"], 0, "the session was stopped: {state}");
        assert_eq!(state["interests"], json!([]));
        assert_eq!(recorder.closed.load(Ordering::SeqCst), 1);
        assert_eq!(recorder.lost.load(Ordering::SeqCst), 0);
        assert!(rc.up(InputAction::SingleTap).await.is_err());
        fake.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_work_both_ways_with_pyatv() {
    with_timeout(async {
        let Some(mut fake) = FakeCompanionDevice::start().await else {
            return;
        };
        fake.call(
            "set_installed_apps",
            json!({"apps": {"com.example.app": "Example"}}),
        )
        .await;
        // Ours, used by pyatv's client (which checks the device's identity against them).
        let ours = pair_with(&fake).await;
        assert_eq!(
            fake.pyatv_app_list(&ours).await,
            vec![("com.example.app".to_owned(), "Example".to_owned())]
        );
        // pyatv's, used by our client.
        let theirs = fake.pyatv_pair().await;
        let client = client(fake.port, &theirs);
        client
            .connect()
            .await
            .expect("connect with pyatv's credentials");
        let apps = client.apps().app_list().await.expect("app list");
        assert_eq!(apps.len(), 1);
        client.close().await;
        fake.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_device_key_and_lost_connection_are_reported() {
    with_timeout(async {
        let Some(fake) = FakeCompanionDevice::start().await else {
            return;
        };
        let credentials = pair_with(&fake).await;

        // Another device key: pair-verify must refuse the device's signature.
        let mut fields: Vec<String> = credentials.split(':').map(str::to_owned).collect();
        fields[0] = "11".repeat(32);
        let wrong = client(fake.port, &fields.join(":"));
        let error = wrong.connect().await.expect_err("a foreign device key");
        let error = Error::from(error);
        assert!(matches!(error, Error::Authentication(_)), "{error:?}");

        let recorder = Arc::new(Recorder::default());
        let listener: Arc<dyn DeviceListener> = recorder.clone();
        let client = client(fake.port, &credentials);
        client.set_device_listener(Some(Arc::downgrade(&listener)));
        client.connect().await.expect("connect");
        fake.stop().await;
        // A stopped process's socket ends with FIN (closed, as pyatv reports it) or, with
        // unread data left, RST (lost): either way the listener hears it exactly once.
        let reported =
            || recorder.lost.load(Ordering::SeqCst) + recorder.closed.load(Ordering::SeqCst);
        until("the connection's end", || reported() == 1).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(reported(), 1);
        client
            .remote_control()
            .up(InputAction::SingleTap)
            .await
            .expect_err("no connection");
        client.close().await;
        assert_eq!(reported(), 1);
    })
    .await;
}
