//! AirPlay support for atv.
//!
//! Layers, bottom up:
//!
//! - [`wire`] and [`datastream`]: HTTP/1.1 + RTSP/1.0 messages and the DataStream frames
//!   of the remote-control channel (pure codecs, no I/O).
//! - [`ControlConnection`]: one task owns the control socket; requests are answered in
//!   order with a timeout each; after pair-verify it switches to HAP encryption.
//!   [`RtspClient`] adds RTSP sessions on it.
//! - [`auth`]: pair-verify (HAP, transient, legacy); [`AirPlayPairingHandler`] pairs (HAP
//!   pair-setup for AirPlay 2, legacy `/pair-setup-pin` for AirPlay 1).
//! - [`Player`] plays a URL (`/play`, `/playback-info` polling, `/scrub`, `/rate`,
//!   `/stop`); [`FileServer`] serves a local file so a path can be played;
//!   [`AirPlayStream`] is atv-core's `Stream`.
//! - [`tunnel`]: the AirPlay 2 remote-control session that carries MRP (tvOS 15+);
//!   atv-mrp's client runs over it unchanged.
//! - [`setup`] and [`pair`] are the entry points the facade uses.
#![warn(missing_docs)]

pub mod auth;
mod control_connection;
pub mod datastream;
mod error;
pub mod features;
mod file_server;
mod hap_channel;
mod info;
mod pairing;
mod player;
mod plist_body;
mod rtsp_client;
pub mod scan;
mod setup;
mod stream;
pub mod tunnel;
pub mod version;
pub mod wire;

pub use control_connection::{CONNECT_TIMEOUT, ControlConnection, DEFAULT_REQUEST_TIMEOUT};
pub use error::{AirPlayError, Result};
pub use file_server::FileServer;
pub use info::device_info;
pub use pairing::{AirPlayPairingHandler, legacy_setup};
pub use player::{PLAY_RETRIES, POLL_INTERVAL, Player, WAIT_RETRIES};
pub use plist_body::BPLIST_CONTENT_TYPE;
pub use rtsp_client::{RtspClient, check_status};
pub use scan::scan;
pub use setup::{credentials_for, implied_raop_service, pair, setup, wants_tunnel};
pub use stream::{AirPlayFeatures, AirPlayRemoteControl, AirPlayStream};
