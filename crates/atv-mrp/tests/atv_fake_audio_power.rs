//! Volume, output devices, power and features against atv's own fake device, in-process
//! over real sockets: what the client sets is read back from the fake, what the fake
//! changes reaches the client and its listeners.

#[allow(dead_code)]
mod atv_fake_support;

mod recorders;

use recorders::{AudioEvents, PowerEvents};
use std::sync::Arc;

use atv_core::interface::{Audio, AudioListener, Features, Power, PowerListener};
use atv_core::{FeatureName, FeatureState, PowerState, RepeatState, ShuffleState};
use atv_fake::VolumeControl;
use atv_fake::state::DEVICE_UID;
use atv_mrp::protobuf::Command;

use atv_fake_support::{WAIT, connected, sync, wait_for, within_limit};

fn close(a: f32, b: f32) -> bool {
    (a - b).abs() < 1e-4
}

#[tokio::test]
async fn volume_absolute_and_relative() {
    within_limit(async {
        let (fake, client) = connected().await;
        let state = fake.state();
        let audio = client.audio();
        let events = Arc::new(AudioEvents::default());
        let listener: Arc<dyn AudioListener> = events.clone();
        audio.set_listener(Some(Arc::downgrade(&listener)));
        // The demo's volume, announced when the client subscribed.
        assert_eq!(audio.volume().unwrap(), 50.0);

        // Absolute: returns once the device reported the new level.
        audio.set_volume(30.0, None).await.unwrap();
        assert_eq!(audio.volume().unwrap(), 30.0);
        assert!(close(state.volume(), 0.3), "{}", state.volume());

        // Relative: the volume keys, which the fake steps by 5 %.
        audio.volume_up().await.unwrap();
        assert!(close(state.volume(), 0.35), "{}", state.volume());
        assert_eq!(state.last_button_pressed().as_deref(), Some("volumeup"));
        assert_eq!(audio.volume().unwrap(), 35.0);
        audio.volume_down().await.unwrap();
        audio.volume_down().await.unwrap();
        assert!(close(state.volume(), 0.25), "{}", state.volume());
        assert_eq!(audio.volume().unwrap(), 25.0);

        // Only absolute control: the level is set 5 % further, no key pressed.
        state.set_volume_control(VolumeControl {
            available: true,
            absolute: true,
            relative: false,
        });
        sync(&client).await;
        let presses = state.button_presses().len();
        audio.volume_up().await.unwrap();
        assert!(close(state.volume(), 0.3), "{}", state.volume());
        assert_eq!(audio.volume().unwrap(), 30.0);
        assert_eq!(state.button_presses().len(), presses);

        // At the top, up does nothing.
        audio.set_volume(100.0, None).await.unwrap();
        audio.volume_up().await.unwrap();
        assert_eq!(state.volume(), 1.0);
        assert_eq!(audio.volume().unwrap(), 100.0);

        // The device changes its volume itself.
        state.set_volume(0.6);
        wait_for("the device's volume", || audio.volume().unwrap() == 60.0).await;

        let seen = events.seen();
        for expected in [
            "volume 50 -> 30",
            "volume 30 -> 35",
            "volume 35 -> 30",
            "volume 30 -> 25",
            "volume 25 -> 30",
            "volume 30 -> 100",
            "volume 100 -> 60",
        ] {
            assert!(seen.contains(&expected.to_owned()), "{expected}: {seen:?}");
        }
        client.close().await;
        fake.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn volume_per_output_device() {
    within_limit(async {
        let (fake, client) = connected().await;
        let state = fake.state();
        let audio = client.audio();
        let events = Arc::new(AudioEvents::default());
        let listener: Arc<dyn AudioListener> = events.clone();
        audio.set_listener(Some(Arc::downgrade(&listener)));
        audio.add_output_devices(&["AA11".into()]).await.unwrap();
        let other = audio
            .output_devices()
            .unwrap()
            .into_iter()
            .find(|d| d.identifier == "AA11")
            .expect("the added device");

        audio.set_volume(40.0, Some(&other)).await.unwrap();
        assert!(close(state.device_volume("AA11").unwrap(), 0.4));
        // The device's own volume stays.
        assert!(close(state.volume(), 0.5), "{}", state.volume());
        assert_eq!(audio.volume().unwrap(), 50.0);
        let listed = audio
            .output_devices()
            .unwrap()
            .into_iter()
            .find(|d| d.identifier == "AA11")
            .unwrap();
        assert_eq!(listed.volume, 40.0);

        // Its own output device by identifier is the main volume.
        let own = audio
            .output_devices()
            .unwrap()
            .into_iter()
            .find(|d| d.identifier == DEVICE_UID)
            .expect("the device's own output");
        audio.set_volume(20.0, Some(&own)).await.unwrap();
        assert!(close(state.volume(), 0.2), "{}", state.volume());
        assert_eq!(audio.volume().unwrap(), 20.0);
        assert!(close(state.device_volume("AA11").unwrap(), 0.4));

        let seen = events.seen();
        assert!(seen.contains(&"device AA11 0 -> 40".to_owned()), "{seen:?}");
        assert!(seen.contains(&"volume 50 -> 20".to_owned()), "{seen:?}");
        client.close().await;
        fake.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn output_devices_add_remove_set() {
    within_limit(async {
        let (fake, client) = connected().await;
        let state = fake.state();
        let audio = client.audio();
        let events = Arc::new(AudioEvents::default());
        let listener: Arc<dyn AudioListener> = events.clone();
        audio.set_listener(Some(Arc::downgrade(&listener)));
        let ids = || -> Vec<String> {
            audio
                .output_devices()
                .unwrap()
                .into_iter()
                .map(|d| d.identifier)
                .collect()
        };
        assert_eq!(ids(), [DEVICE_UID]);

        audio
            .add_output_devices(&["AA11".into(), "BB22".into()])
            .await
            .unwrap();
        assert_eq!(state.output_devices(), [DEVICE_UID, "AA11", "BB22"]);
        assert_eq!(ids(), [DEVICE_UID, "AA11", "BB22"]);
        let names: Vec<Option<String>> = audio
            .output_devices()
            .unwrap()
            .into_iter()
            .map(|d| d.name)
            .collect();
        assert_eq!(names[1].as_deref(), Some("Device AA"));

        audio.remove_output_devices(&["AA11".into()]).await.unwrap();
        assert_eq!(state.output_devices(), [DEVICE_UID, "BB22"]);
        assert_eq!(ids(), [DEVICE_UID, "BB22"]);

        // Without its own output the device is a proxy player listing the others only.
        audio.set_output_devices(&["CC33".into()]).await.unwrap();
        assert_eq!(state.output_devices(), ["CC33"]);
        assert_eq!(ids(), ["CC33"]);

        // Changes made on the device reach the client too.
        state.set_output_devices(&[DEVICE_UID.to_owned()]);
        wait_for("the device's own output back", || ids() == [DEVICE_UID]).await;

        assert_eq!(
            events.seen(),
            [
                format!("devices {DEVICE_UID},AA11,BB22"),
                format!("devices {DEVICE_UID},BB22"),
                "devices CC33".to_owned(),
                format!("devices {DEVICE_UID}"),
            ]
        );
        client.close().await;
        fake.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn power_off_and_on_with_listener() {
    within_limit(async {
        let (fake, client) = connected().await;
        let state = fake.state();
        let power = client.power();
        let events = Arc::new(PowerEvents::default());
        let listener: Arc<dyn PowerListener> = events.clone();
        power.set_listener(Some(Arc::downgrade(&listener)));
        assert_eq!(power.power_state().unwrap(), PowerState::On);

        power.turn_off(true).await.unwrap();
        assert_eq!(power.power_state().unwrap(), PowerState::Off);
        assert!(!state.powered_on());
        // Turning off is home held, then select.
        let presses = state.button_presses();
        let last_two: Vec<_> = presses[presses.len() - 2..]
            .iter()
            .map(|p| (p.button.as_str(), p.action))
            .collect();
        assert_eq!(
            last_two,
            [
                ("home", Some(atv_core::InputAction::Hold)),
                ("select", Some(atv_core::InputAction::SingleTap))
            ]
        );

        power.turn_on(true).await.unwrap();
        assert_eq!(power.power_state().unwrap(), PowerState::On);
        assert!(state.powered_on());

        // The device turns off and on by itself.
        state.set_powered_on(false);
        wait_for("off by the device", || {
            power.power_state().unwrap() == PowerState::Off
        })
        .await;
        state.set_powered_on(true);
        wait_for("on by the device", || {
            power.power_state().unwrap() == PowerState::On
        })
        .await;

        // Without waiting, turn_on returns at once; the state follows.
        state.set_powered_on(false);
        wait_for("off again", || {
            power.power_state().unwrap() == PowerState::Off
        })
        .await;
        power.turn_on(false).await.unwrap();
        assert!(
            state.wait_until(WAIT, |s| s.powered_on()).await,
            "the fake never woke"
        );
        wait_for("on again", || {
            power.power_state().unwrap() == PowerState::On
        })
        .await;

        // Off and on again at once: the client hears both.
        state.set_powered_on(false);
        state.set_powered_on(true);
        sync(&client).await;
        assert_eq!(power.power_state().unwrap(), PowerState::On);

        let on_off = [
            (PowerState::On, PowerState::Off),
            (PowerState::Off, PowerState::On),
        ];
        assert_eq!(*events.0.lock().unwrap(), on_off.repeat(4));
        client.close().await;
        fake.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn features_follow_commands_metadata_and_volume_controls() {
    within_limit(async {
        let (fake, client) = connected().await;
        let state = fake.state();
        let features = client.features();
        let feature = |f: FeatureName| features.get_feature(f).state;
        use FeatureState::{Available, Unavailable, Unsupported};

        // The demo: music with the usual commands, shuffle and repeat, volume controls.
        for name in [
            FeatureName::Play,
            FeatureName::Pause,
            FeatureName::PlayPause,
            FeatureName::Stop,
            FeatureName::Next,
            FeatureName::Previous,
            FeatureName::SkipForward,
            FeatureName::SkipBackward,
            FeatureName::SetPosition,
            FeatureName::SetShuffle,
            FeatureName::SetRepeat,
            FeatureName::Shuffle,
            FeatureName::Repeat,
            FeatureName::Title,
            FeatureName::Artist,
            FeatureName::Album,
            FeatureName::Genre,
            FeatureName::TotalTime,
            FeatureName::Position,
            FeatureName::App,
            FeatureName::SetVolume,
            FeatureName::Volume,
            FeatureName::VolumeUp,
            FeatureName::VolumeDown,
            FeatureName::OutputDevices,
            FeatureName::Up,
            FeatureName::Select,
            FeatureName::HomeHold,
            FeatureName::TurnOn,
            FeatureName::TurnOff,
            FeatureName::PowerState,
            FeatureName::AddOutputDevices,
            FeatureName::RemoveOutputDevices,
            FeatureName::SetOutputDevices,
        ] {
            assert_eq!(feature(name), Available, "{name:?}");
        }
        for name in [
            FeatureName::SeriesName,
            FeatureName::SeasonNumber,
            FeatureName::EpisodeNumber,
            FeatureName::ContentIdentifier,
            FeatureName::Artwork,
        ] {
            assert_eq!(feature(name), Unavailable, "{name:?}");
        }
        // Not MRP's: channels, and push updates (which the facade offers).
        assert_eq!(feature(FeatureName::ChannelUp), Unsupported);
        assert_eq!(feature(FeatureName::PushUpdates), Unsupported);

        // Fewer commands, no shuffle or repeat.
        state.change_state(|p| {
            p.supported_commands = Some(vec![Command::Play, Command::NextTrack]);
            p.shuffle = None;
            p.repeat = None;
        });
        wait_for("fewer commands", || {
            feature(FeatureName::Pause) == Unavailable
        })
        .await;
        assert_eq!(feature(FeatureName::Play), Available);
        assert_eq!(feature(FeatureName::Next), Available);
        assert_eq!(feature(FeatureName::Previous), Unavailable);
        assert_eq!(feature(FeatureName::SkipForward), Unavailable);
        assert_eq!(feature(FeatureName::SetShuffle), Unavailable);
        assert_eq!(feature(FeatureName::SetRepeat), Unavailable);
        // Playing with pause unavailable: play/pause cannot pause.
        assert_eq!(feature(FeatureName::PlayPause), Unavailable);

        // Commands the device supports when the player says nothing.
        state.set_default_supported_commands(vec![Command::Pause]);
        wait_for("default commands", || {
            feature(FeatureName::Pause) == Available
        })
        .await;

        // TV metadata.
        state.change_state(|p| {
            p.series_name = Some("show".into());
            p.season_number = Some(1);
            p.episode_number = Some(2);
            p.content_identifier = Some("cid".into());
        });
        wait_for("TV metadata", || {
            feature(FeatureName::SeriesName) == Available
        })
        .await;
        assert_eq!(feature(FeatureName::SeasonNumber), Available);
        assert_eq!(feature(FeatureName::EpisodeNumber), Available);
        assert_eq!(feature(FeatureName::ContentIdentifier), Available);

        // Shuffle and repeat modes without their commands: readable, not settable.
        state.change_state(|p| {
            p.shuffle = Some(ShuffleState::Songs);
            p.repeat = Some(RepeatState::All);
        });
        let now = atv_fake_support::wait_playing(&client, "shuffle", |p| {
            p.shuffle == Some(ShuffleState::Songs)
        })
        .await;
        assert_eq!(now.repeat, Some(RepeatState::All));
        assert_eq!(feature(FeatureName::SetShuffle), Unavailable);
        assert_eq!(feature(FeatureName::SetRepeat), Unavailable);
        // With their commands.
        state.change_state(|p| {
            p.supported_commands = Some(vec![
                Command::Play,
                Command::ChangeShuffleMode,
                Command::ChangeRepeatMode,
            ]);
        });
        wait_for("shuffle and repeat", || {
            feature(FeatureName::SetShuffle) == Available
                && feature(FeatureName::SetRepeat) == Available
        })
        .await;

        // Volume controls withdrawn.
        state.set_volume_control(VolumeControl {
            available: false,
            absolute: false,
            relative: false,
        });
        wait_for("no volume control", || {
            feature(FeatureName::SetVolume) == Unavailable
        })
        .await;
        assert_eq!(feature(FeatureName::VolumeUp), Unavailable);

        // Nothing plays: no play command, no title.
        state.nothing_playing();
        wait_for("nothing playing", || {
            feature(FeatureName::Title) == Unavailable
        })
        .await;
        client.close().await;
        fake.shutdown().await;
    })
    .await;
}
