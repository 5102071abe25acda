//! The command line of atvremote: pyatv's flags, names and defaults.

use std::time::Duration;

use atv::Protocol;
use clap::{Args, Parser};

use crate::args::{
    CredentialArgs, DeviceId, PasswordArgs, Pin, ProtocolSet, ScanHosts, StorageArgs, parse_port,
    parse_protocol, parse_scan_timeout,
};
use crate::discovery::ScanRequest;
use crate::error::CliError;
use crate::logging::LogLevel;

/// Discover and control Apple TVs, HomePods and AirPlay devices.
#[derive(Debug, Clone, Parser)]
#[command(name = "atvremote", version, infer_long_args = true)]
pub(crate) struct RemoteCli {
    /// Commands to run (scan, pair, play, ...), or `help COMMAND`
    #[arg(value_name = "COMMAND", required = true, num_args = 1..)]
    pub(crate) command: Vec<String>,

    #[command(flatten)]
    pub(crate) device: DeviceArgs,

    #[command(flatten)]
    pub(crate) scan: ScanArgs,

    #[command(flatten)]
    pub(crate) pairing: PairingArgs,

    #[command(flatten)]
    pub(crate) manual: ManualArgs,

    #[command(flatten)]
    pub(crate) credentials: CredentialArgs,

    #[command(flatten)]
    pub(crate) passwords: PasswordArgs,

    #[command(flatten)]
    pub(crate) debug: DebugArgs,

    #[command(flatten)]
    pub(crate) storage: StorageArgs,
}

/// Which device to talk to.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Device")]
pub(crate) struct DeviceArgs {
    /// Identifier of the device (several separated by commas match any of them)
    #[arg(short = 'i', long = "id", value_name = "ID")]
    pub(crate) id: Option<DeviceId>,

    /// Name of the device (exact match; --id is then ignored)
    #[arg(short = 'n', long = "name", value_name = "NAME")]
    pub(crate) name: Option<String>,

    /// IP address of the device (with --manual)
    #[arg(long, value_name = "ADDRESS")]
    pub(crate) address: Option<String>,

    /// Protocol to use: dmap, mrp, airplay, companion or raop
    #[arg(long, value_name = "PROTOCOL", value_parser = parse_protocol)]
    pub(crate) protocol: Option<Protocol>,

    /// Port to connect to (with --manual)
    #[arg(long, value_name = "PORT", default_value = "0", value_parser = parse_port)]
    pub(crate) port: u16,
}

/// How to scan.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Scanning")]
pub(crate) struct ScanArgs {
    /// Seconds to wait for devices to answer (1-99)
    #[arg(
        short = 't',
        long = "scan-timeout",
        value_name = "TIMEOUT",
        default_value = "3",
        value_parser = parse_scan_timeout
    )]
    pub(crate) scan_timeout: u64,

    /// Ask these hosts directly instead of multicasting (comma-separated IPv4 addresses)
    #[arg(short = 's', long = "scan-hosts", value_name = "SCAN_HOSTS")]
    pub(crate) scan_hosts: Option<ScanHosts>,

    /// Scan only for these protocols (comma-separated)
    #[arg(long = "scan-protocols", value_name = "SCAN_PROTOCOLS")]
    pub(crate) scan_protocols: Option<ProtocolSet>,
}

impl ScanArgs {
    /// The scan these options ask for, filtering on `identifiers`.
    pub(crate) fn request(&self, identifiers: Option<&DeviceId>) -> ScanRequest {
        ScanRequest {
            timeout: Duration::from_secs(self.scan_timeout),
            identifiers: identifiers.and_then(DeviceId::scan_filter),
            protocols: self.scan_protocols.as_ref().map(|p| p.0.clone()),
            hosts: self
                .scan_hosts
                .as_ref()
                .map(|h| h.0.clone())
                .unwrap_or_default(),
        }
    }
}

