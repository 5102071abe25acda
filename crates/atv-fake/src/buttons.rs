//! How the fake device reads key presses: a key down followed by its key up is one press,
//! classified the way pyatv's fake device does it.
//!
//! - held longer than [`HOLD_THRESHOLD`] between down and up: [`InputAction::Hold`];
//! - else the same button as the previous press: [`InputAction::DoubleTap`] (with no time
//!   window, so a third press of the same button is a double tap too, as in pyatv);
//! - else [`InputAction::SingleTap`].

use std::collections::HashMap;
use std::time::{Duration, Instant};

use atv_core::InputAction;

/// A press held longer than this is a hold.
pub const HOLD_THRESHOLD: Duration = Duration::from_millis(500);

/// One button press the device registered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ButtonPress {
    /// Button name as pyatv's fake names it: "up", "select", "home", "volumeup", and for
    /// playback commands "play", "pause", "playpause", "stop", "nextitem", "previtem".
    pub button: String,
    /// How it was pressed; `None` for playback commands, which have no key action.
    pub action: Option<InputAction>,
}

/// One raw HID keyboard event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HidEvent {
    /// HID usage page.
    pub usage_page: u16,
    /// HID usage.
    pub usage: u16,
    /// True for key down, false for key up.
    pub down: bool,
}

/// Keys pressed and not yet released, and the last completed press.
#[derive(Debug, Default)]
pub(crate) struct ButtonTracker {
    outstanding: HashMap<(u16, u16), Instant>,
    last: Option<ButtonPress>,
}

impl ButtonTracker {
    /// Records a key down.
    pub(crate) fn key_down(&mut self, key: (u16, u16), now: Instant) {
        self.outstanding.insert(key, now);
    }

    /// Records the key up of `button`; returns the press, or `None` when the key was not
    /// down.
    pub(crate) fn key_up(
        &mut self,
        key: (u16, u16),
        button: &str,
        now: Instant,
    ) -> Option<ButtonPress> {
        let down_at = self.outstanding.remove(&key)?;
        let action = if now.saturating_duration_since(down_at) > HOLD_THRESHOLD {
            InputAction::Hold
        } else if self.last.as_ref().is_some_and(|last| last.button == button) {
            InputAction::DoubleTap
        } else {
            InputAction::SingleTap
        };
        let press = ButtonPress {
            button: button.to_owned(),
            action: Some(action),
        };
        self.last = Some(press.clone());
        Some(press)
    }

    /// Records a press without key action (a playback command).
    pub(crate) fn command(&mut self, button: &str) -> ButtonPress {
        let press = ButtonPress {
            button: button.to_owned(),
            action: None,
        };
        self.last = Some(press.clone());
        press
    }

    /// Keeps the last button but forgets how it was pressed (after a command that is no
    /// button, as pyatv's fake device does).
    pub(crate) fn clear_action(&mut self) {
        if let Some(last) = &mut self.last {
            last.action = None;
        }
    }

    /// The last completed press.
    pub(crate) fn last(&self) -> Option<&ButtonPress> {
        self.last.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UP: (u16, u16) = (1, 0x8c);
    const DOWN: (u16, u16) = (1, 0x8d);

    #[test]
    fn taps_double_taps_and_holds() {
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        let mut tracker = ButtonTracker::default();

        tracker.key_down(UP, ms(0));
        let press = tracker.key_up(UP, "up", ms(10)).unwrap();
        assert_eq!(press.action, Some(InputAction::SingleTap));

        tracker.key_down(UP, ms(20));
        let press = tracker.key_up(UP, "up", ms(30)).unwrap();
        assert_eq!(press.action, Some(InputAction::DoubleTap));

        tracker.key_down(DOWN, ms(40));
        let press = tracker.key_up(DOWN, "down", ms(40 + 1_000)).unwrap();
        assert_eq!(press.action, Some(InputAction::Hold));

        tracker.key_down(UP, ms(2_000));
        let press = tracker.key_up(UP, "up", ms(2_001)).unwrap();
        assert_eq!(press.action, Some(InputAction::SingleTap));
    }

    #[test]
    fn key_up_without_key_down_is_ignored() {
        let mut tracker = ButtonTracker::default();
        assert_eq!(tracker.key_up(UP, "up", Instant::now()), None);
        assert_eq!(tracker.last(), None);
    }

    #[test]
    fn commands_reset_the_action() {
        let mut tracker = ButtonTracker::default();
        tracker.key_down(UP, Instant::now());
        tracker.key_up(UP, "up", Instant::now());
        let press = tracker.command("playpause");
        assert_eq!(press.action, None);
        assert_eq!(tracker.last(), Some(&press));
    }
}
