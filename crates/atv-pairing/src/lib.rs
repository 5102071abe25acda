//! HomeKit (HAP) and legacy AirPlay pairing for atv: pure state machines over bytes.
//!
//! Every modern Apple protocol (MRP, AirPlay 2, Companion, RAOP on newer devices)
//! authenticates with HomeKit-style pairing. This crate holds both sides of it, as state
//! machines that take the bytes a peer sent and return the bytes to send back; the
//! protocol crates carry those bytes in their own messages.
//!
//! - [`pair_setup`]: pair-setup M1–M6 (SRP-6a, 3072-bit group, SHA-512), client
//!   ([`PairSetupClient`]) and server ([`PairSetupServer`]); the client ends with
//!   [`HapCredentials`].
//! - [`transient`]: transient pair-setup (PIN 3939, M1–M4) as HomePods use it.
//! - [`pair_verify`]: pair-verify M1–M4, client ([`PairVerifyClient`]) and server
//!   ([`PairVerifyServer`]); both end with a [`SharedSecret`].
//! - [`session_keys`]: HKDF-SHA512 and the salts/infos of each protocol, giving
//!   [`SessionKeys`].
//! - [`session_cipher`] and [`frame_codec`]: ChaCha20-Poly1305 with per-direction nonce
//!   counters, and the HAP framing as a `tokio_util` codec.
//! - [`credentials`]: pyatv's credentials string.
//! - [`legacy`]: legacy AirPlay pairing, client and device.
//!
//! Servers reply to bad input with an error message and a [`Status::Failed`]; clients
//! return an [`Error`]. Nothing here panics on peer input.
//!
//! ```
//! use atv_pairing::{pair_setup, pair_verify, session_keys, LongTermKey, MemoryPairingStore,
//!     PairSetupClient, PairSetupServer, PairVerifyClient, PairVerifyServer, ServerIdentity,
//!     SessionKeys, Status};
//!
//! let identity = ServerIdentity { key: LongTermKey::from_seed([7; 32]), identifier: b"device".to_vec() };
//! let mut store = MemoryPairingStore::new();
//!
//! // Pair-setup.
//! let mut server = PairSetupServer::new(identity.clone(), "1234");
//! let (client, m1) = PairSetupClient::new().start();
//! let m2 = server.handle(&m1, &mut store).message;
//! let (client, m3) = client.handle_m2(&m2)?.submit_pin("1234")?;
//! let m4 = server.handle(&m3, &mut store).message;
//! let (client, m5) = client.handle_m4(&m4)?;
//! let m6 = server.handle(&m5, &mut store).message;
//! let credentials = client.handle_m6(&m6)?.credentials;
//!
//! // Pair-verify, then keys for an MRP connection.
//! let mut server = PairVerifyServer::new(identity);
//! let (client, m1) = PairVerifyClient::new(credentials).start();
//! let (client, m3) = client.handle_m2(&server.handle(&m1, &store).message)?;
//! let reply = server.handle(&m3, &store);
//! let secret = client.handle_m4(&reply.message)?;
//! let Status::Done(verified) = reply.status else { panic!("verify failed") };
//! let ours = secret.session_keys(session_keys::MRP);
//! let theirs = verified.shared_secret.session_keys(session_keys::MRP.for_server());
//! assert_eq!(ours.output, theirs.input);
//! # Ok::<(), atv_pairing::Error>(())
//! ```
#![warn(missing_docs)]

pub mod credentials;
mod error;
pub mod frame_codec;
mod hap_message;
mod identity;
pub mod legacy;
pub mod pair_setup;
pub mod pair_verify;
mod pairing_store;
pub mod session_cipher;
pub mod session_keys;
pub mod srp;
mod srp_group;
pub mod tlv8;
pub mod transient;

pub use credentials::{Credentials, HapCredentials, LegacyCredentials};
pub use error::{DeviceErrorCode, Error, Result};
pub use frame_codec::HapFrameCodec;
pub use hap_message::{Reply, Status};
pub use identity::{LongTermKey, ServerIdentity};
pub use pair_setup::{PairSetupClient, PairSetupServer};
pub use pair_verify::{PairVerifyClient, PairVerifyServer};
pub use pairing_store::{MemoryPairingStore, PairingStore};
pub use session_cipher::{NonceLayout, SessionCipher};
pub use session_keys::{KeyLabels, SessionKeys, SharedSecret};
pub use tlv8::{Tag, Tlv8};
pub use transient::TransientClient;
