//! Commands in, state and answers out.

use atv_core::InputAction;
use atv_mrp::protobuf::ModifyOutputContextRequestMessage;

use super::*;
use crate::playing::PLAYER_IDENTIFIER;
use crate::state::StateEvent;

fn sent(steps: &[Step]) -> Vec<&ProtocolMessage> {
    steps
        .iter()
        .filter_map(|step| match step {
            Step::Send(message) => Some(&**message),
            _ => None,
        })
        .collect()
}

fn send_error(steps: &[Step]) -> Option<i32> {
    sent(steps)
        .last()
        .and_then(|m| m.send_command_result_message.as_ref())
        .and_then(|r| r.send_error)
}

fn press(
    state: &FakeState,
    client: &mut MessageBuilder,
    device: &mut MessageBuilder,
    key: (u16, u16),
) -> Vec<Step> {
    let mut down = client.send_hid_event(key.0, key.1, true);
    down.identifier = Some("down".into());
    assert_eq!(sent(&send_hid_event(state, device, &down)).len(), 1);
    send_hid_event(state, device, &client.send_hid_event(key.0, key.1, false))
}

#[test]
fn playback_commands_change_the_player_and_are_recorded() {
    let state = FakeState::new();
    state.example_music(false);
    let (mut client, mut device) = (MessageBuilder::new(), MessageBuilder::new());
    let mut events = state.subscribe();

    let mut message = client.command(Command::TogglePlayPause, None);
    message.identifier = Some("req-1".into());
    let steps = send_command(&state, &mut device, &message);
    assert!(matches!(steps[0], Step::ForwardEvents));
    let reply = sent(&steps)[0];
    assert_eq!(reply.identifier.as_deref(), Some("req-1"));
    assert_eq!(send_error(&steps), Some(SendError::NoError as i32));
    assert_eq!(state.playback_state(), Some(PlaybackState::Paused));
    assert_eq!(state.playing().unwrap().playback_rate, Some(0.0));
    assert_eq!(state.last_button_pressed().as_deref(), Some("playpause"));
    assert_eq!(state.last_button_action(), None);
    assert!(matches!(
        events.try_recv().unwrap(),
        StateEvent::Player { player, state }
            if player == PLAYER_IDENTIFIER
                && state.playback_state == Some(PlaybackState::Paused)
    ));

    send_command(&state, &mut device, &client.command(Command::Play, None));
    assert_eq!(state.playback_state(), Some(PlaybackState::Playing));
    send_command(
        &state,
        &mut device,
        &client.command(Command::NextTrack, None),
    );
    assert_eq!(state.last_button_pressed().as_deref(), Some("nextitem"));
}

#[test]
fn repeat_shuffle_and_position() {
    let state = FakeState::new();
    state.example_music(true);
    let (mut client, mut device) = (MessageBuilder::new(), MessageBuilder::new());

    send_command(&state, &mut device, &client.repeat(RepeatMode::All));
    send_command(&state, &mut device, &client.shuffle(ShuffleMode::Albums));
    send_command(&state, &mut device, &client.seek_to_position(10.0));
    let playing = state.playing().unwrap();
    assert_eq!(playing.repeat, Some(RepeatState::All));
    assert_eq!(playing.shuffle, Some(ShuffleState::Albums));
    assert_eq!(playing.position, Some(10.0));

    let mut skip = |command| {
        client.command(
            command,
            Some(CommandOptions {
                skip_interval: Some(15.7),
                ..Default::default()
            }),
        )
    };
    let forward = skip(Command::SkipForward);
    let backward = skip(Command::SkipBackward);
    send_command(&state, &mut device, &forward);
    assert_eq!(state.playing().unwrap().position, Some(25.0));
    send_command(&state, &mut device, &backward);
    send_command(&state, &mut device, &backward);
    assert_eq!(state.playing().unwrap().position, Some(-5.0));
}

#[test]
fn unknown_commands_and_missing_players_are_refused() {
    let state = FakeState::new();
    let (mut client, mut device) = (MessageBuilder::new(), MessageBuilder::new());
    let steps = send_command(&state, &mut device, &client.repeat(RepeatMode::One));
    assert_eq!(
        send_error(&steps),
        Some(SendError::NoCommandHandlers as i32)
    );

    state.example_music(true);
    let steps = send_command(
        &state,
        &mut device,
        &client.command(Command::LikeTrack, None),
    );
    assert_eq!(
        send_error(&steps),
        Some(SendError::NoCommandHandlers as i32)
    );

    // Buttons are recorded even with nothing playing, as in pyatv's fake device.
    state.nothing_playing();
    let steps = send_command(&state, &mut device, &client.command(Command::Pause, None));
    assert_eq!(send_error(&steps), Some(SendError::NoError as i32));
    assert_eq!(state.last_button_pressed().as_deref(), Some("pause"));
}

