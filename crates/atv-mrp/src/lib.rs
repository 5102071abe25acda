//! Media Remote Protocol support for atv.
//!
//! Layers, bottom up:
//!
//! - [`protobuf`], [`framing`], [`message_builders`]: the messages, their varint framing
//!   and the requests a client sends (pure, no I/O).
//! - [`connection`]: one task owns the socket ([`MrpConnection`]); requests are matched
//!   to replies by identifier with a timeout, other messages go to a [`MessageObserver`]
//!   and a broadcast channel; after pair-verify the task encrypts (ChaCha20-Poly1305).
//! - [`player_state`], [`model`], [`playing`], [`features`]: the model of the device
//!   (apps, players, now playing, volume, output devices, power) assembled from its
//!   messages as pyatv assembles it (pure).
//! - [`MrpClient`]: connects, runs the start-up exchange (device information,
//!   pair-verify, connection state, update subscription, keyboard session, heartbeats)
//!   and hands out atv-core's interfaces: [`MrpRemoteControl`], [`MrpMetadata`],
//!   [`MrpPower`], [`MrpPushUpdater`], [`MrpAudio`], [`MrpFeatures`].
//! - [`MrpPairingHandler`] pairs (pair-setup in CRYPTO_PAIRING messages); [`setup`] and
//!   [`pair`] are the entry points the facade uses.
#![warn(missing_docs)]

pub mod artwork;
mod artwork_fetcher;
pub mod artwork_url;
mod audio;
pub mod buttons;
mod client;
pub mod connection;
mod crypto_pairing;
mod error;
pub mod features;
pub mod framing;
pub mod message_builders;
mod metadata;
pub mod model;
mod pairing;
pub mod player_state;
pub mod playing;
mod power;
pub mod protobuf;
mod push_updates;
mod remote_control;
pub mod scan;
mod session;
mod setup;

pub use artwork_fetcher::{ArtworkFetcher, FetchedImage, PlainHttpFetcher};
pub use atv_core::setup::{Interfaces, ProtocolSession, SetupData};
pub use audio::{MrpAudio, OUTPUT_DEVICES_WAIT_TIMEOUT, VOLUME_STEP, VOLUME_WAIT_TIMEOUT};
pub use client::{ByteStream, MrpClient, MrpClientConfig, SecuredTransport};
pub use connection::{
    CloseReason, ConnectionOptions, MessageObserver, MrpConnection, WeakMrpConnection,
};
pub use error::{MrpError, Result};
pub use features::MrpFeatures;
pub use metadata::MrpMetadata;
pub use pairing::MrpPairingHandler;
pub use power::{MrpPower, POWER_WAIT_TIMEOUT};
pub use push_updates::MrpPushUpdater;
pub use remote_control::{DEFAULT_SKIP_INTERVAL, MrpRemoteControl};
pub use scan::scan;
pub use session::{HEARTBEAT_INTERVAL, HEARTBEAT_RETRIES};
pub use setup::{client_config, pair, setup, setup_with};
