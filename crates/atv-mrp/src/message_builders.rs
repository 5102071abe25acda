//! Constructors for the [`ProtocolMessage`]s a client sends, filled in the way the
//! reference client (pyatv 0.18) fills them, so devices see the same requests.
//!
//! Every message gets a fresh random UUID in `unique_identifier`. Where those come from is
//! up to the [`MessageBuilder`]: [`MessageBuilder::new`] makes random ones,
//! [`MessageBuilder::with_ids`] takes them from a closure (tests use fixed ones).
//! Request/response correlation (`identifier`) is left to the connection, except for
//! replies built here.

use bytes::Bytes;

use crate::protobuf::{
    ActionType, ClientUpdatesConfigMessage, Command, CommandOptions, ConnectionState,
    CryptoPairingMessage, DeviceClass, DeviceInfoMessage, ErrorCode, GetVolumeMessage,
    HandlerReturnStatus, MessageType, ModifyOutputContextRequestMessage,
    ModifyOutputContextRequestType, PlaybackQueueRequestMessage, ProtocolMessage, RepeatMode,
    SendButtonEventMessage, SendCommandMessage, SendCommandResultMessage, SendError,
    SendHidEventMessage, SetConnectionStateMessage, SetVolumeMessage, ShuffleMode,
    TextInputMessage,
};

/// Bundle identifier the client presents itself with (Apple's Remote app).
pub const CLIENT_BUNDLE_IDENTIFIER: &str = "com.apple.TVRemote";
/// Version of that app the client claims to be.
pub const CLIENT_BUNDLE_VERSION: &str = "344.28";
/// Highest message type number the client claims to understand.
pub const LAST_SUPPORTED_MESSAGE_TYPE: u32 = 108;
/// Media application the client names as its own.
pub const SYSTEM_MEDIA_APPLICATION: &str = "com.apple.TVMusic";

/// Default artwork size asked for in playback queue requests: keep the aspect ratio
/// (width -1) at 400 pixels high.
pub const DEFAULT_ARTWORK_WIDTH: f64 = -1.0;
/// See [`DEFAULT_ARTWORK_WIDTH`].
pub const DEFAULT_ARTWORK_HEIGHT: f64 = 400.0;

/// A random (version 4) UUID in upper case, the form MRP identifiers take.
pub fn random_uuid() -> String {
    let mut bytes: [u8; 16] = rand::random();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// What the client tells the device about itself in its device information message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientDescription {
    /// Name shown on the device (pyatv's `InfoSettings.name`).
    pub name: String,
    /// OS build the client claims (pyatv's `InfoSettings.os_build`, e.g. "18M60").
    pub os_build: String,
    /// The client's pairing identifier (the HAP pairing id, a UUID string).
    pub pairing_identifier: String,
}

/// Which unsolicited updates to subscribe to. The default is what the reference client
/// asks for: everything but the legacy now-playing updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpdateSubscriptions {
    /// Artwork changes.
    pub artwork: bool,
    /// Legacy now-playing updates (superseded by player state messages).
    pub now_playing: bool,
    /// Volume changes.
    pub volume: bool,
    /// Keyboard (text entry) state.
    pub keyboard: bool,
    /// Output device (speaker group) changes.
    pub output_devices: bool,
}

impl Default for UpdateSubscriptions {
    fn default() -> Self {
        Self {
            artwork: true,
            now_playing: false,
            volume: true,
            keyboard: true,
            output_devices: true,
        }
    }
}

/// Builds outgoing messages; holds the source of `unique_identifier`s.
pub struct MessageBuilder<F = fn() -> String> {
    new_id: F,
}

impl MessageBuilder {
    /// A builder giving each message a random UUID.
    pub fn new() -> Self {
        Self {
            new_id: random_uuid,
        }
    }
}

impl Default for MessageBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl<F> std::fmt::Debug for MessageBuilder<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MessageBuilder").finish_non_exhaustive()
    }
}

impl<F: FnMut() -> String> MessageBuilder<F> {
    /// A builder taking each message's `unique_identifier` from `new_id`.
    pub fn with_ids(new_id: F) -> Self {
        Self { new_id }
    }

    /// An envelope of the given type with no payload: error code "no error" (set
    /// explicitly, as the reference client does) and a fresh unique identifier.
    pub fn envelope(&mut self, message_type: MessageType) -> ProtocolMessage {
        ProtocolMessage {
            r#type: Some(message_type as i32),
            error_code: Some(ErrorCode::NoError as i32),
            unique_identifier: Some((self.new_id)()),
            ..Default::default()
        }
    }

