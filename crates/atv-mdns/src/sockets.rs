//! Creating the UDP sockets (socket2 for the options, then tokio).
//!
//! Coexistence: the multicast listener binds `0.0.0.0:port` with SO_REUSEADDR and
//! SO_REUSEPORT, so any number of atv processes, avahi or mDNSResponder share the port and
//! each gets a copy of every multicast packet. Queries are sent from per-interface sockets
//! on ephemeral ports: responders answer such ("legacy unicast") queries by unicast to that
//! port, so replies reach the process that asked, never a neighbour that happens to share
//! port 5353 (unicast datagrams to a shared port go to only one of the sockets).

use std::io;
use std::net::{Ipv4Addr, SocketAddrV4};

use socket2::{Domain, Protocol, Socket, Type};
use tokio::net::UdpSocket;

use crate::message::MDNS_GROUP;

/// IP TTL of every mDNS packet (RFC 6762 section 11).
const MDNS_TTL: u32 = 255;

fn new_udp() -> io::Result<Socket> {
    Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))
}

fn set_reuse(socket: &Socket) -> io::Result<()> {
    socket.set_reuse_address(true)?;
    #[cfg(all(unix, not(any(target_os = "solaris", target_os = "illumos"))))]
    socket.set_reuse_port(true)?;
    Ok(())
}

fn into_tokio(socket: Socket) -> io::Result<UdpSocket> {
    socket.set_nonblocking(true)?;
    UdpSocket::from_std(socket.into())
}

/// A socket on `0.0.0.0:port` that has joined the mDNS group on each of `interfaces`
/// (interfaces that refuse the membership are skipped). Fails only when binding fails or no
/// interface could be joined.
pub(crate) fn multicast_listener(port: u16, interfaces: &[Ipv4Addr]) -> io::Result<UdpSocket> {
    let socket = new_udp()?;
    set_reuse(&socket)?;
    socket.bind(&SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port).into())?;
    #[cfg(target_os = "linux")]
    {
        // Only the group memberships of this socket, not those of other sockets.
        let _ = socket.set_multicast_all_v4(false);
    }
    let mut joined = 0;
    let mut last_error = None;
    for interface in interfaces {
        match socket.join_multicast_v4(&MDNS_GROUP, interface) {
            Ok(()) => joined += 1,
            Err(e) => {
                tracing::debug!(%interface, error = %e, "cannot join the mDNS group");
                last_error = Some(e);
            }
        }
    }
    if joined == 0
        && let Some(error) = last_error
    {
        return Err(error);
    }
    socket.set_multicast_loop_v4(true)?;
    socket.set_multicast_ttl_v4(MDNS_TTL)?;
    socket.set_ttl_v4(MDNS_TTL)?;
    into_tokio(socket)
}

/// A socket bound to `address:port` that sends multicast out of the interface owning
/// `address`. With port 0 the port is ephemeral and not shared; otherwise the socket is
/// bound with address reuse so that it can share the port with a listener.
pub(crate) fn interface_socket(address: Ipv4Addr, port: u16) -> io::Result<UdpSocket> {
    let socket = new_udp()?;
    if port != 0 {
        set_reuse(&socket)?;
    }
    socket.bind(&SocketAddrV4::new(address, port).into())?;
    socket.set_multicast_if_v4(&address)?;
    socket.set_multicast_loop_v4(true)?;
    socket.set_multicast_ttl_v4(MDNS_TTL)?;
    socket.set_ttl_v4(MDNS_TTL)?;
    into_tokio(socket)
}

/// A socket on `0.0.0.0:port` (shared through address reuse) that sends multicast out of
/// the interface owning `interface` and receives no multicast itself. A responder sends
/// from it so that its packets leave from the mDNS port without taking unicast traffic
/// for that interface's address away from another mDNS stack on the host.
pub(crate) fn shared_port_sender(interface: Ipv4Addr, port: u16) -> io::Result<UdpSocket> {
    let socket = new_udp()?;
    set_reuse(&socket)?;
    socket.bind(&SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port).into())?;
    #[cfg(target_os = "linux")]
    socket.set_multicast_all_v4(false)?;
    socket.set_multicast_if_v4(&interface)?;
    socket.set_multicast_loop_v4(true)?;
    socket.set_multicast_ttl_v4(MDNS_TTL)?;
    socket.set_ttl_v4(MDNS_TTL)?;
    into_tokio(socket)
}

/// A plain UDP socket on `address` (port 0 for an ephemeral one).
pub(crate) fn plain_socket(address: SocketAddrV4) -> io::Result<UdpSocket> {
    let socket = new_udp()?;
    socket.bind(&address.into())?;
    socket.set_ttl_v4(MDNS_TTL)?;
    into_tokio(socket)
}
