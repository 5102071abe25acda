//! Scanning as both tools do it: options from the command line, the unicast port from
//! `PYATV_UDNS_PORT` (pyatv's test hook, honoured so one test can drive both tools).

use std::collections::BTreeSet;
use std::net::Ipv4Addr;
use std::time::Duration;

use atv::{DeviceConfig, Protocol};

use crate::error::CliError;

/// Environment variable pyatv reads for the port unicast scans are sent to.
pub(crate) const UNICAST_PORT_VARIABLE: &str = "PYATV_UDNS_PORT";

/// What to scan for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ScanRequest {
    /// How long to wait for answers.
    pub(crate) timeout: Duration,
    /// Keep only devices having one of these identifiers.
    pub(crate) identifiers: Option<BTreeSet<String>>,
    /// Scan only for these protocols.
    pub(crate) protocols: Option<BTreeSet<Protocol>>,
    /// Ask these hosts directly (unicast) instead of multicasting.
    pub(crate) hosts: Vec<Ipv4Addr>,
}

/// The port unicast scans go to: `PYATV_UDNS_PORT` when set, else 5353.
pub(crate) fn unicast_port() -> Result<u16, CliError> {
    match std::env::var(UNICAST_PORT_VARIABLE) {
        Err(_) => Ok(atv::MDNS_PORT),
        Ok(value) => match value.trim().parse::<u16>() {
            Ok(port) if port != 0 => Ok(port),
            _ => Err(CliError::InvalidEnvironment {
                name: UNICAST_PORT_VARIABLE,
                value,
                reason: "expected a port number from 1 to 65535",
            }),
        },
    }
}

/// Scans the network and returns the devices found, in the order atv reports them.
pub(crate) async fn scan(request: ScanRequest) -> Result<Vec<DeviceConfig>, CliError> {
    let options = scan_options(request)?;
    tracing::debug!(target: "atv_cli", ?options, "scanning");
    atv::scan(options).await.map_err(CliError::Scan)
}

/// The library's scan options for `request`.
pub(crate) fn scan_options(request: ScanRequest) -> Result<atv::ScanOptions, CliError> {
    Ok(atv::ScanOptions {
        timeout: request.timeout,
        identifiers: request.identifiers,
        protocols: request.protocols,
        // Like pyatv, the variable only redirects unicast scans; multicast stays on 5353.
        mdns_port: if request.hosts.is_empty() {
            atv::MDNS_PORT
        } else {
            unicast_port()?
        },
        hosts: request.hosts,
    })
}
