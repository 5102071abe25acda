//! Crypto pairing messages: pair-setup with the PIN the device "shows" (1111) and
//! pair-verify of clients in the device's pairing store, after which the connection is
//! encrypted.
//!
//! Which exchange a message belongs to is told by its first message, as pyatv's fake
//! device does: M1 with a public key starts pair-verify, M1 with a method pair-setup; the
//! following messages go to the exchange in progress.

use std::str::FromStr;

use atv_mrp::message_builders::MessageBuilder;
use atv_mrp::protobuf::ProtocolMessage;
use atv_pairing::pair_setup::SetupOutcome;
use atv_pairing::{
    Credentials, LongTermKey, MemoryPairingStore, PairSetupServer, PairVerifyServer,
    ServerIdentity, Status, Tag, Tlv8, session_keys,
};
use bytes::Bytes;

use super::MrpConfig;
use super::session::Step;
use crate::state::FakeState;

/// The PIN pair-setup accepts (what pyatv's fake device uses).
pub const PIN: &str = "1111";
/// Pairing identifier of pyatv's fake MRP device.
pub const PYATV_SERVER_IDENTIFIER: &str = "5D797FD3-3538-427E-A47B-A32FC6CF3A6A";
/// Seed of pyatv's fake MRP device's long-term key.
const PYATV_SERVER_SEED: [u8; 32] = [0xaa; 32];
/// The fixed client credentials pyatv's tests connect with (ltpk:ltsk:atv_id:client_id),
/// valid for [`pyatv_server_identity`].
pub const PYATV_CLIENT_CREDENTIALS: &str = concat!(
    "E734EA6C2B6257DE72355E472AA05A4C487E6B463C029ED306DF2F01B5636B58:",
    "80FD8265B0748DA90BC5C5294DABE394D3D47199994AE96AC73EE45C783537B1:",
    "35443739374644332D333533382D343237452D413437422D41333246433643463",
    "3413641:34443739374644332D333533382D343237452D413437422D413332464",
    "336434633413641"
);

/// The pairing identity of pyatv's fake MRP device (so pyatv's fixed test credentials
/// verify against it).
pub fn pyatv_server_identity() -> ServerIdentity {
    ServerIdentity {
        key: LongTermKey::from_seed(PYATV_SERVER_SEED),
        identifier: PYATV_SERVER_IDENTIFIER.as_bytes().to_vec(),
    }
}

/// The pairing identifier and public key of the client behind
/// [`PYATV_CLIENT_CREDENTIALS`], for preloading a pairing store.
pub fn pyatv_test_client() -> (Vec<u8>, [u8; 32]) {
    match Credentials::from_str(PYATV_CLIENT_CREDENTIALS) {
        Ok(Credentials::Hap(credentials)) => (
            credentials.client_id.clone(),
            credentials.client_key().public_key(),
        ),
        // The constant is a valid HAP credentials string; the tests below check it.
        _ => (Vec::new(), [0; 32]),
    }
}

/// The exchange in progress on one connection.
#[derive(Debug, Default)]
pub(crate) enum Pairing {
    /// None yet.
    #[default]
    Idle,
    /// Pair-setup.
    Setup(Box<PairSetupServer>),
    /// Pair-verify.
    Verify(Box<PairVerifyServer>),
}

impl Pairing {
    /// Handles one crypto pairing message.
    pub(crate) fn handle(
        &mut self,
        config: &MrpConfig,
        state: &FakeState,
        builder: &mut MessageBuilder,
        message: &ProtocolMessage,
    ) -> Vec<Step> {
        let data = message
            .crypto_pairing_message
            .as_ref()
            .and_then(|inner| inner.pairing_data.clone())
            .unwrap_or_default();
        self.select_exchange(config, &data);
        let reply = |builder: &mut MessageBuilder, tlv: Vec<u8>| {
            let mut reply = builder.crypto_pairing(Bytes::from(tlv), false);
            reply.identifier.clone_from(&message.identifier);
            Step::send(reply)
        };
        match self {
            Self::Idle => Vec::new(),
            Self::Setup(server) => {
                // SRP runs outside the state lock, with a scratch store; a paired client
                // is copied into the device's store.
                let mut scratch = MemoryPairingStore::new();
                let outcome = server.handle(&data, &mut scratch);
                match outcome.status {
                    Status::Done(SetupOutcome::Paired(client)) => {
                        tracing::info!("a client paired");
                        state.add_paired_client(&client.identifier, client.public_key);
                    }
                    Status::Failed(error) => tracing::info!(%error, "pair-setup failed"),
                    _ => {}
                }
                vec![reply(builder, outcome.message)]
            }
            Self::Verify(server) => {
                let store = state.read(|data| data.pairings.clone());
                let outcome = server.handle(&data, &store);
                match outcome.status {
                    Status::Done(verified) => {
                        tracing::info!("a client passed pair-verify");
                        state.update(|data, _| data.has_authenticated = true);
                        let keys = verified
                            .shared_secret
                            .session_keys(session_keys::MRP.for_server());
                        vec![
                            reply(builder, outcome.message),
                            Step::EnableEncryption(keys),
                        ]
                    }
                    Status::Failed(error) => {
                        // The client may not check the error and go on encrypting; close
                        // so that it fails at once.
                        tracing::info!(%error, "pair-verify failed");
                        vec![reply(builder, outcome.message), Step::Close]
                    }
                    Status::Continue => vec![reply(builder, outcome.message)],
                }
            }
        }
    }

