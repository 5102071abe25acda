//! General information about a device, gathered from its mDNS records.

use std::fmt;

pub use crate::device_lookup::{
    lookup_internal_name, lookup_model, lookup_os, lookup_os_for_model, lookup_version,
};

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

impl OperatingSystem {
    /// Every value, in pyatv's order.
    pub const ALL: [Self; 5] = [
        Self::Unknown,
        Self::Legacy,
        Self::TvOS,
        Self::AirPortOS,
        Self::MacOS,
    ];

    /// pyatv's member name (`OperatingSystem.TvOS.name`), as atvscript prints it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Unknown => "Unknown",
            Self::Legacy => "Legacy",
            Self::TvOS => "TvOS",
            Self::AirPortOS => "AirPortOS",
            Self::MacOS => "MacOS",
        }
    }

    /// The text pyatv prints in a device summary: `ATV SW`, `tvOS`, `AirPortOS`,
    /// `MacOS`, or `Unknown OS`. This is also the `Display` form.
    pub fn os_str(self) -> &'static str {
        match self {
            Self::Legacy => "ATV SW",
            Self::TvOS => "tvOS",
            Self::AirPortOS => "AirPortOS",
            Self::MacOS => "MacOS",
            Self::Unknown => "Unknown OS",
        }
    }

    /// pyatv's number for the value.
    pub fn value(self) -> i32 {
        self as i32
    }
}

impl fmt::Display for OperatingSystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.os_str())
    }
}

impl DeviceModel {
    /// Every value, in pyatv's order.
    pub const ALL: [Self; 14] = [
        Self::Unknown,
        Self::Gen2,
        Self::Gen3,
        Self::Gen4,
        Self::Gen4K,
        Self::HomePod,
        Self::HomePodMini,
        Self::AirPortExpress,
        Self::AirPortExpressGen2,
        Self::AppleTV4KGen2,
        Self::Music,
        Self::AppleTV4KGen3,
        Self::HomePodGen2,
        Self::AppleTVGen1,
    ];

    /// pyatv's member name (`DeviceModel.Gen4K.name`), as atvscript prints it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Unknown => "Unknown",
            Self::Gen2 => "Gen2",
            Self::Gen3 => "Gen3",
            Self::Gen4 => "Gen4",
            Self::Gen4K => "Gen4K",
            Self::HomePod => "HomePod",
            Self::HomePodMini => "HomePodMini",
            Self::AirPortExpress => "AirPortExpress",
            Self::AirPortExpressGen2 => "AirPortExpressGen2",
            Self::AppleTV4KGen2 => "AppleTV4KGen2",
            Self::Music => "Music",
            Self::AppleTV4KGen3 => "AppleTV4KGen3",
            Self::HomePodGen2 => "HomePodGen2",
            Self::AppleTVGen1 => "AppleTVGen1",
        }
    }

    /// The human name pyatv prints (its `convert.model_str`), e.g. `Apple TV 4K`,
    /// `HomePod Mini`; `Unknown` for an unknown model. This is also the `Display` form.
    pub fn model_str(self) -> &'static str {
        match self {
            Self::AppleTVGen1 => "Apple TV 1",
            Self::Gen2 => "Apple TV 2",
            Self::Gen3 => "Apple TV 3",
            Self::Gen4 => "Apple TV 4",
            Self::Gen4K => "Apple TV 4K",
            Self::HomePod => "HomePod",
            Self::HomePodMini => "HomePod Mini",
            Self::AirPortExpress => "AirPort Express (gen 1)",
            Self::AirPortExpressGen2 => "AirPort Express (gen 2)",
            Self::AppleTV4KGen2 => "Apple TV 4K (gen 2)",
            Self::Music => "Music/iTunes",
            Self::AppleTV4KGen3 => "Apple TV 4K (gen 3)",
            Self::HomePodGen2 => "HomePod (gen 2)",
            Self::Unknown => "Unknown",
        }
    }

    /// pyatv's number for the value.
    pub fn value(self) -> i32 {
        self as i32
    }
}

impl fmt::Display for DeviceModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.model_str())
    }
}

impl DeviceInfo {
    /// Operating system: the one announced, else the one the model implies
    /// (pyatv's `DeviceInfo.operating_system`).
    ///
    /// Like pyatv, the inference covers Apple TV 2 to 4K (gen 3) and HomePod (mini) as
    /// tvOS and AirPort Express as AirPortOS; other models give `Unknown`.
    pub fn operating_system(&self) -> OperatingSystem {
        match self.operating_system {
            Some(os) if os != OperatingSystem::Unknown => os,
            _ => match self.model() {
                DeviceModel::AirPortExpress | DeviceModel::AirPortExpressGen2 => {
                    OperatingSystem::AirPortOS
                }
                DeviceModel::HomePod
                | DeviceModel::HomePodMini
                | DeviceModel::Gen2
                | DeviceModel::Gen3
                | DeviceModel::Gen4
                | DeviceModel::Gen4K
                | DeviceModel::AppleTV4KGen2
                | DeviceModel::AppleTV4KGen3 => OperatingSystem::TvOS,
                _ => OperatingSystem::Unknown,
            },
        }
    }

    /// Software version: the one announced if not empty, else the one the build number
    /// implies (see [`lookup_version`]), else the announced (empty) value
    /// (pyatv's `DeviceInfo.version`).
    pub fn version(&self) -> Option<String> {
        match self.version.as_deref() {
            Some(version) if !version.is_empty() => Some(version.to_owned()),
            _ => self
                .build_number
                .as_deref()
                .and_then(lookup_version)
                .or_else(|| self.version.clone()),
        }
    }

    /// Hardware model, [`DeviceModel::Unknown`] when not known.
    pub fn model(&self) -> DeviceModel {
        self.model.unwrap_or_default()
    }

    /// Model name to print: the raw model when the model is unknown and a raw model
    /// exists, else the model's human name (pyatv's `DeviceInfo.model_str`).
    pub fn model_str(&self) -> &str {
        match self.raw_model.as_deref() {
            Some(raw) if self.model() == DeviceModel::Unknown && !raw.is_empty() => raw,
            _ => self.model().model_str(),
        }
    }
}

/// Prints what pyatv's `str(device_info)` prints, e.g.
/// `Apple TV 4K, tvOS 15.0 build 19J346` (the `Model/SW:` line of `atvremote`).
impl fmt::Display for DeviceInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, {}",
            self.model_str(),
            self.operating_system().os_str()
        )?;
        if let Some(version) = self.version().filter(|v| !v.is_empty()) {
            write!(f, " {version}")?;
        }
        if let Some(build) = self.build_number.as_deref().filter(|b| !b.is_empty()) {
            write!(f, " build {build}")?;
        }
        Ok(())
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
