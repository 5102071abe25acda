//! General information about a device, gathered from its mDNS records.

use std::fmt;

/// Operating system of a device (pyatv's `const.OperatingSystem`, same values).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[non_exhaustive]
pub enum OperatingSystem {
    /// Not known.
    #[default]
    Unknown = 0,
    /// Apple TV software before tvOS (Apple TV 1–3).
    Legacy = 1,
    /// tvOS.
    TvOS = 2,
    /// AirPort Express firmware.
    AirPortOS = 3,
    /// macOS.
    MacOS = 4,
}

/// Hardware model of a device (pyatv's `const.DeviceModel`, same values).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[non_exhaustive]
pub enum DeviceModel {
    /// Not known.
    #[default]
    Unknown = 0,
    /// Apple TV 2nd generation.
    Gen2 = 1,
    /// Apple TV 3rd generation.
    Gen3 = 2,
    /// Apple TV HD (4th generation).
    Gen4 = 3,
    /// Apple TV 4K (1st generation).
    Gen4K = 4,
    /// HomePod.
    HomePod = 5,
    /// HomePod mini.
    HomePodMini = 6,
    /// AirPort Express (1st generation).
    AirPortExpress = 7,
    /// AirPort Express (2nd generation).
    AirPortExpressGen2 = 8,
    /// Apple TV 4K (2nd generation).
    AppleTV4KGen2 = 9,
    /// Music app (or iTunes) on a computer.
    Music = 10,
    /// Apple TV 4K (3rd generation).
    AppleTV4KGen3 = 11,
    /// HomePod (2nd generation).
    HomePodGen2 = 12,
    /// Apple TV 1st generation.
    AppleTVGen1 = 13,
}

/// What is known about a device (pyatv's `interface.DeviceInfo`).
///
/// Each field is `None` when no record said it. Protocol scan code fills a partial
/// `DeviceInfo` per service; [`DeviceInfo::merge`] combines them, first value winning.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct DeviceInfo {
    /// Operating system.
    pub operating_system: Option<OperatingSystem>,
    /// Software version, e.g. "15.0" (see [`DeviceInfo::version`] for the inferred value).
    pub version: Option<String>,
    /// Software build number, e.g. "19J346".
    pub build_number: Option<String>,
    /// Hardware model.
    pub model: Option<DeviceModel>,
    /// Raw model identifier as announced, e.g. "AppleTV6,2".
    pub raw_model: Option<String>,
    /// MAC address as announced, e.g. "AA:BB:CC:DD:EE:FF".
    pub mac: Option<String>,
    /// AirPlay output device identifier (pyatv's `OUTPUT_DEVICE_ID`).
    pub output_device_id: Option<String>,
}

impl DeviceInfo {
    /// Fills every field that is `None` here from `other` (pyatv's `dict_merge` without
    /// overwrite: the first value found wins).
    pub fn merge(&mut self, other: &Self) {
        fn fill<T: Clone>(mine: &mut Option<T>, theirs: &Option<T>) {
            if mine.is_none() {
                mine.clone_from(theirs);
            }
        }
        fill(&mut self.operating_system, &other.operating_system);
        fill(&mut self.version, &other.version);
        fill(&mut self.build_number, &other.build_number);
        fill(&mut self.model, &other.model);
        fill(&mut self.raw_model, &other.raw_model);
        fill(&mut self.mac, &other.mac);
        fill(&mut self.output_device_id, &other.output_device_id);
    }
}

impl fmt::Debug for DeviceInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceInfo")
            .field("operating_system", &self.operating_system)
            .field("version", &self.version)
            .field("build_number", &self.build_number)
            .field("model", &self.model)
            .field("raw_model", &self.raw_model)
            .field("mac", &self.mac)
            .field("output_device_id", &self.output_device_id)
            .finish()
    }
}
