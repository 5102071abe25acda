//! Everything a client knows about the device, updated from the device's messages:
//! the player model, the device information (power state, output devices) and the
//! volume controls. Pure: [`Model::apply`] takes a message and says what changed.

use std::collections::HashMap;

use atv_core::{OutputDevice, Playing, PowerState};

use crate::player_state::PlayerStateManager;
use crate::playing::build_playing;
use crate::protobuf::{
    DeviceInfoMessage, MessageType, ProtocolMessage, VolumeCapabilities,
    VolumeControlAvailabilityMessage,
};

/// Volume controls and output devices.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AudioState {
    /// The device says volume can be controlled.
    pub controls_available: bool,
    /// The volume can be set to a level.
    pub absolute: bool,
    /// The volume can be stepped up and down.
    pub relative: bool,
    /// Volume of the device in percent (one decimal).
    pub volume: f64,
    /// Devices audio plays on.
    pub output_devices: Vec<OutputDevice>,
    /// Last volume reported per other output device, in percent.
    pub device_volumes: HashMap<String, f64>,
}

/// A change to tell listeners about.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// What plays changed (only while push updates are on).
    Playing(Playing),
    /// The power state changed.
    Power {
        /// Before.
        old: PowerState,
        /// After.
        new: PowerState,
    },
    /// The device's volume changed.
    Volume {
        /// Before.
        old: f64,
        /// After.
        new: f64,
    },
    /// The volume of another output device changed.
    DeviceVolume {
        /// The device.
        device: OutputDevice,
        /// Before.
        old: f64,
        /// After.
        new: f64,
    },
    /// The output devices changed.
    OutputDevices {
        /// Before.
        old: Vec<OutputDevice>,
        /// After.
        new: Vec<OutputDevice>,
    },
}

/// What one message did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Applied {
    /// Changes for listeners.
    pub events: Vec<Event>,
    /// A volume report arrived (for callers waiting on one).
    pub volume_reported: bool,
    /// A device information update arrived (for callers waiting on output devices).
    pub device_info_reported: bool,
    /// The power state the device reported, if it reported one.
    pub power_reported: Option<PowerState>,
}

/// The client's picture of the device.
#[derive(Debug, Clone, Default)]
pub struct Model {
    /// Apps and players.
    pub psm: PlayerStateManager,
    /// The device information the device answered the connection with.
    pub device_info: Option<DeviceInfoMessage>,
    /// The latest device information (from updates).
    pub latest_device_info: Option<DeviceInfoMessage>,
    /// Volume and output devices.
    pub audio: AudioState,
    /// Push updates are on.
    pub push_active: bool,
    /// What was last reported as playing.
    pub last_playing: Option<Playing>,
}

/// Percent with one decimal, from a 0..1 level.
fn percent(level: f32) -> f64 {
    (f64::from(level) * 1000.0).round() / 10.0
}

/// The power state a device information message tells: on with at least one logical
/// device, off with none.
pub fn power_state_of(info: &DeviceInfoMessage) -> PowerState {
    if info.logical_device_count.unwrap_or(0) >= 1 {
        PowerState::On
    } else {
        PowerState::Off
    }
}

impl Model {
    /// A model that knows nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The current power state.
    pub fn power_state(&self) -> PowerState {
        self.latest_device_info
            .as_ref()
            .or(self.device_info.as_ref())
            .map_or(PowerState::Unknown, power_state_of)
    }

    /// The identifier of the device's own output: its cluster when it is part of one,
    /// else its device identifier (empty when it sent neither); `None` before the device
    /// information arrived.
    pub fn device_uid(&self) -> Option<String> {
        self.device_info.as_ref().map(|info| {
            info.cluster_id
                .clone()
                .filter(|id| !id.is_empty())
                .or_else(|| info.device_uid.clone())
                .unwrap_or_default()
        })
    }

