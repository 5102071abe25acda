//! The protocols atv speaks.

use std::fmt;
use std::str::FromStr;

/// A protocol a device can offer (pyatv's `const.Protocol`, same numeric values).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[non_exhaustive]
pub enum Protocol {
    /// Digital Media Access Protocol (iTunes remote, older Apple TVs).
    #[serde(rename = "dmap")]
    Dmap = 1,
    /// Media Remote Protocol (tvOS).
    #[serde(rename = "mrp")]
    Mrp = 2,
    /// AirPlay (video/remote control channel).
    #[serde(rename = "airplay")]
    AirPlay = 3,
    /// Companion link (apps, power, text input).
    #[serde(rename = "companion")]
    Companion = 4,
    /// Remote Audio Output Protocol (AirPlay audio).
    #[serde(rename = "raop")]
    Raop = 5,
}

impl Protocol {
    /// Every protocol, in pyatv's numeric order.
    pub const ALL: [Self; 5] = [
        Self::Dmap,
        Self::Mrp,
        Self::AirPlay,
        Self::Companion,
        Self::Raop,
    ];

    /// The name pyatv prints for the protocol (`Protocol.MRP.name`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Dmap => "DMAP",
            Self::Mrp => "MRP",
            Self::AirPlay => "AirPlay",
            Self::Companion => "Companion",
            Self::Raop => "RAOP",
        }
    }

    /// The lower-case name used on command lines and in JSON (`mrp`, `airplay`, ...).
    pub fn lower_name(self) -> &'static str {
        match self {
            Self::Dmap => "dmap",
            Self::Mrp => "mrp",
            Self::AirPlay => "airplay",
            Self::Companion => "companion",
            Self::Raop => "raop",
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Error for a protocol name that is not one of atv's protocols.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown protocol `{0}` (expected one of dmap, mrp, airplay, companion, raop)")]
pub struct UnknownProtocol(pub String);

impl FromStr for Protocol {
    type Err = UnknownProtocol;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|p| p.lower_name().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownProtocol(s.to_owned()))
    }
}
