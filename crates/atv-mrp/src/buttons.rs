//! Which HID key each remote button is, and which events a press sends for each input
//! action. Pure tables; the remote control sends the events.

use std::time::Duration;

use atv_core::InputAction;

/// A key on the virtual remote, sent as a HID event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HidKey {
    /// Up.
    Up,
    /// Down.
    Down,
    /// Left.
    Left,
    /// Right.
    Right,
    /// Stop.
    Stop,
    /// Next.
    Next,
    /// Previous.
    Previous,
    /// Select (OK).
    Select,
    /// Menu (back).
    Menu,
    /// Top menu (a long press of menu).
    TopMenu,
    /// Home (TV).
    Home,
    /// Suspend (sleep).
    Suspend,
    /// Wake up.
    WakeUp,
    /// Volume up.
    VolumeUp,
    /// Volume down.
    VolumeDown,
}

impl HidKey {
    /// HID usage page and usage of the key (generic desktop page 1 for navigation,
    /// consumer page 12 for media keys).
    pub fn usage(self) -> (u16, u16) {
        match self {
            Self::Up => (1, 0x8c),
            Self::Down => (1, 0x8d),
            Self::Left => (1, 0x8b),
            Self::Right => (1, 0x8a),
            Self::Stop => (12, 0xb7),
            Self::Next => (12, 0xb5),
            Self::Previous => (12, 0xb6),
            Self::Select => (1, 0x89),
            Self::Menu => (1, 0x86),
            Self::TopMenu => (12, 0x60),
            Self::Home => (12, 0x40),
            Self::Suspend => (1, 0x82),
            Self::WakeUp => (1, 0x83),
            Self::VolumeUp => (12, 0xe9),
            Self::VolumeDown => (12, 0xea),
        }
    }
}

/// How long a held key stays down.
pub const HOLD_DURATION: Duration = Duration::from_secs(1);

/// One step of a key press.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PressStep {
    /// Send the key-down event.
    Down,
    /// Wait before releasing.
    Wait(Duration),
    /// Send the key-up event.
    Up,
    /// Send a request and wait for its reply, so the device has seen the press before
    /// the call returns.
    Flush,
}

/// The steps of pressing a key with `action`; `flush` adds a flush after each press
/// (volume keys through the audio interface go without). `None` for an action MRP
/// cannot perform.
pub fn press_steps(action: InputAction, flush: bool) -> Option<Vec<PressStep>> {
    let press = |hold: bool| {
        let mut steps = vec![PressStep::Down];
        if hold {
            steps.push(PressStep::Wait(HOLD_DURATION));
        }
        steps.push(PressStep::Up);
        if flush {
            steps.push(PressStep::Flush);
        }
        steps
    };
    match action {
        InputAction::SingleTap => Some(press(false)),
        InputAction::DoubleTap => Some([press(false), press(false)].concat()),
        InputAction::Hold => Some(press(true)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PressStep::{Down, Flush, Up, Wait};

    #[test]
    fn actions_become_event_sequences() {
        assert_eq!(
            press_steps(InputAction::SingleTap, true).unwrap(),
            [Down, Up, Flush]
        );
        assert_eq!(
            press_steps(InputAction::DoubleTap, true).unwrap(),
            [Down, Up, Flush, Down, Up, Flush]
        );
        assert_eq!(
            press_steps(InputAction::Hold, true).unwrap(),
            [Down, Wait(HOLD_DURATION), Up, Flush]
        );
        assert_eq!(
            press_steps(InputAction::SingleTap, false).unwrap(),
            [Down, Up]
        );
    }

    #[test]
    fn keys_have_distinct_usages() {
        let keys = [
            HidKey::Up,
            HidKey::Down,
            HidKey::Left,
            HidKey::Right,
            HidKey::Stop,
            HidKey::Next,
            HidKey::Previous,
            HidKey::Select,
            HidKey::Menu,
            HidKey::TopMenu,
            HidKey::Home,
            HidKey::Suspend,
            HidKey::WakeUp,
            HidKey::VolumeUp,
            HidKey::VolumeDown,
        ];
        let mut usages: Vec<_> = keys.iter().map(|k| k.usage()).collect();
        usages.sort_unstable();
        usages.dedup();
        assert_eq!(usages.len(), keys.len());
        assert_eq!(HidKey::Home.usage(), (12, 0x40));
        assert_eq!(HidKey::Select.usage(), (1, 0x89));
    }
}