    /// An envelope answering the request whose `identifier` is given.
    pub fn reply(&mut self, message_type: MessageType, identifier: &str) -> ProtocolMessage {
        ProtocolMessage {
            identifier: Some(identifier.to_owned()),
            ..self.envelope(message_type)
        }
    }

    /// The client's device information, the first message of a session
    /// (`update`: a later update of it instead).
    pub fn device_information(
        &mut self,
        client: &ClientDescription,
        update: bool,
    ) -> ProtocolMessage {
        let message_type = if update {
            MessageType::DeviceInfoUpdateMessage
        } else {
            MessageType::DeviceInfoMessage
        };
        ProtocolMessage {
            device_info_message: Some(Box::new(DeviceInfoMessage {
                unique_identifier: Some(client.pairing_identifier.clone()),
                name: client.name.clone(),
                localized_model_name: Some("iPhone".into()),
                system_build_version: Some(client.os_build.clone()),
                application_bundle_identifier: Some(CLIENT_BUNDLE_IDENTIFIER.into()),
                application_bundle_version: Some(CLIENT_BUNDLE_VERSION.into()),
                protocol_version: Some(1),
                last_supported_message_type: Some(LAST_SUPPORTED_MESSAGE_TYPE),
                supports_system_pairing: Some(true),
                allows_pairing: Some(true),
                system_media_application: Some(SYSTEM_MEDIA_APPLICATION.into()),
                supports_acl: Some(true),
                supports_shared_queue: Some(true),
                supports_extended_motion: Some(true),
                shared_queue_version: Some(2),
                device_class: Some(DeviceClass::IPhone as i32),
                logical_device_count: Some(1),
                ..Default::default()
            })),
            ..self.envelope(message_type)
        }
    }

    /// Announces that the client is connected (sent once pair-verify is done).
    pub fn set_connection_state(&mut self) -> ProtocolMessage {
        ProtocolMessage {
            set_connection_state_message: Some(Box::new(SetConnectionStateMessage {
                state: Some(ConnectionState::Connected as i32),
            })),
            ..self.envelope(MessageType::SetConnectionStateMessage)
        }
    }

    /// Subscribes to unsolicited updates.
    pub fn client_updates_config(&mut self, updates: UpdateSubscriptions) -> ProtocolMessage {
        ProtocolMessage {
            client_updates_config_message: Some(Box::new(ClientUpdatesConfigMessage {
                artwork_updates: Some(updates.artwork),
                now_playing_updates: Some(updates.now_playing),
                volume_updates: Some(updates.volume),
                keyboard_updates: Some(updates.keyboard),
                output_device_updates: Some(updates.output_devices),
            })),
            ..self.envelope(MessageType::ClientUpdatesConfigMessage)
        }
    }

    /// Wraps one pair-setup or pair-verify step. `tlv8` is the already-encoded TLV8 data;
    /// `is_pairing` is true during pair-setup.
    pub fn crypto_pairing(&mut self, tlv8: Bytes, is_pairing: bool) -> ProtocolMessage {
        ProtocolMessage {
            crypto_pairing_message: Some(Box::new(CryptoPairingMessage {
                pairing_data: Some(tlv8),
                status: Some(0),
                is_retrying: Some(false),
                is_using_system_pairing: Some(false),
                state: Some(if is_pairing { 2 } else { 0 }),
            })),
            ..self.envelope(MessageType::CryptoPairingMessage)
        }
    }

    /// The session heartbeat (an empty generic message).
    pub fn heartbeat(&mut self) -> ProtocolMessage {
        self.envelope(MessageType::GenericMessage)
    }

    /// Asks a sleeping device to wake up.
    pub fn wake_device(&mut self) -> ProtocolMessage {
        self.envelope(MessageType::WakeDeviceMessage)
    }

    /// Asks for the current keyboard (text entry) session.
    pub fn get_keyboard_session(&mut self) -> ProtocolMessage {
        self.envelope(MessageType::GetKeyboardSessionMessage)
    }

    /// Sets, appends to or clears the text of the focused text field. `timestamp` is in
    /// seconds (any monotonic value; the device does not interpret it further).
    pub fn text_input(
        &mut self,
        text: &str,
        action: ActionType,
        timestamp: f64,
    ) -> ProtocolMessage {
        ProtocolMessage {
            text_input_message: Some(Box::new(TextInputMessage {
                timestamp: Some(timestamp),
                text: Some(text.to_owned()),
                action_type: Some(action as i32),
            })),
            ..self.envelope(MessageType::TextInputMessage)
        }
    }