    /// Volume controls can be used.
    pub fn volume_available(&self) -> bool {
        self.audio.controls_available && self.device_uid().is_some()
    }

    /// What plays, at `now` (Unix seconds).
    pub fn playing(&self, now: f64) -> Playing {
        build_playing(&self.psm.playing(), now)
    }

    /// Takes the device information the device answered the connection with.
    pub fn apply_initial_device_info(&mut self, message: &ProtocolMessage) -> Applied {
        self.device_info = message.device_info_message.as_deref().cloned();
        self.apply(message, 0.0)
    }

    /// Applies a message from the device at `now` (Unix seconds).
    pub fn apply(&mut self, message: &ProtocolMessage, now: f64) -> Applied {
        let mut applied = Applied::default();
        let Ok(message_type) = MessageType::try_from(message.r#type.unwrap_or_default()) else {
            return applied;
        };
        match message_type {
            MessageType::DeviceInfoMessage | MessageType::DeviceInfoUpdateMessage => {
                let info = message
                    .device_info_message
                    .as_deref()
                    .cloned()
                    .unwrap_or_default();
                self.apply_device_info(info, &mut applied);
            }
            MessageType::VolumeControlAvailabilityMessage => {
                let availability = message
                    .volume_control_availability_message
                    .as_deref()
                    .cloned()
                    .unwrap_or_default();
                self.apply_volume_controls(&availability);
            }
            MessageType::VolumeControlCapabilitiesDidChangeMessage => {
                let change = message
                    .volume_control_capabilities_did_change_message
                    .as_deref()
                    .cloned()
                    .unwrap_or_default();
                // Python's protobuf reads an absent identifier as empty.
                if Some(change.output_device_uid.unwrap_or_default()) == self.device_uid() {
                    self.apply_volume_controls(&change.capabilities.unwrap_or_default());
                }
            }
            MessageType::VolumeDidChangeMessage => {
                let change = message
                    .volume_did_change_message
                    .as_deref()
                    .cloned()
                    .unwrap_or_default();
                self.apply_volume(
                    change.output_device_uid.as_deref(),
                    change.volume.unwrap_or(0.0),
                    &mut applied,
                );
            }
            _ => {
                if self.psm.handle(message) && self.push_active {
                    let playing = self.playing(now);
                    if self.last_playing.as_ref() != Some(&playing) {
                        applied.events.push(Event::Playing(playing.clone()));
                    }
                    self.last_playing = Some(playing);
                }
            }
        }
        applied
    }

    fn apply_device_info(&mut self, info: DeviceInfoMessage, applied: &mut Applied) {
        let old_power = self.power_state();
        let new_power = power_state_of(&info);
        if old_power != new_power {
            applied.events.push(Event::Power {
                old: old_power,
                new: new_power,
            });
        }
        applied.power_reported = Some(new_power);

        let mut devices = Vec::new();
        if info.is_group_leader.unwrap_or(false) && !info.is_proxy_group_player.unwrap_or(false) {
            let identifier = info.unique_identifier.clone().unwrap_or_default();
            devices.push(OutputDevice::new(identifier, Some(info.name.clone())));
        }
        for grouped in &info.grouped_devices {
            let identifier = grouped.device_uid.clone().unwrap_or_default();
            devices.push(OutputDevice::new(identifier, Some(grouped.name.clone())));
        }
        let own = self.device_uid();
        for device in &mut devices {
            device.volume = if own.as_deref() == Some(device.identifier.as_str()) {
                self.audio.volume
            } else {
                self.audio
                    .device_volumes
                    .get(&device.identifier)
                    .copied()
                    .unwrap_or(0.0)
            };
        }
        if devices != self.audio.output_devices {
            applied.events.push(Event::OutputDevices {
                old: self.audio.output_devices.clone(),
                new: devices.clone(),
            });
        }
        self.audio.output_devices = devices;
        self.latest_device_info = Some(info);
        applied.device_info_reported = true;
    }

