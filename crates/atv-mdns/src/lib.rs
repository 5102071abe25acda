//! Multicast and unicast mDNS / DNS-SD scanning and publishing for atv.
//!
//! This crate knows nothing of Apple protocols: it asks for service types and reports what
//! each device answered as [`MdnsResponse`]s, the way pyatv's `core/mdns.py` does.
//!
//! - [`multicast`] scans the local network, optionally ending as soon as a device matching
//!   an end condition is complete; [`unicast`] asks one host directly (with port knocking to
//!   wake a sleeping device). Sleep proxies answering for devices in deep sleep are
//!   recognised and followed up.
//! - [`Responder`] publishes service instances (for DMAP pairing, the fake device and
//!   tests), by multicast on port 5353 or on a plain UDP port.
//! - The codec is pure: [`decode`](decode::decode) (tolerant of single bad records),
//!   [`encode`](encode::encode), [`query`] building, [`service_table`] assembly, [`txt`]
//!   decoding and the responder's [`zone`]; none of them does I/O.
#![warn(missing_docs)]

pub mod decode;
pub mod encode;
mod error;
pub mod interfaces;
pub mod knock;
pub mod message;
mod multicast;
pub mod multicast_collector;
pub mod names;
pub mod query;
mod receive;
mod responder;
pub mod service_table;
mod sockets;
pub mod txt;
mod unicast;
pub mod zone;

pub use atv_core::discovery::{MdnsResponse, MdnsService};
pub use error::Error;
pub use multicast::{EndCondition, MulticastOptions, multicast};
pub use responder::{Responder, ResponderMode, ResponderOptions};
pub use unicast::{UnicastOptions, unicast};
pub use zone::Announcement;
