//! Unicast scanning: asking one host directly.
//!
//! The queries go from an ephemeral port straight to `host:port`, which makes them "legacy
//! unicast" queries that a responder answers by unicast with the query's identifier echoed.
//! The scan ends as soon as the host's answer is complete, by the rule multicast scans use
//! for one device ([`crate::multicast_collector`]): every instance the host pointed to has
//! its SRV, TXT and address records, and either every query message (each has its own
//! identifier) got an answer or the host has been silent for [`QUIET_PERIOD`] (a host
//! does not answer a message asking only for services it lacks). Otherwise queries are
//! resent every second until the timeout and whatever came in is returned. Meanwhile the host's usual TCP ports are knocked on to wake a device in deep
//! sleep.
//!
//! To scan several hosts, run several `unicast` calls concurrently (for example with
//! `tokio::join!` or a `JoinSet`); each uses its own socket.

use std::io;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::time::Duration;

use atv_core::discovery::MdnsResponse;
use tokio::time::Instant;

use crate::decode::decode;
use crate::error::Error;
use crate::interfaces::{is_on_local_subnet, local_interfaces};
use crate::knock::{KNOCK_PORTS, knock};
use crate::message::MDNS_PORT;
use crate::multicast_collector::QUIET_PERIOD;
use crate::query::service_type_queries;
use crate::receive::RECEIVE_BUFFER;
use crate::service_table::{
    ServiceTable, completeness_types, kept_service_types, response_from_services,
};
use crate::sockets::plain_socket;

/// Time between two sends of the queries.
const RESEND_INTERVAL: Duration = Duration::from_secs(1);
/// Knocking stops this long before the timeout.
const KNOCK_MARGIN: Duration = Duration::from_millis(200);

/// What a unicast scan asks and of whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnicastOptions {
    /// The host to ask.
    pub host: Ipv4Addr,
    /// Service types, e.g. `_airplay._tcp.local` (no trailing dot).
    pub service_types: Vec<String>,
    /// How long to wait at most.
    pub timeout: Duration,
    /// The host's mDNS port (5353).
    pub port: u16,
    /// TCP ports knocked on meanwhile ([`KNOCK_PORTS`] by default; empty for none).
    pub knock_ports: Vec<u16>,
}

impl UnicastOptions {
    /// Options for `host` with the defaults: no service types yet, 3 s, port 5353, the
    /// default knock ports.
    pub fn new(host: Ipv4Addr) -> Self {
        Self {
            host,
            service_types: Vec::new(),
            timeout: Duration::from_secs(3),
            port: MDNS_PORT,
            knock_ports: KNOCK_PORTS.to_vec(),
        }
    }
}

/// Asks `options.host` for its services by unicast.
///
/// Returns as soon as the host's answer is complete (see the module docs), else what
/// arrived by the timeout. To scan several hosts, run several calls concurrently (`tokio::join!`, a
/// `JoinSet`): each uses its own socket, so there is no `unicast_many`.
///
/// Fails with [`Error::NonLocalSubnet`] before sending anything when the host is neither
/// loopback nor inside the subnet of a local interface.
pub async fn unicast(options: &UnicastOptions) -> Result<MdnsResponse, Error> {
    let interfaces = local_interfaces()?;
    if !is_on_local_subnet(options.host, &interfaces) {
        return Err(Error::NonLocalSubnet { host: options.host });
    }
    let first_id = query_id_base();
    let queries = service_type_queries(&options.service_types, first_id)?;
    let kept = kept_service_types(&options.service_types);
    let required = completeness_types(&kept)?;
    let mut table = ServiceTable::new();
    if queries.is_empty() {
        return Ok(response_from_services(Vec::new(), false));
    }

    let target = SocketAddrV4::new(options.host, options.port);
    let socket = plain_socket(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0))
        .map_err(Error::io("opening a UDP socket"))?;
    socket
        .connect(target)
        .await
        .map_err(Error::io("addressing the host"))?;

    let start = Instant::now();
    let deadline = start + options.timeout;
    let knocking = knock(
        options.host,
        &options.knock_ports,
        options.timeout.saturating_sub(KNOCK_MARGIN),
    );
    tokio::pin!(knocking);
    let mut knocked = options.knock_ports.is_empty();

    let mut answered: Vec<u16> = Vec::new();
    let mut unattributed = 0usize;
    let mut next_send = start;
    let mut buffer = vec![0u8; RECEIVE_BUFFER];
    // When the host's answer counts as complete if it stays silent (set once every pointed
    // instance is complete, moved on by each packet).
    let mut quiet_deadline: Option<Instant> = None;
    'scan: while answered.len() + unattributed < queries.len() {
        let now = Instant::now();
        if now >= deadline || quiet_deadline.is_some_and(|quiet| now >= quiet) {
            break;
        }
        if now >= next_send {
            for query in &queries {
                if let Err(e) = socket.send(&query.bytes).await {
                    if e.kind() == io::ErrorKind::ConnectionRefused {
                        // Nothing listens there: no answer will come.
                        break 'scan;
                    }
                    tracing::debug!(%target, error = %e, "cannot send a unicast query");
                }
            }
            next_send += RESEND_INTERVAL;
        }
        let wake = next_send
            .min(deadline)
            .min(quiet_deadline.unwrap_or(deadline));
        tokio::select! {
            received = socket.recv(&mut buffer) => match received {
                Ok(len) => {
                    let Some(bytes) = buffer.get(..len) else { continue };
                    let Ok(decoded) = decode(bytes) else { continue };
                    if !decoded.packet.is_response() {
                        continue;
                    }
                    let id = decoded.packet.id;
                    if queries.iter().any(|q| q.id == id) {
                        if !answered.contains(&id) {
                            answered.push(id);
                        }
                    } else {
                        unattributed += 1;
                    }
                    table.add_packet(&decoded.packet);
                    let complete = table.has_pointers_for(&required)
                        && table.pointed_instances_complete(&required);
                    quiet_deadline = complete.then(|| Instant::now() + QUIET_PERIOD);
                }
                Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => break 'scan,
                Err(e) => tracing::debug!(%target, error = %e, "unicast receive failed"),
            },
            _ = &mut knocking, if !knocked => knocked = true,
            () = tokio::time::sleep_until(wake) => {}
        }
    }
    let allowed = |service_type: &str| kept.iter().any(|t| t.eq_ignore_ascii_case(service_type));
    let services = table
        .services()
        .into_iter()
        .filter(|s| allowed(&s.service_type))
        .collect();
    Ok(response_from_services(services, false))
}

/// A query identifier base that differs between scans and processes and is never 0 (the
/// identifier of multicast responses), leaving room for a few hundred follow-ups.
pub(crate) fn query_id_base() -> u16 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mixed = nanos ^ std::process::id().rotate_left(16);
    let folded = (mixed ^ (mixed >> 16)) & 0x3fff;
    u16::try_from(folded).unwrap_or(0) + 1
}
