//! Tables that turn model identifiers and build numbers into what they mean (the facts
//! pyatv keeps in `support/device_info.py`).

use crate::{DeviceModel, OperatingSystem};

/// Model identifiers (as in TXT records, e.g. `AppleTV6,2`) and their models.
const MODELS: &[(&str, DeviceModel)] = &[
    ("AirPort4,107", DeviceModel::AirPortExpress),
    ("AirPort10,115", DeviceModel::AirPortExpressGen2),
    ("AppleTV1,1", DeviceModel::AppleTVGen1),
    ("AppleTV2,1", DeviceModel::Gen2),
    ("AppleTV3,1", DeviceModel::Gen3),
    ("AppleTV3,2", DeviceModel::Gen3),
    ("AppleTV5,3", DeviceModel::Gen4),
    ("AppleTV6,2", DeviceModel::Gen4K),
    ("AppleTV11,1", DeviceModel::AppleTV4KGen2),
    ("AppleTV14,1", DeviceModel::AppleTV4KGen3),
    ("AudioAccessory1,1", DeviceModel::HomePod),
    ("AudioAccessory1,2", DeviceModel::HomePod),
    ("AudioAccessory5,1", DeviceModel::HomePodMini),
    ("AudioAccessorySingle5,1", DeviceModel::HomePodMini),
    ("AudioAccessory6,1", DeviceModel::HomePodGen2),
];

/// Apple's internal board names (the `model` of `_device-info._tcp`) and their models.
const INTERNAL_NAMES: &[(&str, DeviceModel)] = &[
    ("K66AP", DeviceModel::Gen2),
    ("J33AP", DeviceModel::Gen3),
    ("J33IAP", DeviceModel::Gen3),
    ("J42dAP", DeviceModel::Gen4),
    ("J105aAP", DeviceModel::Gen4K),
    ("J305AP", DeviceModel::AppleTV4KGen2),
    ("J255AP", DeviceModel::AppleTV4KGen3),
];

/// tvOS build numbers with known versions.
const VERSIONS: &[(&str, &str)] = &[
    ("17J586", "13.0"),
    ("17K82", "13.2"),
    ("17K449", "13.3"),
    ("17K795", "13.3.1"),
    ("17L256", "13.4"),
    ("17L562", "13.4.5"),
    ("17L570", "13.4.6"),
    ("17M61", "13.4.8"),
    ("18J386", "14.0"),
    ("18J400", "14.0.1"),
    ("18J411", "14.0.2"),
    ("18K57", "14.2"),
    ("18K561", "14.3"),
    ("18K802", "14.4"),
    ("18L204", "14.5"),
    ("18L569", "14.6"),
    ("18M60", "14.7"),
    ("19J346", "15.0"),
    ("19J572", "15.1"),
    ("19J581", "15.1.1"),
    ("19K53", "15.2"),
    ("19K547", "15.3"),
    ("19L440", "15.4"),
    ("19L452", "15.4.1"),
    ("19L570", "15.5"),
    ("19L580", "15.5.1"),
    ("19M65", "15.6"),
    ("20J373", "16.0"),
    ("20K71", "16.1"),
    ("20K80", "16.1.1"),
    ("20K362", "16.2"),
    ("20K650", "16.3"),
    ("20K661", "16.3.1"),
    ("20K672", "16.3.2"),
    ("20K680", "16.3.3"),
    ("20L497", "16.4"),
    ("20L498", "16.4.1"),
    ("20L563", "16.5"),
    ("20M73", "16.6"),
    ("22J354", "17.0"),
    ("21K69", "17.1"),
    ("21K365", "17.2"),
    ("21K646", "17.3"),
    ("21L227", "17.4"),
    ("21L569", "17.5"),
    ("21L580", "17.5.1"),
    ("21M71", "17.6"),
    ("21M80", "17.6.1"),
    ("22J357", "18.0"),
    ("22J580", "18.1"),
];

/// Prefixes of Mac model identifiers; each is followed by `<digits>,<digits>`.
const MAC_PREFIXES: &[&str] = &[
    "MacBookAir",
    "iMac",
    "Macmini",
    "MacBookPro",
    "Mac",
    "MacPro",
];

/// The model of a model identifier such as `AppleTV6,2` (exact match, case matters);
/// [`DeviceModel::Unknown`] when the identifier is not known.
pub fn lookup_model(identifier: &str) -> DeviceModel {
    find(MODELS, identifier).unwrap_or_default()
}

/// The model of an internal board name such as `J105aAP` (exact match);
/// [`DeviceModel::Unknown`] when the name is not known.
pub fn lookup_internal_name(name: &str) -> DeviceModel {
    find(INTERNAL_NAMES, name).unwrap_or_default()
}

/// The operating system a model identifier tells: [`OperatingSystem::MacOS`] for Mac
/// identifiers (`MacBookPro18,3`, `iMac21,1`, `Mac14,2`, ...), else
/// [`OperatingSystem::Unknown`]. Use [`lookup_os_for_model`] for a known model.
pub fn lookup_os(identifier: &str) -> OperatingSystem {
    let is_mac = MAC_PREFIXES.iter().any(|prefix| {
        identifier
            .strip_prefix(prefix)
            .is_some_and(starts_with_number_pair)
    });
    if is_mac {
        OperatingSystem::MacOS
    } else {
        OperatingSystem::Unknown
    }
}

