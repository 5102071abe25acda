//! Remote control against atv's own fake device, in-process over real sockets: every
//! button with single tap, double tap and hold as the fake records them, playback
//! commands and the player state they leave, skips with intervals, position, shuffle
//! and repeat read back from the fake and through the metadata.

#[allow(dead_code)]
mod atv_fake_support;

use std::future::Future;

use atv_core::interface::RemoteControl;
use atv_core::{DeviceState, InputAction, RepeatState, ShuffleState};
use atv_fake::{ButtonPress, FakeState};
use atv_mrp::protobuf::{Command, PlaybackState};

use atv_fake_support::{connected, fake_position, pause_at, playing, wait_playing, within_limit};

/// The presses the fake registered since it had `before` of them.
fn presses_since(state: &FakeState, before: usize) -> Vec<(String, Option<InputAction>)> {
    state
        .button_presses()
        .into_iter()
        .skip(before)
        .map(|ButtonPress { button, action }| (button, action))
        .collect()
}

/// Presses with `press` and checks the fake registered exactly `expected` (the client
/// returns once the device has taken the press, so no wait is needed).
async fn check_presses(
    state: &FakeState,
    what: &str,
    press: impl Future<Output = atv_core::Result<()>>,
    expected: &[(&str, Option<InputAction>)],
) {
    let before = state.button_presses().len();
    press
        .await
        .unwrap_or_else(|e| panic!("pressing {what}: {e}"));
    let seen = presses_since(state, before);
    let expected: Vec<(String, Option<InputAction>)> = expected
        .iter()
        .map(|(name, action)| ((*name).to_owned(), *action))
        .collect();
    assert_eq!(seen, expected, "{what}");
    let (last, action) = expected.last().expect("some press").clone();
    assert_eq!(state.last_button_pressed(), Some(last), "{what}");
    assert_eq!(state.last_button_action(), action, "{what}");
}

const SINGLE: Option<InputAction> = Some(InputAction::SingleTap);
const DOUBLE: Option<InputAction> = Some(InputAction::DoubleTap);
const HOLD: Option<InputAction> = Some(InputAction::Hold);

