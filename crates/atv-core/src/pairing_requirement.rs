//! Whether a service needs pairing before use.

/// Pairing requirement of a service (pyatv's `const.PairingRequirement`, same values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub enum PairingRequirement {
    /// Pairing is not supported by the protocol.
    Unsupported = 1,
    /// Pairing is disabled on the device.
    Disabled = 2,
    /// Pairing is not needed to use the service.
    NotNeeded = 3,
    /// Pairing is supported but not required.
    Optional = 4,
    /// Pairing must be done before the service can be used.
    Mandatory = 5,
}

impl PairingRequirement {
    /// The name pyatv prints (`PairingRequirement.Mandatory.name`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Unsupported => "Unsupported",
            Self::Disabled => "Disabled",
            Self::NotNeeded => "NotNeeded",
            Self::Optional => "Optional",
            Self::Mandatory => "Mandatory",
        }
    }
}
