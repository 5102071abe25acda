//! The server side of pair-verify.

use std::{fmt, mem};

use rand::rngs::{OsRng, StdRng};
use rand::{RngCore, SeedableRng};

use super::{ENCRYPT_INFO, ENCRYPT_SALT, M2_NONCE, M3_NONCE, PROTOCOL};
use crate::error::{Error, Result};
use crate::hap_message::{Reply, check_state, field, message};
use crate::identity::{ServerIdentity, X25519Pair, key32, verify_signature};
use crate::pairing_store::PairingStore;
use crate::session_cipher::{open_with_label, seal_with_label};
use crate::session_keys::{SharedSecret, hkdf_sha512};
use crate::tlv8::{Tag, Tlv8};

/// A client that passed pair-verify.
#[derive(Debug)]
pub struct VerifiedClient {
    /// The client's pairing identifier.
    pub identifier: Vec<u8>,
    /// The secret to derive session keys from.
    pub shared_secret: SharedSecret,
}

/// What the server remembers between M2 and M3.
struct Pending {
    shared: [u8; 32],
    encrypt_key: [u8; 32],
    client_public: [u8; 32],
    server_public: [u8; 32],
}

enum State {
    AwaitingM1,
    AwaitingM3(Pending),
    Finished,
}

/// The server side of pair-verify. Feed it each request with [`handle`](Self::handle) and
/// send back the reply it gives. A new M1 starts over at any point.
pub struct PairVerifyServer {
    identity: ServerIdentity,
    rng: StdRng,
    state: State,
}

impl PairVerifyServer {
    /// A server answering as `identity`.
    pub fn new(identity: ServerIdentity) -> Self {
        Self::with_rng(identity, &mut OsRng)
    }

    /// Like [`new`](Self::new), drawing X25519 keys from a generator seeded by `rng`.
    pub fn with_rng<R: RngCore>(identity: ServerIdentity, rng: &mut R) -> Self {
        let mut seed = [0u8; 32];
        rng.fill_bytes(&mut seed);
        Self {
            identity,
            rng: StdRng::from_seed(seed),
            state: State::AwaitingM1,
        }
    }

    /// Handles one request; M3 is accepted only from a client in `store`.
    pub fn handle(&mut self, request: &[u8], store: &dyn PairingStore) -> Reply<VerifiedClient> {
        let state = mem::replace(&mut self.state, State::Finished);
        let request = Tlv8::decode(request);
        let restart = request.as_ref().ok().and_then(|t| t.get_uint(Tag::STATE)) == Some(1);
        let (reply_state, result) = match state {
            _ if restart => (2, self.m1(request)),
            State::AwaitingM1 => (2, self.m1(request)),
            State::AwaitingM3(pending) => (4, m3(request, &pending, store)),
            State::Finished => (2, Err(Error::Finished)),
        };
        result.unwrap_or_else(|error| {
            self.state = State::Finished;
            Reply::failed(reply_state, error)
        })
    }

    fn m1(&mut self, request: Result<Tlv8>) -> Result<Reply<VerifiedClient>> {
        const STEP: &str = "pair-verify M1";
        let tlv = check_state(request?, PROTOCOL, 1)?;
        let client_public = key32(
            field(&tlv, Tag::PUBLIC_KEY, STEP, "PublicKey")?,
            STEP,
            "PublicKey",
        )?;
        let ephemeral = X25519Pair::generate(&mut self.rng);
        let shared = ephemeral.agree(&client_public)?;
        let encrypt_key = hkdf_sha512(&shared, ENCRYPT_SALT, ENCRYPT_INFO);
        let server_public = *ephemeral.public();

        let id = &self.identity.identifier;
        let signed = [&server_public[..], id, &client_public].concat();
        let inner = Tlv8::new()
            .with(Tag::IDENTIFIER, id.clone())
            .with(Tag::SIGNATURE, self.identity.key.sign(&signed).to_vec());
        let m2 = message(2)
            .with(Tag::PUBLIC_KEY, server_public.to_vec())
            .with(
                Tag::ENCRYPTED_DATA,
                seal_with_label(&encrypt_key, M2_NONCE, &inner.encode()),
            )
            .encode();
        self.state = State::AwaitingM3(Pending {
            shared,
            encrypt_key,
            client_public,
            server_public,
        });
        Ok(Reply::next(m2))
    }
}

fn m3(
    request: Result<Tlv8>,
    pending: &Pending,
    store: &dyn PairingStore,
) -> Result<Reply<VerifiedClient>> {
    const STEP: &str = "pair-verify M3";
    let tlv = check_state(request?, PROTOCOL, 3)?;
    let sealed = field(&tlv, Tag::ENCRYPTED_DATA, STEP, "EncryptedData")?;
    let inner = Tlv8::decode(&open_with_label(
        &pending.encrypt_key,
        M3_NONCE,
        sealed,
        STEP,
    )?)?;
    let identifier = field(&inner, Tag::IDENTIFIER, STEP, "Identifier")?;
    let signature = field(&inner, Tag::SIGNATURE, STEP, "Signature")?;
    let client_key = store.client_key(identifier).ok_or(Error::UnknownClient)?;
    let signed = [
        &pending.client_public[..],
        identifier,
        &pending.server_public,
    ]
    .concat();
    verify_signature(&client_key, &signed, signature, STEP)?;
    let verified = VerifiedClient {
        identifier: identifier.to_vec(),
        shared_secret: SharedSecret::new(pending.shared.to_vec()),
    };
    Ok(Reply::done(message(4).encode(), verified))
}

impl fmt::Debug for PairVerifyServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            State::AwaitingM1 => "awaiting M1",
            State::AwaitingM3(_) => "awaiting M3",
            State::Finished => "finished",
        };
        f.debug_struct("PairVerifyServer")
            .field(
                "identifier",
                &String::from_utf8_lossy(&self.identity.identifier),
            )
            .field("state", &state)
            .finish_non_exhaustive()
    }
}