#[test]
fn keys_are_tapped_double_tapped_and_recorded() {
    let state = FakeState::new();
    let (mut client, mut device) = (MessageBuilder::new(), MessageBuilder::new());
    let up = (1, 0x8c);
    let steps = press(&state, &mut client, &mut device, up);
    assert_eq!(sent(&steps).len(), 1);
    assert_eq!(state.last_button_pressed().as_deref(), Some("up"));
    assert_eq!(state.last_button_action(), Some(InputAction::SingleTap));
    press(&state, &mut client, &mut device, up);
    assert_eq!(state.last_button_action(), Some(InputAction::DoubleTap));
    assert_eq!(state.hid_events().len(), 4);
    assert_eq!(state.button_presses().len(), 2);
}

#[test]
fn key_up_without_down_or_unknown_key_is_not_answered() {
    let state = FakeState::new();
    let (mut client, mut device) = (MessageBuilder::new(), MessageBuilder::new());
    let up = client.send_hid_event(1, 0x8c, false);
    assert!(send_hid_event(&state, &mut device, &up).is_empty());
    assert!(press(&state, &mut client, &mut device, (7, 4)).is_empty());
    assert_eq!(state.last_button_pressed(), None);
}

#[test]
fn home_then_select_turns_off_and_volume_keys_step() {
    let state = FakeState::new();
    let (mut client, mut device) = (MessageBuilder::new(), MessageBuilder::new());
    press(&state, &mut client, &mut device, (12, 0x40));
    let steps = press(&state, &mut client, &mut device, (1, 0x89));
    assert!(matches!(steps[0], Step::ForwardEvents));
    assert!(!state.powered_on());

    press(&state, &mut client, &mut device, (12, 0xe9));
    assert!((state.volume() - 0.55).abs() < 1e-6);
    state.set_volume(1.0);
    let mut events = state.subscribe();
    press(&state, &mut client, &mut device, (12, 0xe9));
    assert_eq!(state.volume(), 1.0);
    assert!(events.try_recv().is_err(), "no update at the top");
    press(&state, &mut client, &mut device, (12, 0xea));
    assert!((state.volume() - 0.95).abs() < 1e-6);
}

#[test]
fn volume_output_devices_and_wake() {
    let state = FakeState::new();
    let (mut client, mut device) = (MessageBuilder::new(), MessageBuilder::new());
    set_volume(&state, &mut device, &client.set_volume(DEVICE_UID, 0.3));
    assert!((state.volume() - 0.3).abs() < 1e-6);
    set_volume(&state, &mut device, &client.set_volume(DEVICE_UID, 3.0));
    assert!((state.volume() - 0.3).abs() < 1e-6);
    // Another output device has its own volume.
    assert_eq!(state.device_volume("AA"), None);
    set_volume(&state, &mut device, &client.set_volume("AA", 0.7));
    assert!((state.volume() - 0.3).abs() < 1e-6);
    assert_eq!(state.device_volume("AA"), Some(0.7));
    assert_eq!(state.device_volume(DEVICE_UID), Some(state.volume()));
    let reply = get_volume(&state, &mut device, &client.get_volume(DEVICE_UID));
    let result = sent(&reply)[0].get_volume_result_message.clone().unwrap();
    assert!((result.volume.unwrap() - 0.3).abs() < 1e-6);

    modify_output_context(&state, &client.add_output_devices(&["AA", "BB"]));
    assert_eq!(state.output_devices(), [DEVICE_UID, "AA", "BB"]);
    modify_output_context(&state, &client.remove_output_devices(&["AA"]));
    assert_eq!(state.output_devices(), [DEVICE_UID, "BB"]);
    modify_output_context(&state, &client.set_output_devices(&["CC"]));
    assert_eq!(state.output_devices(), ["CC"]);
    let empty = ProtocolMessage {
        modify_output_context_request_message: Some(Box::default()),
        ..client.envelope(MessageType::ModifyOutputContextRequestMessage)
    };
    let _: &ModifyOutputContextRequestMessage = empty
        .modify_output_context_request_message
        .as_deref()
        .unwrap();
    modify_output_context(&state, &empty);
    assert_eq!(state.output_devices(), ["CC"]);

    state.set_powered_on(false);
    let steps = wake_device(&state, &mut device, &client.wake_device());
    assert_eq!(send_error(&steps), Some(SendError::NoError as i32));
    assert!(state.powered_on());
}