    /// Starts the exchange an M1 asks for; other messages continue the current one (or
    /// start pair-setup, which then reports them as out of order).
    fn select_exchange(&mut self, config: &MrpConfig, data: &[u8]) {
        let tlv = Tlv8::decode(data).ok();
        let first = tlv.as_ref().and_then(|t| t.get_uint(Tag::STATE)) == Some(1);
        let has = |tag| tlv.as_ref().is_some_and(|t| t.get(tag).is_some());
        if first && has(Tag::PUBLIC_KEY) {
            *self = Self::Verify(Box::new(PairVerifyServer::new(config.identity.clone())));
        } else if (first && has(Tag::METHOD)) || matches!(self, Self::Idle) {
            *self = Self::Setup(Box::new(PairSetupServer::new(
                config.identity.clone(),
                &config.pin,
            )));
        }
    }
}

#[cfg(test)]
mod tests {
    use atv_pairing::{HapCredentials, PairSetupClient, PairVerifyClient, SessionKeys};

    use super::*;

    fn crypto(builder: &mut MessageBuilder, tlv: Vec<u8>) -> ProtocolMessage {
        builder.crypto_pairing(Bytes::from(tlv), true)
    }

    fn sent(steps: &[Step]) -> Vec<u8> {
        match steps.first() {
            Some(Step::Send(message)) => message
                .crypto_pairing_message
                .as_ref()
                .and_then(|inner| inner.pairing_data.clone())
                .unwrap()
                .to_vec(),
            _ => panic!("no reply"),
        }
    }

    fn verify(
        pairing: &mut Pairing,
        config: &MrpConfig,
        state: &FakeState,
        credentials: HapCredentials,
    ) -> Option<(SessionKeys, SessionKeys)> {
        let mut builder = MessageBuilder::new();
        let (client, m1) = PairVerifyClient::new(credentials).start();
        let m1 = crypto(&mut builder, m1);
        let m2 = sent(&pairing.handle(config, state, &mut builder, &m1));
        let (client, m3) = client.handle_m2(&m2).ok()?;
        let m3 = crypto(&mut builder, m3);
        let steps = pairing.handle(config, state, &mut builder, &m3);
        let secret = client.handle_m4(&sent(&steps)).ok()?;
        let Some(Step::EnableEncryption(server_keys)) = steps.get(1) else {
            return None;
        };
        Some((secret.session_keys(session_keys::MRP), server_keys.clone()))
    }

    #[test]
    fn pair_setup_with_1111_then_verify() {
        let config = MrpConfig::new("Fake");
        let state = FakeState::new();
        let mut pairing = Pairing::default();
        let mut builder = MessageBuilder::new();

        let (client, m1) = PairSetupClient::new().start();
        let m1 = crypto(&mut builder, m1);
        let m2 = sent(&pairing.handle(&config, &state, &mut builder, &m1));
        let (client, m3) = client.handle_m2(&m2).unwrap().submit_pin(PIN).unwrap();
        let m3 = crypto(&mut builder, m3);
        let m4 = sent(&pairing.handle(&config, &state, &mut builder, &m3));
        let (client, m5) = client.handle_m4(&m4).unwrap();
        let m5 = crypto(&mut builder, m5);
        let m6 = sent(&pairing.handle(&config, &state, &mut builder, &m5));
        let credentials = client.handle_m6(&m6).unwrap().credentials;
        assert_eq!(state.paired_clients(), 1);
        assert_eq!(credentials.atv_id, PYATV_SERVER_IDENTIFIER.as_bytes());

        let (client_keys, server_keys) =
            verify(&mut pairing, &config, &state, credentials).unwrap();
        assert_eq!(client_keys.output, server_keys.input);
        assert_eq!(client_keys.input, server_keys.output);
        assert!(state.has_authenticated());
    }

    #[test]
    fn wrong_pin_is_refused() {
        let config = MrpConfig::new("Fake");
        let state = FakeState::new();
        let mut pairing = Pairing::default();
        let mut builder = MessageBuilder::new();
        let (client, m1) = PairSetupClient::new().start();
        let m1 = crypto(&mut builder, m1);
        let m2 = sent(&pairing.handle(&config, &state, &mut builder, &m1));
        let (client, m3) = client.handle_m2(&m2).unwrap().submit_pin("1234").unwrap();
        let m3 = crypto(&mut builder, m3);
        let m4 = sent(&pairing.handle(&config, &state, &mut builder, &m3));
        assert!(client.handle_m4(&m4).is_err());
        assert_eq!(state.paired_clients(), 0);
    }

    #[test]
    fn pyatv_test_credentials_verify_once_preloaded() {
        let config = MrpConfig::new("Fake");
        let state = FakeState::new();
        let Ok(Credentials::Hap(credentials)) = Credentials::from_str(PYATV_CLIENT_CREDENTIALS)
        else {
            panic!("pyatv's credentials do not parse");
        };
        // The credentials' device key is the fake device's key.
        assert_eq!(
            credentials.ltpk,
            pyatv_server_identity().key.public_key(),
            "ltpk"
        );
        let mut pairing = Pairing::default();
        assert!(verify(&mut pairing, &config, &state, credentials.clone()).is_none());
        assert!(!state.has_authenticated());

        let (identifier, key) = pyatv_test_client();
        assert_eq!(identifier, b"4D797FD3-3538-427E-A47B-A32FC6CF3A6A");
        state.add_paired_client(&identifier, key);
        assert!(verify(&mut pairing, &config, &state, credentials).is_some());
    }
}
