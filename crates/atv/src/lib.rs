//! Discover, pair with and control Apple TVs, HomePods and AirPlay devices.
//!
//! atv is the Rust counterpart of Python's pyatv. This crate gathers the pieces: the
//! shared types ([`core`]), mDNS ([`mdns`]) and one crate per protocol, each behind a
//! cargo feature of the same name (all on by default):
//!
//! | Feature | Crate | Service types |
//! |---|---|---|
//! | `mrp` | [`mrp`] | `_mediaremotetv._tcp.local` |
//! | `airplay` | [`airplay`] | `_airplay._tcp.local` |
//! | `companion` | [`companion`] | `_companion-link._tcp.local` |
//! | `raop` | [`raop`] | `_raop._tcp.local`, `_airport._tcp.local` |
//! | `dmap` | [`dmap`] | `_appletv-v2._tcp.local`, `_touch-able._tcp.local`, `_hscp._tcp.local` |
//!
//! # Scanning
//!
//! ```no_run
//! use std::time::Duration;
//!
//! # async fn example() -> Result<(), atv::Error> {
//! // Everything on the local network, waiting 5 seconds for answers.
//! let devices = atv::scan(atv::ScanOptions::default().timeout(Duration::from_secs(5))).await?;
//! for device in &devices {
//!     println!("{} at {} ({:?})", device.name, device.address, device.identifier());
//!     for service in device.services() {
//!         println!("  {service}");
//!     }
//! }
//!
//! // One device, asked directly, stopping as soon as it has answered.
//! let options = atv::ScanOptions::default()
//!     .host("10.0.0.10".parse().expect("an IPv4 address"))
//!     .identifier("AA:BB:CC:DD:EE:FF");
//! let found = atv::scan(options).await?;
//! # let _ = found;
//! # Ok(())
//! # }
//! ```
//!
//! # Pairing, connecting and controlling
//!
//! [`pair`] returns a pairing handler for one protocol; once it finishes, the new
//! credentials are in the storage, where [`connect`] finds them. [`connect`] sets up
//! every enabled service and returns an [`AppleTv`], whose accessors relay each call
//! to the protocol that serves it best (see [`facade`]).
//!
//! ```no_run
//! use std::sync::Arc;
//!
//! use atv::core::interface::{Audio, Metadata, RemoteControl};
//! use atv::core::{InputAction, MemoryStorage, Storage};
//! use atv::{ConnectOptions, PairOptions, Protocol};
//!
//! # async fn example() -> Result<(), atv::Error> {
//! let devices = atv::scan(atv::ScanOptions::default().identifier("AA:BB:CC:DD:EE:FF")).await?;
//! let device = devices.first().ok_or(atv::Error::NotFound("no such device".into()))?;
//!
//! // Settings (and the credentials pairing writes) live in a storage; this one is
//! // forgotten at exit, `atv::storage` has one kept in a file.
//! let storage: Arc<dyn Storage> = Arc::new(MemoryStorage::new());
//!
//! // Pair once: the Apple TV shows a PIN.
//! let options = PairOptions::default().storage(Arc::clone(&storage));
//! let mut pairing = atv::pair(device, Protocol::Mrp, options).await?;
//! pairing.begin().await?;
//! pairing.pin(1234); // what the screen shows
//! pairing.finish().await?;
//! pairing.close().await?;
//!
//! // Connect with the stored credentials, control, close.
//! let atv = atv::connect(device, ConnectOptions::default().storage(storage)).await?;
//! let playing = atv.metadata().playing().await?;
//! println!("{}", playing.title.as_deref().unwrap_or("nothing"));
//! atv.remote_control().play_pause().await?;
//! atv.audio().set_volume(30.0, None).await?;
//! atv.close().await;
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]

mod assemble;
mod connect;
mod pair;
mod protocol_setup;
mod protocols;
pub mod reconnect;
mod scan;
pub mod storage;

pub use connect::{ConnectOptions, connect};
pub use pair::{PairOptions, pair};
pub use protocols::unique_id;
pub use scan::{DEFAULT_TIMEOUT, MDNS_PORT, ScanOptions, devices_from_responses, scan};

/// The shared vocabulary: configurations, services, enums, errors.
pub use atv_core as core;
pub use atv_core::{
    DeviceConfig, DeviceInfo, DeviceModel, Error, OperatingSystem, PairingRequirement, Properties,
    Protocol, Result, Service,
};

/// The facade: relaying to protocols, merged features, connect/close.
pub use atv_facade as facade;
pub use atv_facade::AppleTv;

/// mDNS scanning and publishing.
pub use atv_mdns as mdns;

/// Media Remote Protocol (feature `mrp`).
#[cfg(feature = "mrp")]
pub use atv_mrp as mrp;

/// AirPlay (feature `airplay`).
#[cfg(feature = "airplay")]
pub use atv_airplay as airplay;

/// Companion link (feature `companion`).
#[cfg(feature = "companion")]
pub use atv_companion as companion;

/// RAOP audio streaming (feature `raop`).
#[cfg(feature = "raop")]
pub use atv_raop as raop;

/// DMAP/DAAP (feature `dmap`).
#[cfg(feature = "dmap")]
pub use atv_dmap as dmap;
