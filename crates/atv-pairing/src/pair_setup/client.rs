//! The client (controller) side of pair-setup, one type per step.

use std::fmt;

use rand::rngs::OsRng;
use rand::{CryptoRng, RngCore};

use super::{
    ACCESSORY_SIGN_INFO, ACCESSORY_SIGN_SALT, CONTROLLER_SIGN_INFO, CONTROLLER_SIGN_SALT,
    ENCRYPT_INFO, ENCRYPT_SALT, ExchangedIdentity, M5_NONCE, M6_NONCE, PROTOCOL, SRP_USERNAME,
};
use crate::credentials::HapCredentials;
use crate::error::Result;
use crate::hap_message::{expect_state, field, message};
use crate::identity::LongTermKey;
use crate::session_keys::{SharedSecret, hkdf_sha512};
use crate::srp::{SrpClient, SrpClientSession, SrpVariant};
use crate::tlv8::{Flags, Method, Tag, Tlv8};

/// A pair-setup client before M1: our long-term key and pairing identifier.
#[derive(Clone)]
pub struct PairSetupClient {
    key: LongTermKey,
    pairing_id: Vec<u8>,
    srp_private: [u8; 32],
    m5_extra: Tlv8,
    transient: bool,
}

/// A random version 4 UUID in its lower-case text form, as pyatv names its pairings.
fn random_uuid<R: RngCore + CryptoRng>(rng: &mut R) -> String {
    let mut b = [0u8; 16];
    rng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

impl PairSetupClient {
    /// A client with a new random long-term key and pairing identifier.
    pub fn new() -> Self {
        Self::with_rng(&mut OsRng)
    }

    /// Like [`new`](Self::new), drawing randomness from `rng`.
    pub fn with_rng<R: RngCore + CryptoRng>(rng: &mut R) -> Self {
        let key = LongTermKey::generate(rng);
        let pairing_id = random_uuid(rng).into_bytes();
        let mut srp_private = [0u8; 32];
        rng.fill_bytes(&mut srp_private);
        Self {
            key,
            pairing_id,
            srp_private,
            m5_extra: Tlv8::new(),
            transient: false,
        }
    }

    /// Pairs under an existing long-term key and identifier instead of new ones.
    #[must_use]
    pub fn with_identity(mut self, key: LongTermKey, pairing_id: impl Into<Vec<u8>>) -> Self {
        self.key = key;
        self.pairing_id = pairing_id.into();
        self
    }

    /// Adds an item to the encrypted part of M5 (Companion sends its name as OPACK in
    /// [`Tag::NAME`]).
    #[must_use]
    pub fn with_m5_item(mut self, tag: Tag, value: impl Into<Vec<u8>>) -> Self {
        self.m5_extra.push(tag, value);
        self
    }

    pub(crate) fn transient(mut self) -> Self {
        self.transient = true;
        self
    }

    /// Our pairing identifier.
    pub fn pairing_id(&self) -> &[u8] {
        &self.pairing_id
    }

    /// Builds M1 (method pair-setup, state 1).
    pub fn start(self) -> (AwaitingM2, Vec<u8>) {
        let mut m1 = Tlv8::new()
            .with(Tag::METHOD, vec![Method::PAIR_SETUP])
            .with(Tag::STATE, vec![1]);
        if self.transient {
            m1.push(Tag::FLAGS, vec![Flags::TRANSIENT]);
        }
        (AwaitingM2 { client: self }, m1.encode())
    }
}

impl Default for PairSetupClient {
    fn default() -> Self {
        Self::new()
    }
}

/// Sent M1, waiting for M2 (the device's salt and SRP public value).
pub struct AwaitingM2 {
    client: PairSetupClient,
}

impl AwaitingM2 {
    /// Reads M2. The device now shows its PIN.
    pub fn handle_m2(self, m2: &[u8]) -> Result<AwaitingPin> {
        const STEP: &str = "pair-setup M2";
        let tlv = expect_state(m2, PROTOCOL, 2)?;
        let salt = field(&tlv, Tag::SALT, STEP, "Salt")?.to_vec();
        let server_public = field(&tlv, Tag::PUBLIC_KEY, STEP, "PublicKey")?.to_vec();
        Ok(AwaitingPin {
            client: self.client,
            salt,
            server_public,
        })
    }
}

/// Read M2, waiting for the PIN the device shows.
pub struct AwaitingPin {
    client: PairSetupClient,
    salt: Vec<u8>,
    server_public: Vec<u8>,
}

impl AwaitingPin {
    /// Runs SRP with `pin` and builds M3 (our public value and proof).
    pub fn submit_pin(self, pin: &str) -> Result<(AwaitingM4, Vec<u8>)> {
        let srp = SrpClient::new(
            SrpVariant::hap(),
            SRP_USERNAME,
            pin.as_bytes(),
            &self.client.srp_private,
        );
        let session = srp.process(&self.salt, &self.server_public)?;
        let m3 = message(3)
            .with(Tag::PUBLIC_KEY, session.public_key().to_vec())
            .with(Tag::PROOF, session.proof().to_vec())
            .encode();
        Ok((
            AwaitingM4 {
                client: self.client,
                session,
            },
            m3,
        ))
    }
}

/// Sent M3, waiting for M4 (the device's proof).
pub struct AwaitingM4 {
    client: PairSetupClient,
    session: SrpClientSession,
}

impl AwaitingM4 {
    /// Checks M4, reporting a wrong PIN as the device's error.
    fn check_m4(&self, m4: &[u8]) -> Result<()> {
        let tlv = expect_state(m4, PROTOCOL, 4)?;
        let proof = field(&tlv, Tag::PROOF, "pair-setup M4", "Proof")?;
        self.session.verify_server(proof)
    }

    /// Checks M4 and builds M5 (our long-term key, signed and encrypted).
    pub fn handle_m4(self, m4: &[u8]) -> Result<(AwaitingM6, Vec<u8>)> {
        self.check_m4(m4)?;
        let srp_key = self.session.key();
        let encrypt_key = hkdf_sha512(srp_key, ENCRYPT_SALT, ENCRYPT_INFO);
        let controller_x = hkdf_sha512(srp_key, CONTROLLER_SIGN_SALT, CONTROLLER_SIGN_INFO);
        let sealed = ExchangedIdentity::seal(
            &self.client.key,
            &self.client.pairing_id,
            &controller_x,
            &self.client.m5_extra,
            &encrypt_key,
            M5_NONCE,
        );
        let m5 = message(5).with(Tag::ENCRYPTED_DATA, sealed).encode();
        Ok((
            AwaitingM6 {
                client: self.client,
                session: self.session,
                encrypt_key,
            },
            m5,
        ))
    }

    /// Transient pairing ends here: checks M4 and returns the SRP session key.
    pub(crate) fn finish_transient(self, m4: &[u8]) -> Result<SharedSecret> {
        self.check_m4(m4)?;
        Ok(SharedSecret::new(self.session.key().to_vec()))
    }
}

/// Sent M5, waiting for M6 (the device's long-term key).
pub struct AwaitingM6 {
    client: PairSetupClient,
    session: SrpClientSession,
    encrypt_key: [u8; 32],
}

impl AwaitingM6 {
    /// Checks M6 (including the device's signature) and returns the credentials.
    pub fn handle_m6(self, m6: &[u8]) -> Result<Paired> {
        const STEP: &str = "pair-setup M6";
        let tlv = expect_state(m6, PROTOCOL, 6)?;
        let sealed = field(&tlv, Tag::ENCRYPTED_DATA, STEP, "EncryptedData")?;
        let accessory_x = hkdf_sha512(self.session.key(), ACCESSORY_SIGN_SALT, ACCESSORY_SIGN_INFO);
        let device =
            ExchangedIdentity::open(sealed, &accessory_x, &self.encrypt_key, M6_NONCE, STEP)?;
        Ok(Paired {
            credentials: HapCredentials {
                ltpk: device.public_key,
                ltsk: *self.client.key.seed(),
                atv_id: device.identifier,
                client_id: self.client.pairing_id,
            },
            device_info: device.extra,
        })
    }
}

/// The result of a completed pair-setup.
#[derive(Clone, Debug)]
pub struct Paired {
    /// The credentials to store and verify with later.
    pub credentials: HapCredentials,
    /// Other items the device put in M6 (Companion devices send OPACK device info as
    /// type 0x11).
    pub device_info: Tlv8,
}

macro_rules! redacted_debug {
    ($($ty:ident),*) => {$(
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($ty))
                    .field("pairing_id", &String::from_utf8_lossy(&self.client.pairing_id))
                    .finish_non_exhaustive()
            }
        }
    )*};
}

redacted_debug!(AwaitingM2, AwaitingPin, AwaitingM4, AwaitingM6);

impl fmt::Debug for PairSetupClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PairSetupClient")
            .field("pairing_id", &String::from_utf8_lossy(&self.pairing_id))
            .field("transient", &self.transient)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;

    #[test]
    fn uuid_is_version_4_text() {
        let id = random_uuid(&mut StdRng::seed_from_u64(1));
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(
            id.chars()
                .all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
    }

    #[test]
    fn m1_asks_for_pair_setup() {
        let (_, m1) = PairSetupClient::with_rng(&mut StdRng::seed_from_u64(2)).start();
        assert_eq!(m1, [0x00, 0x01, 0x00, 0x06, 0x01, 0x01]);
        let (_, m1) = PairSetupClient::with_rng(&mut StdRng::seed_from_u64(2))
            .transient()
            .start();
        assert_eq!(m1, [0x00, 0x01, 0x00, 0x06, 0x01, 0x01, 0x13, 0x01, 0x10]);
    }
}
