//! Multicast scanning: asking the whole link.
//!
//! Sockets (see [`sockets`](crate::sockets)): one listener on `0.0.0.0:port` shared with
//! other mDNS stacks, joined to the group on every multicast-capable, non-loopback IPv4
//! interface, and one sender per interface on an ephemeral port. Queries go out from every
//! sender, once a second until the timeout; answers come back by unicast to the sender
//! (legacy unicast replies) or by multicast to the listener, and both are taken. What the
//! answers mean, and when a device counts as complete, is the job of
//! [`MulticastCollector`](crate::multicast_collector::MulticastCollector).

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::time::Duration;

use atv_core::discovery::MdnsResponse;
use tokio::net::UdpSocket;
use tokio::time::Instant;

use crate::error::Error;
use crate::interfaces::{LocalInterface, multicast_interfaces};
use crate::message::{MDNS_GROUP, MDNS_PORT};
use crate::multicast_collector::{MulticastCollector, PacketOutcome};
use crate::query::{QueryMessage, service_type_queries};
use crate::receive::{RECEIVE_BUFFER, recv_from_any};
use crate::sockets::{interface_socket, multicast_listener};
use crate::unicast::query_id_base;

/// Time between two rounds of queries.
const RESEND_INTERVAL: Duration = Duration::from_secs(1);
/// Offset of the identifiers of follow-up queries to sleep proxies.
const FOLLOWUP_ID_OFFSET: u16 = 0x4000;

/// What a multicast scan asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MulticastOptions {
    /// Service types, e.g. `_airplay._tcp.local` (no trailing dot).
    pub service_types: Vec<String>,
    /// How long the scan lasts (unless it ends early).
    pub timeout: Duration,
    /// The mDNS port (5353).
    pub port: u16,
}

impl Default for MulticastOptions {
    fn default() -> Self {
        Self {
            service_types: Vec::new(),
            timeout: Duration::from_secs(3),
            port: MDNS_PORT,
        }
    }
}

/// The end condition: called with a device's complete response; `true` ends the scan with
/// that device alone.
pub type EndCondition<'a> = dyn Fn(&MdnsResponse) -> bool + Send + Sync + 'a;

/// Scans the local network by multicast; returns one response per answering address.
///
/// With an `end_condition`, the scan returns as soon as a device whose records are complete
/// (see [`multicast_collector`](crate::multicast_collector)) satisfies it, with that device
/// only. Fails with [`Error::NoInterfaces`] when there is no interface to scan on.
pub async fn multicast(
    options: &MulticastOptions,
    end_condition: Option<&(dyn Fn(&MdnsResponse) -> bool + Send + Sync)>,
) -> Result<Vec<MdnsResponse>, Error> {
    let interfaces = multicast_interfaces()?;
    if interfaces.is_empty() {
        return Err(Error::NoInterfaces);
    }
    let addresses: Vec<Ipv4Addr> = interfaces.iter().map(|i| i.address).collect();
    let listener = match multicast_listener(options.port, &addresses) {
        Ok(listener) => Some(listener),
        Err(e) => {
            tracing::debug!(error = %e, "no mDNS listener; relying on unicast replies");
            None
        }
    };
    let mut senders: Vec<(LocalInterface, UdpSocket)> = Vec::new();
    let mut last_error = None;
    for interface in interfaces {
        match interface_socket(interface.address, 0) {
            Ok(socket) => senders.push((interface, socket)),
            Err(e) => last_error = Some(e),
        }
    }
    if senders.is_empty() {
        return Err(match last_error {
            Some(e) => Error::Io {
                action: "opening the mDNS query sockets",
                source: e,
            },
            None => Error::NoInterfaces,
        });
    }

    let first_id = query_id_base();
    let queries = service_type_queries(&options.service_types, first_id)?;
    let mut collector = MulticastCollector::new(
        &options.service_types,
        queries.iter().map(|q| q.id).collect(),
        first_id.wrapping_add(FOLLOWUP_ID_OFFSET),
    )?;

    let mut all: Vec<&UdpSocket> = senders.iter().map(|(_, s)| s).collect();
    if let Some(listener) = &listener {
        all.push(listener);
    }
    let group = SocketAddrV4::new(MDNS_GROUP, options.port);
    let start = Instant::now();
    let deadline = start + options.timeout;
    let mut next_round = start;
    let mut buffer = vec![0u8; RECEIVE_BUFFER];
    loop {
        let now = Instant::now();
        if now >= deadline {
            break;
        }
        if now >= next_round {
            for query in &queries {
                for (_, socket) in &senders {
                    send(socket, &query.bytes, group).await;
                }
            }
            let followups: Vec<(Ipv4Addr, Vec<QueryMessage>)> = collector
                .followups()
                .map(|(address, queries)| (address, queries.to_vec()))
                .collect();
            for (address, queries) in followups {
                send_followups(&senders, address, options.port, &queries).await;
            }
            next_round += RESEND_INTERVAL;
        }
        let mut wake = next_round.min(deadline);
        // Devices settling by silence matter only to an end condition.
        if let Some(quiet) = end_condition.and(collector.next_quiet_deadline()) {
            wake = wake.min(Instant::from_std(quiet));
        }
        tokio::select! {
            (_, received) = recv_from_any(&all, &mut buffer) => {
                if let Ok((len, SocketAddr::V4(from))) = received
                    && let Some(bytes) = buffer.get(..len)
                {
                    let now = Instant::now().into_std();
                    let outcome = collector.handle_packet(*from.ip(), bytes, now);
                    if let PacketOutcome::SleepProxy(queries) = outcome {
                        send_followups(&senders, *from.ip(), options.port, &queries).await;
                    }
                }
            }
            () = tokio::time::sleep_until(wake) => {}
        }
        if let Some(end_condition) = end_condition {
            for address in collector.take_settled(Instant::now().into_std()) {
                if let Some(response) = collector.response(address)
                    && end_condition(&response)
                {
                    return Ok(vec![response]);
                }
            }
        }
    }
    Ok(collector.responses())
}

async fn send(socket: &UdpSocket, bytes: &[u8], to: SocketAddrV4) {
    if let Err(e) = socket.send_to(bytes, to).await {
        tracing::debug!(%to, error = %e, "cannot send an mDNS query");
    }
}

/// Sends queries to a sleep proxy by unicast, from the sender on its subnet (else all).
async fn send_followups(
    senders: &[(LocalInterface, UdpSocket)],
    address: Ipv4Addr,
    port: u16,
    queries: &[QueryMessage],
) {
    let to = SocketAddrV4::new(address, port);
    let on_link: Vec<&UdpSocket> = senders
        .iter()
        .filter(|(i, _)| i.contains(address))
        .map(|(_, s)| s)
        .collect();
    let chosen: Vec<&UdpSocket> = if on_link.is_empty() {
        senders.iter().map(|(_, s)| s).collect()
    } else {
        on_link
    };
    for socket in chosen {
        for query in queries {
            send(socket, &query.bytes, to).await;
        }
    }
}
