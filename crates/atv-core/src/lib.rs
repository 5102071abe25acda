//! Shared vocabulary of atv: device configuration, services, enums, interfaces and errors.
//!
//! Every other atv crate builds on these types; none of them does I/O.
#![warn(missing_docs)]

mod enum_macro;

pub mod airplay_flags;
mod app;
mod config;
pub mod device_info;
mod device_lookup;
pub mod discovery;
mod error;
mod feature;
pub mod hex_flags;
mod input;
pub mod interface;
mod media_metadata;
mod media_state;
mod pairing_requirement;
pub mod pending_requests;
mod playing;
mod properties;
mod protocol;
mod service;
pub mod settings;
mod settings_fields;
mod settings_protocols;
pub mod setup;
pub mod storage;

pub use app::{App, OutputDevice, UserAccount};
pub use config::DeviceConfig;
pub use device_info::{
    DeviceInfo, DeviceModel, OperatingSystem, lookup_internal_name, lookup_model, lookup_os,
    lookup_os_for_model, lookup_version,
};
pub use enum_macro::UnknownValue;
pub use error::{Error, Result};
pub use feature::{FeatureInfo, FeatureName, FeatureState};
pub use input::{InputAction, TouchAction};
pub use media_metadata::{ArtworkInfo, MediaMetadata};
pub use media_state::{
    DeviceState, KeyboardFocusState, MediaType, PowerState, RepeatState, ShuffleState,
};
pub use pairing_requirement::PairingRequirement;
pub use playing::Playing;
pub use properties::Properties;
pub use protocol::{Protocol, UnknownProtocol};
pub use service::Service;
pub use settings::{InfoSettings, Settings, is_valid_mac, random_rp_id};
pub use settings_fields::SettingField;
pub use settings_protocols::{
    AirPlaySettings, AirPlayVersion, CompanionSettings, CredentialSettings, DmapSettings,
    MrpSettings, MrpTunnel, ProtocolSettings, RaopSettings,
};
pub use setup::{Interfaces, ProtocolSession, SetupData};
pub use storage::{MemoryStorage, Storage};
