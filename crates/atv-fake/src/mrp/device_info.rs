//! The device information message the fake device answers with (and sends as an update
//! when power, output devices or cluster change), filled as pyatv's fake device fills it.

use atv_mrp::message_builders::{ClientDescription, MessageBuilder};
use atv_mrp::protobuf::{DeviceInfoMessage, ProtocolMessage};

use super::MrpConfig;
use crate::state::{DEVICE_UID, DeviceSnapshot};

/// Device information (`update`: as a device information update), answering the request
/// with `identifier` when given.
pub(crate) fn device_info_message(
    builder: &mut MessageBuilder,
    config: &MrpConfig,
    state: &DeviceSnapshot,
    update: bool,
    identifier: Option<&str>,
) -> ProtocolMessage {
    // pyatv's fake starts from the fields a client sends about itself and overrides the
    // ones describing the device.
    let description = ClientDescription {
        name: config.name.clone(),
        os_build: config.build.clone(),
        pairing_identifier: DEVICE_UID.to_owned(),
    };
    let mut message = builder.device_information(&description, update);
    if let Some(identifier) = identifier {
        message.identifier = Some(identifier.to_owned());
    }
    if let Some(inner) = message.device_info_message.as_deref_mut() {
        fill_device_fields(inner, config, state);
    }
    message
}

fn fill_device_fields(inner: &mut DeviceInfoMessage, config: &MrpConfig, state: &DeviceSnapshot) {
    let devices = &state.output_devices;
    inner.logical_device_count = Some(u32::from(state.powered_on));
    inner.device_uid = Some(DEVICE_UID.to_owned());
    inner.model_id = Some(config.model.clone());
    inner.is_group_leader = Some(!devices.is_empty());
    inner.is_proxy_group_player =
        Some(!devices.is_empty() && !devices.iter().any(|d| d == DEVICE_UID));
    inner.cluster_id.clone_from(&state.cluster_id);
    inner.grouped_devices = devices
        .iter()
        .filter(|d| *d != DEVICE_UID)
        .map(|device| DeviceInfoMessage {
            name: format!("Device {}", device.chars().take(2).collect::<String>()),
            device_uid: Some(device.clone()),
            ..Default::default()
        })
        .collect();
}

#[cfg(test)]
mod tests {
    use atv_mrp::protobuf::MessageType;

    use super::*;
    use crate::state::StateData;

    #[test]
    fn describes_power_and_group() {
        let config = MrpConfig::new("Living Room");
        let mut data = StateData::default();
        let mut builder = MessageBuilder::new();

        let message = device_info_message(
            &mut builder,
            &config,
            &data.device_snapshot(),
            false,
            Some("req"),
        );
        assert_eq!(message.r#type, Some(MessageType::DeviceInfoMessage as i32));
        assert_eq!(message.identifier.as_deref(), Some("req"));
        let inner = message.device_info_message.unwrap();
        assert_eq!(inner.name, "Living Room");
        assert_eq!(inner.unique_identifier.as_deref(), Some(DEVICE_UID));
        assert_eq!(inner.system_build_version.as_deref(), Some("18M60"));
        assert_eq!(inner.model_id.as_deref(), Some("AppleTV6,2"));
        assert_eq!(inner.logical_device_count, Some(1));
        assert_eq!(inner.is_group_leader, Some(true));
        assert_eq!(inner.is_proxy_group_player, Some(false));
        assert!(inner.grouped_devices.is_empty());

        data.powered_on = false;
        data.output_devices = vec!["AB12".into()];
        let message =
            device_info_message(&mut builder, &config, &data.device_snapshot(), true, None);
        assert_eq!(
            message.r#type,
            Some(MessageType::DeviceInfoUpdateMessage as i32)
        );
        let inner = message.device_info_message.unwrap();
        assert_eq!(inner.logical_device_count, Some(0));
        assert_eq!(inner.is_proxy_group_player, Some(true));
        assert_eq!(inner.grouped_devices.len(), 1);
        assert_eq!(inner.grouped_devices[0].name, "Device AB");
        assert_eq!(inner.grouped_devices[0].device_uid.as_deref(), Some("AB12"));
    }
}
