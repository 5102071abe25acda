//! What an AirPlay-style TXT record asks of a RAOP client: a password, pairing, or
//! nothing.
//!
//! RAOP receivers use AirPlay's status flags (`sf`, or `flags`): 0x8 PIN required, 0x80
//! password, 0x200 legacy pairing; `pw=true` also asks for a password, `acl=1` makes
//! pairing impossible for atv and `act=2` ("current user" access) unsupported; Macs are
//! receivers atv cannot pair with yet. These are the rules atv-airplay applies to
//! `_airplay._tcp.local`; they are repeated here so RAOP does not depend on the AirPlay
//! crate.

use atv_core::{PairingRequirement, Properties, Service};

/// Status flag: a PIN must be entered (pairing required).
const PIN_REQUIRED: u64 = 0x8;
/// Status flag: a password is required.
const PASSWORD_BIT: u64 = 0x80;
/// Status flag: legacy pairing is required.
const LEGACY_PAIRING_BIT: u64 = 0x200;

/// The status flags: `sf` if present and not empty, else `flags`, else 0 (also for a
/// malformed value, where pyatv would fail the whole scan).
fn status_flags(properties: &Properties) -> u64 {
    ["sf", "flags"]
        .into_iter()
        .filter_map(|key| properties.get(key))
        .find(|value| !value.is_empty())
        .and_then(parse_hex_flags)
        .unwrap_or(0)
}

/// Parses a hexadecimal number the way Python's `int(text, 16)` does (whitespace, sign,
/// optional `0x`, `_` between digits), keeping the low 64 bits in two's complement;
/// `None` when Python would reject it.
fn parse_hex_flags(text: &str) -> Option<u64> {
    let text = text.trim();
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let digits = match unsigned
        .strip_prefix("0x")
        .or_else(|| unsigned.strip_prefix("0X"))
    {
        Some(rest) => rest.strip_prefix('_').unwrap_or(rest),
        None => unsigned,
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return None;
    }
    let mut value: u64 = 0;
    for c in digits.chars().filter(|c| *c != '_') {
        value = (value << 4) | u64::from(c.to_digit(16)?);
    }
    Some(if negative {
        value.wrapping_neg()
    } else {
        value
    })
}

/// Whether the receiver asks for a password: `pw` is `true` (any case) or the status
/// flags have the password bit.
pub(crate) fn is_password_required(properties: &Properties) -> bool {
    properties
        .get("pw")
        .is_some_and(|value| value.to_lowercase() == "true")
        || status_flags(properties) & PASSWORD_BIT != 0
}

/// Pairing requirement from the status flags and access control type: mandatory when a
/// PIN or legacy pairing is asked for, unsupported for `act=2`, else not needed.
pub(crate) fn pairing_requirement(properties: &Properties) -> PairingRequirement {
    if status_flags(properties) & (LEGACY_PAIRING_BIT | PIN_REQUIRED) != 0 {
        PairingRequirement::Mandatory
    } else if properties.get("act") == Some("2") {
        PairingRequirement::Unsupported
    } else {
        PairingRequirement::NotNeeded
    }
}

/// Whether a model identifier is a Mac (`Mac<digits>,<digits>`).
fn is_unsupported_model(model: &str) -> bool {
    let model = model.strip_suffix('\n').unwrap_or(model);
    let Some((major, minor)) = model.strip_prefix("Mac").and_then(|n| n.split_once(',')) else {
        return false;
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(major) && all_digits(minor)
}

/// Sets a service's password and pairing requirement from its own TXT record.
pub(crate) fn update_service_details(service: &mut Service) {
    let properties = &service.properties;
    service.requires_password = is_password_required(properties);
    service.pairing = if properties.get("acl") == Some("1") {
        PairingRequirement::Disabled
    } else if is_unsupported_model(properties.get("model").unwrap_or("")) {
        PairingRequirement::Unsupported
    } else {
        pairing_requirement(properties)
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_flags_like_python_int() {
        assert_eq!(parse_hex_flags("0x5A7FFFF7"), Some(0x5A7F_FFF7));
        assert_eq!(parse_hex_flags("\t+0x_80 "), Some(0x80));
        assert_eq!(parse_hex_flags("-1"), Some(u64::MAX));
        assert_eq!(parse_hex_flags("0x5A7FFFF7,0xE"), None);
        assert_eq!(parse_hex_flags(""), None);
    }

    #[test]
    fn mac_models() {
        assert!(is_unsupported_model("Mac14,2"));
        assert!(!is_unsupported_model("MacBookAir10,1"));
        assert!(!is_unsupported_model("AudioAccessory5,1"));
    }
}
