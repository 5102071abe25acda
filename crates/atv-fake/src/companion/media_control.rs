//! Media control commands (`_mcc`): play, pause, next, previous, skip, fast forward and
//! rewind are recorded (and applied to the active player where they change it); the
//! volume is read and set on the shared state (0.0 to 1.0 on the wire, as in the shared
//! state).

use std::time::SystemTime;

use atv_companion::opack::Value;
use atv_mrp::protobuf::PlaybackState;

use super::message::{Incoming, REFUSED, dict};
use super::session::Peer;
use super::state::{MediaCommand, push_bounded};
use crate::playing::PlayingState;
use crate::state::FakeState;

const PLAY: u8 = 1;
const PAUSE: u8 = 2;
const NEXT: u8 = 3;
const PREVIOUS: u8 = 4;
const GET_VOLUME: u8 = 5;
const SET_VOLUME: u8 = 6;
const SKIP_BY: u8 = 7;
/// Fast forward and rewind begin and end, caption settings get and set.
const OTHER_KNOWN: std::ops::RangeInclusive<u8> = 8..=13;

/// Handles one `_mcc` request.
pub(crate) fn command(state: &FakeState, peer: &Peer, message: &Incoming) -> Vec<Value> {
    let Some(command) = message.int("_mcc").and_then(|c| u8::try_from(c).ok()) else {
        return vec![message.error(REFUSED, "Malformed media control command")];
    };
    if command == GET_VOLUME {
        let volume = f64::from(state.volume());
        return vec![message.response(dict(vec![("_vol", Value::from(volume))]))];
    }
    let argument = match command {
        SET_VOLUME => message.number("_vol"),
        SKIP_BY => message.number("_skpS"),
        PLAY | PAUSE | NEXT | PREVIOUS => None,
        other if OTHER_KNOWN.contains(&other) => None,
        _ => return vec![message.error(REFUSED, "Unsupported media control command")],
    };
    state.companion().update(|data, _| {
        push_bounded(&mut data.media_commands, MediaCommand { command, argument });
    });
    match command {
        SET_VOLUME => {
            let Some(volume) = argument.filter(|v| (0.0..=1.0).contains(v)) else {
                return vec![message.error(REFUSED, "Volume out of range")];
            };
            // The change is announced (an `_iMC` event) after the answer.
            let changed = state.set_volume(volume as f32);
            let mut replies = vec![message.empty_response()];
            if !changed {
                replies.extend(peer.media_control_event(state));
            }
            replies
        }
        PLAY | PAUSE | NEXT | PREVIOUS => {
            let (button, playback) = match command {
                PLAY => ("play", Some(PlaybackState::Playing)),
                PAUSE => ("pause", Some(PlaybackState::Paused)),
                NEXT => ("nextitem", None),
                _ => ("previtem", None),
            };
            state.update(|data, events| {
                let press = data.buttons.command(button);
                data.record_press(press);
                let player = data.target_player();
                if let (Some(playback), Some(playing)) = (playback, data.players.get_mut(&player)) {
                    set_playback(playing, playback, SystemTime::now());
                    events.push(data.player_event(&player));
                }
            });
            vec![message.empty_response()]
        }
        SKIP_BY => {
            let seconds = argument.unwrap_or(0.0);
            state.update(|data, events| {
                let player = data.target_player();
                if let Some(playing) = data.players.get_mut(&player) {
                    let now = SystemTime::now();
                    let position = playing.current_position(now).unwrap_or(0.0) + seconds;
                    playing.position = Some(position.max(0.0));
                    playing.position_at = Some(now);
                    events.push(data.player_event(&player));
                }
            });
            vec![message.empty_response()]
        }
        _ => vec![message.empty_response()],
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
