//! Cross-checks with pyatv's own protobuf code (tests/python/pyatv_messages.py, run in
//! the pyatv venv):
//!
//! - messages built by pyatv's `messages.py` decode with atv's decoder to exactly what
//!   atv's [`MessageBuilder`] builds from the same inputs;
//! - messages built by atv parse with pyatv's classes and equal pyatv's own;
//! - a rich now-playing SetStateMessage built by pyatv decodes to the expected values.
//!
//! Byte order differs on purpose: pyatv (upb) writes extension fields after the regular
//! ones, prost writes all fields in field-number order. Both are valid protobuf; the tests
//! compare decoded messages and the encoded lengths.

mod support;

use std::collections::BTreeMap;
use std::fs;

use atv_mrp::framing::{decode_message, encode_message};
use atv_mrp::message_builders::{ClientDescription, MessageBuilder, UpdateSubscriptions};
use atv_mrp::protobuf::{
    Command, CommandOptions, DeviceClass, MediaType, MessageType, PlaybackState, ProtocolMessage,
    RepeatMode, SendError, ShuffleMode,
};
use bytes::Bytes;

/// The unique identifier pyatv_messages.py gives every message.
const FIXED_UUID: &str = "5A4C3B2A-1F0E-4D3C-8B7A-695847362514";
const PAIRING_ID: &str = "0F7A3E5C-2B1D-4E6F-9A8B-7C6D5E4F3A2B";

/// TLV8 of {Method: 0, SeqNo: 1} (pair-setup M1).
const TLV_SETUP: &[u8] = &[0x00, 0x01, 0x00, 0x06, 0x01, 0x01];

/// TLV8 of {SeqNo: 1, PublicKey: 0..32} (pair-verify M1).
fn tlv_verify() -> Vec<u8> {
    let mut tlv = vec![0x06, 0x01, 0x01, 0x03, 0x20];
    tlv.extend(0u8..32);
    tlv
}

/// atv's counterpart of every message pyatv_messages.py builds with `messages.py`.
fn atv_messages() -> Vec<(&'static str, ProtocolMessage)> {
    let mut build = MessageBuilder::with_ids(|| FIXED_UUID.to_owned());
    let client = ClientDescription {
        name: "Living Room Remote".into(),
        os_build: "18M60".into(),
        pairing_identifier: PAIRING_ID.into(),
    };
    vec![
        (
            "device_information",
            build.device_information(&client, false),
        ),
        (
            "device_information_update",
            build.device_information(&client, true),
        ),
        ("set_connection_state", build.set_connection_state()),
        (
            "client_updates_config",
            build.client_updates_config(UpdateSubscriptions::default()),
        ),
        ("get_keyboard_session", build.get_keyboard_session()),
        ("wake_device", build.wake_device()),
        ("heartbeat", build.heartbeat()),
        (
            "crypto_pairing_setup",
            build.crypto_pairing(Bytes::from_static(TLV_SETUP), true),
        ),
        (
            "crypto_pairing_verify",
            build.crypto_pairing(Bytes::from(tlv_verify()), false),
        ),
        (
            "playback_queue_request",
            build.playback_queue_request(3, -1.0, 400.0),
        ),
        (
            "playback_queue_request_sized",
            build.playback_queue_request(0, 600.0, 600.0),
        ),
        ("hid_left_down", build.send_hid_event(1, 0x8b, true)),
        ("hid_menu_up", build.send_hid_event(12, 0x40, false)),
        ("button_down", build.send_button_event(12, 0xe9, true)),
        ("command_play", build.command(Command::Play, None)),
        (
            "command_skip_forward",
            build.command(
                Command::SkipForward,
                Some(CommandOptions {
                    skip_interval: Some(15.0),
                    ..Default::default()
                }),
            ),
        ),
        ("repeat_track", build.repeat(RepeatMode::One)),
        ("shuffle_albums", build.shuffle(ShuffleMode::Albums)),
        ("seek", build.seek_to_position(42.5)),
        (
            "command_result",
            build.command_result("REQUEST-7", SendError::NoError),
        ),
        ("set_volume", build.set_volume("OUTPUT-DEVICE-1", 0.25)),
        (
            "add_output_devices",
            build.add_output_devices(&["A-1", "B-2"]),
        ),
        (
            "remove_output_devices",
            build.remove_output_devices(&["A-1"]),
        ),
        (
            "set_output_devices",
            build.set_output_devices(&["C-3", "D-4"]),
        ),
    ]
}

/// Runs `pyatv_messages.py build`: pyatv's messages by name, serialized.
fn pyatv_messages() -> Option<BTreeMap<String, Vec<u8>>> {
    let output = support::run_pyatv_script("pyatv_messages.py", &["build".as_ref()])?;
    output.assert_success("pyatv_messages.py build");
    let hex_by_name: BTreeMap<String, String> =
        serde_json::from_str(&output.stdout).expect("pyatv_messages.py prints a JSON object");
    Some(
        hex_by_name
            .into_iter()
            .map(|(name, data)| {
                let bytes = hex::decode(&data).expect("hex from pyatv_messages.py");
                (name, bytes)
            })
            .collect(),
    )
}

