//! The client side of legacy AirPlay pairing and verification.
//!
//! As in pyatv, the credentials' seed serves as Ed25519 key, SRP private value and X25519
//! key, so the same credentials always produce the same first messages.

use std::fmt;

use super::{
    ClientProof, PinRequest, SealedKey, ServerProof, SetupChallenge, SetupCipher, VERIFY_FINISH,
    VERIFY_START, apply, verify_stream,
};
use crate::credentials::LegacyCredentials;
use crate::error::{Error, Result};
use crate::identity::{LongTermKey, X25519Pair, key32, verify_signature};
use crate::srp::{SrpClient, SrpClientSession, SrpVariant};

/// Legacy pair-setup before the first `/pair-setup-pin` request.
pub struct LegacySetupClient {
    credentials: LegacyCredentials,
    pin: String,
}

impl LegacySetupClient {
    /// Pairs `credentials` (see [`LegacyCredentials::generate`]) with the PIN the device
    /// shows after `/pair-pin-start`.
    pub fn new(credentials: LegacyCredentials, pin: &str) -> Self {
        Self {
            credentials,
            pin: pin.to_owned(),
        }
    }

    /// The first request: `{method: "pin", user}`.
    pub fn start(self) -> (AwaitingChallenge, PinRequest) {
        let request = PinRequest {
            method: "pin".to_owned(),
            user: hex::encode_upper(&self.credentials.client_id),
        };
        (
            AwaitingChallenge {
                client: self,
                user: request.user.clone(),
            },
            request,
        )
    }
}

/// Sent the PIN request, waiting for `{pk, salt}`.
pub struct AwaitingChallenge {
    client: LegacySetupClient,
    user: String,
}

impl AwaitingChallenge {
    /// Runs SRP against the device's challenge and builds `{pk, proof}`.
    pub fn handle_challenge(
        self,
        challenge: &SetupChallenge,
    ) -> Result<(AwaitingServerProof, ClientProof)> {
        let LegacySetupClient { credentials, pin } = self.client;
        let srp = SrpClient::new(
            SrpVariant::legacy_airplay(),
            self.user.as_bytes(),
            pin.as_bytes(),
            &credentials.seed,
        );
        let session = srp.process(&challenge.salt, &challenge.pk)?;
        let proof = ClientProof {
            pk: session.public_key().to_vec(),
            proof: session.proof().to_vec(),
        };
        Ok((
            AwaitingServerProof {
                credentials,
                session,
            },
            proof,
        ))
    }
}

/// Sent `{pk, proof}`, waiting for the device's `{proof}`.
pub struct AwaitingServerProof {
    credentials: LegacyCredentials,
    session: SrpClientSession,
}

impl AwaitingServerProof {
    /// Checks the device's proof and builds `{epk, authTag}` with our public key.
    pub fn handle_proof(self, proof: &ServerProof) -> Result<(LegacySetupDone, SealedKey)> {
        self.session.verify_server(&proof.proof)?;
        let cipher = SetupCipher::new(self.session.key());
        let public_key = LongTermKey::from_seed(self.credentials.seed).public_key();
        let sealed = cipher.seal(SetupCipher::CLIENT, &public_key);
        Ok((
            LegacySetupDone {
                credentials: self.credentials,
                cipher,
            },
            sealed,
        ))
    }
}

/// Pairing is complete once the device accepts the last request.
pub struct LegacySetupDone {
    credentials: LegacyCredentials,
    cipher: SetupCipher,
}

impl LegacySetupDone {
    /// The credentials to store.
    pub fn credentials(&self) -> &LegacyCredentials {
        &self.credentials
    }

    /// Decrypts the device's Ed25519 public key from its answer to the last request
    /// (pyatv ignores that answer; keeping the key lets verification check the device).
    pub fn open_device_key(&self, answer: &SealedKey) -> Result<[u8; 32]> {
        self.cipher.open(SetupCipher::DEVICE, answer)
    }
}

/// Legacy pair-verify before the first `/pair-verify` request.
pub struct LegacyVerifyClient {
    key: LongTermKey,
    exchange: X25519Pair,
}

impl LegacyVerifyClient {
    /// Verifies `credentials`.
    pub fn new(credentials: &LegacyCredentials) -> Self {
        Self {
            key: LongTermKey::from_seed(credentials.seed),
            exchange: X25519Pair::from_bytes(credentials.seed),
        }
    }

    /// The first body: `01000000`, our X25519 and Ed25519 public keys.
    pub fn start(self) -> (AwaitingVerifyReply, Vec<u8>) {
        let body = [
            &VERIFY_START[..],
            self.exchange.public(),
            &self.key.public_key(),
        ]
        .concat();
        (AwaitingVerifyReply { client: self }, body)
    }
}

/// Sent the first body, waiting for the device's X25519 key and encrypted signature.
pub struct AwaitingVerifyReply {
    client: LegacyVerifyClient,
}

impl AwaitingVerifyReply {
    /// Builds the second body (`00000000` and our encrypted signature). With the device's
    /// public key (from [`LegacySetupDone::open_device_key`]) its signature is checked too.
    pub fn handle_reply(self, reply: &[u8], device_key: Option<&[u8; 32]>) -> Result<Vec<u8>> {
        const STEP: &str = "legacy pair-verify reply";
        let (device_public, device_data) = match reply.split_at_checked(32) {
            Some((public, data)) => (key32(public, STEP, "X25519 key")?, data),
            None => {
                return Err(Error::MalformedField {
                    step: STEP,
                    field: "X25519 key",
                });
            }
        };
        let client_public = *self.client.exchange.public();
        let shared = self.client.exchange.agree(&device_public)?;
        let mut stream = verify_stream(&shared);
        let device_signature = apply(&mut stream, device_data);
        if let Some(device_key) = device_key {
            let signed = [device_public, client_public].concat();
            verify_signature(device_key, &signed, &device_signature, STEP)?;
        }
        let signature = self
            .client
            .key
            .sign(&[client_public, device_public].concat());
        Ok([&VERIFY_FINISH[..], &apply(&mut stream, &signature)].concat())
    }
}

macro_rules! redacted_debug {
    ($($ty:ident),*) => {$(
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($ty)).finish_non_exhaustive()
            }
        }
    )*};
}

redacted_debug!(
    LegacySetupClient,
    AwaitingChallenge,
    AwaitingServerProof,
    LegacySetupDone,
    LegacyVerifyClient,
    AwaitingVerifyReply
);
