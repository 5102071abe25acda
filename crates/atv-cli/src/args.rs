//! Option groups and value parsers shared by `atvremote` and `atvscript`.
//!
//! Flag names, defaults and accepted values follow pyatv's scripts so that command lines
//! written for pyatv work unchanged. Parsers return pyatv's messages where pyatv has one.

use std::collections::BTreeSet;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr};
use std::process::ExitCode;
use std::str::FromStr;

use atv::Protocol;
use clap::{Args, ValueEnum};

/// Where device settings (credentials, passwords, ...) are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum StorageKind {
    /// A JSON file (`--storage-filename`, by default `~/.pyatv.conf`).
    File,
    /// Nothing is kept between runs.
    None,
}

/// `--storage` and `--storage-filename` (both tools).
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Settings")]
pub(crate) struct StorageArgs {
    /// Storage backend for settings
    #[arg(long, value_enum, default_value_t = StorageKind::File)]
    pub(crate) storage: StorageKind,

    /// File used by file storage ("default" means ~/.pyatv.conf)
    #[arg(
        long = "storage-filename",
        value_name = "STORAGE_FILENAME",
        default_value = "default"
    )]
    pub(crate) storage_filename: String,
}

/// A secret given on the command line (credentials, password): kept out of `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    /// The secret itself.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

/// `--{dmap,mrp,airplay,companion,raop}-credentials` (both tools).
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Credentials")]
pub(crate) struct CredentialArgs {
    /// Credentials for DMAP
    #[arg(
        id = "dmap_credentials",
        long = "dmap-credentials",
        value_name = "DMAP_CREDENTIALS"
    )]
    pub(crate) dmap: Option<Secret>,
    /// Credentials for MRP
    #[arg(
        id = "mrp_credentials",
        long = "mrp-credentials",
        value_name = "MRP_CREDENTIALS"
    )]
    pub(crate) mrp: Option<Secret>,
    /// Credentials for AirPlay
    #[arg(
        id = "airplay_credentials",
        long = "airplay-credentials",
        value_name = "AIRPLAY_CREDENTIALS"
    )]
    pub(crate) airplay: Option<Secret>,
    /// Credentials for Companion
    #[arg(
        id = "companion_credentials",
        long = "companion-credentials",
        value_name = "COMPANION_CREDENTIALS"
    )]
    pub(crate) companion: Option<Secret>,
    /// Credentials for RAOP
    #[arg(
        id = "raop_credentials",
        long = "raop-credentials",
        value_name = "RAOP_CREDENTIALS"
    )]
    pub(crate) raop: Option<Secret>,
}

impl CredentialArgs {
    /// The credentials given for `protocol`, if any.
    pub(crate) fn get(&self, protocol: Protocol) -> Option<&str> {
        let value = match protocol {
            Protocol::Dmap => &self.dmap,
            Protocol::Mrp => &self.mrp,
            Protocol::AirPlay => &self.airplay,
            Protocol::Companion => &self.companion,
            Protocol::Raop => &self.raop,
            _ => &None,
        };
        value.as_ref().map(Secret::expose)
    }
}

/// `--airplay-password` and `--raop-password` (atvremote).
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Passwords")]
pub(crate) struct PasswordArgs {
    /// Password for AirPlay
    #[arg(
        id = "airplay_password",
        long = "airplay-password",
        value_name = "AIRPLAY_PASSWORD"
    )]
    pub(crate) airplay: Option<Secret>,
    /// Password for RAOP
    #[arg(
        id = "raop_password",
        long = "raop-password",
        value_name = "RAOP_PASSWORD"
    )]
    pub(crate) raop: Option<Secret>,
}

impl PasswordArgs {
    /// The password given for `protocol`, if any (only AirPlay and RAOP have one).
    pub(crate) fn get(&self, protocol: Protocol) -> Option<&str> {
        let value = match protocol {
            Protocol::AirPlay => &self.airplay,
            Protocol::Raop => &self.raop,
            _ => &None,
        };
        value.as_ref().map(Secret::expose)
    }
}