    /// Requests the playback queue item at `location` (one item: metadata and artwork of
    /// what plays), with artwork scaled to `width` x `height` pixels (see
    /// [`DEFAULT_ARTWORK_WIDTH`]).
    pub fn playback_queue_request(
        &mut self,
        location: i32,
        width: f64,
        height: f64,
    ) -> ProtocolMessage {
        ProtocolMessage {
            playback_queue_request_message: Some(Box::new(PlaybackQueueRequestMessage {
                location: Some(location),
                length: Some(1),
                artwork_width: Some(width),
                artwork_height: Some(height),
                return_content_item_assets_in_user_completion: Some(true),
                ..Default::default()
            })),
            ..self.envelope(MessageType::PlaybackQueueRequestMessage)
        }
    }

    /// One key press (`down`) or release as a HID event (see [`hid_event_data`]).
    pub fn send_hid_event(&mut self, usage_page: u16, usage: u16, down: bool) -> ProtocolMessage {
        ProtocolMessage {
            send_hid_event_message: Some(Box::new(SendHidEventMessage {
                hid_event_data: Some(Bytes::from(hid_event_data(usage_page, usage, down))),
            })),
            ..self.envelope(MessageType::SendHidEventMessage)
        }
    }

    /// One button press (`down`) or release as a button event.
    pub fn send_button_event(
        &mut self,
        usage_page: u32,
        usage: u32,
        down: bool,
    ) -> ProtocolMessage {
        ProtocolMessage {
            send_button_event_message: Some(Box::new(SendButtonEventMessage {
                usage_page: Some(usage_page),
                usage: Some(usage),
                button_down: Some(down),
            })),
            ..self.envelope(MessageType::SendButtonEventMessage)
        }
    }

    /// A playback command, with options only if some are given (as the reference client
    /// sends them).
    pub fn command(
        &mut self,
        command: Command,
        options: Option<CommandOptions>,
    ) -> ProtocolMessage {
        ProtocolMessage {
            send_command_message: Some(Box::new(SendCommandMessage {
                command: Some(command as i32),
                options,
                player_path: None,
            })),
            ..self.envelope(MessageType::SendCommandMessage)
        }
    }

    /// Changes the repeat mode of the current player.
    pub fn repeat(&mut self, mode: RepeatMode) -> ProtocolMessage {
        self.command(
            Command::ChangeRepeatMode,
            Some(CommandOptions {
                send_options: Some(0),
                repeat_mode: Some(mode as i32),
                ..Default::default()
            }),
        )
    }

    /// Changes the shuffle mode of the current player.
    pub fn shuffle(&mut self, mode: ShuffleMode) -> ProtocolMessage {
        self.command(
            Command::ChangeShuffleMode,
            Some(CommandOptions {
                send_options: Some(0),
                shuffle_mode: Some(mode as i32),
                ..Default::default()
            }),
        )
    }

    /// Seeks to `position` seconds from the start of the current item.
    pub fn seek_to_position(&mut self, position: f64) -> ProtocolMessage {
        self.command(
            Command::SeekToPlaybackPosition,
            Some(CommandOptions {
                playback_position: Some(position),
                ..Default::default()
            }),
        )
    }

    /// Answers a command with the given identifier (used by fake devices).
    pub fn command_result(&mut self, identifier: &str, send_error: SendError) -> ProtocolMessage {
        ProtocolMessage {
            send_command_result_message: Some(Box::new(SendCommandResultMessage {
                send_error: Some(send_error as i32),
                handler_return_status: Some(HandlerReturnStatus::Success as i32),
                ..Default::default()
            })),
            ..self.reply(MessageType::SendCommandResultMessage, identifier)
        }
    }

    /// Asks for the volume of one output device.
    pub fn get_volume(&mut self, output_device_uid: &str) -> ProtocolMessage {
        ProtocolMessage {
            get_volume_message: Some(Box::new(GetVolumeMessage {
                output_device_uid: Some(output_device_uid.to_owned()),
            })),
            ..self.envelope(MessageType::GetVolumeMessage)
        }
    }

    /// Sets the volume (0.0 to 1.0) of one output device.
    pub fn set_volume(&mut self, output_device_uid: &str, volume: f32) -> ProtocolMessage {
        ProtocolMessage {
            set_volume_message: Some(Box::new(SetVolumeMessage {
                volume: Some(volume),
                output_device_uid: Some(output_device_uid.to_owned()),
            })),
            ..self.envelope(MessageType::SetVolumeMessage)
        }
    }

