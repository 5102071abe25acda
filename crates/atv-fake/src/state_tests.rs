//! State setters, events and waiting.

use super::*;

#[test]
fn setters_publish_events_in_order() {
    let state = FakeState::new();
    let mut events = state.subscribe();
    state.example_music(false);
    state.set_volume(0.25);
    assert!(!state.set_volume(1.5));
    state.nothing_playing();
    let player = PLAYER_IDENTIFIER.to_owned();
    assert_eq!(
        events.try_recv().unwrap(),
        StateEvent::Player {
            player: player.clone(),
            state: Box::new(state.player(&player).unwrap()),
        }
    );
    assert_eq!(
        events.try_recv().unwrap(),
        StateEvent::ActivePlayer {
            player: Some(player)
        }
    );
    assert!(matches!(
        events.try_recv().unwrap(),
        StateEvent::Volume { volume, .. } if volume == 0.25
    ));
    assert_eq!(
        events.try_recv().unwrap(),
        StateEvent::ActivePlayer { player: None }
    );
    assert!(events.try_recv().is_err());
    assert_eq!(state.volume(), 0.25);
    assert_eq!(state.playing(), None);
}

#[test]
fn player_events_carry_the_state_of_their_time() {
    let state = FakeState::new();
    state.example_music(true);
    let mut events = state.subscribe();
    for title in ["one", "two"] {
        state.change_state(|playing| playing.title = Some(title.into()));
    }
    for title in ["one", "two"] {
        match events.try_recv().unwrap() {
            StateEvent::Player { state, .. } => assert_eq!(state.title.as_deref(), Some(title)),
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[test]
fn change_state_restamps_a_new_position() {
    let state = FakeState::new();
    state.example_music(true);
    let before = state.playing().unwrap().position_at.unwrap();
    state.change_state(|playing| playing.position = Some(10.0));
    let after = state.playing().unwrap();
    assert_eq!(after.position, Some(10.0));
    assert!(after.position_at.unwrap() >= before);
}

#[test]
fn output_devices_and_power() {
    let state = FakeState::new();
    state.add_output_devices(&["AA".into(), DEVICE_UID.into()]);
    assert_eq!(state.output_devices(), [DEVICE_UID, "AA"]);
    state.remove_output_devices(&[DEVICE_UID.into(), "missing".into()]);
    assert_eq!(state.output_devices(), ["AA"]);
    state.set_powered_on(false);
    assert_eq!(state.power_state(), PowerState::Off);
}

#[tokio::test]
async fn wait_until_sees_later_changes() {
    let state = FakeState::new();
    let setter = state.clone();
    let task = tokio::spawn(async move { setter.set_volume(0.75) });
    assert!(
        state
            .wait_until(Duration::from_secs(5), |s| s.volume() == 0.75)
            .await
    );
    assert!(task.await.unwrap());
    assert!(
        !state
            .wait_until(Duration::from_millis(10), |s| s.volume() == 0.1)
            .await
    );
}
