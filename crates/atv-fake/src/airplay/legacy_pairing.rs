//! Legacy AirPlay 1 pairing on the device side, for a fake that plays an AirPlay 1
//! device: `/pair-pin-start` (the PIN shows), three binary property lists to
//! `/pair-setup-pin` (`{method, user}` → `{pk, salt}`, `{pk, proof}` → `{proof}`,
//! `{epk, authTag}` → `{epk, authTag}`, which stores the client), and two raw bodies to
//! `/pair-verify`. The connection stays unencrypted afterwards; a verified client may
//! play.

use atv_pairing::legacy::{
    ClientProof, LegacySetupServer, LegacyVerifyServer, PinRequest, SealedKey,
};
use atv_pairing::{MemoryPairingStore, PairingStore};
use plist::{Dictionary, Value};

use super::AirPlayConfig;
use crate::state::FakeState;

/// Whether legacy pair-verify just passed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verified {
    /// Not yet (or the exchange goes on).
    No,
    /// The client is verified.
    Yes,
}

/// The legacy pairing exchanges of one control connection.
#[derive(Default)]
pub(crate) struct LegacyPairing {
    setup: Option<Box<LegacySetupServer>>,
    verify: Option<Box<LegacyVerifyServer>>,
}

impl std::fmt::Debug for LegacyPairing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LegacyPairing")
            .field("setup", &self.setup.is_some())
            .field("verify", &self.verify.is_some())
            .finish()
    }
}

/// A field of a property list dictionary as bytes.
fn data(dictionary: &Dictionary, key: &str) -> Option<Vec<u8>> {
    dictionary.get(key)?.as_data().map(<[u8]>::to_vec)
}

fn plist(entries: Vec<(&str, Value)>) -> Vec<u8> {
    let dictionary: Dictionary = entries
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect();
    let mut out = Vec::new();
    // Serialising a dictionary of plain values into memory cannot fail.
    if Value::Dictionary(dictionary)
        .to_writer_binary(&mut out)
        .is_err()
    {
        out.clear();
    }
    out
}

impl LegacyPairing {
    /// Answers a `/pair-setup-pin` body: the reply body, or `None` for a 470 (wrong PIN,
    /// bad request, out of order).
    pub(crate) fn pair_setup_pin(
        &mut self,
        config: &AirPlayConfig,
        state: &FakeState,
        body: &[u8],
    ) -> Option<Vec<u8>> {
        let value = Value::from_reader(std::io::Cursor::new(body)).ok()?;
        let request = value.as_dictionary()?;
        if let Some(method) = request.get("method").and_then(Value::as_string) {
            let user = request.get("user").and_then(Value::as_string)?;
            let server = self.setup.insert(Box::new(LegacySetupServer::new(
                config.identity.key.clone(),
                &config.pin,
            )));
            let challenge = server
                .handle_pin_request(&PinRequest {
                    method: method.to_owned(),
                    user: user.to_owned(),
                })
                .ok()?;
            return Some(plist(vec![
                ("pk", Value::Data(challenge.pk)),
                ("salt", Value::Data(challenge.salt)),
            ]));
        }
        let server = self.setup.as_mut()?;
        if let (Some(pk), Some(proof)) = (data(request, "pk"), data(request, "proof")) {
            let answer = server.handle_proof(&ClientProof { pk, proof });
            return match answer {
                Ok(answer) => Some(plist(vec![("proof", Value::Data(answer.proof))])),
                Err(error) => {
                    tracing::info!(%error, "legacy pair-setup: wrong PIN");
                    self.setup = None;
                    None
                }
            };
        }
        let sealed = SealedKey {
            epk: data(request, "epk")?,
            auth_tag: data(request, "authTag")?,
        };
        let mut scratch = MemoryPairingStore::new();
        let mut recorder = Recorder {
            store: &mut scratch,
            state,
        };
        let answer = server.handle_key(&sealed, &mut recorder).ok()?;
        self.setup = None;
        tracing::info!("a client paired with legacy AirPlay pairing");
        Some(plist(vec![
            ("epk", Value::Data(answer.epk)),
            ("authTag", Value::Data(answer.auth_tag)),
        ]))
    }

    /// Answers a legacy `/pair-verify` body: the reply body (empty after the second) and
    /// whether the client is now verified; `None` when it failed.
    pub(crate) fn pair_verify(
        &mut self,
        config: &AirPlayConfig,
        state: &FakeState,
        body: &[u8],
    ) -> Option<(Vec<u8>, Verified)> {
        if body.starts_with(&atv_pairing::legacy::VERIFY_START) {
            let server = self.verify.insert(Box::new(LegacyVerifyServer::new(
                config.identity.key.clone(),
            )));
            let store = state.read(|data| data.pairings.clone());
            return match server.handle_start(body, &store) {
                Ok(reply) => Some((reply, Verified::No)),
                Err(error) => {
                    tracing::info!(%error, "legacy pair-verify refused");
                    self.verify = None;
                    None
                }
            };
        }
        let mut server = self.verify.take()?;
        match server.handle_finish(body) {
            Ok(()) => {
                tracing::info!("a client passed legacy AirPlay pair-verify");
                state.update(|data, _| data.has_authenticated = true);
                Some((Vec::new(), Verified::Yes))
            }
            Err(error) => {
                tracing::info!(%error, "legacy pair-verify failed");
                None
            }
        }
    }
}

/// A store that also records new clients in the device's state.
struct Recorder<'a> {
    store: &'a mut MemoryPairingStore,
    state: &'a FakeState,
}

impl PairingStore for Recorder<'_> {
    fn client_key(&self, identifier: &[u8]) -> Option<[u8; 32]> {
        self.store.client_key(identifier)
    }

    fn has_client_key(&self, public_key: &[u8; 32]) -> bool {
        self.store.has_client_key(public_key)
    }

    fn add_client(&mut self, identifier: &[u8], public_key: [u8; 32]) {
        self.store.add_client(identifier, public_key);
        self.state.add_paired_client(identifier, public_key);
    }
}
