//! atv's MRP client against pyatv's own fake MRP device (from pyatv's sdist), over real
//! sockets on 127.0.0.1: pairing with PIN 1111, the encrypted session, what plays,
//! buttons (the fake records what it saw), shuffle/repeat/position, volume, output
//! devices, push updates, artwork, power and connection events.

mod recorders;

use recorders::{AudioEvents, ConnectionEvents, PowerEvents};
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::mpsc;

use atv_core::interface::{
    Audio, AudioListener, DeviceListener, Features, Metadata, PairingHandler, Power, PowerListener,
    PushListener, PushUpdater, RemoteControl,
};
use atv_core::{
    App, DeviceState, FeatureName, FeatureState, InfoSettings, InputAction, MediaType,
    OutputDevice, Playing, PowerState, Properties, Protocol, RepeatState, Service, ShuffleState,
};
use atv_mrp::message_builders::MessageBuilder;
use atv_mrp::{CloseReason, MrpClient, MrpClientConfig, MrpPairingHandler};
use atv_tests::pyatv_fake_mrp::{FakeMrpDevice, PIN};

const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
/// The bundle identifier of the fake's player.
const PLAYER: &str = "com.github.postlund.pyatv";
/// The fake's own output device.
const DEVICE_UID: &str = "E510C430-B01D-45DF-B558-6EA6F8251069";
/// Protobuf `Command` values the fake can be told to support.
const CMD_PLAY: i64 = 1;
const CMD_PAUSE: i64 = 2;
const CMD_NEXT: i64 = 5;
const CMD_SKIP_FORWARD: i64 = 18;

/// Runs a test body with an overall time limit.
async fn within_limit(body: impl Future<Output = ()>) {
    tokio::time::timeout(Duration::from_secs(180), body)
        .await
        .expect("test took too long");
}

