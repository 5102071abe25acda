//! Commands a client sends and what the fake device does with them: playback commands,
//! HID keys (tap, double tap, hold; home then select turns the device off; volume keys
//! step the volume), volume, output devices and wake.
//!
//! Beyond pyatv's fake device, which only records play/pause/stop, those commands also
//! change the playback state of the active player (and clients are told).

use std::time::{Instant, SystemTime};

use atv_core::{RepeatState, ShuffleState};
use atv_mrp::message_builders::MessageBuilder;
use atv_mrp::protobuf::{
    Command, CommandOptions, GetVolumeResultMessage, HandlerReturnStatus, MessageType,
    PlaybackState, ProtocolMessage, RepeatMode, SendCommandResultMessage, SendError, ShuffleMode,
};

use super::hid;
use super::session::{Step, reply_to};
use crate::playing::PlayingState;
use crate::state::{DEVICE_UID, FakeState, VOLUME_STEP};

/// The answer to a command.
fn command_result(
    builder: &mut MessageBuilder,
    identifier: Option<&str>,
    error: SendError,
) -> ProtocolMessage {
    ProtocolMessage {
        send_command_result_message: Some(Box::new(SendCommandResultMessage {
            send_error: Some(error as i32),
            handler_return_status: Some(HandlerReturnStatus::Success as i32),
            ..Default::default()
        })),
        ..reply_to(builder, MessageType::SendCommandResultMessage, identifier)
    }
}

/// Button name pyatv's fake device records for a playback command.
fn button_name(command: Command) -> Option<&'static str> {
    Some(match command {
        Command::Play => "play",
        Command::TogglePlayPause => "playpause",
        Command::Pause => "pause",
        Command::Stop => "stop",
        Command::NextTrack => "nextitem",
        Command::PreviousTrack => "previtem",
        _ => return None,
    })
}

fn repeat_state(mode: Option<i32>) -> RepeatState {
    match mode.and_then(|m| RepeatMode::try_from(m).ok()) {
        Some(RepeatMode::One) => RepeatState::Track,
        Some(RepeatMode::All) => RepeatState::All,
        _ => RepeatState::Off,
    }
}

fn shuffle_state(mode: Option<i32>) -> ShuffleState {
    match mode.and_then(|m| ShuffleMode::try_from(m).ok()) {
        Some(ShuffleMode::Albums) => ShuffleState::Albums,
        Some(ShuffleMode::Songs) => ShuffleState::Songs,
        _ => ShuffleState::Off,
    }
}

/// Moves the playback state, keeping the position where it is now.
fn set_playback(state: &mut PlayingState, playback: PlaybackState, now: SystemTime) {
    state.position = state.current_position(now);
    state.position_at = state.position.map(|_| now);
    state.playback_state = Some(playback);
    state.playback_rate = Some(if playback == PlaybackState::Playing {
        1.0
    } else {
        0.0
    });
}

fn set_position(state: &mut PlayingState, position: f64, now: SystemTime) {
    state.position = Some(position);
    state.position_at = Some(now);
}

/// What a command does to the player; `false` when it is not handled.
fn apply(command: Command, options: &CommandOptions, state: &mut PlayingState) -> bool {
    let now = SystemTime::now();
    // pyatv's fake device truncates skip intervals to whole seconds.
    let skip = f64::from(options.skip_interval.unwrap_or(0.0)).trunc();
    match command {
        Command::Play => set_playback(state, PlaybackState::Playing, now),
        Command::Pause => set_playback(state, PlaybackState::Paused, now),
        Command::TogglePlayPause => {
            let next = if state.playback_state == Some(PlaybackState::Playing) {
                PlaybackState::Paused
            } else {
                PlaybackState::Playing
            };
            set_playback(state, next, now);
        }
        Command::Stop => set_playback(state, PlaybackState::Stopped, now),
        Command::ChangeRepeatMode => state.repeat = Some(repeat_state(options.repeat_mode)),
        Command::ChangeShuffleMode => state.shuffle = Some(shuffle_state(options.shuffle_mode)),
        Command::SeekToPlaybackPosition => {
            set_position(state, options.playback_position.unwrap_or(0.0), now);
        }
        Command::SkipForward => {
            let position = state.current_position(now).unwrap_or(0.0) + skip;
            set_position(state, position, now);
        }
        Command::SkipBackward => {
            let position = state.current_position(now).unwrap_or(0.0) - skip;
            set_position(state, position, now);
        }
        _ => return false,
    }
    true
}

