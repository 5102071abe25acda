//! Every message builder: round trip through encode/decode, identifiers from the injected
//! source, and the payload field matching the message type.

use atv_mrp::framing::{decode_message, encode_message};
use atv_mrp::message_builders::{
    ClientDescription, DEFAULT_ARTWORK_HEIGHT, DEFAULT_ARTWORK_WIDTH, MessageBuilder,
    UpdateSubscriptions, hid_event_data,
};
use atv_mrp::protobuf::{
    ActionType, Command, CommandOptions, MessageType, ProtocolMessage, RepeatMode, SendError,
    ShuffleMode,
};
use bytes::Bytes;

fn all_builders(build: &mut MessageBuilder<impl FnMut() -> String>) -> Vec<ProtocolMessage> {
    let client = ClientDescription {
        name: "Kitchen".into(),
        os_build: "18M60".into(),
        pairing_identifier: "PAIRING-ID".into(),
    };
    vec![
        build.device_information(&client, false),
        build.device_information(&client, true),
        build.set_connection_state(),
        build.client_updates_config(UpdateSubscriptions::default()),
        build.crypto_pairing(Bytes::from_static(&[0, 1, 0, 6, 1, 1]), true),
        build.heartbeat(),
        build.wake_device(),
        build.get_keyboard_session(),
        build.text_input("hello", ActionType::Insert, 12.5),
        build.playback_queue_request(0, DEFAULT_ARTWORK_WIDTH, DEFAULT_ARTWORK_HEIGHT),
        build.send_hid_event(1, 0x8c, true),
        build.send_button_event(12, 0xe9, false),
        build.command(Command::Pause, None),
        build.command(
            Command::SkipBackward,
            Some(CommandOptions {
                skip_interval: Some(10.0),
                ..Default::default()
            }),
        ),
        build.repeat(RepeatMode::All),
        build.shuffle(ShuffleMode::Songs),
        build.seek_to_position(3.25),
        build.command_result("REQ", SendError::NoCommandHandlers),
        build.get_volume("DEVICE"),
        build.set_volume("DEVICE", 0.5),
        build.add_output_devices(&["A"]),
        build.remove_output_devices(&["A", "B"]),
        build.set_output_devices(&[]),
    ]
}

#[test]
fn every_builder_round_trips() {
    let mut counter = 0;
    let mut build = MessageBuilder::with_ids(|| {
        counter += 1;
        format!("ID-{counter}")
    });
    let messages = all_builders(&mut build);
    for (index, message) in messages.iter().enumerate() {
        let decoded = decode_message(encode_message(message)).expect("decodes");
        assert_eq!(&decoded, message);
        assert_eq!(
            decoded.unique_identifier.as_deref(),
            Some(format!("ID-{}", index + 1).as_str()),
            "identifiers come from the injected source, one per message"
        );
        assert_eq!(decoded.error_code, Some(0));
    }
}

#[test]
fn payload_matches_message_type() {
    let mut build = MessageBuilder::with_ids(|| "ID".to_owned());
    for message in all_builders(&mut build) {
        let message_type = message.r#type();
        let payload_set = match message_type {
            MessageType::DeviceInfoMessage | MessageType::DeviceInfoUpdateMessage => {
                message.device_info_message.is_some()
            }
            MessageType::SetConnectionStateMessage => {
                message.set_connection_state_message.is_some()
            }
            MessageType::ClientUpdatesConfigMessage => {
                message.client_updates_config_message.is_some()
            }
            MessageType::CryptoPairingMessage => message.crypto_pairing_message.is_some(),
            MessageType::TextInputMessage => message.text_input_message.is_some(),
            MessageType::PlaybackQueueRequestMessage => {
                message.playback_queue_request_message.is_some()
            }
            MessageType::SendHidEventMessage => message.send_hid_event_message.is_some(),
            MessageType::SendButtonEventMessage => message.send_button_event_message.is_some(),
            MessageType::SendCommandMessage => message.send_command_message.is_some(),
            MessageType::SendCommandResultMessage => message.send_command_result_message.is_some(),
            MessageType::GetVolumeMessage => message.get_volume_message.is_some(),
            MessageType::SetVolumeMessage => message.set_volume_message.is_some(),
            MessageType::ModifyOutputContextRequestMessage => {
                message.modify_output_context_request_message.is_some()
            }
            // The type alone is the request (as pyatv sends them).
            MessageType::GenericMessage
            | MessageType::WakeDeviceMessage
            | MessageType::GetKeyboardSessionMessage => true,
            other => panic!("unexpected message type {other:?}"),
        };
        assert!(payload_set, "{message_type:?} lacks its payload");
    }
}

#[test]
fn random_identifiers_differ() {
    let mut build = MessageBuilder::new();
    let first = build.heartbeat().unique_identifier.expect("id");
    let second = build.heartbeat().unique_identifier.expect("id");
    assert_ne!(first, second);
    assert_eq!(first.len(), 36);
}

#[test]
fn reply_and_payload_details() {
    let mut build = MessageBuilder::with_ids(|| "ID".to_owned());
    let result = build.command_result("REQUEST", SendError::NoError);
    assert_eq!(result.identifier.as_deref(), Some("REQUEST"));

    let text = build.text_input("abc", ActionType::Set, 1.0);
    let payload = text.text_input_message.expect("payload");
    assert_eq!(payload.text(), "abc");
    assert_eq!(payload.action_type(), ActionType::Set);

    let hid = build.send_hid_event(12, 0x40, false);
    assert_eq!(
        hid.send_hid_event_message
            .and_then(|m| m.hid_event_data)
            .expect("HID data"),
        hid_event_data(12, 0x40, false)
    );

    let queue = build.playback_queue_request(5, 300.0, 200.0);
    let request = queue.playback_queue_request_message.expect("payload");
    assert_eq!(
        (
            request.location,
            request.length,
            request.artwork_width,
            request.artwork_height
        ),
        (Some(5), Some(1), Some(300.0), Some(200.0))
    );
}
