//! HID buttons (`_hidC`): `_hBtS` 1 is button down, 2 button up, `_hidC` the button.
//! A down followed by its up is one press, classified (tap, double tap, hold) and
//! recorded in the shared state with the MRP side's presses; the raw events are kept in
//! the Companion state. Sleep and wake turn the device off and on when released; the
//! volume buttons step the shared volume.

use std::time::Instant;

use atv_companion::opack::Value;

use super::message::{Incoming, REFUSED};
use super::session::Peer;
use super::state::{HidButtonEvent, push_bounded};
use crate::state::{DEVICE_UID, FakeState, VOLUME_STEP};

/// The usage page under which Companion buttons are tracked beside MRP's HID keys (a
/// vendor-defined page no MRP key uses).
const COMPANION_PAGE: u16 = 0xFF43;
/// Button down.
const DOWN: i64 = 1;
/// Button up.
const UP: i64 = 2;
/// HID command: sleep.
pub(crate) const SLEEP: u8 = 12;
/// HID command: wake.
pub(crate) const WAKE: u8 = 13;

/// Button names by HID command number, as the MRP side names the same buttons where it
/// has them.
const BUTTONS: [(u8, &str); 19] = [
    (1, "up"),
    (2, "down"),
    (3, "left"),
    (4, "right"),
    (5, "menu"),
    (6, "select"),
    (7, "home"),
    (8, "volumeup"),
    (9, "volumedown"),
    (10, "siri"),
    (11, "screensaver"),
    (SLEEP, "suspend"),
    (WAKE, "wakeup"),
    (14, "playpause"),
    (15, "channel_up"),
    (16, "channel_down"),
    (17, "guide"),
    (18, "page_up"),
    (19, "control_center"),
];

/// The name of a HID command's button.
pub fn button_name(command: u8) -> Option<&'static str> {
    BUTTONS
        .iter()
        .find(|(number, _)| *number == command)
        .map(|(_, name)| *name)
}

/// Handles one `_hidC` request; the answer, and an `_iMC` event when a volume button
/// left the volume as it was (a change is announced through the shared state).
pub(crate) fn button(state: &FakeState, peer: &Peer, message: &Incoming) -> Vec<Value> {
    let phase = message.int("_hBtS");
    let command = message.int("_hidC").and_then(|c| u8::try_from(c).ok());
    let (Some(phase @ (DOWN | UP)), Some(command)) = (phase, command) else {
        return vec![message.error(REFUSED, "Malformed button event")];
    };
    let Some(name) = button_name(command) else {
        return vec![message.error(REFUSED, "Unknown button")];
    };
    let down = phase == DOWN;
    state.companion().update(|data, _| {
        push_bounded(&mut data.hid_buttons, HidButtonEvent { command, down });
    });
    let key = (COMPANION_PAGE, u16::from(command));
    let now = Instant::now();
    if down {
        state.update(|data, _| data.buttons.key_down(key, now));
        return vec![message.empty_response()];
    }
    if command == SLEEP || command == WAKE {
        // Clients send these as a lone button up.
        let _ = state.update(|data, _| data.buttons.key_up(key, name, now));
        state.set_powered_on(command == WAKE);
        return vec![message.empty_response()];
    }
    let outcome = state.update(|data, events| {
        let press = data.buttons.key_up(key, name, now)?;
        data.record_press(press);
        let volume = match command {
            8 => (data.volume + VOLUME_STEP).min(1.0),
            9 => (data.volume - VOLUME_STEP).max(0.0),
            _ => return Some(false),
        };
        if volume == data.volume {
            return Some(true);
        }
        events.extend(data.set_volume(volume, DEVICE_UID));
        Some(false)
    });
    match outcome {
        None => vec![message.error(REFUSED, "Missing button down")],
        Some(unchanged_volume) => {
            let mut replies = vec![message.empty_response()];
            if unchanged_volume {
                replies.extend(peer.media_control_event(state));
            }
            replies
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_a_name() {
        for command in 1..=19 {
            assert!(button_name(command).is_some(), "{command}");
        }
        assert_eq!(button_name(0), None);
        assert_eq!(button_name(20), None);
        assert_eq!(button_name(8), Some("volumeup"));
    }
}
