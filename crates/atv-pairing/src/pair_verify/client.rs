//! The client side of pair-verify, one type per step.

use std::fmt;

use rand::rngs::OsRng;
use rand::{CryptoRng, RngCore};

use super::{ENCRYPT_INFO, ENCRYPT_SALT, M2_NONCE, M3_NONCE, PROTOCOL};
use crate::credentials::HapCredentials;
use crate::error::{Error, Result};
use crate::hap_message::{expect_state, field, message};
use crate::identity::{X25519Pair, key32, verify_signature};
use crate::session_cipher::{open_with_label, seal_with_label};
use crate::session_keys::{SharedSecret, hkdf_sha512};
use crate::tlv8::{Tag, Tlv8};

/// A pair-verify client before M1: stored credentials and a fresh X25519 key pair.
pub struct PairVerifyClient {
    credentials: HapCredentials,
    ephemeral: X25519Pair,
}

impl PairVerifyClient {
    /// A client for these credentials.
    pub fn new(credentials: HapCredentials) -> Self {
        Self::with_rng(credentials, &mut OsRng)
    }

    /// Like [`new`](Self::new), drawing the X25519 key from `rng`.
    pub fn with_rng<R: RngCore + CryptoRng>(credentials: HapCredentials, rng: &mut R) -> Self {
        Self {
            credentials,
            ephemeral: X25519Pair::generate(rng),
        }
    }

    /// Builds M1 (state 1 and our X25519 public key).
    pub fn start(self) -> (AwaitingM2, Vec<u8>) {
        let m1 = message(1)
            .with(Tag::PUBLIC_KEY, self.ephemeral.public().to_vec())
            .encode();
        (AwaitingM2 { client: self }, m1)
    }
}

/// Sent M1, waiting for M2 (the device's X25519 key and signed identity).
pub struct AwaitingM2 {
    client: PairVerifyClient,
}

impl AwaitingM2 {
    /// Checks the device's identity and signature in M2 and builds M3 (ours).
    pub fn handle_m2(self, m2: &[u8]) -> Result<(AwaitingM4, Vec<u8>)> {
        const STEP: &str = "pair-verify M2";
        let tlv = expect_state(m2, PROTOCOL, 2)?;
        let server_public = key32(
            field(&tlv, Tag::PUBLIC_KEY, STEP, "PublicKey")?,
            STEP,
            "PublicKey",
        )?;
        let sealed = field(&tlv, Tag::ENCRYPTED_DATA, STEP, "EncryptedData")?;

        let PairVerifyClient {
            credentials,
            ephemeral,
        } = self.client;
        let shared = ephemeral.agree(&server_public)?;
        let encrypt_key = hkdf_sha512(&shared, ENCRYPT_SALT, ENCRYPT_INFO);
        let inner = Tlv8::decode(&open_with_label(&encrypt_key, M2_NONCE, sealed, STEP)?)?;
        let identifier = field(&inner, Tag::IDENTIFIER, STEP, "Identifier")?;
        let signature = field(&inner, Tag::SIGNATURE, STEP, "Signature")?;
        if identifier != credentials.atv_id.as_slice() {
            return Err(Error::WrongDevice);
        }
        let client_public = ephemeral.public();
        let signed = [&server_public[..], identifier, client_public].concat();
        verify_signature(&credentials.ltpk, &signed, signature, STEP)?;

        let own = [&client_public[..], &credentials.client_id, &server_public].concat();
        let inner = Tlv8::new()
            .with(Tag::IDENTIFIER, credentials.client_id.clone())
            .with(Tag::SIGNATURE, credentials.client_key().sign(&own).to_vec());
        let sealed = seal_with_label(&encrypt_key, M3_NONCE, &inner.encode());
        let m3 = message(3).with(Tag::ENCRYPTED_DATA, sealed).encode();
        Ok((
            AwaitingM4 {
                shared: SharedSecret::new(shared.to_vec()),
            },
            m3,
        ))
    }
}

/// Sent M3, waiting for M4 (the device's acceptance).
pub struct AwaitingM4 {
    shared: SharedSecret,
}

impl AwaitingM4 {
    /// Checks M4 and returns the shared secret to derive session keys from.
    pub fn handle_m4(self, m4: &[u8]) -> Result<SharedSecret> {
        expect_state(m4, PROTOCOL, 4)?;
        Ok(self.shared)
    }
}

impl fmt::Debug for PairVerifyClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PairVerifyClient")
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for AwaitingM2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AwaitingM2")
            .field("client", &self.client)
            .finish()
    }
}

impl fmt::Debug for AwaitingM4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AwaitingM4").finish_non_exhaustive()
    }
}
