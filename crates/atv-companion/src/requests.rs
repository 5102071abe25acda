//! The content (`_c`) of the requests and events the client sends, as pyatv sends them
//! (pure).

use atv_core::InfoSettings;

use crate::commands::{ButtonState, HidCommand, MediaControlCommand};
use crate::message::dict;
use crate::opack::Value;

/// Service type of the session `_sessionStart` opens.
pub const SESSION_SERVICE_TYPE: &str = "com.apple.tvremoteservices";
/// Width and height of the virtual touch surface.
pub const TOUCHPAD_SIZE: f64 = 1000.0;
/// Protocol version `TVRCSessionStart` announces.
pub const TV_RC_PROTOCOL_VERSION: &str = "1.2";
/// Software version `_systemInfo` announces.
pub const SOFTWARE_VERSION: &str = "170.18";

/// `_systemInfo`: who we are. `client_id` is our pairing identifier from the credentials.
pub fn system_info(info: &InfoSettings, client_id: &[u8]) -> Value {
    // Without an identifier here the device does not push power state events.
    let identifier = if info.rp_id.is_empty() {
        info.device_id.replace(':', "").to_lowercase()
    } else {
        info.rp_id.clone()
    };
    dict([
        ("_bf", Value::Int(0)),
        ("_cf", Value::Int(512)),
        ("_clFl", Value::Int(128)),
        ("_i", Value::from(identifier)),
        ("_idsID", Value::Data(client_id.to_vec())),
        ("_pubID", Value::from(info.device_id.as_str())),
        ("_sf", Value::Int(256)),
        ("_sv", Value::from(SOFTWARE_VERSION)),
        ("model", Value::from(info.model.as_str())),
        ("name", Value::from(info.name.as_str())),
    ])
}

/// `_sessionStart` with our half of the session id.
pub fn session_start(local_sid: u32) -> Value {
    dict([
        ("_srvT", Value::from(SESSION_SERVICE_TYPE)),
        ("_sid", Value::Int(i64::from(local_sid))),
    ])
}

/// `_sessionStop` with the whole session id (device's half above ours).
pub fn session_stop(sid: u64) -> Value {
    dict([
        ("_srvT", Value::from(SESSION_SERVICE_TYPE)),
        ("_sid", Value::from(sid)),
    ])
}

/// The session id from our half and the device's.
pub fn session_id(remote_sid: u64, local_sid: u32) -> u64 {
    (remote_sid << 32) | u64::from(local_sid)
}

/// `TVRCSessionStart`.
pub fn tv_rc_session_start() -> Value {
    dict([("ProtocolVersionKey", Value::from(TV_RC_PROTOCOL_VERSION))])
}

/// `_touchStart`: the size of our touch surface.
pub fn touch_start() -> Value {
    dict([
        ("_height", Value::Float(TOUCHPAD_SIZE)),
        ("_tFl", Value::Int(0)),
        ("_width", Value::Float(TOUCHPAD_SIZE)),
    ])
}

/// `_touchStop`.
pub fn touch_stop() -> Value {
    dict([("_i", Value::Int(1))])
}

/// `_interest` (an event) registering for `event`.
pub fn register_event(event: &str) -> Value {
    dict([("_regEvents", Value::Array(vec![Value::from(event)]))])
}

/// `_interest` (an event) deregistering from `event`.
pub fn deregister_event(event: &str) -> Value {
    dict([("_deregEvents", Value::Array(vec![Value::from(event)]))])
}

/// `_hidC`: press or release a button.
pub fn hid_command(state: ButtonState, command: HidCommand) -> Value {
    dict([
        ("_hBtS", Value::Int(state.value())),
        ("_hidC", Value::Int(command.value())),
    ])
}

/// `_mcc`: a media control command with its arguments.
pub fn media_control(command: MediaControlCommand, args: Vec<(&str, Value)>) -> Value {
    let mut entries = vec![(Value::from("_mcc"), Value::Int(command.value()))];
    entries.extend(args.into_iter().map(|(k, v)| (Value::from(k), v)));
    Value::Dict(entries)
}

/// `_hidT` (an event): one touch at (`x`, `y`), clamped to the surface, `ns`
/// nanoseconds after the touch session started; `phase` is atv-core's `TouchAction`
/// number.
pub fn touch_event(x: i32, y: i32, phase: i64, ns: u64) -> Value {
    let limit = TOUCHPAD_SIZE as i32;
    dict([
        ("_ns", Value::from(ns)),
        ("_tFg", Value::Int(1)),
        ("_cx", Value::Int(i64::from(x.clamp(0, limit)))),
        ("_tPh", Value::Int(phase)),
        ("_cy", Value::Int(i64::from(y.clamp(0, limit)))),
    ])
}

/// Whether `target` names a URL (has a scheme, as Python's `urlparse` finds one) rather
/// than a bundle identifier.
pub fn is_url_or_scheme(target: &str) -> bool {
    let Some((scheme, _)) = target.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// `_launchApp`: by URL (`_urlS`) or bundle identifier (`_bundleID`).
pub fn launch_app(target: &str) -> Value {
    let key = if is_url_or_scheme(target) {
        "_urlS"
    } else {
        "_bundleID"
    };
    dict([(key, Value::from(target))])
}

/// `SwitchUserAccountEvent`.
pub fn switch_account(account_id: &str) -> Value {
    dict([("SwitchAccountID", Value::from(account_id))])
}

/// `_tiC` (an event): a text operation, `payload` from [`crate::keyed_archiver`].
pub fn text_input_change(payload: Vec<u8>) -> Value {
    dict([("_tiV", Value::Int(1)), ("_tiD", Value::Data(payload))])
}

/// The pairs of a dictionary content (apps, accounts) with string keys and values:
/// `(key, value)` in order; other entries are skipped.
pub fn string_pairs(content: &Value) -> Vec<(String, String)> {
    content
        .as_dict()
        .unwrap_or_default()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str()?.to_owned(), v.as_str()?.to_owned())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_bundle_ids() {
        assert!(is_url_or_scheme("https://example.com"));
        assert!(is_url_or_scheme("com.apple.tv:"));
        assert!(is_url_or_scheme("myapp://x"));
        assert!(!is_url_or_scheme("com.apple.TVMusic"));
        assert!(!is_url_or_scheme(":x"));
        assert!(!is_url_or_scheme("1abc:x"));
        assert_eq!(
            launch_app("com.apple.TVMusic")
                .get("_bundleID")
                .and_then(Value::as_str),
            Some("com.apple.TVMusic")
        );
        assert!(launch_app("https://x.y").get("_urlS").is_some());
    }

    #[test]
    fn session_ids_combine() {
        assert_eq!(session_id(5555, 7), (5555u64 << 32) | 7);
    }

    #[test]
    fn touch_events_clamp() {
        let event = touch_event(-5, 2000, 1, 10);
        assert_eq!(event.get("_cx").and_then(Value::as_int), Some(0));
        assert_eq!(event.get("_cy").and_then(Value::as_int), Some(1000));
    }

    #[test]
    fn system_info_identifier_falls_back_to_device_id() {
        let mut info = InfoSettings::default();
        info.rp_id.clear();
        let content = system_info(&info, b"client");
        assert_eq!(
            content.get("_i").and_then(Value::as_str),
            Some("ff7079617476")
        );
        assert_eq!(
            content.get("_idsID").and_then(Value::as_data),
            Some(&b"client"[..])
        );
    }
}