#[test]
fn pyatv_messages_decode_to_what_atv_builds() {
    let Some(theirs) = pyatv_messages() else {
        return;
    };
    assert_eq!(
        theirs["tlv_setup"], TLV_SETUP,
        "TLV8 of the pair-setup M1 fixture"
    );
    assert_eq!(
        theirs["tlv_verify"],
        tlv_verify(),
        "TLV8 of the pair-verify M1 fixture"
    );

    let ours = atv_messages();
    for (name, built) in &ours {
        let their_bytes = theirs
            .get(*name)
            .unwrap_or_else(|| panic!("pyatv_messages.py built no {name}"));
        let decoded = decode_message(Bytes::copy_from_slice(their_bytes))
            .unwrap_or_else(|e| panic!("{name}: pyatv's bytes do not decode: {e}"));
        assert_eq!(
            &decoded, built,
            "{name}: pyatv's message differs from atv's"
        );
        // Same fields with the same values; only their order may differ.
        let our_bytes = encode_message(built);
        assert_eq!(
            our_bytes.len(),
            their_bytes.len(),
            "{name}: encoded sizes differ\n atv   {}\n pyatv {}",
            hex::encode(&our_bytes),
            hex::encode(their_bytes)
        );
    }
    println!("{} pyatv messages matched", ours.len());
}

#[test]
fn pyatv_parses_what_atv_builds() {
    let Some(theirs) = pyatv_messages() else {
        return;
    };
    let mut ours: BTreeMap<&str, String> = atv_messages()
        .iter()
        .map(|(name, message)| (*name, hex::encode(encode_message(message))))
        .collect();
    // The state message has no builder: send back atv's re-encoding of pyatv's message.
    let state = decode_message(Bytes::from(theirs["now_playing_state"].clone()))
        .expect("now_playing_state decodes");
    ours.insert("now_playing_state", hex::encode(encode_message(&state)));

    let file = tempfile::NamedTempFile::new().expect("temp file");
    fs::write(file.path(), serde_json::to_string(&ours).expect("JSON")).expect("write");
    let output = support::run_pyatv_script(
        "pyatv_messages.py",
        &["check".as_ref(), file.path().as_os_str()],
    )
    .expect("venv present: the build step found it");
    output.assert_success("pyatv parsing atv's messages");
    let expected = format!("pyatv check: {} matched, 0 differ", ours.len());
    assert!(output.stdout.contains(&expected), "{}", output.stdout);
}

#[test]
fn pyatv_now_playing_state_decodes() {
    let Some(theirs) = pyatv_messages() else {
        return;
    };
    let message = decode_message(Bytes::from(theirs["now_playing_state"].clone()))
        .expect("now_playing_state decodes");
    assert_eq!(message.r#type(), MessageType::SetStateMessage);
    let state = message
        .set_state_message
        .expect("set_state_message payload");
    assert_eq!(state.playback_state(), PlaybackState::Playing);
    assert_eq!(state.display_name(), "Music");

    let commands = &state
        .supported_commands
        .expect("supported commands")
        .supported_commands;
    let names: Vec<Command> = commands.iter().map(|c| c.command()).collect();
    assert_eq!(
        names,
        [
            Command::Play,
            Command::Pause,
            Command::SkipForward,
            Command::ChangeRepeatMode
        ]
    );
    assert_eq!(commands[0].enabled, Some(true));
    assert_eq!(commands[2].preferred_intervals, [15.0]);
    assert_eq!(commands[3].repeat_mode(), RepeatMode::All);

    let queue = state.playback_queue.expect("playback queue");
    assert_eq!(queue.location, Some(0));
    let item = &queue.content_items[0];
    assert_eq!(item.identifier(), "4A3B2C1D");
    let artwork = item.artwork_data.as_ref().expect("artwork");
    assert_eq!(artwork.len(), 1024);
    assert_eq!(artwork[255], 255);
    let metadata = item.metadata.as_ref().expect("metadata");
    assert_eq!(metadata.title(), "Never Gonna Give You Up");
    assert_eq!(metadata.track_artist_name(), "Rick Astley");
    assert_eq!(metadata.album_name(), "Whenever You Need Somebody");
    assert_eq!(metadata.genre(), "Pop");
    assert_eq!(metadata.duration, Some(213.5));
    assert_eq!(metadata.elapsed_time, Some(42.25));
    assert_eq!(metadata.playback_rate, Some(1.0));
    assert_eq!(metadata.media_type(), MediaType::Audio);
    assert_eq!(metadata.artwork_available, Some(true));
    assert_eq!(metadata.artwork_mime_type(), "image/jpeg");
    assert_eq!(metadata.artwork_identifier(), "artwork-17");
    assert_eq!(metadata.itunes_store_identifier, Some(1_558_534_271));
    assert_eq!(metadata.season_number, Some(2));
    assert_eq!(metadata.episode_number, None, "absent fields stay absent");

    let path = state.player_path.expect("player path");
    let origin_device = path
        .origin
        .and_then(|origin| origin.device_info)
        .expect("origin device info");
    assert_eq!(origin_device.name, "Living Room");
    assert_eq!(origin_device.device_class(), DeviceClass::AppleTv);
    let client = path.client.expect("client");
    assert_eq!(client.process_identifier, Some(123));
    assert_eq!(client.bundle_identifier(), "com.apple.TVMusic");
    assert_eq!(
        path.player.expect("player").identifier(),
        "MediaRemote-DefaultPlayer"
    );
}
