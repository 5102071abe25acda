//! The AirPlay features bitmask (`features`/`ft` TXT value) and what it says about the
//! AirPlay version a receiver speaks.
//!
//! Bit positions follow the community documentation of AirPlay 2 features
//! (emanuelecozzi.net/docs/airplay2/features, openairplay.github.io/airplay-spec),
//! with the names pyatv gives them.

use std::fmt;

use atv_core::Properties;

/// A set of AirPlay feature bits (64 bits: the low word first in the TXT value).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Features(u64);

macro_rules! feature_bits {
    ($($(#[$doc:meta])* $name:ident = $bit:literal,)+) => {
        impl Features {
            $(
                $(#[$doc])*
                pub const $name: Self = Self(1 << $bit);
            )+

            /// Every named feature with its name, lowest bit first.
            pub const NAMED: &'static [(&'static str, Self)] = &[$((stringify!($name), Self::$name)),+];
        }
    };
}

feature_bits! {
    /// Video (AirPlay 1).
    SUPPORTS_AIRPLAY_VIDEO_V1 = 0,
    /// Photos.
    SUPPORTS_AIRPLAY_PHOTO = 1,
    /// Slide shows.
    SUPPORTS_AIRPLAY_SLIDE_SHOW = 5,
    /// Screen mirroring.
    SUPPORTS_AIRPLAY_SCREEN = 7,
    /// Audio.
    SUPPORTS_AIRPLAY_AUDIO = 9,
    /// Redundant audio packets.
    AUDIO_REDUNDANT = 11,
    /// FairPlay authentication (variant 4).
    AUTHENTICATION_4 = 14,
    /// Metadata: artwork.
    METADATA_FEATURES_0 = 15,
    /// Metadata: progress.
    METADATA_FEATURES_1 = 16,
    /// Metadata: text.
    METADATA_FEATURES_2 = 17,
    /// Audio format bit 0.
    AUDIO_FORMATS_0 = 18,
    /// Audio format bit 1.
    AUDIO_FORMATS_1 = 19,
    /// Audio format bit 2.
    AUDIO_FORMATS_2 = 20,
    /// Audio format bit 3.
    AUDIO_FORMATS_3 = 21,
    /// RSA authentication (variant 1).
    AUTHENTICATION_1 = 23,
    /// MFi authentication (variant 8).
    AUTHENTICATION_8 = 26,
    /// Legacy (pair-pin) pairing.
    SUPPORTS_LEGACY_PAIRING = 27,
    /// The AirPlay service also advertises audio (no separate RAOP service needed).
    HAS_UNIFIED_ADVERTISER_INFO = 30,
    /// CarPlay (possibly "supports volume").
    IS_CAR_PLAY = 32,
    /// Video play queue.
    SUPPORTS_AIRPLAY_VIDEO_PLAY_QUEUE = 33,
    /// Playing from iCloud.
    SUPPORTS_AIRPLAY_FROM_CLOUD = 34,
    /// TLS with pre-shared key.
    SUPPORTS_TLS_PSK = 35,
    /// Unified media control (AirPlay 2).
    SUPPORTS_UNIFIED_MEDIA_CONTROL = 38,
    /// Buffered audio.
    SUPPORTS_BUFFERED_AUDIO = 40,
    /// PTP clock.
    SUPPORTS_PTP = 41,
    /// Several screen codecs.
    SUPPORTS_SCREEN_MULTI_CODEC = 42,
    /// System pairing.
    SUPPORTS_SYSTEM_PAIRING = 43,
    /// Valeria screen sender.
    IS_AP_VALERIA_SCREEN_SENDER = 44,
    /// HomeKit pairing and access control.
    SUPPORTS_HK_PAIRING_AND_ACCESS_CONTROL = 46,
    /// CoreUtils (HAP) pairing and encryption (AirPlay 2).
    SUPPORTS_CORE_UTILS_PAIRING_AND_ENCRYPTION = 48,
    /// Video (AirPlay 2).
    SUPPORTS_AIRPLAY_VIDEO_V2 = 49,
    /// Metadata: artwork URL.
    METADATA_FEATURES_3 = 50,
    /// Unified pair-setup and MFi.
    SUPPORTS_UNIFIED_PAIR_SETUP_AND_MFI = 51,
    /// Extended set-peers message.
    SUPPORTS_SET_PEERS_EXTENDED_MESSAGE = 52,
    /// AP sync.
    SUPPORTS_AP_SYNC = 54,
    /// Wake on LAN.
    SUPPORTS_WOL = 55,
    /// Wake on LAN (second variant).
    SUPPORTS_WOL2 = 56,
    /// Hangdog remote control.
    SUPPORTS_HANGDOG_REMOTE_CONTROL = 58,
    /// Audio stream connection setup.
    SUPPORTS_AUDIO_STREAM_CONNECTION_SETUP = 59,
    /// Audio metadata control.
    SUPPORTS_AUDIO_METADATA_CONTROL = 60,
    /// RFC 2198 redundancy.
    SUPPORTS_RFC2198_REDUNDANCY = 61,
}

impl Features {
    /// The features with these bits.
    pub const fn from_bits(bits: u64) -> Self {
        Self(bits)
    }

    /// The raw bits.
    pub const fn bits(self) -> u64 {
        self.0
    }

    /// Whether every bit of `other` is set here.
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// Parses a features value: `0x` and 1–8 hex digits, optionally followed by `,0x`
    /// and 1–8 hex digits holding the upper 32 bits (`0x4A7FDFD5,0x3C155FDE`); one
    /// trailing newline is tolerated, as pyatv's pattern does. `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.strip_suffix('\n').unwrap_or(text);
        let (low, high) = match text.split_once(',') {
            Some((low, high)) => (low, Some(high)),
            None => (text, None),
        };
        let low = hex_word(low)?;
        let high = match high {
            Some(high) => hex_word(high)?,
            None => 0,
        };
        Some(Self(u64::from(high) << 32 | u64::from(low)))
    }

    /// The features a TXT record announces: `ft` if present and not empty, else
    /// `features`, else none. `None` when the value is malformed.
    pub fn from_properties(properties: &Properties) -> Option<Self> {
        let text = properties
            .get("ft")
            .filter(|value| !value.is_empty())
            .or_else(|| properties.get("features"))
            .unwrap_or("0x0");
        Self::parse(text)
    }
}