#[tokio::test]
async fn navigation_buttons_single_double_and_hold() {
    within_limit(async {
        let (fake, client) = connected().await;
        let rc = client.remote_control();
        let state = fake.state();
        // Each key in turn with each action. A second press of the same key is a double
        // tap for the fake; a press held over 500 ms a hold.
        check_presses(
            state,
            "up",
            rc.up(InputAction::SingleTap),
            &[("up", SINGLE)],
        )
        .await;
        check_presses(
            state,
            "up twice",
            rc.up(InputAction::DoubleTap),
            &[("up", DOUBLE), ("up", DOUBLE)],
        )
        .await;
        check_presses(
            state,
            "down twice",
            rc.down(InputAction::DoubleTap),
            &[("down", SINGLE), ("down", DOUBLE)],
        )
        .await;
        check_presses(
            state,
            "down held",
            rc.down(InputAction::Hold),
            &[("down", HOLD)],
        )
        .await;
        check_presses(
            state,
            "left held",
            rc.left(InputAction::Hold),
            &[("left", HOLD)],
        )
        .await;
        check_presses(
            state,
            "left",
            rc.left(InputAction::SingleTap),
            &[("left", DOUBLE)],
        )
        .await;
        check_presses(
            state,
            "right",
            rc.right(InputAction::SingleTap),
            &[("right", SINGLE)],
        )
        .await;
        check_presses(
            state,
            "right held",
            rc.right(InputAction::Hold),
            &[("right", HOLD)],
        )
        .await;
        check_presses(
            state,
            "select",
            rc.select(InputAction::SingleTap),
            &[("select", SINGLE)],
        )
        .await;
        check_presses(
            state,
            "select held",
            rc.select(InputAction::Hold),
            &[("select", HOLD)],
        )
        .await;
        check_presses(
            state,
            "menu twice",
            rc.menu(InputAction::DoubleTap),
            &[("menu", SINGLE), ("menu", DOUBLE)],
        )
        .await;
        check_presses(
            state,
            "menu held",
            rc.menu(InputAction::Hold),
            &[("menu", HOLD)],
        )
        .await;
        check_presses(state, "top menu", rc.top_menu(), &[("top_menu", SINGLE)]).await;
        check_presses(
            state,
            "home",
            rc.home(InputAction::SingleTap),
            &[("home", SINGLE)],
        )
        .await;
        check_presses(
            state,
            "home twice",
            rc.home(InputAction::DoubleTap),
            &[("home", DOUBLE), ("home", DOUBLE)],
        )
        .await;
        check_presses(state, "home hold", rc.home_hold(), &[("home", HOLD)]).await;
        check_presses(state, "suspend", rc.suspend(), &[("suspend", SINGLE)]).await;
        check_presses(state, "wakeup", rc.wakeup(), &[("wakeup", SINGLE)]).await;
        // Navigation leaves the power alone (only home then select turns it off).
        assert!(state.powered_on());
        // Raw HID events: key down then key up for every press.
        let events = state.hid_events();
        assert!(events.len() >= 2, "{events:?}");
        let last_two = &events[events.len() - 2..];
        assert_eq!((last_two[0].usage_page, last_two[0].usage), (1, 0x83));
        assert!(last_two[0].down && !last_two[1].down, "{last_two:?}");
        client.close().await;
        fake.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn volume_buttons_step_the_fake_volume() {
    within_limit(async {
        let (fake, client) = connected().await;
        let rc = client.remote_control();
        let state = fake.state();
        let start = state.volume();
        check_presses(state, "volume up", rc.volume_up(), &[("volumeup", SINGLE)]).await;
        assert!(
            state
                .wait_until(atv_fake_support::WAIT, |s| (s.volume() - start - 0.05)
                    .abs()
                    < 1e-6)
                .await,
            "volume never went up: {}",
            state.volume()
        );
        check_presses(
            state,
            "volume down",
            rc.volume_down(),
            &[("volumedown", SINGLE)],
        )
        .await;
        assert!((state.volume() - start).abs() < 1e-6, "{}", state.volume());
        client.close().await;
        fake.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn playback_commands_are_recorded_and_change_the_player() {
    within_limit(async {
        let (fake, client) = connected().await;
        let rc = client.remote_control();
        let state = fake.state();
        assert_eq!(state.playback_state(), Some(PlaybackState::Playing));

        check_presses(state, "pause", rc.pause(), &[("pause", None)]).await;
        assert_eq!(state.playback_state(), Some(PlaybackState::Paused));
        // The device's new state arrives before the command's result.
        assert_eq!(playing(&client).await.device_state, DeviceState::Paused);

        check_presses(state, "play", rc.play(), &[("play", None)]).await;
        assert_eq!(state.playback_state(), Some(PlaybackState::Playing));
        assert_eq!(playing(&client).await.device_state, DeviceState::Playing);

        // The demo player supports toggling: play/pause sends the toggle.
        check_presses(state, "play/pause", rc.play_pause(), &[("playpause", None)]).await;
        assert_eq!(state.playback_state(), Some(PlaybackState::Paused));
        assert_eq!(playing(&client).await.device_state, DeviceState::Paused);
        check_presses(state, "play/pause", rc.play_pause(), &[("playpause", None)]).await;
        assert_eq!(state.playback_state(), Some(PlaybackState::Playing));

        check_presses(state, "next", rc.next(), &[("nextitem", None)]).await;
        check_presses(state, "previous", rc.previous(), &[("previtem", None)]).await;

        check_presses(state, "stop", rc.stop(), &[("stop", None)]).await;
        assert_eq!(state.playback_state(), Some(PlaybackState::Stopped));
        assert_eq!(playing(&client).await.device_state, DeviceState::Stopped);
        client.close().await;
        fake.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn play_pause_without_toggle_follows_the_state() {
    within_limit(async {
        let (fake, client) = connected().await;
        let rc = client.remote_control();
        let state = fake.state();
        state.change_state(|p| {
            p.supported_commands = Some(vec![Command::Play, Command::Pause]);
        });
        atv_fake_support::sync(&client).await;
        // Playing: play/pause pauses.
        check_presses(state, "play/pause", rc.play_pause(), &[("pause", None)]).await;
        assert_eq!(playing(&client).await.device_state, DeviceState::Paused);
        // Paused: play/pause plays.
        check_presses(state, "play/pause", rc.play_pause(), &[("play", None)]).await;
        assert_eq!(playing(&client).await.device_state, DeviceState::Playing);
        client.close().await;
        fake.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn skips_use_the_given_or_preferred_interval() {
    within_limit(async {
        let (fake, client) = connected().await;
        let rc = client.remote_control();
        let state = fake.state();
        pause_at(state, 40.0);
        wait_playing(&client, "paused at 40", |p| p.position == Some(40)).await;

        // No interval: the app's preferred one (the demo's 15 s).
        rc.skip_forward(0.0).await.unwrap();
        assert_eq!(fake_position(state), Some(55.0));
        // The caller's interval, in whole seconds.
        rc.skip_backward(10.9).await.unwrap();
        assert_eq!(fake_position(state), Some(45.0));
        rc.skip_forward(3.2).await.unwrap();
        assert_eq!(fake_position(state), Some(48.0));
        rc.skip_backward(0.0).await.unwrap();
        assert_eq!(fake_position(state), Some(33.0));
        // The new position is read back through the metadata as well.
        assert_eq!(playing(&client).await.position, Some(33));

        // Without a preferred interval the default of 15 s is used.
        state.change_state(|p| p.skip_time = None);
        atv_fake_support::sync(&client).await;
        rc.skip_forward(0.0).await.unwrap();
        assert_eq!(
            fake_position(state),
            Some(33.0 + f64::from(atv_mrp::DEFAULT_SKIP_INTERVAL))
        );
        // Skips are commands, not buttons.
        assert_eq!(state.last_button_pressed(), None);
        client.close().await;
        fake.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn set_position_shuffle_and_repeat_are_read_back() {
    within_limit(async {
        let (fake, client) = connected().await;
        let rc = client.remote_control();
        let state = fake.state();
        pause_at(state, 10.0);
        wait_playing(&client, "paused at 10", |p| p.position == Some(10)).await;

        rc.set_position(31).await.unwrap();
        assert_eq!(fake_position(state), Some(31.0));
        assert_eq!(playing(&client).await.position, Some(31));
        rc.set_position(0).await.unwrap();
        assert_eq!(fake_position(state), Some(0.0));
        assert_eq!(playing(&client).await.position, Some(0));

        assert_eq!(playing(&client).await.shuffle, Some(ShuffleState::Off));
        for shuffle in [ShuffleState::Albums, ShuffleState::Songs, ShuffleState::Off] {
            rc.set_shuffle(shuffle).await.unwrap();
            assert_eq!(state.playing().unwrap().shuffle, Some(shuffle));
            assert_eq!(playing(&client).await.shuffle, Some(shuffle));
        }
        assert_eq!(playing(&client).await.repeat, Some(RepeatState::Off));
        for repeat in [RepeatState::Track, RepeatState::All, RepeatState::Off] {
            rc.set_repeat(repeat).await.unwrap();
            assert_eq!(state.playing().unwrap().repeat, Some(repeat));
            assert_eq!(playing(&client).await.repeat, Some(repeat));
        }
        // Changes made on the device are seen too.
        state.change_state(|p| {
            p.shuffle = Some(ShuffleState::Songs);
            p.repeat = Some(RepeatState::Track);
        });
        wait_playing(&client, "shuffle and repeat from the device", |p| {
            p.shuffle == Some(ShuffleState::Songs) && p.repeat == Some(RepeatState::Track)
        })
        .await;
        client.close().await;
        fake.shutdown().await;
    })
    .await;
}
