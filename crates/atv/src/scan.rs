//! Finding devices on the network (pyatv's `scan`).

use std::collections::BTreeSet;
use std::io;
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

use atv_core::discovery::MdnsResponse;
use atv_core::{DeviceConfig, Error, Protocol};
use atv_mdns::{EndCondition, MulticastOptions, UnicastOptions};

use crate::assemble::{Scanner, announces_any};

/// Default time a scan waits for answers.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);

/// Standard mDNS port.
pub const MDNS_PORT: u16 = 5353;

/// What to scan for and how.
///
/// `ScanOptions::default()` scans the whole local network (multicast) for 3 seconds for
/// every compiled-in protocol. The builder methods narrow it down:
///
/// ```
/// use std::time::Duration;
/// use atv::{Protocol, ScanOptions};
///
/// let options = ScanOptions::default()
///     .timeout(Duration::from_secs(5))
///     .identifier("AA:BB:CC:DD:EE:FF")
///     .protocol(Protocol::AirPlay)
///     .host("10.0.0.2".parse().unwrap());
/// assert_eq!(options.hosts.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanOptions {
    /// How long to wait for answers (default 3 s). Multicast scans wait this long unless
    /// a wanted identifier shows up first; unicast scans stop per host as soon as the
    /// host has answered every query.
    pub timeout: Duration,
    /// Only return a device announcing one of these identifiers (any protocol's). A
    /// multicast scan ends as soon as such a device has answered, and returns only it.
    /// `None` or an empty set returns every device.
    pub identifiers: Option<BTreeSet<String>>,
    /// Only look for these protocols; `None` (or an empty set) means all compiled-in ones.
    pub protocols: Option<BTreeSet<Protocol>>,
    /// Ask these hosts directly (unicast, all in parallel) instead of the whole network.
    /// Empty means a multicast scan.
    pub hosts: Vec<Ipv4Addr>,
    /// UDP port devices answer mDNS on (default 5353; tests use others).
    pub mdns_port: u16,
}

impl Default for ScanOptions {
    fn default() -> Self {
        Self {
            timeout: DEFAULT_TIMEOUT,
            identifiers: None,
            protocols: None,
            hosts: Vec::new(),
            mdns_port: MDNS_PORT,
        }
    }
}

impl ScanOptions {
    /// Sets how long to wait for answers.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Adds an identifier to look for.
    #[must_use]
    pub fn identifier(mut self, identifier: impl Into<String>) -> Self {
        self.identifiers
            .get_or_insert_with(BTreeSet::new)
            .insert(identifier.into());
        self
    }

    /// Adds a protocol to look for.
    #[must_use]
    pub fn protocol(mut self, protocol: Protocol) -> Self {
        self.protocols
            .get_or_insert_with(BTreeSet::new)
            .insert(protocol);
        self
    }

    /// Adds a host to ask directly (making this a unicast scan).
    #[must_use]
    pub fn host(mut self, host: Ipv4Addr) -> Self {
        self.hosts.push(host);
        self
    }

    /// Sets the UDP port devices answer mDNS on.
    #[must_use]
    pub fn mdns_port(mut self, port: u16) -> Self {
        self.mdns_port = port;
        self
    }
}

/// Scans for devices and returns their configurations.
///
/// Only devices with at least one identifier are returned (and, with
/// [`ScanOptions::identifiers`], only those announcing one of them). A unicast scan
/// returns devices in the order of [`ScanOptions::hosts`]; a multicast scan sorts them
/// by address.
///
/// # Errors
///
/// [`Error::NonLocalSubnet`] when a host is not on a local network; [`Error::Io`] or
/// [`Error::ConnectionFailed`] when the mDNS sockets cannot be used.
pub async fn scan(options: ScanOptions) -> Result<Vec<DeviceConfig>, Error> {
    let identifiers = options.identifiers.as_ref().filter(|i| !i.is_empty());
    let service_types = Scanner::new(selected_protocols(&options)).service_types();

    let responses = if options.hosts.is_empty() {
        let multicast = MulticastOptions {
            service_types,
            timeout: options.timeout,
            port: options.mdns_port,
        };
        let end_condition =
            identifiers.map(|ids| move |response: &MdnsResponse| announces_any(response, ids));
        let end_condition = end_condition.as_ref().map(|f| f as &EndCondition<'_>);
        atv_mdns::multicast(&multicast, end_condition)
            .await
            .map_err(mdns_error)?
    } else {
        let lookups = options.hosts.iter().map(|host| {
            let unicast = UnicastOptions {
                service_types: service_types.clone(),
                timeout: options.timeout,
                port: options.mdns_port,
                ..UnicastOptions::new(*host)
            };
            async move { atv_mdns::unicast(&unicast).await }
        });
        futures::future::join_all(lookups)
            .await
            .into_iter()
            .collect::<Result<Vec<_>, _>>()
            .map_err(mdns_error)?
    };

    let mut devices = devices_from_responses(&responses, &options);
    if options.hosts.is_empty() {
        devices.sort_by_key(|device| device.address);
    }
    Ok(devices)
}

/// What [`scan`] makes of mDNS answers, without touching the network: device
/// configurations in the order devices first appear in `responses`, keeping only those
/// with an identifier (and one of [`ScanOptions::identifiers`] when given), with only
/// services of [`ScanOptions::protocols`]. The other options are not used.
///
/// For callers that gather answers themselves (their own mDNS stack, recorded answers).
pub fn devices_from_responses(
    responses: &[MdnsResponse],
    options: &ScanOptions,
) -> Vec<DeviceConfig> {
    let identifiers = options.identifiers.as_ref().filter(|i| !i.is_empty());
    Scanner::new(selected_protocols(options)).devices(responses, identifiers)
}

/// The protocols to scan for; `None` for all.
fn selected_protocols(options: &ScanOptions) -> Option<&BTreeSet<Protocol>> {
    options.protocols.as_ref().filter(|p| !p.is_empty())
}

/// An atv-mdns error as an atv error.
fn mdns_error(error: atv_mdns::Error) -> Error {
    match error {
        atv_mdns::Error::NonLocalSubnet { host } => Error::NonLocalSubnet(host.to_string()),
        atv_mdns::Error::Io { action, source } => Error::Io(Arc::new(io::Error::new(
            source.kind(),
            format!("{action}: {source}"),
        ))),
        other => Error::ConnectionFailed(other.to_string()),
    }
}
