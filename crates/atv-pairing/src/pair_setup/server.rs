//! The server (accessory) side of pair-setup, including transient pair-setup.

use std::{fmt, mem};

use rand::rngs::{OsRng, StdRng};
use rand::{RngCore, SeedableRng};

use super::{
    ACCESSORY_SIGN_INFO, ACCESSORY_SIGN_SALT, CONTROLLER_SIGN_INFO, CONTROLLER_SIGN_SALT,
    ENCRYPT_INFO, ENCRYPT_SALT, ExchangedIdentity, M5_NONCE, M6_NONCE, PROTOCOL, SRP_USERNAME,
};
use crate::error::{Error, Result};
use crate::hap_message::{Reply, check_state, field, message};
use crate::identity::ServerIdentity;
use crate::pairing_store::PairingStore;
use crate::session_keys::{SharedSecret, hkdf_sha512};
use crate::srp::{SrpServer, SrpVariant};
use crate::tlv8::{Flags, Tag, Tlv8};
use crate::transient::TRANSIENT_PIN;

/// A client that completed pair-setup with this server (it is in the store now).
#[derive(Clone, Debug)]
pub struct PairedClient {
    /// The client's pairing identifier.
    pub identifier: Vec<u8>,
    /// The client's Ed25519 long-term public key.
    pub public_key: [u8; 32],
    /// Other items the client put in M5 (e.g. its name).
    pub extra: Tlv8,
}

/// How a pair-setup ended on the server.
#[derive(Debug)]
pub enum SetupOutcome {
    /// Regular pair-setup: the client is paired.
    Paired(PairedClient),
    /// Transient pair-setup: nothing is stored; derive session keys from this secret.
    Transient(SharedSecret),
}

enum State {
    AwaitingM1,
    AwaitingM3 { srp: SrpServer, transient: bool },
    AwaitingM5 { srp_key: Vec<u8> },
    Finished,
}

/// The server side of pair-setup. Feed it each request with [`handle`](Self::handle) and
/// send back the reply it gives. A new M1 starts over at any point.
pub struct PairSetupServer {
    identity: ServerIdentity,
    pin: String,
    m6_extra: Tlv8,
    rng: StdRng,
    state: State,
}

impl PairSetupServer {
    /// A server that accepts `pin` (and the transient PIN when the client asks for
    /// transient pairing).
    pub fn new(identity: ServerIdentity, pin: &str) -> Self {
        Self::with_rng(identity, pin, &mut OsRng)
    }

    /// Like [`new`](Self::new), drawing salts and SRP secrets from a generator seeded by
    /// `rng`.
    pub fn with_rng<R: RngCore>(identity: ServerIdentity, pin: &str, rng: &mut R) -> Self {
        let mut seed = [0u8; 32];
        rng.fill_bytes(&mut seed);
        Self {
            identity,
            pin: pin.to_owned(),
            m6_extra: Tlv8::new(),
            rng: StdRng::from_seed(seed),
            state: State::AwaitingM1,
        }
    }

    /// Adds an item to the encrypted part of M6 (Companion devices send OPACK device
    /// information as [`Tag::NAME`]).
    #[must_use]
    pub fn with_m6_item(mut self, tag: Tag, value: impl Into<Vec<u8>>) -> Self {
        self.m6_extra.push(tag, value);
        self
    }

    /// Handles one request from the client, stores the client after a successful M5.
    pub fn handle(&mut self, request: &[u8], store: &mut dyn PairingStore) -> Reply<SetupOutcome> {
        let state = mem::replace(&mut self.state, State::Finished);
        let request = Tlv8::decode(request);
        let restart = request.as_ref().ok().and_then(|t| t.get_uint(Tag::STATE)) == Some(1);
        let (reply_state, result) = match state {
            _ if restart => (2, self.m1(request)),
            State::AwaitingM1 => (2, self.m1(request)),
            State::AwaitingM3 { srp, transient } => (4, self.m3(request, &srp, transient)),
            State::AwaitingM5 { srp_key } => (6, self.m5(request, &srp_key, store)),
            State::Finished => (2, Err(Error::Finished)),
        };
        result.unwrap_or_else(|error| {
            self.state = State::Finished;
            Reply::failed(reply_state, error)
        })
    }

