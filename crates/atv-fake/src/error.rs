//! The errors of the fake device.

use std::net::SocketAddr;

/// What can go wrong while running the fake device or one of its connections.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A listening socket could not be bound.
    #[error("cannot listen on {address} ({source}); choose another address or free the port")]
    Bind {
        /// The address asked for.
        address: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The mDNS announcement could not be started.
    #[error(
        "cannot announce the fake device over mDNS ({0}); check --local-ip names an \
         address of this machine"
    )]
    Announce(#[from] atv_mdns::Error),
    /// Reading or writing a connection failed, or a frame was malformed.
    #[error("MRP connection failed: {0}")]
    Framing(#[from] atv_mrp::framing::FramingError),
    /// An AirPlay message was malformed, or its connection failed.
    #[error("AirPlay connection failed: {0}")]
    AirPlay(#[from] atv_airplay::wire::CodecError),
    /// A Companion frame was malformed, or its connection failed.
    #[error("Companion connection failed: {0}")]
    Companion(#[from] atv_companion::CodecError),
    /// Reading or writing a connection failed.
    #[error("connection failed: {0}")]
    Io(#[from] std::io::Error),
    /// A frame did not decrypt: the client's keys or counters differ.
    #[error("cannot decrypt a message from the client; it must pair-verify again")]
    DecryptFailed,
    /// A message could not be encrypted.
    #[error("cannot encrypt a message for the client; reconnect")]
    EncryptFailed,
    /// The client sent nothing for too long.
    #[error("the client sent nothing for too long; it must reconnect")]
    IdleTimeout,
    /// The client did not take a message in time.
    #[error("the client did not read a message in time; it must reconnect")]
    WriteTimeout,
    /// The device was built without any protocol.
    #[error("no protocol enabled: enable at least one (e.g. `--mrp`)")]
    NoProtocol,
}
