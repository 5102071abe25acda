//! HomeKit pair-setup (M1–M6): the client proves it knows the PIN with SRP, then both
//! sides exchange their Ed25519 long-term keys, encrypted under a key derived from SRP.
//! With the transient flag (see [`crate::transient`]) the exchange stops after M4.

mod client;
mod server;

use crate::error::Result;
use crate::hap_message::field;
use crate::identity::{LongTermKey, key32, verify_signature};
use crate::session_cipher::{open_with_label, seal_with_label};
use crate::tlv8::{Tag, Tlv8};

pub use client::{AwaitingM2, AwaitingM4, AwaitingM6, AwaitingPin, PairSetupClient, Paired};
pub use server::{PairSetupServer, PairedClient, SetupOutcome};

/// Name of this exchange in errors.
pub(crate) const PROTOCOL: &str = "pair-setup";
/// SRP user name of HomeKit pair-setup.
pub(crate) const SRP_USERNAME: &[u8] = b"Pair-Setup";
/// HKDF salt and info of the key that encrypts M5 and M6.
pub(crate) const ENCRYPT_SALT: &[u8] = b"Pair-Setup-Encrypt-Salt";
pub(crate) const ENCRYPT_INFO: &[u8] = b"Pair-Setup-Encrypt-Info";
/// HKDF salt and info of the value the client signs in M5.
pub(crate) const CONTROLLER_SIGN_SALT: &[u8] = b"Pair-Setup-Controller-Sign-Salt";
pub(crate) const CONTROLLER_SIGN_INFO: &[u8] = b"Pair-Setup-Controller-Sign-Info";
/// HKDF salt and info of the value the device signs in M6.
pub(crate) const ACCESSORY_SIGN_SALT: &[u8] = b"Pair-Setup-Accessory-Sign-Salt";
pub(crate) const ACCESSORY_SIGN_INFO: &[u8] = b"Pair-Setup-Accessory-Sign-Info";
/// Nonce labels of the encrypted parts of M5 and M6.
pub(crate) const M5_NONCE: &[u8; 8] = b"PS-Msg05";
pub(crate) const M6_NONCE: &[u8; 8] = b"PS-Msg06";

/// The encrypted payload of M5 or M6: identifier, long-term public key, signature, and
/// whatever else the sender added.
pub(crate) struct ExchangedIdentity {
    pub(crate) identifier: Vec<u8>,
    pub(crate) public_key: [u8; 32],
    pub(crate) extra: Tlv8,
}

impl ExchangedIdentity {
    /// Builds the payload for `key`/`identifier`, signing `sign_prefix | identifier | LTPK`.
    pub(crate) fn seal(
        key: &LongTermKey,
        identifier: &[u8],
        sign_prefix: &[u8],
        extra: &Tlv8,
        encrypt_key: &[u8; 32],
        nonce: &[u8; 8],
    ) -> Vec<u8> {
        let public_key = key.public_key();
        let signature = key.sign(&[sign_prefix, identifier, &public_key].concat());
        let mut inner = Tlv8::new()
            .with(Tag::IDENTIFIER, identifier.to_vec())
            .with(Tag::PUBLIC_KEY, public_key.to_vec())
            .with(Tag::SIGNATURE, signature.to_vec());
        for (tag, value) in extra.iter() {
            inner.push(tag, value.to_vec());
        }
        seal_with_label(encrypt_key, nonce, &inner.encode())
    }

    /// Decrypts and checks the payload of message `step`.
    pub(crate) fn open(
        sealed: &[u8],
        sign_prefix: &[u8],
        encrypt_key: &[u8; 32],
        nonce: &[u8; 8],
        step: &'static str,
    ) -> Result<Self> {
        let plain = open_with_label(encrypt_key, nonce, sealed, step)?;
        let inner = Tlv8::decode(&plain)?;
        let identifier = field(&inner, Tag::IDENTIFIER, step, "Identifier")?.to_vec();
        let public_key = key32(
            field(&inner, Tag::PUBLIC_KEY, step, "PublicKey")?,
            step,
            "PublicKey",
        )?;
        let signature = field(&inner, Tag::SIGNATURE, step, "Signature")?;
        let signed = [sign_prefix, &identifier, &public_key].concat();
        verify_signature(&public_key, &signed, signature, step)?;
        let extra = inner
            .iter()
            .filter(|(t, _)| ![Tag::IDENTIFIER, Tag::PUBLIC_KEY, Tag::SIGNATURE].contains(t))
            .map(|(t, v)| (t, v.to_vec()))
            .collect();
        Ok(Self {
            identifier,
            public_key,
            extra,
        })
    }
}
