//! The device side of legacy AirPlay pairing and verification.

use std::{fmt, mem};

use rand::rngs::{OsRng, StdRng};
use rand::{RngCore, SeedableRng};

use super::{
    Aes128Ctr, ClientProof, PinRequest, SealedKey, ServerProof, SetupChallenge, SetupCipher,
    VERIFY_FINISH, VERIFY_START, apply, verify_stream,
};
use crate::error::{Error, Result};
use crate::identity::{LongTermKey, X25519Pair, key32, verify_signature};
use crate::pairing_store::PairingStore;
use crate::srp::{SrpServer, SrpVariant};

enum SetupState {
    AwaitingPinRequest,
    AwaitingProof { user: String, srp: SrpServer },
    AwaitingKey { user: String, cipher: SetupCipher },
    Finished,
}

/// The device side of legacy pair-setup: answers the three `/pair-setup-pin` requests.
pub struct LegacySetupServer {
    key: LongTermKey,
    pin: String,
    rng: StdRng,
    state: SetupState,
}

fn out_of_order(expected: u8) -> Error {
    Error::UnexpectedMessage {
        protocol: "legacy pair-setup",
        expected,
        got: None,
    }
}

impl LegacySetupServer {
    /// A device with long-term key `key` that shows `pin`.
    pub fn new(key: LongTermKey, pin: &str) -> Self {
        Self::with_rng(key, pin, &mut OsRng)
    }

    /// Like [`new`](Self::new), drawing salts and SRP secrets from a generator seeded by
    /// `rng`.
    pub fn with_rng<R: RngCore>(key: LongTermKey, pin: &str, rng: &mut R) -> Self {
        let mut seed = [0u8; 32];
        rng.fill_bytes(&mut seed);
        Self {
            key,
            pin: pin.to_owned(),
            rng: StdRng::from_seed(seed),
            state: SetupState::AwaitingPinRequest,
        }
    }

    /// Answers `{method: "pin", user}` with `{pk, salt}`. This may start over at any time.
    pub fn handle_pin_request(&mut self, request: &PinRequest) -> Result<SetupChallenge> {
        self.state = SetupState::Finished;
        if request.method != "pin" {
            return Err(Error::MalformedField {
                step: "legacy pair-setup request",
                field: "method",
            });
        }
        let mut salt = [0u8; 16];
        self.rng.fill_bytes(&mut salt);
        let mut private = [0u8; 32];
        self.rng.fill_bytes(&mut private);
        let srp = SrpServer::new(
            SrpVariant::legacy_airplay(),
            request.user.as_bytes(),
            self.pin.as_bytes(),
            &salt,
            &private,
        );
        let challenge = SetupChallenge {
            pk: srp.public_key(),
            salt: salt.to_vec(),
        };
        self.state = SetupState::AwaitingProof {
            user: request.user.clone(),
            srp,
        };
        Ok(challenge)
    }

    /// Checks `{pk, proof}` (a wrong PIN fails here) and answers with `{proof}`.
    pub fn handle_proof(&mut self, proof: &ClientProof) -> Result<ServerProof> {
        let SetupState::AwaitingProof { user, srp } =
            mem::replace(&mut self.state, SetupState::Finished)
        else {
            return Err(out_of_order(2));
        };
        let session = srp.verify_client(&proof.pk, &proof.proof)?;
        self.state = SetupState::AwaitingKey {
            user,
            cipher: SetupCipher::new(session.key()),
        };
        Ok(ServerProof {
            proof: session.proof().to_vec(),
        })
    }

    /// Stores the client's public key from `{epk, authTag}` under its user name and
    /// answers with our own key, sealed the same way.
    pub fn handle_key(
        &mut self,
        sealed: &SealedKey,
        store: &mut dyn PairingStore,
    ) -> Result<SealedKey> {
        let SetupState::AwaitingKey { user, cipher } =
            mem::replace(&mut self.state, SetupState::Finished)
        else {
            return Err(out_of_order(3));
        };
        let client_key = cipher.open(SetupCipher::CLIENT, sealed)?;
        store.add_client(user.as_bytes(), client_key);
        Ok(cipher.seal(SetupCipher::DEVICE, &self.key.public_key()))
    }
}

struct PendingVerify {
    stream: Aes128Ctr,
    client_public: [u8; 32],
    device_public: [u8; 32],
    client_key: [u8; 32],
}

/// The device side of legacy pair-verify: answers the two `/pair-verify` bodies.
pub struct LegacyVerifyServer {
    key: LongTermKey,
    rng: StdRng,
    pending: Option<PendingVerify>,
}

impl LegacyVerifyServer {
    /// A device with long-term key `key`.
    pub fn new(key: LongTermKey) -> Self {
        Self::with_rng(key, &mut OsRng)
    }

    /// Like [`new`](Self::new), drawing X25519 keys from a generator seeded by `rng`.
    pub fn with_rng<R: RngCore>(key: LongTermKey, rng: &mut R) -> Self {
        let mut seed = [0u8; 32];
        rng.fill_bytes(&mut seed);
        Self {
            key,
            rng: StdRng::from_seed(seed),
            pending: None,
        }
    }

    /// Answers the first body (`01000000`, X25519 and Ed25519 keys) of a paired client
    /// with our X25519 key and encrypted signature.
    pub fn handle_start(&mut self, body: &[u8], store: &dyn PairingStore) -> Result<Vec<u8>> {
        const STEP: &str = "legacy pair-verify start";
        self.pending = None;
        let (client_public, client_key) = match body.split_at_checked(4) {
            Some((prefix, keys)) if prefix == VERIFY_START && keys.len() == 64 => {
                let (x25519, ed25519) = keys.split_at(32);
                (
                    key32(x25519, STEP, "X25519 key")?,
                    key32(ed25519, STEP, "Ed25519 key")?,
                )
            }
            _ => {
                return Err(Error::MalformedField {
                    step: STEP,
                    field: "body",
                });
            }
        };
        if !store.has_client_key(&client_key) {
            return Err(Error::UnknownClient);
        }
        let exchange = X25519Pair::generate(&mut self.rng);
        let device_public = *exchange.public();
        let mut stream = verify_stream(&exchange.agree(&client_public)?);
        let signature = self.key.sign(&[device_public, client_public].concat());
        let reply = [&device_public[..], &apply(&mut stream, &signature)].concat();
        self.pending = Some(PendingVerify {
            stream,
            client_public,
            device_public,
            client_key,
        });
        Ok(reply)
    }

    /// Checks the second body (`00000000` and the client's encrypted signature).
    pub fn handle_finish(&mut self, body: &[u8]) -> Result<()> {
        const STEP: &str = "legacy pair-verify finish";
        let Some(mut pending) = self.pending.take() else {
            return Err(Error::UnexpectedMessage {
                protocol: "legacy pair-verify",
                expected: 3,
                got: None,
            });
        };
        let sealed = match body.split_at_checked(4) {
            Some((prefix, sealed)) if prefix == VERIFY_FINISH && sealed.len() == 64 => sealed,
            _ => {
                return Err(Error::MalformedField {
                    step: STEP,
                    field: "body",
                });
            }
        };
        let signature = apply(&mut pending.stream, sealed);
        let signed = [pending.client_public, pending.device_public].concat();
        verify_signature(&pending.client_key, &signed, &signature, STEP)
    }
}

impl fmt::Debug for LegacySetupServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LegacySetupServer").finish_non_exhaustive()
    }
}

impl fmt::Debug for LegacyVerifyServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LegacyVerifyServer")
            .field("pending", &self.pending.is_some())
            .finish_non_exhaustive()
    }
}