/// A playback command: recorded, applied to the active player, answered after the
/// player's new state.
pub(crate) fn send_command(
    state: &FakeState,
    builder: &mut MessageBuilder,
    message: &ProtocolMessage,
) -> Vec<Step> {
    let identifier = message.identifier.as_deref();
    let inner = message.send_command_message.as_deref();
    let command = inner
        .and_then(|inner| inner.command)
        .and_then(|c| Command::try_from(c).ok())
        .unwrap_or(Command::Unknown);
    let options = inner.and_then(|i| i.options.clone()).unwrap_or_default();
    let handled = state.update(|data, events| {
        let button = button_name(command);
        if let Some(button) = button {
            let press = data.buttons.command(button);
            data.record_press(press);
        }
        let player = data.target_player();
        let applied = data
            .players
            .get_mut(&player)
            .is_some_and(|playing| apply(command, &options, playing));
        if applied {
            events.push(data.player_event(&player));
        }
        if button.is_none() && applied {
            data.buttons.clear_action();
        }
        button.is_some() || applied
    });
    if !handled {
        tracing::warn!(?command, "unhandled command");
        return vec![Step::send(command_result(
            builder,
            identifier,
            SendError::NoCommandHandlers,
        ))];
    }
    vec![
        Step::ForwardEvents,
        Step::send(command_result(builder, identifier, SendError::NoError)),
    ]
}

/// A keyboard HID event: key down is remembered; key up completes a press.
pub(crate) fn send_hid_event(
    state: &FakeState,
    builder: &mut MessageBuilder,
    message: &ProtocolMessage,
) -> Vec<Step> {
    let identifier = message.identifier.as_deref();
    let data = message
        .send_hid_event_message
        .as_ref()
        .and_then(|inner| inner.hid_event_data.as_deref())
        .unwrap_or_default();
    let Some(event) = hid::parse(data) else {
        tracing::warn!(len = data.len(), "malformed HID event ignored");
        return Vec::new();
    };
    let now = Instant::now();
    let reply = reply_to(builder, MessageType::UnknownMessage, identifier);
    if event.down {
        state.key_down(event, now);
        return vec![Step::send(reply)];
    }
    let key = (event.usage_page, event.usage);
    let Some(button) = hid::button(event.usage_page, event.usage) else {
        tracing::warn!(?key, "unsupported key");
        return Vec::new();
    };
    let outcome = state.update(|data, events| {
        data.record_hid_event(event);
        let after_home = data
            .buttons
            .last()
            .is_some_and(|last| last.button == "home");
        let press = data.buttons.key_up(key, button, now)?;
        data.record_press(press);
        let power_off = button == "select" && after_home;
        if power_off {
            data.powered_on = false;
            events.push(data.device_info_event());
        }
        let volume = match button {
            "volumeup" => Some((data.volume + VOLUME_STEP).min(1.0)),
            "volumedown" => Some((data.volume - VOLUME_STEP).max(0.0)),
            _ => None,
        };
        if let Some(volume) = volume.filter(|v| *v != data.volume) {
            events.extend(data.set_volume(volume, DEVICE_UID));
        }
        Some(power_off)
    });
    match outcome {
        None => {
            tracing::warn!(?key, "key up without key down");
            Vec::new()
        }
        // The device information update goes out before the answer, volume updates after.
        Some(true) => vec![Step::ForwardEvents, Step::send(reply)],
        Some(false) => vec![Step::send(reply)],
    }
}

/// Sets the volume (0.0 to 1.0; other values are ignored).
pub(crate) fn set_volume(
    state: &FakeState,
    builder: &mut MessageBuilder,
    message: &ProtocolMessage,
) -> Vec<Step> {
    if let Some(inner) = message.set_volume_message.as_deref() {
        let device = inner.output_device_uid.clone().unwrap_or_default();
        let volume = inner.volume.unwrap_or(0.0);
        state.update(|data, events| events.extend(data.set_volume(volume, &device)));
    }
    vec![Step::send(reply_to(
        builder,
        MessageType::UnknownMessage,
        message.identifier.as_deref(),
    ))]
}

/// Answers with the volume (pyatv's fake device does not answer this request).
pub(crate) fn get_volume(
    state: &FakeState,
    builder: &mut MessageBuilder,
    message: &ProtocolMessage,
) -> Vec<Step> {
    let reply = ProtocolMessage {
        get_volume_result_message: Some(Box::new(GetVolumeResultMessage {
            volume: Some(state.volume()),
        })),
        ..reply_to(
            builder,
            MessageType::GetVolumeResultMessage,
            message.identifier.as_deref(),
        )
    };
    vec![Step::send(reply)]
}

/// Adds, removes or sets output devices; clients get a device information update.
pub(crate) fn modify_output_context(state: &FakeState, message: &ProtocolMessage) -> Vec<Step> {
    let Some(inner) = message.modify_output_context_request_message.as_deref() else {
        return Vec::new();
    };
    if !inner.adding_devices.is_empty() {
        state.add_output_devices(&inner.adding_devices);
    }
    if !inner.removing_devices.is_empty() {
        state.remove_output_devices(&inner.removing_devices);
    }
    if !inner.setting_devices.is_empty() {
        state.set_output_devices(&inner.setting_devices);
    }
    Vec::new()
}

/// Wakes the device: answered first, then clients get a device information update.
pub(crate) fn wake_device(
    state: &FakeState,
    builder: &mut MessageBuilder,
    message: &ProtocolMessage,
) -> Vec<Step> {
    let reply = command_result(builder, message.identifier.as_deref(), SendError::NoError);
    state.set_powered_on(true);
    vec![Step::send(reply)]
}

#[cfg(test)]
#[path = "commands_tests.rs"]
mod tests;
