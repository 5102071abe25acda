//! Our message bytes against pyatv 0.18.0's own builders, run in the pyatv venv: the
//! keyed-archiver text operations (compared as plists and as bytes) and the OPACK of
//! requests. Skipped when the venv is missing, except under CI.

use std::process::Command;

use atv_companion::commands::{ButtonState, HidCommand, MediaControlCommand};
use atv_companion::keyed_archiver::{
    clear_text_payload, input_text_payload, parse, read_property, text_input_state,
};
use atv_companion::message::{MessageType, message};
use atv_companion::opack::{self, Value};
use atv_companion::requests;
use serde_json::Value as Json;

const SCRIPT: &str = r#"
import json, plistlib
from pyatv.support import opack
from pyatv.protocols.companion.plist_payloads import (
    get_rti_clear_text_payload, get_rti_input_text_payload)

uuid = bytes(range(16))
out = {
    "input": get_rti_input_text_payload(uuid, "h\u00e9llo \u2713").hex(),
    "clear": get_rti_clear_text_payload(uuid).hex(),
    "hid": opack.pack({"_i": "_hidC", "_t": 2, "_c": {"_hBtS": 1, "_hidC": 6}, "_x": 7}).hex(),
    "touch_start": opack.pack({"_height": 1000.0, "_tFl": 0, "_width": 1000.0}).hex(),
    "skip": opack.pack({"_mcc": 7, "_skpS": -10.0}).hex(),
    "session": opack.pack({"_srvT": "com.apple.tvremoteservices", "_sid": 4000000000}).hex(),
    "state": plistlib.dumps({
        "$top": {"sessionUUID": plistlib.UID(1), "documentState": plistlib.UID(2)},
        "$objects": ["$null", uuid, {"docSt": plistlib.UID(3)},
                     {"contextBeforeInput": plistlib.UID(4)}, "typed"],
    }, fmt=plistlib.PlistFormat.FMT_BINARY, sort_keys=False).hex(),
}
print(json.dumps(out))
"#;

fn pyatv_values() -> Option<Json> {
    let python = atv_tests::pyatv_python()?;
    let output = Command::new(python)
        .arg("-c")
        .arg(SCRIPT)
        .output()
        .expect("run the pyatv venv's python");
    assert!(
        output.status.success(),
        "pyatv script failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(serde_json::from_slice(&output.stdout).expect("JSON from the script"))
}

fn bytes(values: &Json, key: &str) -> Vec<u8> {
    hex::decode(values[key].as_str().expect("a hex string")).expect("hex")
}

#[test]
fn text_operations_match_pyatv() {
    let Some(values) = pyatv_values() else {
        return;
    };
    let uuid: Vec<u8> = (0u8..16).collect();
    let theirs = bytes(&values, "input");
    let ours = input_text_payload(&uuid, "h\u{e9}llo \u{2713}");
    assert_eq!(parse(&ours), parse(&theirs));
    assert!(parse(&ours).is_some());
    assert_eq!(
        read_property(
            &parse(&theirs).unwrap(),
            &["textOperations", "keyboardOutput", "insertionText"]
        ),
        Some(plist::Value::from("h\u{e9}llo \u{2713}"))
    );
    let theirs = bytes(&values, "clear");
    let ours = clear_text_payload(&uuid);
    assert_eq!(parse(&ours), parse(&theirs));
    // Byte-identical where the plist writers agree; report (not fail) otherwise.
    if ours != theirs {
        eprintln!("note: clear payload bytes differ from pyatv's (same plist)");
    }

    let state = text_input_state(&bytes(&values, "state")).expect("state");
    assert_eq!(state.session_uuid, uuid);
    assert_eq!(state.text.as_deref(), Some("typed"));
}

#[test]
fn request_opack_matches_pyatv() {
    let Some(values) = pyatv_values() else {
        return;
    };
    let hid = message(
        "_hidC",
        MessageType::Request,
        requests::hid_command(ButtonState::Down, HidCommand::Select),
        7,
    );
    assert_eq!(opack::encode(&hid), bytes(&values, "hid"));
    assert_eq!(
        opack::encode(&requests::touch_start()),
        bytes(&values, "touch_start")
    );
    let skip = requests::media_control(
        MediaControlCommand::SkipBy,
        vec![("_skpS", Value::Float(-10.0))],
    );
    assert_eq!(opack::encode(&skip), bytes(&values, "skip"));
    assert_eq!(
        opack::encode(&requests::session_start(4_000_000_000)),
        bytes(&values, "session")
    );
}
