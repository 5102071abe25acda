//! Reading the keyboard HID events clients send: where the key sits in the event data
//! and which button each (usage page, usage) pair is.

use crate::buttons::HidEvent;

/// Offset of usage page, usage and down flag (three big-endian 16-bit values) in the HID
/// event data clients send.
const KEY_OFFSET: usize = 43;

/// Buttons by (usage page, usage), named as pyatv's fake device names them.
const BUTTONS: [((u16, u16), &str); 15] = [
    ((1, 0x8c), "up"),
    ((1, 0x8d), "down"),
    ((1, 0x8b), "left"),
    ((1, 0x8a), "right"),
    ((12, 0xb7), "stop"),
    ((12, 0xb5), "next"),
    ((12, 0xb6), "previous"),
    ((1, 0x89), "select"),
    ((1, 0x86), "menu"),
    ((12, 0x60), "top_menu"),
    ((12, 0x40), "home"),
    ((1, 0x82), "suspend"),
    ((1, 0x83), "wakeup"),
    ((12, 0xe9), "volumeup"),
    ((12, 0xea), "volumedown"),
];

/// The key event in HID event data; `None` when the data is too short or the down flag is
/// neither 0 nor 1.
pub(crate) fn parse(data: &[u8]) -> Option<HidEvent> {
    let key = data.get(KEY_OFFSET..KEY_OFFSET + 6)?;
    let [p0, p1, u0, u1, d0, d1] = <[u8; 6]>::try_from(key).ok()?;
    let down = match u16::from_be_bytes([d0, d1]) {
        0 => false,
        1 => true,
        _ => return None,
    };
    Some(HidEvent {
        usage_page: u16::from_be_bytes([p0, p1]),
        usage: u16::from_be_bytes([u0, u1]),
        down,
    })
}

/// The button of a key.
pub(crate) fn button(usage_page: u16, usage: u16) -> Option<&'static str> {
    BUTTONS
        .iter()
        .find(|(key, _)| *key == (usage_page, usage))
        .map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use atv_mrp::message_builders::hid_event_data;

    use super::*;

    #[test]
    fn reads_what_clients_send() {
        let event = parse(&hid_event_data(1, 0x8b, true)).unwrap();
        assert_eq!(
            event,
            HidEvent {
                usage_page: 1,
                usage: 0x8b,
                down: true
            }
        );
        assert_eq!(button(event.usage_page, event.usage), Some("left"));
        let event = parse(&hid_event_data(12, 0x40, false)).unwrap();
        assert!(!event.down);
        assert_eq!(button(12, 0x40), Some("home"));
        assert_eq!(button(7, 4), None);
    }

    #[test]
    fn rejects_short_or_odd_data() {
        assert_eq!(parse(&[0; 48]), None);
        let mut data = hid_event_data(1, 0x8c, true);
        data[48] = 2;
        assert_eq!(parse(&data), None);
    }
}
