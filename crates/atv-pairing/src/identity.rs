//! Keys: the Ed25519 long-term key each side signs with, and the X25519 key pair each
//! pair-verify creates for its Diffie-Hellman exchange.

use std::fmt;
use std::sync::Arc;

use rand::{CryptoRng, RngCore};
use ring::signature::{self, Ed25519KeyPair, KeyPair};
use x25519_dalek::{PublicKey, StaticSecret};

use crate::error::{Error, Result};

/// An Ed25519 long-term key (LTSK/LTPK), kept as its 32-byte seed. Debug hides the seed.
#[derive(Clone)]
pub struct LongTermKey {
    seed: [u8; 32],
    pair: Arc<Ed25519KeyPair>,
}

impl LongTermKey {
    /// The key with this 32-byte seed (what pyatv stores as "ltsk").
    pub fn from_seed(seed: [u8; 32]) -> Self {
        // A 32-byte seed is always a valid Ed25519 private key; `from_seed_unchecked` only
        // rejects other lengths.
        let pair = Ed25519KeyPair::from_seed_unchecked(&seed)
            .unwrap_or_else(|_| unreachable!("32-byte Ed25519 seeds are always accepted"));
        Self {
            seed,
            pair: Arc::new(pair),
        }
    }

    /// A new random key.
    pub fn generate<R: RngCore + CryptoRng>(rng: &mut R) -> Self {
        let mut seed = [0u8; 32];
        rng.fill_bytes(&mut seed);
        Self::from_seed(seed)
    }

    /// The 32-byte seed (secret).
    pub fn seed(&self) -> &[u8; 32] {
        &self.seed
    }

    /// The 32-byte public key (LTPK).
    pub fn public_key(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        out.copy_from_slice(self.pair.public_key().as_ref());
        out
    }

    /// Signs `message`.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        let mut out = [0u8; 64];
        out.copy_from_slice(self.pair.sign(message).as_ref());
        out
    }
}

impl fmt::Debug for LongTermKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LongTermKey")
            .field("public_key", &hex::encode(self.public_key()))
            .finish_non_exhaustive()
    }
}

/// Checks an Ed25519 signature by `public_key`; `what` names the signed message in errors.
pub(crate) fn verify_signature(
    public_key: &[u8],
    message: &[u8],
    sig: &[u8],
    what: &'static str,
) -> Result<()> {
    signature::UnparsedPublicKey::new(&signature::ED25519, public_key)
        .verify(message, sig)
        .map_err(|_| Error::BadSignature { what })
}

/// Reads a 32-byte key from a message field.
pub(crate) fn key32(bytes: &[u8], step: &'static str, field: &'static str) -> Result<[u8; 32]> {
    bytes
        .try_into()
        .map_err(|_| Error::MalformedField { step, field })
}

/// A device or fake device: its long-term key and the identifier it pairs under.
#[derive(Clone, Debug)]
pub struct ServerIdentity {
    /// The Ed25519 long-term key.
    pub key: LongTermKey,
    /// The pairing identifier (pyatv's fake device uses an upper-case UUID string).
    pub identifier: Vec<u8>,
}

/// An X25519 key pair for one Diffie-Hellman exchange.
pub(crate) struct X25519Pair {
    secret: StaticSecret,
    public: [u8; 32],
}

impl X25519Pair {
    pub(crate) fn generate<R: RngCore + CryptoRng>(rng: &mut R) -> Self {
        let mut bytes = [0u8; 32];
        rng.fill_bytes(&mut bytes);
        Self::from_bytes(bytes)
    }

    /// The pair with this private scalar (legacy AirPlay reuses the Ed25519 seed).
    pub(crate) fn from_bytes(bytes: [u8; 32]) -> Self {
        let secret = StaticSecret::from(bytes);
        let public = PublicKey::from(&secret).to_bytes();
        Self { secret, public }
    }

    pub(crate) fn public(&self) -> &[u8; 32] {
        &self.public
    }

    /// The shared secret with a peer's public key; rejects low-order points (all-zero
    /// result), which would make the secret predictable.
    pub(crate) fn agree(&self, peer: &[u8; 32]) -> Result<[u8; 32]> {
        let shared = self.secret.diffie_hellman(&PublicKey::from(*peer));
        if !shared.was_contributory() {
            return Err(Error::InvalidKey {
                what: "X25519 public",
            });
        }
        Ok(shared.to_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc8032_test_1() {
        let seed: [u8; 32] =
            hex::decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
                .unwrap()
                .try_into()
                .unwrap();
        let key = LongTermKey::from_seed(seed);
        assert_eq!(
            hex::encode(key.public_key()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
        );
        let sig = key.sign(b"");
        assert_eq!(
            hex::encode(sig),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155\
             5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        );
        verify_signature(&key.public_key(), b"", &sig, "test").unwrap();
        assert!(verify_signature(&key.public_key(), b"x", &sig, "test").is_err());
        assert!(!format!("{key:?}").contains("9d61b1"));
    }

    #[test]
    fn rfc7748_diffie_hellman() {
        let alice: [u8; 32] =
            hex::decode("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
                .unwrap()
                .try_into()
                .unwrap();
        let bob_public: [u8; 32] =
            hex::decode("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
                .unwrap()
                .try_into()
                .unwrap();
        let pair = X25519Pair::from_bytes(alice);
        assert_eq!(
            hex::encode(pair.public()),
            "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
        );
        assert_eq!(
            hex::encode(pair.agree(&bob_public).unwrap()),
            "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"
        );
        assert!(pair.agree(&[0; 32]).is_err());
    }
}
