//! Legacy AirPlay pairing (devices before HomeKit pairing, e.g. Apple TV 3 and older tvOS).
//!
//! Pair-setup: the client POSTs `/pair-pin-start` (the device shows a PIN), then three
//! binary-plist requests to `/pair-setup-pin`: `{method: "pin", user}` answered by
//! `{pk, salt}` (SRP-6a, 2048-bit group, SHA-1, user = upper-case hex client identifier,
//! password = PIN); `{pk, proof}` answered by `{proof}`; and `{epk, authTag}` — the
//! client's Ed25519 public key under AES-128-GCM — answered the same way with the device's
//! key. Pair-verify: two raw bodies to `/pair-verify`, an X25519 exchange whose Ed25519
//! signatures travel under AES-128-CTR.
//!
//! The plist encoding belongs to the HTTP layer; these state machines take and give the
//! plist fields as the typed messages below.

mod client;
mod server;

pub use client::{
    AwaitingChallenge, AwaitingServerProof, AwaitingVerifyReply, LegacySetupClient,
    LegacySetupDone, LegacyVerifyClient,
};
pub use server::{LegacySetupServer, LegacyVerifyServer};

use aes::Aes128;
use aes_gcm::aead::consts::U16;
use aes_gcm::aead::{AeadInPlace, KeyInit};
use aes_gcm::{AesGcm, Nonce, Tag};
use ctr::cipher::{KeyIvInit, StreamCipher};
use ring::digest;

use crate::error::{Error, Result};

/// First request of pair-setup: `{method: "pin", user: <client id, upper-case hex>}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PinRequest {
    /// Always "pin".
    pub method: String,
    /// The SRP user name.
    pub user: String,
}

/// The device's answer to [`PinRequest`]: `{pk, salt}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetupChallenge {
    /// SRP public value B.
    pub pk: Vec<u8>,
    /// SRP salt.
    pub salt: Vec<u8>,
}

/// The client's `{pk, proof}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientProof {
    /// SRP public value A.
    pub pk: Vec<u8>,
    /// SRP proof M1.
    pub proof: Vec<u8>,
}

/// The device's `{proof}` (SRP proof M2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerProof {
    /// SRP proof M2.
    pub proof: Vec<u8>,
}

/// `{epk, authTag}`: an Ed25519 public key under AES-128-GCM, sent both ways.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealedKey {
    /// The encrypted key (32 bytes).
    pub epk: Vec<u8>,
    /// The GCM tag (16 bytes).
    pub auth_tag: Vec<u8>,
}

/// Prefix of the first pair-verify body (followed by X25519 and Ed25519 public keys).
pub const VERIFY_START: [u8; 4] = [1, 0, 0, 0];
/// Prefix of the second pair-verify body (followed by the encrypted signature).
pub const VERIFY_FINISH: [u8; 4] = [0, 0, 0, 0];

type Aes128Gcm16 = AesGcm<Aes128, U16>;
type Aes128Ctr = ctr::Ctr128BE<Aes128>;

fn sha512_16(label: &[u8], secret: &[u8]) -> [u8; 16] {
    let mut ctx = digest::Context::new(&digest::SHA512);
    ctx.update(label);
    ctx.update(secret);
    let mut out = [0u8; 16];
    out.copy_from_slice(&ctx.finish().as_ref()[..16]);
    out
}

/// AES-GCM key and IV of pair-setup's key exchange, from the SRP session key. The client
/// encrypts under IV + 1 and the device under IV + 2 (added to the last byte).
struct SetupCipher {
    key: [u8; 16],
    iv: [u8; 16],
}

impl SetupCipher {
    const CLIENT: u8 = 1;
    const DEVICE: u8 = 2;

    fn new(srp_key: &[u8]) -> Self {
        Self {
            key: sha512_16(b"Pair-Setup-AES-Key", srp_key),
            iv: sha512_16(b"Pair-Setup-AES-IV", srp_key),
        }
    }

    fn iv(&self, step: u8) -> [u8; 16] {
        let mut iv = self.iv;
        iv[15] = iv[15].wrapping_add(step);
        iv
    }

    fn seal(&self, step: u8, public_key: &[u8; 32]) -> SealedKey {
        let cipher = Aes128Gcm16::new(&self.key.into());
        let mut buf = public_key.to_vec();
        let nonce = Nonce::<U16>::from(self.iv(step));
        // GCM only fails for inputs beyond its 64 GiB limit.
        let tag = cipher
            .encrypt_in_place_detached(&nonce, b"", &mut buf)
            .unwrap_or_default();
        SealedKey {
            epk: buf,
            auth_tag: tag.to_vec(),
        }
    }

    fn open(&self, step: u8, sealed: &SealedKey) -> Result<[u8; 32]> {
        const WHAT: &str = "the legacy pair-setup key";
        let mut buf = sealed.epk.clone();
        let tag: [u8; 16] = sealed
            .auth_tag
            .as_slice()
            .try_into()
            .map_err(|_| Error::DecryptFailed { what: WHAT })?;
        Aes128Gcm16::new(&self.key.into())
            .decrypt_in_place_detached(
                &Nonce::<U16>::from(self.iv(step)),
                b"",
                &mut buf,
                &Tag::from(tag),
            )
            .map_err(|_| Error::DecryptFailed { what: WHAT })?;
        buf.as_slice().try_into().map_err(|_| Error::InvalidKey {
            what: "legacy Ed25519 public",
        })
    }
}

/// The AES-128-CTR stream of pair-verify: the device's signature uses its first 64
/// bytes, the client's the next 64.
fn verify_stream(shared: &[u8; 32]) -> Aes128Ctr {
    let key = sha512_16(b"Pair-Verify-AES-Key", shared);
    let iv = sha512_16(b"Pair-Verify-AES-IV", shared);
    Aes128Ctr::new(&key.into(), &iv.into())
}

fn apply(stream: &mut Aes128Ctr, data: &[u8]) -> Vec<u8> {
    let mut out = data.to_vec();
    stream.apply_keystream(&mut out);
    out
}
