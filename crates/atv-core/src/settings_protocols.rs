//! Per-protocol settings (pyatv's `AirPlaySettings`, `CompanionSettings`, `DmapSettings`,
//! `MrpSettings`, `RaopSettings` and `ProtocolSettings`).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Protocol;

/// Which AirPlay version to use (pyatv's `AirPlayVersion`; JSON `auto`, `1`, `2`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AirPlayVersion {
    /// Pick from what the device supports.
    #[default]
    #[serde(rename = "auto")]
    Auto,
    /// AirPlay 1.
    #[serde(rename = "1")]
    V1,
    /// AirPlay 2.
    #[serde(rename = "2")]
    V2,
}

/// Whether MRP is tunneled over AirPlay (pyatv's `MrpTunnel`; JSON `auto`, `force`,
/// `disable`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MrpTunnel {
    /// Set up the tunnel when the device supports it.
    #[default]
    #[serde(rename = "auto")]
    Auto,
    /// Set up the tunnel even if the device does not say it supports it.
    #[serde(rename = "force")]
    Force,
    /// Never set up the tunnel.
    #[serde(rename = "disable")]
    Disable,
}

impl AirPlayVersion {
    /// The JSON value (`auto`, `1`, `2`).
    pub fn value(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::V1 => "1",
            Self::V2 => "2",
        }
    }

    /// The value for a JSON value, if valid.
    pub fn from_value(value: &str) -> Option<Self> {
        [Self::Auto, Self::V1, Self::V2]
            .into_iter()
            .find(|v| v.value() == value)
    }
}

impl MrpTunnel {
    /// The JSON value (`auto`, `force`, `disable`).
    pub fn value(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Force => "force",
            Self::Disable => "disable",
        }
    }

    /// The value for a JSON value, if valid.
    pub fn from_value(value: &str) -> Option<Self> {
        [Self::Auto, Self::Force, Self::Disable]
            .into_iter()
            .find(|v| v.value() == value)
    }
}

/// Prints `AirPlayVersion.Auto` and so on, as pyatv prints its settings.
impl fmt::Display for AirPlayVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Self::Auto => "Auto",
            Self::V1 => "V1",
            Self::V2 => "V2",
        };
        write!(f, "AirPlayVersion.{name}")
    }
}

/// Prints `MrpTunnel.Auto` and so on, as pyatv prints its settings.
impl fmt::Display for MrpTunnel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Self::Auto => "Auto",
            Self::Force => "Force",
            Self::Disable => "Disable",
        };
        write!(f, "MrpTunnel.{name}")
    }
}

/// `<redacted>` for a secret that is set.
fn redact(secret: &Option<String>) -> Option<&'static str> {
    secret.as_ref().map(|_| "<redacted>")
}

fn is_zero(port: &u16) -> bool {
    *port == 0
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// AirPlay settings (pyatv's `AirPlaySettings`).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AirPlaySettings {
    /// Identifier of the device's AirPlay service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// Credentials from pairing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credentials: Option<String>,
    /// Password of the device.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Whether MRP is tunneled over AirPlay.
    #[serde(skip_serializing_if = "is_default")]
    pub mrp_tunnel: MrpTunnel,
}

/// Settings of a protocol with only an identifier and credentials (Companion, DMAP and
/// MRP: pyatv's `CompanionSettings`, `DmapSettings`, `MrpSettings`).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CredentialSettings {
    /// Identifier of the device's service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// Credentials from pairing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credentials: Option<String>,
}

/// Companion settings (pyatv's `CompanionSettings`).
pub type CompanionSettings = CredentialSettings;
/// DMAP settings (pyatv's `DmapSettings`).
pub type DmapSettings = CredentialSettings;
/// MRP settings (pyatv's `MrpSettings`).
pub type MrpSettings = CredentialSettings;

/// RAOP settings (pyatv's `RaopSettings`).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RaopSettings {
    /// Identifier of the device's RAOP service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// Credentials from pairing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credentials: Option<String>,
    /// Password of the device.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// AirPlay version used for audio.
    #[serde(skip_serializing_if = "is_default")]
    pub protocol_version: AirPlayVersion,
    /// Local UDP port of the timing server, 0 for any free port.
    #[serde(skip_serializing_if = "is_zero")]
    pub timing_port: u16,
    /// Local UDP port of the control server, 0 for any free port.
    #[serde(skip_serializing_if = "is_zero")]
    pub control_port: u16,
}