    fn m1(&mut self, request: Result<Tlv8>) -> Result<Reply<SetupOutcome>> {
        let tlv = check_state(request?, PROTOCOL, 1)?;
        let flags = tlv.get_uint(Tag::FLAGS).unwrap_or(0);
        let transient = flags & u64::from(Flags::TRANSIENT) != 0;
        let pin = if transient {
            TRANSIENT_PIN
        } else {
            self.pin.as_str()
        };
        let mut salt = [0u8; 16];
        self.rng.fill_bytes(&mut salt);
        let mut private = [0u8; 32];
        self.rng.fill_bytes(&mut private);
        let srp = SrpServer::new(
            SrpVariant::hap(),
            SRP_USERNAME,
            pin.as_bytes(),
            &salt,
            &private,
        );
        let m2 = message(2)
            .with(Tag::SALT, salt.to_vec())
            .with(Tag::PUBLIC_KEY, srp.public_key())
            .encode();
        self.state = State::AwaitingM3 { srp, transient };
        Ok(Reply::next(m2))
    }

    fn m3(
        &mut self,
        request: Result<Tlv8>,
        srp: &SrpServer,
        transient: bool,
    ) -> Result<Reply<SetupOutcome>> {
        const STEP: &str = "pair-setup M3";
        let tlv = check_state(request?, PROTOCOL, 3)?;
        let client_public = field(&tlv, Tag::PUBLIC_KEY, STEP, "PublicKey")?;
        let proof = field(&tlv, Tag::PROOF, STEP, "Proof")?;
        let session = srp.verify_client(client_public, proof)?;
        let m4 = message(4)
            .with(Tag::PROOF, session.proof().to_vec())
            .encode();
        if transient {
            return Ok(Reply::done(
                m4,
                SetupOutcome::Transient(SharedSecret::new(session.key().to_vec())),
            ));
        }
        self.state = State::AwaitingM5 {
            srp_key: session.key().to_vec(),
        };
        Ok(Reply::next(m4))
    }

    fn m5(
        &mut self,
        request: Result<Tlv8>,
        srp_key: &[u8],
        store: &mut dyn PairingStore,
    ) -> Result<Reply<SetupOutcome>> {
        const STEP: &str = "pair-setup M5";
        let tlv = check_state(request?, PROTOCOL, 5)?;
        let sealed = field(&tlv, Tag::ENCRYPTED_DATA, STEP, "EncryptedData")?;
        let encrypt_key = hkdf_sha512(srp_key, ENCRYPT_SALT, ENCRYPT_INFO);
        let controller_x = hkdf_sha512(srp_key, CONTROLLER_SIGN_SALT, CONTROLLER_SIGN_INFO);
        let client = ExchangedIdentity::open(sealed, &controller_x, &encrypt_key, M5_NONCE, STEP)?;
        store.add_client(&client.identifier, client.public_key);

        let accessory_x = hkdf_sha512(srp_key, ACCESSORY_SIGN_SALT, ACCESSORY_SIGN_INFO);
        let sealed = ExchangedIdentity::seal(
            &self.identity.key,
            &self.identity.identifier,
            &accessory_x,
            &self.m6_extra,
            &encrypt_key,
            M6_NONCE,
        );
        let m6 = message(6).with(Tag::ENCRYPTED_DATA, sealed).encode();
        let paired = PairedClient {
            identifier: client.identifier,
            public_key: client.public_key,
            extra: client.extra,
        };
        Ok(Reply::done(m6, SetupOutcome::Paired(paired)))
    }
}

impl fmt::Debug for PairSetupServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            State::AwaitingM1 => "awaiting M1",
            State::AwaitingM3 { .. } => "awaiting M3",
            State::AwaitingM5 { .. } => "awaiting M5",
            State::Finished => "finished",
        };
        f.debug_struct("PairSetupServer")
            .field(
                "identifier",
                &String::from_utf8_lossy(&self.identity.identifier),
            )
            .field("state", &state)
            .finish_non_exhaustive()
    }
}
