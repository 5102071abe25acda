//! Companion link support for atv.
//!
//! Layers, bottom up:
//!
//! - [`opack`], [`frame`], [`message`], [`requests`], [`commands`],
//!   [`keyed_archiver`]: the wire formats and the messages a client sends (pure, no I/O).
//! - [`connection`]: one task owns the socket ([`CompanionConnection`]); requests are
//!   matched to responses by transaction id with a timeout, events are broadcast, and
//!   after pair-verify the task encrypts (ChaCha20-Poly1305).
//! - [`CompanionClient`]: connects with pair-verify, runs pyatv's start-up exchange,
//!   follows power, volume and keyboard events, and hands out atv-core's interfaces:
//!   [`CompanionApps`], [`CompanionUserAccounts`], [`CompanionPower`],
//!   [`CompanionRemoteControl`], [`CompanionAudio`], [`CompanionKeyboard`],
//!   [`CompanionTouchGestures`], [`CompanionFeatures`].
//! - [`CompanionPairingHandler`] pairs (pair-setup in `PS_*` frames); [`setup`] and
//!   [`pair`] are the entry points the facade uses.
#![warn(missing_docs)]

mod apps;
mod audio;
mod auth;
mod client;
mod codec_error;
pub mod commands;
pub mod connection;
mod error;
mod features;
pub mod frame;
mod keyboard;
pub mod keyed_archiver;
pub mod message;
pub mod opack;
mod pairing;
mod power;
mod remote_control;
pub mod requests;
pub mod scan;
mod setup;
mod touch;

pub use apps::{CompanionApps, CompanionUserAccounts};
pub use atv_core::setup::{Interfaces, ProtocolSession, SetupData};
pub use audio::{CompanionAudio, VOLUME_WAIT_TIMEOUT};
pub use client::{CompanionClient, CompanionClientConfig};
pub use codec_error::CodecError;
pub use connection::{CloseReason, CompanionConnection, ConnectionOptions, Event};
pub use error::{CompanionError, Result};
pub use features::{CompanionFeatures, feature_state, supported_features};
pub use keyboard::CompanionKeyboard;
pub use pairing::CompanionPairingHandler;
pub use power::{CompanionPower, POWER_WAIT_TIMEOUT};
pub use remote_control::{CompanionRemoteControl, DEFAULT_SKIP_SECONDS, HOLD_DURATION};
pub use scan::scan;
pub use setup::{client_config, pair, setup};
pub use touch::{CompanionTouchGestures, TOUCH_INTERVAL};