/// The names pyatv accepts for protocols, in pyatv's order.
fn protocol_choices() -> String {
    Protocol::ALL.map(Protocol::lower_name).join(", ")
}

/// Parses a protocol name exactly as pyatv does: lower-case names only.
pub(crate) fn parse_protocol(value: &str) -> Result<Protocol, String> {
    Protocol::ALL
        .into_iter()
        .find(|p| p.lower_name() == value)
        .ok_or_else(|| format!("Valid protocols are: {}", protocol_choices()))
}

/// A comma-separated set of protocols (`--scan-protocols mrp,airplay`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProtocolSet(pub(crate) BTreeSet<Protocol>);

impl FromStr for ProtocolSet {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        value
            .split(',')
            .map(parse_protocol)
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

/// A comma-separated list of hosts to scan with unicast DNS-SD (`-s 10.0.0.2,10.0.0.3`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScanHosts(pub(crate) Vec<Ipv4Addr>);

impl FromStr for ScanHosts {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        value
            .split(',')
            .map(|host| match host.parse::<IpAddr>() {
                Ok(IpAddr::V4(address)) => Ok(address),
                Ok(IpAddr::V6(_)) => Err(format!(
                    "'{host}' is an IPv6 address; only IPv4 hosts can be scanned"
                )),
                Err(_) => Err(format!(
                    "'{host}' does not appear to be an IPv4 or IPv6 address"
                )),
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

/// `-i/--id` of atvremote: one identifier, or several separated by commas (pyatv keeps a
/// single one as a string and several as a set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DeviceId {
    /// Exactly one identifier was given (possibly empty).
    One(String),
    /// Several identifiers were given; a device matches when it has any of them.
    Many(BTreeSet<String>),
}

impl DeviceId {
    /// The identifiers a scan should match, or `None` for no filter (an empty single
    /// identifier filters nothing, as in pyatv).
    pub(crate) fn scan_filter(&self) -> Option<BTreeSet<String>> {
        match self {
            Self::One(id) if id.is_empty() => None,
            Self::One(id) => Some(BTreeSet::from([id.clone()])),
            Self::Many(ids) => Some(ids.clone()),
        }
    }
}

impl FromStr for DeviceId {
    type Err = std::convert::Infallible;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = value.split(',').collect();
        Ok(if parts.len() == 1 {
            Self::One(value.to_owned())
        } else {
            Self::Many(parts.into_iter().map(str::to_owned).collect())
        })
    }
}

/// Parses an integer the way Python's `int()` parses a string: surrounding whitespace,
/// an optional sign, and digits that may be grouped with single underscores.
pub(crate) fn parse_python_int(value: &str) -> Option<i64> {
    let text = value.trim();
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
        || !digits.bytes().all(|b| b.is_ascii_digit() || b == b'_')
    {
        return None;
    }
    let magnitude: i64 = digits.replace('_', "").parse().ok()?;
    Some(if negative { -magnitude } else { magnitude })
}

/// Checks `lower <= value < upper` like pyatv's range checker, with its message.
fn in_range(value: &str, lower: i64, upper: i64) -> Result<i64, String> {
    let number = parse_python_int(value).ok_or_else(|| format!("'{value}' is not an integer"))?;
    if number >= lower && number < upper {
        Ok(number)
    } else {
        Err(format!("Must be greater >= {lower} and < {upper}"))
    }
}

/// `-t/--scan-timeout` of atvremote: whole seconds, 1 to 99.
pub(crate) fn parse_scan_timeout(value: &str) -> Result<u64, String> {
    in_range(value, 1, 100).map(|n| n.unsigned_abs())
}

/// `--port` of atvremote: 0 to 65534 (pyatv's upper bound is exclusive).
pub(crate) fn parse_port(value: &str) -> Result<u16, String> {
    in_range(value, 0, 65535).and_then(|n| u16::try_from(n).map_err(|e| e.to_string()))
}

/// `-p/--pin` of atvremote: 0 to 9998, or `none` for no PIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pin(pub(crate) Option<u16>);

impl FromStr for Pin {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        if value.eq_ignore_ascii_case("none") {
            return Ok(Self(None));
        }
        in_range(value, 0, 9999)
            .and_then(|n| u16::try_from(n).map_err(|e| e.to_string()))
            .map(|n| Self(Some(n)))
    }
}

/// `--output` of atvscript: only JSON exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum OutputFormat {
    /// One JSON object per line, as Python's `json.dumps` writes it.
    #[default]
    Json,
}