    /// Adds output devices to the device's speaker group.
    pub fn add_output_devices(&mut self, device_uids: &[&str]) -> ProtocolMessage {
        let devices = owned(device_uids);
        self.modify_output_context(ModifyOutputContextRequestMessage {
            adding_devices: devices.clone(),
            cluster_aware_adding_devices: devices,
            ..Default::default()
        })
    }

    /// Removes output devices from the device's speaker group.
    pub fn remove_output_devices(&mut self, device_uids: &[&str]) -> ProtocolMessage {
        let devices = owned(device_uids);
        self.modify_output_context(ModifyOutputContextRequestMessage {
            removing_devices: devices.clone(),
            cluster_aware_removing_devices: devices,
            ..Default::default()
        })
    }

    /// Makes the given output devices the device's speaker group.
    pub fn set_output_devices(&mut self, device_uids: &[&str]) -> ProtocolMessage {
        let devices = owned(device_uids);
        self.modify_output_context(ModifyOutputContextRequestMessage {
            setting_devices: devices.clone(),
            cluster_aware_setting_devices: devices,
            ..Default::default()
        })
    }

    fn modify_output_context(
        &mut self,
        request: ModifyOutputContextRequestMessage,
    ) -> ProtocolMessage {
        ProtocolMessage {
            modify_output_context_request_message: Some(Box::new(
                ModifyOutputContextRequestMessage {
                    r#type: Some(ModifyOutputContextRequestType::SharedAudioPresentation as i32),
                    ..request
                },
            )),
            ..self.envelope(MessageType::ModifyOutputContextRequestMessage)
        }
    }
}

fn owned(items: &[&str]) -> Vec<String> {
    items.iter().map(|&item| item.to_owned()).collect()
}

/// Timestamp placed in HID events: a fixed mach absolute time. Devices accept old
/// timestamps, so a constant does.
const HID_EVENT_TIMESTAMP: [u8; 8] = [0x43, 0x89, 0x22, 0xcf, 0x08, 0x02, 0x00, 0x00];
/// The part of a serialized IOHIDEvent keyboard event between timestamp and key data.
const HID_EVENT_HEADER: [u8; 35] = [
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x02, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00,
];
/// The part after the key data.
const HID_EVENT_TRAILER: [u8; 11] = [
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
];

/// The `hid_event_data` of a keyboard HID event: timestamp, fixed header, then usage page,
/// usage and the down flag (1 pressed, 0 released) as big-endian 16-bit values, then a
/// fixed trailer. E.g. "left" is usage page 1, usage 0x8b.
pub fn hid_event_data(usage_page: u16, usage: u16, down: bool) -> Vec<u8> {
    let mut data = Vec::with_capacity(
        HID_EVENT_TIMESTAMP.len() + HID_EVENT_HEADER.len() + 6 + HID_EVENT_TRAILER.len(),
    );
    data.extend_from_slice(&HID_EVENT_TIMESTAMP);
    data.extend_from_slice(&HID_EVENT_HEADER);
    data.extend_from_slice(&usage_page.to_be_bytes());
    data.extend_from_slice(&usage.to_be_bytes());
    data.extend_from_slice(&u16::from(down).to_be_bytes());
    data.extend_from_slice(&HID_EVENT_TRAILER);
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_uuid_is_a_version_4_uuid() {
        let id = random_uuid();
        assert_eq!(id.len(), 36);
        let groups: Vec<&str> = id.split('-').collect();
        assert_eq!(
            groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(groups[2].starts_with('4'));
        assert!(matches!(groups[3].as_bytes()[0], b'8' | b'9' | b'A' | b'B'));
        assert_eq!(id, id.to_uppercase());
        assert_ne!(random_uuid(), id);
    }

    #[test]
    fn hid_event_layout() {
        let data = hid_event_data(0x01, 0x8b, true);
        assert_eq!(data.len(), 60);
        assert_eq!(&data[..8], &HID_EVENT_TIMESTAMP);
        assert_eq!(&data[43..49], &[0x00, 0x01, 0x00, 0x8b, 0x00, 0x01]);
        assert_eq!(
            &hid_event_data(0x0c, 0x40, false)[43..49],
            &[0, 0x0c, 0, 0x40, 0, 0]
        );
    }
}
