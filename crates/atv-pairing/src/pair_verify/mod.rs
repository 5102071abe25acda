//! HomeKit pair-verify (M1–M4): both sides prove they hold the long-term keys exchanged in
//! pair-setup and agree on a fresh X25519 shared secret, from which each protocol derives
//! its session keys (see [`crate::session_keys`]).

mod client;
mod server;

pub use client::{AwaitingM2, AwaitingM4, PairVerifyClient};
pub use server::{PairVerifyServer, VerifiedClient};

/// Name of this exchange in errors.
pub(crate) const PROTOCOL: &str = "pair-verify";
/// HKDF salt and info of the key that encrypts M2 and M3.
pub(crate) const ENCRYPT_SALT: &[u8] = b"Pair-Verify-Encrypt-Salt";
pub(crate) const ENCRYPT_INFO: &[u8] = b"Pair-Verify-Encrypt-Info";
/// Nonce labels of the encrypted parts of M2 and M3.
pub(crate) const M2_NONCE: &[u8; 8] = b"PV-Msg02";
pub(crate) const M3_NONCE: &[u8; 8] = b"PV-Msg03";