impl FromStr for OutputFormat {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "json" => Ok(Self::Json),
            _ => Err("Valid formats are: json".to_owned()),
        }
    }
}

/// Prints a command-line error (or the help/version text clap produced) and gives the
/// exit code: `usage_error_code` for errors, success for `--help`/`--version`.
pub(crate) fn report_parse_error(error: &clap::Error, usage_error_code: u8) -> ExitCode {
    let _ = error.print();
    if error.use_stderr() {
        ExitCode::from(usage_error_code)
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_int_rules() {
        assert_eq!(parse_python_int(" 3 "), Some(3));
        assert_eq!(parse_python_int("+07"), Some(7));
        assert_eq!(parse_python_int("-1_000"), Some(-1000));
        for bad in ["", "x", "1__0", "_1", "1_", "3.0", "--1", "+"] {
            assert_eq!(parse_python_int(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn ranges_exclude_the_upper_bound() {
        assert_eq!(parse_scan_timeout("1"), Ok(1));
        assert_eq!(parse_scan_timeout("99"), Ok(99));
        assert_eq!(
            parse_scan_timeout("100"),
            Err("Must be greater >= 1 and < 100".into())
        );
        assert_eq!(
            parse_scan_timeout("0"),
            Err("Must be greater >= 1 and < 100".into())
        );
        assert!(parse_port("65535").is_err());
        assert_eq!(parse_port("65534"), Ok(65534));
        assert_eq!("None".parse::<Pin>(), Ok(Pin(None)));
        assert_eq!("9998".parse::<Pin>(), Ok(Pin(Some(9998))));
        assert!("9999".parse::<Pin>().is_err());
    }

    #[test]
    fn protocols_are_lower_case_names() {
        assert_eq!(parse_protocol("airplay"), Ok(Protocol::AirPlay));
        assert_eq!(
            parse_protocol("MRP"),
            Err("Valid protocols are: dmap, mrp, airplay, companion, raop".into())
        );
        let set: ProtocolSet = "mrp,raop,mrp".parse().unwrap();
        assert_eq!(set.0, BTreeSet::from([Protocol::Mrp, Protocol::Raop]));
        assert!("mrp,".parse::<ProtocolSet>().is_err());
    }

    #[test]
    fn scan_hosts_are_ipv4() {
        let hosts: ScanHosts = "127.0.0.1,10.0.0.2".parse().unwrap();
        assert_eq!(hosts.0.len(), 2);
        assert_eq!(
            "1.2.3".parse::<ScanHosts>(),
            Err("'1.2.3' does not appear to be an IPv4 or IPv6 address".into())
        );
        assert!("::1".parse::<ScanHosts>().is_err());
        assert!("".parse::<ScanHosts>().is_err());
    }

    #[test]
    fn identifiers_split_on_commas() {
        assert_eq!("abc".parse(), Ok(DeviceId::One("abc".into())));
        let many: DeviceId = "a,b,a".parse().unwrap();
        assert_eq!(
            many.scan_filter(),
            Some(BTreeSet::from(["a".to_owned(), "b".to_owned()]))
        );
        assert_eq!(DeviceId::One(String::new()).scan_filter(), None);
    }

    #[test]
    fn secrets_stay_out_of_debug() {
        let creds = CredentialArgs {
            mrp: Some("aa:bb".parse().unwrap()),
            ..Default::default()
        };
        assert!(!format!("{creds:?}").contains("aa:bb"));
        assert_eq!(creds.get(Protocol::Mrp), Some("aa:bb"));
        assert_eq!(creds.get(Protocol::Raop), None);
    }
}
