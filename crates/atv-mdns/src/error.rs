//! The crate's error type.

use std::io;
use std::net::Ipv4Addr;

/// Everything that can go wrong while scanning, publishing or handling DNS messages.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A unicast scan was asked for a host outside every local IPv4 subnet. Unicast mDNS
    /// only reaches devices on the same link, and nothing was sent.
    #[error(
        "{host} is not on a local network: the device must be on the same network as this \
         computer (scan it by an address of a local subnet, or use a multicast scan)"
    )]
    NonLocalSubnet {
        /// The address that was asked for.
        host: Ipv4Addr,
    },

    /// No IPv4 interface that is up, not loopback and multicast-capable was found, so a
    /// multicast scan or a multicast responder has nowhere to go.
    #[error(
        "no multicast-capable IPv4 network interface found: connect to a network, or scan \
         a device by its address (unicast)"
    )]
    NoInterfaces,

    /// A packet could not be parsed: its header or question section is malformed.
    #[error("malformed DNS packet: {reason} (the packet was ignored)")]
    MalformedPacket {
        /// What was wrong.
        reason: String,
    },

    /// A name cannot be expressed in DNS (empty label, label over 63 bytes, name over 255
    /// bytes, or not a `_service._tcp.local` service type where one is needed).
    #[error("invalid DNS name {name:?}: {reason}; use a shorter or well-formed name")]
    InvalidName {
        /// The name as given.
        name: String,
        /// What is wrong with it.
        reason: String,
    },

    /// A message could not be encoded (for example a TXT entry over 255 bytes).
    #[error("cannot encode DNS message: {reason}; shorten the offending TXT entry or name")]
    Encode {
        /// What failed.
        reason: String,
    },

    /// A socket operation failed.
    #[error(
        "network error while {action}: {source} (check the network configuration and that the port is free)"
    )]
    Io {
        /// What was being done, e.g. "binding the mDNS socket".
        action: &'static str,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
}

impl Error {
    pub(crate) fn io(action: &'static str) -> impl FnOnce(io::Error) -> Self {
        move |source| Self::Io { action, source }
    }

    pub(crate) fn malformed(reason: impl Into<String>) -> Self {
        Self::MalformedPacket {
            reason: reason.into(),
        }
    }

    pub(crate) fn invalid_name(name: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::InvalidName {
            name: name.into(),
            reason: reason.into(),
        }
    }
}