    fn apply_volume_controls(&mut self, availability: &VolumeControlAvailabilityMessage) {
        let capabilities = availability.volume_capabilities.unwrap_or_default();
        let is = |c: VolumeCapabilities| capabilities == c as i32;
        self.audio.controls_available = availability.volume_control_available.unwrap_or(false);
        self.audio.absolute = is(VolumeCapabilities::Absolute) || is(VolumeCapabilities::Both);
        self.audio.relative = is(VolumeCapabilities::Relative) || is(VolumeCapabilities::Both);
        tracing::debug!(
            "volume controls available: {} (absolute {}, relative {})",
            self.audio.controls_available,
            self.audio.absolute,
            self.audio.relative
        );
    }

    fn apply_volume(&mut self, device: Option<&str>, level: f32, applied: &mut Applied) {
        let new = percent(level);
        applied.volume_reported = true;
        let device = device.unwrap_or_default();
        if Some(device) == self.device_uid().as_deref() {
            let old = self.audio.volume;
            self.audio.volume = new;
            for output in &mut self.audio.output_devices {
                if output.identifier == device {
                    output.volume = new;
                }
            }
            if old != new {
                applied.events.push(Event::Volume { old, new });
            }
            return;
        }
        let identifier = device.to_owned();
        let old = self
            .audio
            .device_volumes
            .insert(identifier.clone(), new)
            .unwrap_or(0.0);
        let mut changed = OutputDevice::new(identifier.clone(), None);
        for output in &mut self.audio.output_devices {
            if output.identifier == identifier {
                output.volume = new;
                changed = output.clone();
            }
        }
        changed.volume = new;
        if old != new {
            applied.events.push(Event::DeviceVolume {
                device: changed,
                old,
                new,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protobuf::{VolumeControlCapabilitiesDidChangeMessage, VolumeDidChangeMessage};

    const OWN: &str = "E510C430-B01D-45DF-B558-6EA6F8251069";

    fn device_info(message_type: MessageType, count: u32, grouped: &[&str]) -> ProtocolMessage {
        ProtocolMessage {
            r#type: Some(message_type as i32),
            device_info_message: Some(Box::new(DeviceInfoMessage {
                unique_identifier: Some(OWN.into()),
                name: "Living Room".into(),
                device_uid: Some(OWN.into()),
                logical_device_count: Some(count),
                is_group_leader: Some(true),
                is_proxy_group_player: Some(false),
                grouped_devices: grouped
                    .iter()
                    .map(|id| DeviceInfoMessage {
                        name: format!("Device {id}"),
                        device_uid: Some((*id).into()),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            })),
            ..Default::default()
        }
    }

    fn volume(device: &str, level: f32) -> ProtocolMessage {
        ProtocolMessage {
            r#type: Some(MessageType::VolumeDidChangeMessage as i32),
            volume_did_change_message: Some(Box::new(VolumeDidChangeMessage {
                volume: Some(level),
                output_device_uid: Some(device.into()),
                ..Default::default()
            })),
            ..Default::default()
        }
    }

    fn controls(available: bool, capabilities: VolumeCapabilities) -> ProtocolMessage {
        ProtocolMessage {
            r#type: Some(MessageType::VolumeControlAvailabilityMessage as i32),
            volume_control_availability_message: Some(Box::new(VolumeControlAvailabilityMessage {
                volume_control_available: Some(available),
                volume_capabilities: Some(capabilities as i32),
            })),
            ..Default::default()
        }
    }

    #[test]
    fn power_state_follows_device_info() {
        let mut model = Model::new();
        assert_eq!(model.power_state(), PowerState::Unknown);
        let applied =
            model.apply_initial_device_info(&device_info(MessageType::DeviceInfoMessage, 1, &[]));
        assert_eq!(model.power_state(), PowerState::On);
        // The connection's own answer is no change.
        assert!(
            !applied
                .events
                .iter()
                .any(|e| matches!(e, Event::Power { .. }))
        );
        let applied = model.apply(
            &device_info(MessageType::DeviceInfoUpdateMessage, 0, &[]),
            0.0,
        );
        assert_eq!(model.power_state(), PowerState::Off);
        assert!(applied.events.contains(&Event::Power {
            old: PowerState::On,
            new: PowerState::Off
        }));
        assert_eq!(applied.power_reported, Some(PowerState::Off));
    }

    #[test]
    fn output_devices_from_device_info() {
        let mut model = Model::new();
        model.apply_initial_device_info(&device_info(MessageType::DeviceInfoMessage, 1, &[]));
        assert_eq!(
            model.audio.output_devices,
            [OutputDevice::new(OWN, Some("Living Room".into()))]
        );
        let applied = model.apply(
            &device_info(MessageType::DeviceInfoUpdateMessage, 1, &["AA"]),
            0.0,
        );
        assert_eq!(model.audio.output_devices.len(), 2);
        assert_eq!(
            model.audio.output_devices[1].name.as_deref(),
            Some("Device AA")
        );
        assert!(
            matches!(&applied.events[..], [Event::OutputDevices { old, new }] if old.len() == 1 && new.len() == 2)
        );
        // The same list again is no change.
        let applied = model.apply(
            &device_info(MessageType::DeviceInfoUpdateMessage, 1, &["AA"]),
            0.0,
        );
        assert!(applied.events.is_empty());
        assert!(applied.device_info_reported);
    }

    #[test]
    fn volume_controls_and_levels() {
        let mut model = Model::new();
        model.apply(&controls(true, VolumeCapabilities::Both), 0.0);
        // Without device information there is no output to control.
        assert!(!model.volume_available());
        model.apply_initial_device_info(&device_info(MessageType::DeviceInfoMessage, 1, &["AA"]));
        assert!(model.volume_available());
        assert!(model.audio.absolute && model.audio.relative);

        let applied = model.apply(&volume(OWN, 0.355), 0.0);
        assert_eq!(model.audio.volume, 35.5);
        assert_eq!(
            applied.events,
            [Event::Volume {
                old: 0.0,
                new: 35.5
            }]
        );
        assert!(applied.volume_reported);

        let applied = model.apply(&volume("AA", 0.2), 0.0);
        assert_eq!(model.audio.volume, 35.5);
        match &applied.events[..] {
            [Event::DeviceVolume { device, old, new }] => {
                assert_eq!(device.identifier, "AA");
                assert_eq!((*old, *new), (0.0, 20.0));
            }
            other => panic!("{other:?}"),
        }

        // Capability changes count only for our own output.
        let change = |uid: &str, capabilities: VolumeCapabilities| ProtocolMessage {
            r#type: Some(MessageType::VolumeControlCapabilitiesDidChangeMessage as i32),
            volume_control_capabilities_did_change_message: Some(Box::new(
                VolumeControlCapabilitiesDidChangeMessage {
                    capabilities: Some(VolumeControlAvailabilityMessage {
                        volume_control_available: Some(true),
                        volume_capabilities: Some(capabilities as i32),
                    }),
                    output_device_uid: Some(uid.into()),
                    ..Default::default()
                },
            )),
            ..Default::default()
        };
        model.apply(&change("AA", VolumeCapabilities::Relative), 0.0);
        assert!(model.audio.absolute);
        model.apply(&change(OWN, VolumeCapabilities::Relative), 0.0);
        assert!(!model.audio.absolute && model.audio.relative);
    }

    #[test]
    fn cluster_id_wins_over_device_uid() {
        let mut model = Model::new();
        let mut message = device_info(MessageType::DeviceInfoMessage, 1, &[]);
        if let Some(info) = message.device_info_message.as_mut() {
            info.cluster_id = Some("cluster".into());
        }
        model.apply_initial_device_info(&message);
        assert_eq!(model.device_uid().as_deref(), Some("cluster"));
    }
}