/// Settings of every protocol (pyatv's `ProtocolSettings`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProtocolSettings {
    /// AirPlay.
    #[serde(skip_serializing_if = "is_default")]
    pub airplay: AirPlaySettings,
    /// Companion.
    #[serde(skip_serializing_if = "is_default")]
    pub companion: CompanionSettings,
    /// DMAP.
    #[serde(skip_serializing_if = "is_default")]
    pub dmap: DmapSettings,
    /// MRP.
    #[serde(skip_serializing_if = "is_default")]
    pub mrp: MrpSettings,
    /// RAOP.
    #[serde(skip_serializing_if = "is_default")]
    pub raop: RaopSettings,
}

impl ProtocolSettings {
    /// The stored identifier of `protocol`'s service.
    pub fn identifier(&self, protocol: Protocol) -> Option<&str> {
        match protocol {
            Protocol::AirPlay => self.airplay.identifier.as_deref(),
            Protocol::Companion => self.companion.identifier.as_deref(),
            Protocol::Dmap => self.dmap.identifier.as_deref(),
            Protocol::Mrp => self.mrp.identifier.as_deref(),
            Protocol::Raop => self.raop.identifier.as_deref(),
        }
    }

    /// The stored credentials of `protocol`.
    pub fn credentials(&self, protocol: Protocol) -> Option<&str> {
        match protocol {
            Protocol::AirPlay => self.airplay.credentials.as_deref(),
            Protocol::Companion => self.companion.credentials.as_deref(),
            Protocol::Dmap => self.dmap.credentials.as_deref(),
            Protocol::Mrp => self.mrp.credentials.as_deref(),
            Protocol::Raop => self.raop.credentials.as_deref(),
        }
    }

    /// The stored password of `protocol` (only AirPlay and RAOP have one).
    pub fn password(&self, protocol: Protocol) -> Option<&str> {
        match protocol {
            Protocol::AirPlay => self.airplay.password.as_deref(),
            Protocol::Raop => self.raop.password.as_deref(),
            _ => None,
        }
    }

    /// The three fields every protocol has, for changing: identifier, credentials and
    /// (AirPlay and RAOP only) password.
    pub fn fields_mut(
        &mut self,
        protocol: Protocol,
    ) -> (
        &mut Option<String>,
        &mut Option<String>,
        Option<&mut Option<String>>,
    ) {
        match protocol {
            Protocol::AirPlay => {
                let s = &mut self.airplay;
                (&mut s.identifier, &mut s.credentials, Some(&mut s.password))
            }
            Protocol::Raop => {
                let s = &mut self.raop;
                (&mut s.identifier, &mut s.credentials, Some(&mut s.password))
            }
            Protocol::Companion => (
                &mut self.companion.identifier,
                &mut self.companion.credentials,
                None,
            ),
            Protocol::Dmap => (&mut self.dmap.identifier, &mut self.dmap.credentials, None),
            Protocol::Mrp => (&mut self.mrp.identifier, &mut self.mrp.credentials, None),
        }
    }
}

impl fmt::Debug for AirPlaySettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AirPlaySettings")
            .field("identifier", &self.identifier)
            .field("credentials", &redact(&self.credentials))
            .field("password", &redact(&self.password))
            .field("mrp_tunnel", &self.mrp_tunnel)
            .finish()
    }
}

impl fmt::Debug for CredentialSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialSettings")
            .field("identifier", &self.identifier)
            .field("credentials", &redact(&self.credentials))
            .finish()
    }
}

impl fmt::Debug for RaopSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RaopSettings")
            .field("identifier", &self.identifier)
            .field("credentials", &redact(&self.credentials))
            .field("password", &redact(&self.password))
            .field("protocol_version", &self.protocol_version)
            .field("timing_port", &self.timing_port)
            .field("control_port", &self.control_port)
            .finish()
    }
}
