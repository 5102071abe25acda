//! Per-device settings as pyatv stores them (pyatv's `settings` module).
//!
//! The serde names are pyatv's JSON names, so a pyatv storage file reads and writes
//! unchanged. Like pyatv's dump, serialization leaves out every value that equals its
//! default (`rp_id` is always written, as pyatv draws it at random).

use serde::{Deserialize, Deserializer, Serialize};

use crate::settings_protocols::ProtocolSettings;

/// The name atv announces to devices by default.
pub const DEFAULT_NAME: &str = "pyatv";
/// The MAC address announced by default (locally administered).
pub const DEFAULT_MAC: &str = "02:70:79:61:74:76";
/// The device id announced by default.
pub const DEFAULT_DEVICE_ID: &str = "FF:70:79:61:74:76";
/// The model announced by default.
pub const DEFAULT_MODEL: &str = "iPhone10,6";
/// The OS name announced by default.
pub const DEFAULT_OS_NAME: &str = "iPhone OS";
/// The OS build announced by default.
pub const DEFAULT_OS_BUILD: &str = "18G82";
/// The OS version announced by default.
pub const DEFAULT_OS_VERSION: &str = "14.7.1";

/// Settings of one device (pyatv's `Settings`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// How atv presents itself to the device.
    pub info: InfoSettings,
    /// Identifiers, credentials and options per protocol.
    #[serde(skip_serializing_if = "is_default_protocols")]
    pub protocols: ProtocolSettings,
}

/// How atv presents itself to a device (pyatv's `InfoSettings`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InfoSettings {
    /// Name shown on the device.
    #[serde(skip_serializing_if = "is_default_name")]
    pub name: String,
    /// MAC address, `XX:XX:XX:XX:XX:XX` (checked when read).
    #[serde(
        deserialize_with = "deserialize_mac",
        skip_serializing_if = "is_default_mac"
    )]
    pub mac: String,
    /// Model identifier, e.g. `iPhone10,6`.
    #[serde(skip_serializing_if = "is_default_model")]
    pub model: String,
    /// Device id used when pairing.
    #[serde(skip_serializing_if = "is_default_device_id")]
    pub device_id: String,
    /// Companion `rp` identifier: twelve hex digits, random when absent or null.
    #[serde(deserialize_with = "deserialize_rp_id")]
    pub rp_id: String,
    /// OS name, e.g. `iPhone OS`.
    #[serde(skip_serializing_if = "is_default_os_name")]
    pub os_name: String,
    /// OS build, e.g. `18G82`.
    #[serde(skip_serializing_if = "is_default_os_build")]
    pub os_build: String,
    /// OS version, e.g. `14.7.1`.
    #[serde(skip_serializing_if = "is_default_os_version")]
    pub os_version: String,
}

impl Default for InfoSettings {
    fn default() -> Self {
        Self {
            name: DEFAULT_NAME.to_owned(),
            mac: DEFAULT_MAC.to_owned(),
            model: DEFAULT_MODEL.to_owned(),
            device_id: DEFAULT_DEVICE_ID.to_owned(),
            rp_id: random_rp_id(),
            os_name: DEFAULT_OS_NAME.to_owned(),
            os_build: DEFAULT_OS_BUILD.to_owned(),
            os_version: DEFAULT_OS_VERSION.to_owned(),
        }
    }
}

/// Six random bytes as twelve lower-case hex digits.
pub fn random_rp_id() -> String {
    rand::random::<[u8; 6]>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `mac` starts with a MAC address `XX:XX:XX:XX:XX:XX` (pyatv checks only the
/// start, so the same values are accepted).
pub fn is_valid_mac(mac: &str) -> bool {
    let bytes = mac.as_bytes();
    bytes.len() >= 17
        && (0..6).all(|i| {
            let at = i * 3;
            bytes[at].is_ascii_hexdigit()
                && bytes[at + 1].is_ascii_hexdigit()
                && (i == 5 || bytes[at + 2] == b':')
        })
}

fn deserialize_mac<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let mac = String::deserialize(deserializer)?;
    if is_valid_mac(&mac) {
        Ok(mac)
    } else {
        Err(serde::de::Error::custom(format!(
            "{mac} is not a valid MAC address"
        )))
    }
}

fn deserialize_rp_id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?.unwrap_or_else(random_rp_id))
}

fn is_default_protocols(protocols: &ProtocolSettings) -> bool {
    *protocols == ProtocolSettings::default()
}

fn is_default_name(v: &str) -> bool {
    v == DEFAULT_NAME
}
fn is_default_mac(v: &str) -> bool {
    v == DEFAULT_MAC
}
fn is_default_model(v: &str) -> bool {
    v == DEFAULT_MODEL
}
fn is_default_device_id(v: &str) -> bool {
    v == DEFAULT_DEVICE_ID
}
fn is_default_os_name(v: &str) -> bool {
    v == DEFAULT_OS_NAME
}
fn is_default_os_build(v: &str) -> bool {
    v == DEFAULT_OS_BUILD
}
fn is_default_os_version(v: &str) -> bool {
    v == DEFAULT_OS_VERSION
}
