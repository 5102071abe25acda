//! The command line of atvscript: pyatv's flags, names and defaults.

use atv::Protocol;
use clap::Parser;

use crate::args::{CredentialArgs, OutputFormat, ScanHosts, StorageArgs, parse_protocol};

/// Scan for and control Apple TVs with machine-readable (JSON) output.
#[derive(Debug, Clone, Parser)]
#[command(name = "atvscript", version, infer_long_args = true)]
pub(crate) struct ScriptCli {
    /// Command to run: scan, playing, push_updates or a remote-control button
    #[arg(value_name = "COMMAND")]
    pub(crate) command: String,

    /// Identifier of the device
    #[arg(short = 'i', long = "id", value_name = "ID")]
    pub(crate) id: Option<String>,

    /// Protocol to use: dmap, mrp, airplay, companion or raop
    #[arg(long, value_name = "PROTOCOL", value_parser = parse_protocol)]
    pub(crate) protocol: Option<Protocol>,

    /// Ask these hosts directly instead of multicasting (comma-separated IPv4 addresses)
    #[arg(short = 's', long = "scan-hosts", value_name = "SCAN_HOSTS")]
    pub(crate) scan_hosts: Option<ScanHosts>,

    /// Output format (only json)
    #[arg(long, value_name = "OUTPUT", default_value = "json")]
    pub(crate) output: OutputFormat,

    /// Log debug messages to stderr (stdout keeps only the JSON output)
    #[arg(long)]
    pub(crate) debug: bool,

    /// Do not scan: use --address, --port, --protocol and --id (atv only)
    #[arg(short = 'm', long)]
    pub(crate) manual: bool,

    /// IP address of the device (with --manual; atv only)
    #[arg(long, value_name = "ADDRESS")]
    pub(crate) address: Option<std::net::Ipv4Addr>,

    /// Port to connect to (with --manual; atv only)
    #[arg(long, value_name = "PORT")]
    pub(crate) port: Option<u16>,

    #[command(flatten)]
    pub(crate) storage: StorageArgs,

    #[command(flatten)]
    pub(crate) credentials: CredentialArgs,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_definition_is_consistent() {
        ScriptCli::command().debug_assert();
        let cli = ScriptCli::parse_from(["atvscript", "-i", "a,b", "playing"]);
        assert_eq!(cli.id.as_deref(), Some("a,b"));
        assert_eq!(cli.output, OutputFormat::Json);
    }
}
