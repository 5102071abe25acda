//! What an AirPlay-family TXT record asks of a client: a password, pairing, or nothing.
//!
//! AirPlay (`_airplay._tcp`) and RAOP (`_raop._tcp`) receivers announce the same status
//! flags, so both protocol crates read them through this module.
//!
//! The status flags (`sf`, or `flags` on AirPlay 2 receivers) carry bit 0x8 (PIN
//! required), 0x80 (password) and 0x200 (legacy pairing). `pw=true` also asks for a
//! password. `acl=1` (access restricted, e.g. to the same home) makes pairing impossible
//! for atv, as does `act=2` ("current user" access). Macs announce AirPlay receivers atv
//! cannot pair with yet.

use crate::hex_flags::parse_hex_flags;
use crate::{PairingRequirement, Properties, Service};

/// Status flag: a PIN must be entered (pairing required).
pub const PIN_REQUIRED: u64 = 0x8;
/// Status flag: a password is required.
pub const PASSWORD_BIT: u64 = 0x80;
/// Status flag: legacy pairing is required.
pub const LEGACY_PAIRING_BIT: u64 = 0x200;

/// The status flags of a TXT record: `sf` if present and not empty, else `flags`, else 0.
///
/// Read like Python's `int(value, 16)` (see [`parse_hex_flags`]); a malformed value
/// counts as 0 (pyatv would fail the whole scan on it).
pub fn status_flags(properties: &Properties) -> u64 {
    ["sf", "flags"]
        .into_iter()
        .filter_map(|key| properties.get(key))
        .find(|value| !value.is_empty())
        .and_then(parse_hex_flags)
        .unwrap_or(0)
}

/// Whether the receiver asks for a password: `pw` is `true` (any case) or the status
/// flags have the password bit.
pub fn is_password_required(properties: &Properties) -> bool {
    properties
        .get("pw")
        .is_some_and(|value| value.to_lowercase() == "true")
        || status_flags(properties) & PASSWORD_BIT != 0
}

/// Pairing requirement from the status flags and access control type alone: mandatory
/// when a PIN or legacy pairing is asked for, unsupported for `act=2`, else not needed.
pub fn pairing_requirement(properties: &Properties) -> PairingRequirement {
    if status_flags(properties) & (LEGACY_PAIRING_BIT | PIN_REQUIRED) != 0 {
        PairingRequirement::Mandatory
    } else if properties.get("act") == Some("2") {
        PairingRequirement::Unsupported
    } else {
        PairingRequirement::NotNeeded
    }
}

/// Whether a model identifier is a Mac (`Mac<digits>,<digits>`), whose AirPlay
/// receiver atv cannot pair with.
fn is_unsupported_model(model: &str) -> bool {
    let model = model.strip_suffix('\n').unwrap_or(model);
    let Some(numbers) = model.strip_prefix("Mac") else {
        return false;
    };
    let Some((major, minor)) = numbers.split_once(',') else {
        return false;
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(major) && all_digits(minor)
}

/// Sets a service's password and pairing requirement from its TXT record (pyatv's
/// `update_service_details`): pairing is disabled for `acl=1`, unsupported for Macs,
/// else as [`pairing_requirement`] says.
pub fn update_service_details(service: &mut Service) {
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

    /// TXT entries of a test case.
    type Txt = &'static [(&'static str, &'static str)];

    fn props(pairs: &[(&str, &str)]) -> Properties {
        pairs.iter().copied().collect()
    }

    #[test]
    fn password_required() {
        let cases: &[(Txt, bool)] = &[
            (&[], false),
            (&[("pw", "false")], false),
            (&[("pw", "true")], true),
            (&[("pw", "TRUE")], true),
            (&[("sf", "0x1")], false),
            (&[("sf", "0x80")], true),
            (&[("flags", "0x1")], false),
            (&[("flags", "0x80")], true),
            (&[("sf", ""), ("flags", "0x80")], true),
        ];
        for (pairs, expected) in cases {
            assert_eq!(is_password_required(&props(pairs)), *expected, "{pairs:?}");
        }
    }

    // pyatv tests/protocols/airplay/test_utils.py: test_get_pairing_requirement
    #[test]
    fn pairing_requirement_from_flags() {
        use PairingRequirement::*;
        let cases: &[(Txt, PairingRequirement)] = &[
            (&[("sf", "0x1")], NotNeeded),
            (&[("sf", "0x200")], Mandatory),
            (&[("ft", "0x1")], NotNeeded),
            (&[("flags", "0x1")], NotNeeded),
            (&[("flags", "0x200")], Mandatory),
            (&[("features", "0x1")], NotNeeded),
            (&[("sf", "0x8")], Mandatory),
            (&[("flags", "0x8")], Mandatory),
            (&[("flags", "0x0")], NotNeeded),
            (&[("act", "2")], Unsupported),
        ];
        for (pairs, expected) in cases {
            assert_eq!(pairing_requirement(&props(pairs)), *expected, "{pairs:?}");
        }
    }

    #[test]
    fn mac_models() {
        for model in ["Mac10,1", "Mac14,2\n", "Mac1,1"] {
            assert!(is_unsupported_model(model), "{model:?}");
        }
        for model in [
            "MacBookPro18,3",
            "Mac10,",
            "Mac,1",
            "AppleTV6,2",
            "",
            "Mac10,1x",
        ] {
            assert!(!is_unsupported_model(model), "{model:?}");
        }
    }
}
