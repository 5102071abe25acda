//! State events as the MRP updates a subscribed client receives.

use std::time::SystemTime;

use atv_mrp::message_builders::MessageBuilder;
use atv_mrp::protobuf::{
    MessageType, ProtocolMessage, VolumeCapabilities, VolumeControlAvailabilityMessage,
    VolumeControlCapabilitiesDidChangeMessage, VolumeDidChangeMessage,
};

use super::MrpConfig;
use super::device_info::device_info_message;
use super::now_playing;
use crate::state::{DEVICE_UID, FakeState, StateData, StateEvent, VolumeControl};

/// The updates telling a client about `event`.
pub(crate) fn messages(
    event: &StateEvent,
    config: &MrpConfig,
    builder: &mut MessageBuilder,
) -> Vec<ProtocolMessage> {
    let now = SystemTime::now();
    match event {
        StateEvent::Player {
            player,
            state: playing,
        } => vec![now_playing::set_state(builder, player, playing, now)],
        StateEvent::ActivePlayer { player } => {
            vec![now_playing::now_playing_client(builder, player.as_deref())]
        }
        StateEvent::ContentItem { player, change } => {
            vec![now_playing::update_content_item(
                builder, player, change, now,
            )]
        }
        StateEvent::Client {
            player,
            display_name,
        } => vec![now_playing::update_client(
            builder,
            player,
            display_name.as_deref(),
        )],
        StateEvent::Volume { volume, device_uid } => {
            vec![volume_did_change(builder, *volume, device_uid)]
        }
        StateEvent::VolumeControl(control) => volume_control(builder, *control).to_vec(),
        StateEvent::DefaultSupportedCommands(commands) => {
            vec![now_playing::default_supported_commands(
                builder,
                crate::playing::PLAYER_IDENTIFIER,
                commands,
            )]
        }
        StateEvent::DeviceInfo(device) => {
            vec![device_info_message(builder, config, device, true, None)]
        }
    }
}

/// Everything a client would have learnt from the events it missed.
pub(crate) fn resync(
    config: &MrpConfig,
    state: &FakeState,
    builder: &mut MessageBuilder,
) -> Vec<ProtocolMessage> {
    let now = SystemTime::now();
    state.read(|data| {
        let mut messages = vec![device_info_message(
            builder,
            config,
            &data.device_snapshot(),
            true,
            None,
        )];
        messages.extend(
            data.players
                .iter()
                .map(|(player, playing)| now_playing::set_state(builder, player, playing, now)),
        );
        messages.push(now_playing::now_playing_client(
            builder,
            data.active_player.as_deref(),
        ));
        messages.extend(volume_messages(builder, data));
        messages
    })
}

/// The volume controls and, when available, the volume: what a client is told when it
/// subscribes (nothing until volume controls were set).
pub(crate) fn volume_messages(
    builder: &mut MessageBuilder,
    data: &StateData,
) -> Vec<ProtocolMessage> {
    let Some(control) = data.volume_control else {
        return Vec::new();
    };
    let mut messages = volume_control(builder, control).to_vec();
    if control.available {
        messages.push(volume_did_change(builder, data.volume, DEVICE_UID));
    }
    messages
}

/// The volume of an output device changed.
pub(crate) fn volume_did_change(
    builder: &mut MessageBuilder,
    volume: f32,
    device_uid: &str,
) -> ProtocolMessage {
    ProtocolMessage {
        volume_did_change_message: Some(Box::new(VolumeDidChangeMessage {
            volume: Some(volume),
            output_device_uid: Some(device_uid.to_owned()),
            endpoint_uid: None,
        })),
        ..builder.envelope(MessageType::VolumeDidChangeMessage)
    }
}

fn capabilities(control: VolumeControl) -> Option<i32> {
    let capabilities = match (control.absolute, control.relative) {
        (true, true) => VolumeCapabilities::Both,
        (true, false) => VolumeCapabilities::Absolute,
        (false, true) => VolumeCapabilities::Relative,
        (false, false) => return None,
    };
    Some(capabilities as i32)
}

/// Volume control availability, then the same as a capabilities change of the device's
/// own output device.
fn volume_control(builder: &mut MessageBuilder, control: VolumeControl) -> [ProtocolMessage; 2] {
    let availability = VolumeControlAvailabilityMessage {
        volume_control_available: Some(control.available),
        volume_capabilities: capabilities(control),
    };
    [
        ProtocolMessage {
            volume_control_availability_message: Some(Box::new(availability)),
            ..builder.envelope(MessageType::VolumeControlAvailabilityMessage)
        },
        ProtocolMessage {
            volume_control_capabilities_did_change_message: Some(Box::new(
                VolumeControlCapabilitiesDidChangeMessage {
                    capabilities: Some(availability),
                    output_device_uid: Some(DEVICE_UID.to_owned()),
                    endpoint_uid: None,
                },
            )),
            ..builder.envelope(MessageType::VolumeControlCapabilitiesDidChangeMessage)
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playing::PLAYER_IDENTIFIER;

    fn types(messages: &[ProtocolMessage]) -> Vec<MessageType> {
        messages
            .iter()
            .map(|m| MessageType::try_from(m.r#type.unwrap()).unwrap())
            .collect()
    }

    #[test]
    fn events_become_updates() {
        let config = MrpConfig::new("Fake");
        let state = FakeState::new();
        let mut builder = MessageBuilder::new();
        let mut events = state.subscribe();
        state.example_music(false);
        state.set_volume_control(VolumeControl::FULL);
        state.set_powered_on(false);

        let mut all = Vec::new();
        while let Ok(event) = events.try_recv() {
            all.extend(messages(&event, &config, &mut builder));
        }
        assert_eq!(
            types(&all),
            [
                MessageType::SetStateMessage,
                MessageType::SetNowPlayingClientMessage,
                MessageType::VolumeControlAvailabilityMessage,
                MessageType::VolumeControlCapabilitiesDidChangeMessage,
                MessageType::VolumeDidChangeMessage,
                MessageType::DeviceInfoUpdateMessage,
            ]
        );
        let client = all[1].set_now_playing_client_message.clone().unwrap();
        assert_eq!(
            client.client.unwrap().bundle_identifier.as_deref(),
            Some(PLAYER_IDENTIFIER)
        );
        let availability = all[2].volume_control_availability_message.clone().unwrap();
        assert_eq!(
            availability.volume_capabilities,
            Some(VolumeCapabilities::Both as i32)
        );
        let volume = all[4].volume_did_change_message.clone().unwrap();
        assert_eq!(volume.volume, Some(0.5));
        assert_eq!(volume.output_device_uid.as_deref(), Some(DEVICE_UID));
        let info = all[5].device_info_message.clone().unwrap();
        assert_eq!(info.logical_device_count, Some(0));
    }

    #[test]
    fn volume_messages_only_once_controls_are_set() {
        let state = FakeState::new();
        let mut builder = MessageBuilder::new();
        assert!(
            state
                .read(|data| volume_messages(&mut builder, data))
                .is_empty()
        );
        state.set_volume_control(VolumeControl {
            available: false,
            absolute: true,
            relative: false,
        });
        let messages = state.read(|data| volume_messages(&mut builder, data));
        assert_eq!(messages.len(), 2);
        let resynced = resync(&MrpConfig::new("Fake"), &state, &mut builder);
        assert_eq!(resynced.len(), 4);
    }
}