/// `0x` followed by 1–8 ASCII hex digits.
fn hex_word(text: &str) -> Option<u32> {
    let digits = text.strip_prefix("0x")?;
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok()
}

impl std::ops::BitOr for Features {
    type Output = Self;

    fn bitor(self, rhs: Self) -> Self {
        Self(self.0 | rhs.0)
    }
}

impl fmt::Debug for Features {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names = Self::NAMED
            .iter()
            .filter(|(_, flag)| self.contains(*flag))
            .map(|(name, _)| *name)
            .peekable();
        write!(f, "Features({:#x}", self.0)?;
        if names.peek().is_some() {
            f.write_str(": ")?;
            for (index, name) in names.enumerate() {
                if index > 0 {
                    f.write_str(" | ")?;
                }
                f.write_str(name)?;
            }
        }
        f.write_str(")")
    }
}

/// Major AirPlay protocol version a receiver speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AirPlayMajorVersion {
    /// AirPlay 1.
    V1,
    /// AirPlay 2.
    V2,
}

/// The AirPlay version a TXT record suggests (pyatv's automatic choice): version 2 when
/// the features include unified media control or CoreUtils pairing, else version 1.
/// `None` when the features value is malformed.
pub fn major_version(properties: &Properties) -> Option<AirPlayMajorVersion> {
    let features = Features::from_properties(properties)?;
    Some(
        if features.contains(Features::SUPPORTS_UNIFIED_MEDIA_CONTROL)
            || features.contains(Features::SUPPORTS_CORE_UTILS_PAIRING_AND_ENCRYPTION)
        {
            AirPlayMajorVersion::V2
        } else {
            AirPlayMajorVersion::V1
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    // pyatv tests/protocols/airplay/test_utils.py: test_parse_features
    #[test]
    fn parses_single_and_double_words() {
        assert_eq!(
            Features::parse("0x00000001"),
            Some(Features::SUPPORTS_AIRPLAY_VIDEO_V1)
        );
        assert_eq!(
            Features::parse("0x40000003"),
            Some(
                Features::HAS_UNIFIED_ADVERTISER_INFO
                    | Features::SUPPORTS_AIRPLAY_PHOTO
                    | Features::SUPPORTS_AIRPLAY_VIDEO_V1
            )
        );
        assert_eq!(
            Features::parse("0x00000003,0x00000001"),
            Some(
                Features::IS_CAR_PLAY
                    | Features::SUPPORTS_AIRPLAY_PHOTO
                    | Features::SUPPORTS_AIRPLAY_VIDEO_V1
            )
        );
        // Apple TV 4K on tvOS 14.7 (pyatv docs/documentation/protocols.md).
        assert_eq!(
            Features::parse("0x4A7FDFD5,0x3C155FDE").map(Features::bits),
            Some(4_329_472_025_123_872_725)
        );
        assert_eq!(
            Features::parse("0x1\n"),
            Some(Features::SUPPORTS_AIRPLAY_VIDEO_V1)
        );
    }

    // pyatv tests/protocols/airplay/test_utils.py: test_bad_input
    #[test]
    fn rejects_malformed_values() {
        for bad in [
            "foo",
            "1234",
            "0x00000001,",
            ",0x00000001",
            "0x00000001,0x00000001,0x00000001",
            "0x",
            "0x123456789",
            "0X1",
            "0x+1",
            "0x1\n\n",
            "",
        ] {
            assert_eq!(Features::parse(bad), None, "{bad:?}");
        }
    }

    // pyatv tests/protocols/airplay/test_utils.py: test_get_protocol_version (Auto)
    #[test]
    fn major_version_from_features() {
        let props = |pairs: &[(&str, &str)]| pairs.iter().copied().collect::<Properties>();
        use AirPlayMajorVersion::*;
        assert_eq!(major_version(&props(&[])), Some(V1));
        assert_eq!(major_version(&props(&[("ft", "0x5A7FFFF7,0xE")])), Some(V1));
        assert_eq!(
            major_version(&props(&[("ft", "0x4A7FCA00,0xBC354BD0")])),
            Some(V2)
        );
        assert_eq!(
            major_version(&props(&[("features", "0x5A7FFFF7,0xE")])),
            Some(V1)
        );
        assert_eq!(
            major_version(&props(&[("features", "0x4A7FCA00,0xBC354BD0")])),
            Some(V2)
        );
        assert_eq!(major_version(&props(&[("features", "bad")])), None);
    }

    #[test]
    fn debug_names_bits() {
        let text = format!("{:?}", Features::parse("0x40000001").unwrap_or_default());
        assert_eq!(
            text,
            "Features(0x40000001: SUPPORTS_AIRPLAY_VIDEO_V1 | HAS_UNIFIED_ADVERTISER_INFO)"
        );
    }
}