/// Pairs with the fake using PIN 1111 and returns the credentials.
async fn pair(port: u16) -> String {
    let service = Service::new(None, Protocol::Mrp, port, Properties::new());
    let mut handler = MrpPairingHandler::new(LOCALHOST, service, InfoSettings::default());
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

fn config(port: u16, credentials: Option<String>) -> MrpClientConfig {
    MrpClientConfig {
        credentials,
        ..MrpClientConfig::new(LOCALHOST, port)
    }
}

/// Starts the fake with music playing, pairs and connects.
async fn connected(scenario: &str, kwargs: Value) -> Option<(FakeMrpDevice, MrpClient)> {
    let mut fake = FakeMrpDevice::start().await?;
    fake.call(scenario, kwargs).await;
    let credentials = pair(fake.port).await;
    let client = MrpClient::connect_to(config(fake.port, Some(credentials)))
        .await
        .expect("connect with the new credentials");
    Some((fake, client))
}

/// Makes sure every message the fake sent before now has been taken in: the fake
/// answers a heartbeat only after them, and the client handles messages in order.
async fn sync(client: &MrpClient) {
    let connection = client.connection().expect("connected");
    connection
        .request(MessageBuilder::new().heartbeat())
        .await
        .expect("heartbeat answered");
}

fn close_to(value: &Value, expected: f64) -> bool {
    value.as_f64().is_some_and(|v| (v - expected).abs() < 1e-6)
}

async fn playing(client: &MrpClient) -> Playing {
    client.metadata().playing().await.expect("playing")
}

/// Waits until what plays satisfies `check` (the device pushes changes asynchronously).
async fn wait_playing(client: &MrpClient, what: &str, check: impl Fn(&Playing) -> bool) -> Playing {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let now = playing(client).await;
        if check(&now) {
            return now;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never {what}: {now:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn pairs_connects_encrypted_and_reads_music() {
    within_limit(async {
        let Some((mut fake, client)) = connected("example_music", json!({"paused": true})).await
        else {
            return;
        };
        let state = fake.state().await;
        assert_eq!(state["has_authenticated"], true, "{state}");
        // SetConnectionState(Connected) arrived, encrypted.
        assert_eq!(state["connection_state"], 2, "{state}");

        let now = playing(&client).await;
        assert_eq!(now.media_type, MediaType::Music);
        assert_eq!(now.device_state, DeviceState::Paused);
        assert_eq!(now.title.as_deref(), Some("music"));
        assert_eq!(now.artist.as_deref(), Some("artist"));
        assert_eq!(now.album.as_deref(), Some("album"));
        assert_eq!(now.genre.as_deref(), Some("genre"));
        assert_eq!(now.total_time, Some(49));
        assert_eq!(now.position, Some(22));

        let metadata = client.metadata();
        assert_eq!(metadata.app().unwrap(), Some(App::new(None, PLAYER)));
        assert_eq!(client.power().power_state().unwrap(), PowerState::On);
        let info = client.device_info(&Properties::new());
        assert_eq!(info.raw_model.as_deref(), Some("AppleTV6,2"));
        assert_eq!(info.build_number.as_deref(), Some("18M60"));
        client.close().await;
        fake.stop().await;
    })
    .await;
}

#[tokio::test]
async fn reads_video_and_tv_metadata_and_app_name() {
    within_limit(async {
        let Some((mut fake, client)) = connected(
            "example_video",
            json!({"paused": false, "content_identifier": "cid", "itunes_store_identifier": 1234}),
        )
        .await
        else {
            return;
        };
        let now = playing(&client).await;
        assert_eq!(now.media_type, MediaType::Video);
        assert_eq!(now.device_state, DeviceState::Playing);
        assert_eq!(now.title.as_deref(), Some("dummy"));
        // Playing since the fake's timestamp (the Unix epoch): clamped to the end.
        assert_eq!(now.position, Some(123));
        assert_eq!(now.content_identifier.as_deref(), Some("cid"));
        assert_eq!(now.itunes_store_identifier, Some(1234));
        assert_eq!(
            client.metadata().app().unwrap(),
            Some(App::new(Some("Test app".into()), PLAYER))
        );

        fake.call("update_client", json!({"display_name": "Renamed"}))
            .await;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while client
            .metadata()
            .app()
            .unwrap()
            .and_then(|a| a.name)
            .as_deref()
            != Some("Renamed")
        {
            assert!(tokio::time::Instant::now() < deadline, "app never renamed");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }

        fake.call("example_tv", json!({})).await;
        let now = wait_playing(&client, "a TV show", |p| p.series_name.is_some()).await;
        assert_eq!(now.series_name.as_deref(), Some("tvshow"));
        assert_eq!(now.season_number, Some(12));
        assert_eq!(now.episode_number, Some(3));

        fake.call("nothing_playing", json!({})).await;
        wait_playing(&client, "idle", |p| p.device_state == DeviceState::Idle).await;
        client.close().await;
        fake.stop().await;
    })
    .await;
}

/// Presses a button and checks what the fake saw.
async fn check_button(
    fake: &mut FakeMrpDevice,
    expected: &str,
    action: Option<&str>,
    press: impl Future<Output = atv_core::Result<()>>,
) {
    press
        .await
        .unwrap_or_else(|e| panic!("pressing {expected}: {e}"));
    let state = fake
        .wait_state(expected, |s| s["last_button_pressed"] == expected)
        .await;
    if let Some(action) = action {
        assert_eq!(state["last_button_action"], action, "action of {expected}");
    }
}

#[tokio::test]
async fn buttons_with_single_double_and_hold() {
    within_limit(async {
        let Some((mut fake, client)) = connected("example_music", json!({"paused": false})).await
        else {
            return;
        };
        let rc = client.remote_control();
        let fake = &mut fake;
        check_button(fake, "up", Some("SingleTap"), rc.up(InputAction::SingleTap)).await;
        check_button(
            fake,
            "down",
            Some("DoubleTap"),
            rc.down(InputAction::DoubleTap),
        )
        .await;
        check_button(fake, "left", Some("Hold"), rc.left(InputAction::Hold)).await;
        check_button(
            fake,
            "right",
            Some("SingleTap"),
            rc.right(InputAction::SingleTap),
        )
        .await;
        check_button(
            fake,
            "menu",
            Some("DoubleTap"),
            rc.menu(InputAction::DoubleTap),
        )
        .await;
        check_button(fake, "top_menu", Some("SingleTap"), rc.top_menu()).await;
        check_button(fake, "select", Some("Hold"), rc.select(InputAction::Hold)).await;
        check_button(
            fake,
            "home",
            Some("SingleTap"),
            rc.home(InputAction::SingleTap),
        )
        .await;
        check_button(fake, "suspend", Some("SingleTap"), rc.suspend()).await;
        check_button(fake, "home", Some("Hold"), rc.home_hold()).await;
        check_button(fake, "wakeup", Some("SingleTap"), rc.wakeup()).await;
        check_button(fake, "volumeup", Some("SingleTap"), rc.volume_up()).await;
        check_button(fake, "volumedown", Some("SingleTap"), rc.volume_down()).await;
        // Playback commands.
        check_button(fake, "play", None, rc.play()).await;
        check_button(fake, "pause", None, rc.pause()).await;
        check_button(fake, "stop", None, rc.stop()).await;
        check_button(fake, "nextitem", None, rc.next()).await;
        check_button(fake, "previtem", None, rc.previous()).await;
        // Not supported by the player: play/pause falls back to pause while playing.
        check_button(fake, "pause", None, rc.play_pause()).await;
        client.close().await;
    })
    .await;
}

#[tokio::test]
async fn play_pause_toggles_when_supported_and_skips_use_intervals() {
    within_limit(async {
        let Some((mut fake, client)) = connected(
            "example_music",
            json!({"paused": true, "position": 20, "skip_time": 7,
                   "supported_commands": [3, CMD_SKIP_FORWARD, 19]}),
        )
        .await
        else {
            return;
        };
        let rc = client.remote_control();
        check_button(&mut fake, "playpause", None, rc.play_pause()).await;

        // The app's preferred interval when none is given.
        rc.skip_forward(0.0).await.unwrap();
        fake.wait_state("position 27", |s| s["position"] == 27)
            .await;
        // The caller's interval otherwise (whole seconds).
        rc.skip_forward(3.9).await.unwrap();
        fake.wait_state("position 30", |s| s["position"] == 30)
            .await;
        rc.skip_backward(10.0).await.unwrap();
        fake.wait_state("position 20", |s| s["position"] == 20)
            .await;
        client.close().await;
    })
    .await;
}

#[tokio::test]
async fn shuffle_repeat_and_position_are_read_back() {
    within_limit(async {
        let Some((mut fake, client)) = connected(
            "example_music",
            json!({"paused": true, "shuffle": 0, "repeat": 0}),
        )
        .await
        else {
            return;
        };
        let rc = client.remote_control();
        assert_eq!(playing(&client).await.shuffle, Some(ShuffleState::Off));

        for (state, name) in [
            (ShuffleState::Albums, "Albums"),
            (ShuffleState::Songs, "Songs"),
            (ShuffleState::Off, "Off"),
        ] {
            rc.set_shuffle(state).await.unwrap();
            // The device's new state arrives before its reply, so it is already known.
            assert_eq!(playing(&client).await.shuffle, Some(state));
            assert_eq!(fake.state().await["shuffle"], name);
        }
        for (state, name) in [
            (RepeatState::Track, "Track"),
            (RepeatState::All, "All"),
            (RepeatState::Off, "Off"),
        ] {
            rc.set_repeat(state).await.unwrap();
            assert_eq!(playing(&client).await.repeat, Some(state));
            assert_eq!(fake.state().await["repeat"], name);
        }
        rc.set_position(31).await.unwrap();
        assert_eq!(playing(&client).await.position, Some(31));
        assert_eq!(fake.state().await["position"], 31.0);
        client.close().await;
    })
    .await;
}

#[tokio::test]
async fn volume_absolute_relative_and_per_device() {
    within_limit(async {
        let Some((mut fake, client)) = connected("example_music", json!({"paused": true})).await
        else {
            return;
        };
        let audio = client.audio();
        let features = client.features();
        let events = Arc::new(AudioEvents::default());
        let listener: Arc<dyn AudioListener> = events.clone();
        audio.set_listener(Some(Arc::downgrade(&listener)));
        assert_eq!(
            features.get_feature(FeatureName::SetVolume).state,
            FeatureState::Unavailable
        );

        fake.call("change_volume_control", json!({"available": true}))
            .await;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while audio.volume().unwrap() != 50.0 {
            assert!(tokio::time::Instant::now() < deadline, "no initial volume");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(
            features.get_feature(FeatureName::SetVolume).state,
            FeatureState::Available
        );
        assert_eq!(
            features.get_feature(FeatureName::VolumeUp).state,
            FeatureState::Available
        );

        // Absolute: returns once the device reported the new level.
        audio.set_volume(20.0, None).await.unwrap();
        assert_eq!(audio.volume().unwrap(), 20.0);
        assert!(close_to(&fake.state().await["volume"], 0.2));
        // Relative: volume keys, then the device's report.
        audio.volume_up().await.unwrap();
        assert_eq!(audio.volume().unwrap(), 25.0);
        assert_eq!(fake.state().await["last_button_pressed"], "volumeup");
        audio.volume_down().await.unwrap();
        assert_eq!(audio.volume().unwrap(), 20.0);

        // Only absolute control: steps of 5 % set through the level.
        fake.call(
            "change_volume_control",
            json!({"available": true, "support_relative": false}),
        )
        .await;
        sync(&client).await;
        audio.volume_up().await.unwrap();
        assert_eq!(audio.volume().unwrap(), 25.0);
        assert_eq!(fake.state().await["last_button_pressed"], "volumedown");

        // Another output device.
        let other = OutputDevice::new("AABBCCDD", Some("Kitchen".into()));
        audio.set_volume(40.0, Some(&other)).await.unwrap();
        assert_eq!(audio.volume().unwrap(), 25.0);

        let seen = events.0.lock().unwrap().clone();
        assert!(seen.contains(&"volume 0 -> 50".to_owned()), "{seen:?}");
        assert!(seen.contains(&"volume 50 -> 20".to_owned()), "{seen:?}");
        assert!(
            seen.contains(&"device AABBCCDD 0 -> 40".to_owned()),
            "{seen:?}"
        );
        client.close().await;
    })
    .await;
}

#[tokio::test]
async fn output_devices_add_remove_set() {
    within_limit(async {
        let Some((_fake, client)) = connected("example_music", json!({"paused": true})).await
        else {
            return;
        };
        let audio = client.audio();
        let ids = |audio: &atv_mrp::MrpAudio| -> Vec<String> {
            audio
                .output_devices()
                .unwrap()
                .into_iter()
                .map(|d| d.identifier)
                .collect()
        };
        assert_eq!(ids(&audio), [DEVICE_UID]);
        audio
            .add_output_devices(&["AA11".into(), "BB22".into()])
            .await
            .unwrap();
        assert_eq!(ids(&audio), [DEVICE_UID, "AA11", "BB22"]);
        let names: Vec<Option<String>> = audio
            .output_devices()
            .unwrap()
            .into_iter()
            .map(|d| d.name)
            .collect();
        assert_eq!(names[1].as_deref(), Some("Device AA"));
        audio.remove_output_devices(&["AA11".into()]).await.unwrap();
        assert_eq!(ids(&audio), [DEVICE_UID, "BB22"]);
        // Without the own device the fake is a proxy player and lists only the others.
        audio.set_output_devices(&["CC33".into()]).await.unwrap();
        assert_eq!(ids(&audio), ["CC33"]);
        client.close().await;
    })
    .await;
}

struct PushEvents(mpsc::UnboundedSender<Playing>);

impl PushListener for PushEvents {
    fn playstatus_update(&self, playing: &Playing) {
        let _ = self.0.send(playing.clone());
    }

    fn playstatus_error(&self, error: &atv_core::Error) {
        panic!("push error: {error}");
    }
}

async fn next_push(updates: &mut mpsc::UnboundedReceiver<Playing>) -> Playing {
    tokio::time::timeout(Duration::from_secs(10), updates.recv())
        .await
        .expect("no push update")
        .expect("listener gone")
}

#[tokio::test]
async fn push_updates_report_changes() {
    within_limit(async {
        let Some((mut fake, client)) = connected("example_music", json!({"paused": true})).await
        else {
            return;
        };
        let push = client.push_updater();
        assert!(push.start(0).is_err(), "no listener set yet");
        let (tx, mut updates) = mpsc::unbounded_channel();
        let listener: Arc<dyn PushListener> = Arc::new(PushEvents(tx));
        push.set_listener(Some(Arc::downgrade(&listener)));
        push.start(0).unwrap();
        assert!(push.active());
        // What plays now comes first.
        assert_eq!(
            next_push(&mut updates).await.title.as_deref(),
            Some("music")
        );

        fake.call(
            "change_metadata",
            json!({"title": "changed", "identifier": "id2"}),
        )
        .await;
        // Content item updates merge into the item with the same identifier only.
        fake.call("change_state", json!({"title": "new title"}))
            .await;
        let update = next_push(&mut updates).await;
        assert_eq!(update.title.as_deref(), Some("new title"));
        assert_eq!(update.artist.as_deref(), Some("artist"));

        fake.call("example_video", json!({"paused": false})).await;
        let update = next_push(&mut updates).await;
        assert_eq!(update.media_type, MediaType::Video);
        sync(&client).await;
        while updates.try_recv().is_ok() {}

        push.stop();
        assert!(!push.active());
        fake.call("example_music", json!({"paused": true})).await;
        sync(&client).await;
        assert!(updates.try_recv().is_err(), "no updates once stopped");
        client.close().await;
    })
    .await;
}

#[tokio::test]
async fn content_item_updates_merge_into_the_current_item() {
    within_limit(async {
        let Some((mut fake, client)) = connected(
            "example_music",
            json!({"paused": true, "identifier": "item-1"}),
        )
        .await
        else {
            return;
        };
        fake.call(
            "change_metadata",
            json!({"identifier": "item-1", "title": "merged", "total_time": 99}),
        )
        .await;
        let now = wait_playing(&client, "merged title", |p| {
            p.title.as_deref() == Some("merged")
        })
        .await;
        assert_eq!(now.artist.as_deref(), Some("artist"));
        assert_eq!(now.total_time, Some(99));
        assert_eq!(now.hash(), "item-1");
        client.close().await;
    })
    .await;
}

#[tokio::test]
async fn artwork_is_fetched_sized_and_cached() {
    within_limit(async {
        let Some((mut fake, client)) = connected("example_music", json!({"paused": true})).await
        else {
            return;
        };
        let metadata = client.metadata();
        assert_eq!(metadata.artwork(Some(512), None).await.unwrap(), None);
        assert_eq!(metadata.artwork_id().unwrap(), "");
        assert_eq!(
            client.features().get_feature(FeatureName::Artwork).state,
            FeatureState::Unavailable
        );

        fake.call(
            "change_artwork",
            json!({"artwork": "PNGDATA", "mimetype": "image/png", "identifier": "art1",
                   "width": 111, "height": 222}),
        )
        .await;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while metadata.artwork_id().unwrap() != "art1" {
            assert!(
                tokio::time::Instant::now() < deadline,
                "artwork never announced"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(
            client.features().get_feature(FeatureName::Artwork).state,
            FeatureState::Available
        );
        let artwork = metadata
            .artwork(Some(512), None)
            .await
            .unwrap()
            .expect("artwork");
        assert_eq!(artwork.bytes, b"PNGDATA");
        assert_eq!(artwork.mimetype, "image/png");
        assert_eq!((artwork.width, artwork.height), (111, 222));

        // Same identifier, other bytes: the cached artwork is returned.
        fake.call(
            "change_artwork",
            json!({"artwork": "OTHER", "mimetype": "image/png", "identifier": "art1"}),
        )
        .await;
        let again = metadata
            .artwork(None, None)
            .await
            .unwrap()
            .expect("cached artwork");
        assert_eq!(again.bytes, b"PNGDATA");
        // A new identifier is fetched anew.
        fake.call(
            "change_artwork",
            json!({"artwork": "JPEGDATA", "mimetype": "image/jpeg", "identifier": "art2"}),
        )
        .await;
        while metadata.artwork_id().unwrap() != "art2" {
            assert!(
                tokio::time::Instant::now() < deadline,
                "artwork never changed"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let new = metadata
            .artwork(Some(100), Some(100))
            .await
            .unwrap()
            .expect("new artwork");
        assert_eq!(new.bytes, b"JPEGDATA");
        assert_eq!(new.mimetype, "image/jpeg");
        assert_eq!((new.width, new.height), (456, 789));
        client.close().await;
    })
    .await;
}

#[tokio::test]
async fn power_off_and_on() {
    within_limit(async {
        let Some((mut fake, client)) = connected("example_music", json!({"paused": true})).await
        else {
            return;
        };
        let power = client.power();
        let events = Arc::new(PowerEvents::default());
        let listener: Arc<dyn PowerListener> = events.clone();
        power.set_listener(Some(Arc::downgrade(&listener)));
        assert_eq!(power.power_state().unwrap(), PowerState::On);

        power.turn_off(true).await.unwrap();
        assert_eq!(power.power_state().unwrap(), PowerState::Off);
        assert_eq!(fake.state().await["powered_on"], false);
        power.turn_on(true).await.unwrap();
        assert_eq!(power.power_state().unwrap(), PowerState::On);
        assert_eq!(fake.state().await["powered_on"], true);
        assert_eq!(
            *events.0.lock().unwrap(),
            [
                (PowerState::On, PowerState::Off),
                (PowerState::Off, PowerState::On)
            ]
        );
        client.close().await;
    })
    .await;
}

#[tokio::test]
async fn features_follow_supported_commands_and_metadata() {
    within_limit(async {
        let Some((mut fake, client)) = connected(
            "example_music",
            json!({"paused": true, "supported_commands": [CMD_PLAY, CMD_NEXT]}),
        )
        .await
        else {
            return;
        };
        let features = client.features();
        let state = |f: FeatureName| features.get_feature(f).state;
        assert_eq!(state(FeatureName::Play), FeatureState::Available);
        assert_eq!(state(FeatureName::Next), FeatureState::Available);
        assert_eq!(state(FeatureName::Pause), FeatureState::Unavailable);
        // Paused and play is available: play/pause works.
        assert_eq!(state(FeatureName::PlayPause), FeatureState::Available);
        assert_eq!(state(FeatureName::Title), FeatureState::Available);
        assert_eq!(state(FeatureName::SeriesName), FeatureState::Unavailable);
        assert_eq!(state(FeatureName::App), FeatureState::Available);
        assert_eq!(state(FeatureName::Up), FeatureState::Available);
        assert_eq!(state(FeatureName::ChannelUp), FeatureState::Unsupported);

        fake.call(
            "default_supported_commands",
            json!({"commands": [CMD_PAUSE]}),
        )
        .await;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while state(FeatureName::Pause) != FeatureState::Available {
            assert!(
                tokio::time::Instant::now() < deadline,
                "default commands never applied"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        client.close().await;
    })
    .await;
}

#[tokio::test]
async fn connection_events_are_reported_once() {
    within_limit(async {
        let Some((fake, client)) = connected("example_music", json!({"paused": true})).await else {
            return;
        };
        let events = Arc::new(ConnectionEvents::default());
        let listener: Arc<dyn DeviceListener> = events.clone();
        client.set_device_listener(Some(Arc::downgrade(&listener)));
        let connection = client.connection().expect("connected");
        // pyatv's fake device exits and its sockets close cleanly: closed, not lost,
        // as pyatv's own client reports an end of stream.
        fake.stop().await;
        let reason = tokio::time::timeout(Duration::from_secs(10), connection.closed())
            .await
            .expect("the end noticed");
        assert_eq!(reason, CloseReason::ClosedByDevice);
        client.close().await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(*events.0.lock().unwrap(), ["closed"]);
        let error = client
            .remote_control()
            .up(InputAction::SingleTap)
            .await
            .unwrap_err();
        assert!(matches!(error, atv_core::Error::BlockedState(_)), "{error}");

        // A clean close is reported as closed.
        let Some((_fake, client)) = connected("example_music", json!({"paused": true})).await
        else {
            return;
        };
        let events = Arc::new(ConnectionEvents::default());
        let listener: Arc<dyn DeviceListener> = events.clone();
        client.set_device_listener(Some(Arc::downgrade(&listener)));
        client.close().await;
        client.close().await;
        assert_eq!(*events.0.lock().unwrap(), ["closed"]);
    })
    .await;
}

#[tokio::test]
async fn heartbeats_are_sent() {
    within_limit(async {
        let Some(mut fake) = FakeMrpDevice::start().await else {
            return;
        };
        fake.call("example_music", json!({"paused": true})).await;
        let credentials = pair(fake.port).await;
        let client = MrpClient::connect_to(MrpClientConfig {
            heartbeat_interval: Some(Duration::from_millis(100)),
            ..config(fake.port, Some(credentials))
        })
        .await
        .unwrap();
        fake.wait_state("two heartbeats", |s| {
            s["heartbeat_count"].as_u64() >= Some(2)
        })
        .await;
        client.close().await;
    })
    .await;
}

#[tokio::test]
async fn unencrypted_session_without_credentials() {
    within_limit(async {
        let Some(mut fake) = FakeMrpDevice::start().await else {
            return;
        };
        fake.call("example_music", json!({"paused": true})).await;
        let client = MrpClient::connect_to(config(fake.port, None))
            .await
            .unwrap();
        assert_eq!(playing(&client).await.title.as_deref(), Some("music"));
        let state = fake.state().await;
        assert_eq!(state["has_authenticated"], false);
        assert_eq!(state["connection_state"], 2);
        client.close().await;
    })
    .await;
}

#[tokio::test]
async fn wrong_pin_fails_pairing() {
    within_limit(async {
        let Some(fake) = FakeMrpDevice::start().await else {
            return;
        };
        let service = Service::new(None, Protocol::Mrp, fake.port, Properties::new());
        let mut handler = MrpPairingHandler::new(LOCALHOST, service, InfoSettings::default());
        handler.begin().await.unwrap();
        handler.pin(1234);
        let error = handler.finish().await.unwrap_err();
        assert!(matches!(error, atv_core::Error::Pairing(_)), "{error}");
        assert!(!handler.has_paired());
        assert!(handler.service().credentials.is_none());
        handler.close().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn setup_offers_interfaces_and_features() {
    within_limit(async {
        let Some(mut fake) = FakeMrpDevice::start().await else {
            return;
        };
        fake.call("example_music", json!({"paused": true})).await;
        let mut config = atv_core::DeviceConfig::new(LOCALHOST, "Fake");
        let mut service = Service::new(
            Some("mrp-id".into()),
            Protocol::Mrp,
            fake.port,
            Properties::new(),
        );
        service.credentials = Some(pair(fake.port).await);
        config.add_service(service.clone());
        let settings = atv_core::Settings::default();
        let mut setups = atv_mrp::setup(&config, &service, &settings, None);
        assert_eq!(setups.len(), 1);
        let setup = setups.remove(0);
        assert_eq!(setup.protocol, Protocol::Mrp);
        assert!(setup.features.contains(&FeatureName::SetShuffle));
        setup.session.connect().await.unwrap();
        let metadata = setup.interfaces.metadata.clone().unwrap();
        assert_eq!(metadata.device_id().unwrap().as_deref(), Some("mrp-id"));
        assert_eq!(
            metadata.playing().await.unwrap().title.as_deref(),
            Some("music")
        );
        let rc = setup.interfaces.remote_control.clone().unwrap();
        rc.up(InputAction::SingleTap).await.unwrap();
        fake.wait_state("up", |s| s["last_button_pressed"] == "up")
            .await;
        assert_eq!(
            setup.session.device_info().raw_model.as_deref(),
            Some("AppleTV6,2")
        );
        setup.session.close().await;
    })
    .await;
}

/// Serves `body` as image/png at `path` (404 elsewhere) for each request; returns the
/// port and a channel of the requested paths.
async fn serve_artwork(
    path: &'static str,
    body: &'static [u8],
) -> (u16, mpsc::UnboundedReceiver<String>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind((LOCALHOST, 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut request = Vec::new();
            let mut buf = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match socket.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let text = String::from_utf8_lossy(&request).into_owned();
            let requested = text
                .split_whitespace()
                .nth(1)
                .unwrap_or_default()
                .to_owned();
            let response = if requested == path {
                let mut r = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                )
                .into_bytes();
                r.extend_from_slice(body);
                r
            } else {
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".to_vec()
            };
            let _ = tx.send(requested);
            let _ = socket.write_all(&response).await;
        }
    });
    (port, rx)
}

#[tokio::test]
async fn artwork_from_urls_in_the_metadata() {
    within_limit(async {
        let Some((mut fake, client)) = connected("example_video", json!({"paused": true})).await
        else {
            return;
        };
        let (port, mut requests) = serve_artwork("/test/123x456bb.png", b"REMOTEPNG").await;
        fake.call(
            "change_artwork",
            json!({"artwork": "", "mimetype": "",
                   "identifier": format!("http://127.0.0.1:{port}/test/{{w}}x{{h}}{{c}}.{{f}}"),
                   "url": format!("http://127.0.0.1:{port}/test/1200x1200bb.heic")}),
        )
        .await;
        sync(&client).await;
        let artwork = client
            .metadata()
            .artwork(Some(123), Some(456))
            .await
            .unwrap()
            .expect("artwork from the template URL");
        assert_eq!(artwork.bytes, b"REMOTEPNG");
        assert_eq!(artwork.mimetype, "image/png");
        assert_eq!((artwork.width, artwork.height), (123, 456));
        assert_eq!(
            requests.recv().await.as_deref(),
            Some("/test/123x456bb.png")
        );

        // Only the fixed URL: it is tried, fails (404 here), and the device is asked.
        fake.call(
            "change_artwork",
            json!({"artwork": "LOCAL", "mimetype": "image/jpeg", "identifier": "art9",
                   "url": format!("http://127.0.0.1:{port}/missing.png")}),
        )
        .await;
        sync(&client).await;
        let artwork = client
            .metadata()
            .artwork(None, None)
            .await
            .unwrap()
            .expect("local artwork");
        assert_eq!(artwork.bytes, b"LOCAL");
        assert_eq!(requests.recv().await.as_deref(), Some("/missing.png"));
        client.close().await;
    })
    .await;
}

#[tokio::test]
async fn dropping_the_client_closes_the_connection() {
    within_limit(async {
        let Some((mut fake, client)) = connected("example_music", json!({"paused": true})).await
        else {
            return;
        };
        let metadata = client.metadata();
        fake.wait_state("one client", |s| s["clients"] == 1).await;
        drop(client);
        // An interface still holds the session.
        assert_eq!(
            metadata.playing().await.unwrap().title.as_deref(),
            Some("music")
        );
        fake.wait_state("still one client", |s| s["clients"] == 1)
            .await;
        drop(metadata);
        fake.wait_state("no client", |s| s["clients"] == 0).await;
    })
    .await;
}