/// The operating system a hardware model runs.
pub fn lookup_os_for_model(model: DeviceModel) -> OperatingSystem {
    match model {
        DeviceModel::AirPortExpress | DeviceModel::AirPortExpressGen2 => OperatingSystem::AirPortOS,
        DeviceModel::HomePod
        | DeviceModel::HomePodMini
        | DeviceModel::HomePodGen2
        | DeviceModel::Gen4
        | DeviceModel::Gen4K
        | DeviceModel::AppleTV4KGen2
        | DeviceModel::AppleTV4KGen3 => OperatingSystem::TvOS,
        DeviceModel::AppleTVGen1 | DeviceModel::Gen2 | DeviceModel::Gen3 => OperatingSystem::Legacy,
        _ => OperatingSystem::Unknown,
    }
}

/// The OS version of a build number: the known version (`19J346` gives `15.0`), else
/// the major version guessed from the leading number (`23A5` gives `19.x`: tvOS
/// major = build major - 4), else `None`.
pub fn lookup_version(build: &str) -> Option<String> {
    if build.is_empty() {
        return None;
    }
    if let Some(version) = find(VERSIONS, build) {
        return Some(version.to_owned());
    }
    let digits = build.len() - build.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let (number, rest) = build.split_at(digits);
    if number.is_empty() || !rest.starts_with(|c: char| c.is_ascii_uppercase()) {
        return None;
    }
    Some(format!("{}.x", decimal_minus_four(number)))
}

fn find<T: Copy>(table: &[(&str, T)], key: &str) -> Option<T> {
    table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// Whether `text` starts with `<digits>,<digits>` (anything may follow).
fn starts_with_number_pair(text: &str) -> bool {
    let after_major = text.trim_start_matches(|c: char| c.is_ascii_digit());
    if after_major.len() == text.len() {
        return false;
    }
    after_major
        .strip_prefix(',')
        .is_some_and(|minor| minor.starts_with(|c: char| c.is_ascii_digit()))
}

/// A string of ASCII digits, read as a number, minus four, printed in decimal (no
/// overflow however long the digits are).
fn decimal_minus_four(digits: &str) -> String {
    let trimmed = digits.trim_start_matches('0');
    if trimmed.len() <= 18 {
        let value: i64 = trimmed.parse().unwrap_or(0);
        return (value - 4).to_string();
    }
    // More than 18 digits: the value is far above 4, so subtract with borrows.
    let mut out: Vec<u8> = trimmed.bytes().collect();
    let mut borrow = 4u8;
    for byte in out.iter_mut().rev() {
        if borrow == 0 {
            break;
        }
        let digit = *byte - b'0';
        if digit >= borrow {
            *byte = b'0' + digit - borrow;
            borrow = 0;
        } else {
            *byte = b'0' + digit + 10 - borrow;
            borrow = 1;
        }
    }
    let text = String::from_utf8(out).unwrap_or_default();
    text.trim_start_matches('0').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_from_identifiers() {
        assert_eq!(lookup_model("AppleTV6,2"), DeviceModel::Gen4K);
        assert_eq!(lookup_model("AudioAccessory5,1"), DeviceModel::HomePodMini);
        assert_eq!(
            lookup_model("AirPort10,115"),
            DeviceModel::AirPortExpressGen2
        );
        assert_eq!(lookup_model("AppleTV14,1"), DeviceModel::AppleTV4KGen3);
        assert_eq!(lookup_model("appletv6,2"), DeviceModel::Unknown);
        assert_eq!(lookup_model("AppleTV99,9"), DeviceModel::Unknown);
        assert_eq!(lookup_model(""), DeviceModel::Unknown);
    }

    #[test]
    fn models_from_internal_names() {
        assert_eq!(lookup_internal_name("J105aAP"), DeviceModel::Gen4K);
        assert_eq!(lookup_internal_name("K66AP"), DeviceModel::Gen2);
        assert_eq!(lookup_internal_name("J255AP"), DeviceModel::AppleTV4KGen3);
        assert_eq!(lookup_internal_name("J105AAP"), DeviceModel::Unknown);
    }

    #[test]
    fn operating_systems() {
        assert_eq!(lookup_os("MacBookPro18,3"), OperatingSystem::MacOS);
        assert_eq!(lookup_os("iMac21,1"), OperatingSystem::MacOS);
        assert_eq!(lookup_os("Mac14,2"), OperatingSystem::MacOS);
        assert_eq!(lookup_os("MacPro7,1xyz"), OperatingSystem::MacOS);
        assert_eq!(lookup_os("Mac14"), OperatingSystem::Unknown);
        assert_eq!(lookup_os("Mac14,"), OperatingSystem::Unknown);
        assert_eq!(lookup_os("AppleTV6,2"), OperatingSystem::Unknown);
        assert_eq!(lookup_os("xMac1,1"), OperatingSystem::Unknown);
        assert_eq!(
            lookup_os_for_model(DeviceModel::HomePodGen2),
            OperatingSystem::TvOS
        );
        assert_eq!(
            lookup_os_for_model(DeviceModel::AppleTVGen1),
            OperatingSystem::Legacy
        );
        assert_eq!(
            lookup_os_for_model(DeviceModel::Music),
            OperatingSystem::Unknown
        );
    }

    #[test]
    fn versions_from_builds() {
        assert_eq!(lookup_version("19J346").as_deref(), Some("15.0"));
        assert_eq!(lookup_version("17K795").as_deref(), Some("13.3.1"));
        assert_eq!(lookup_version("22J580").as_deref(), Some("18.1"));
        assert_eq!(lookup_version("23A5").as_deref(), Some("19.x"));
        assert_eq!(lookup_version("3A1").as_deref(), Some("-1.x"));
        assert_eq!(lookup_version("017B").as_deref(), Some("13.x"));
        assert_eq!(
            lookup_version("1000000000000000000000A").as_deref(),
            Some("999999999999999999996.x")
        );
        assert_eq!(lookup_version("17a1"), None);
        assert_eq!(lookup_version("A17"), None);
        assert_eq!(lookup_version(""), None);
    }
}