/// Options of `pair`.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Pairing")]
pub(crate) struct PairingArgs {
    /// Name atv shows itself as on the device when pairing
    #[arg(
        long = "remote-name",
        value_name = "REMOTE_NAME",
        default_value = "pyatv"
    )]
    pub(crate) remote_name: String,

    /// PIN code to pair with (0-9998, or "none")
    #[arg(short = 'p', long = "pin", value_name = "PIN", default_value = "1234")]
    pub(crate) pin: Pin,

    /// Pairing GUID for DMAP (16 hex digits)
    #[arg(long = "pairing-guid", value_name = "PAIRING_GUID")]
    pub(crate) pairing_guid: Option<String>,
}

/// Giving the device by hand instead of scanning.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Manual device")]
pub(crate) struct ManualArgs {
    /// Do not scan: use --address, --port, --protocol (and --id, --name) as given
    #[arg(short = 'm', long = "manual")]
    pub(crate) manual: bool,

    /// mDNS properties of the manual service: a separator character then key=value
    /// pairs, e.g. ",name=test,type=x"
    #[arg(
        long = "service-properties",
        value_name = "SERVICE_PROPERTIES",
        default_value = ""
    )]
    pub(crate) service_properties: String,
}

/// Logging.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Debugging")]
pub(crate) struct DebugArgs {
    /// Log informational messages
    #[arg(short = 'v', long = "verbose")]
    pub(crate) verbose: bool,

    /// Log debug messages
    #[arg(long = "debug")]
    pub(crate) debug: bool,

    /// Log every mDNS packet
    #[arg(long = "mdns-debug")]
    pub(crate) mdns_debug: bool,
}

impl DebugArgs {
    /// The log level these flags ask for.
    pub(crate) fn level(&self) -> LogLevel {
        LogLevel {
            verbose: self.verbose,
            debug: self.debug,
            mdns_debug: self.mdns_debug,
        }
    }
}

impl RemoteCli {
    /// Checks what the parser cannot: options that only go together.
    pub(crate) fn validate(&self) -> Result<(), CliError> {
        if self.manual.manual && matches!(self.device.id, Some(DeviceId::Many(_))) {
            return Err(CliError::InvalidArguments(
                "--manual only supports one identifier to --id".into(),
            ));
        }
        if !self.manual.manual && !self.manual.service_properties.is_empty() {
            return Err(CliError::InvalidArguments(
                "--service-properties only allowed with --manual".into(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_definition_is_consistent() {
        RemoteCli::command().debug_assert();
    }

    #[test]
    fn pyatv_defaults() {
        let cli = RemoteCli::parse_from(["atvremote", "scan"]);
        assert_eq!(cli.scan.scan_timeout, 3);
        assert_eq!(cli.device.port, 0);
        assert_eq!(cli.pairing.pin, Pin(Some(1234)));
        assert_eq!(cli.pairing.remote_name, "pyatv");
        assert_eq!(cli.storage.storage_filename, "default");
        let request = cli.scan.request(None);
        assert_eq!(request.timeout, Duration::from_secs(3));
        assert!(request.hosts.is_empty() && request.identifiers.is_none());
    }

    #[test]
    fn options_may_follow_commands_and_be_abbreviated() {
        let cli = RemoteCli::parse_from([
            "atvremote",
            "scan",
            "--scan-t",
            "7",
            "-i",
            "a,b",
            "-s",
            "127.0.0.1",
            "--scan-protocols=mrp,raop",
        ]);
        assert_eq!(cli.command, ["scan"]);
        let request = cli.scan.request(cli.device.id.as_ref());
        assert_eq!(request.timeout, Duration::from_secs(7));
        assert_eq!(request.identifiers.map(|i| i.len()), Some(2));
        assert_eq!(request.hosts, [std::net::Ipv4Addr::LOCALHOST]);
        assert_eq!(request.protocols.map(|p| p.len()), Some(2));
        let cli = RemoteCli::parse_from(["atvremote", "-p", "none", "play", "pause"]);
        assert_eq!(cli.pairing.pin, Pin(None));
        assert_eq!(cli.command, ["play", "pause"]);
    }
}
