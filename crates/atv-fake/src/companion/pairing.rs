//! Companion pairing frames: pair-setup with the PIN the device "shows" (1111 unless set)
//! in `PS_Start`/`PS_Next` frames, and pair-verify in `PV_Start`/`PV_Next` frames, after
//! which the connection is encrypted with Companion's keys. Each frame carries an OPACK
//! dictionary whose `_pd` entry is the HAP TLV8 message; the device always answers in the
//! `*_Next` type.
//!
//! The device keys are the fake device's pairing identity (pyatv's fake device's unless
//! set), and paired clients go to the same store MRP uses.

use atv_companion::frame::FrameType;
use atv_companion::opack::{self, Value};
use atv_pairing::pair_setup::SetupOutcome;
use atv_pairing::{
    MemoryPairingStore, PairSetupServer, PairVerifyServer, ServerIdentity, Status, Tag,
    session_keys,
};

use super::message::dict;
use super::session::Step;
use crate::state::FakeState;

/// Key of the TLV8 pairing data in a pairing frame.
const PAIRING_DATA: &str = "_pd";
/// Key telling the kind of password (1: PIN); sent along in pair-setup.
const PASSWORD_TYPE: &str = "_pwTy";
/// Model the fake device tells a newly paired client.
const MODEL: &str = "AppleTV6,2";

/// The exchanges of one connection.
#[derive(Default)]
pub(crate) struct Pairing {
    setup: Option<Box<PairSetupServer>>,
    verify: Option<Box<PairVerifyServer>>,
}

impl std::fmt::Debug for Pairing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pairing")
            .field("setup", &self.setup.is_some())
            .field("verify", &self.verify.is_some())
            .finish()
    }
}

/// The device information a real Apple TV adds to pair-setup M6, as OPACK.
fn device_info(name: &str) -> Vec<u8> {
    opack::encode(&dict(vec![
        (
            "accountID",
            Value::from("DC6A7CB6-CA1A-4BF4-880D-A61B717814DB"),
        ),
        ("model", Value::from(MODEL)),
        ("name", Value::from(name)),
        ("mac", Value::Data(vec![0x40, 0xcb, 0xc0, 0x12, 0x34, 0x56])),
    ]))
}

impl Pairing {
    /// Handles one pairing frame.
    pub(crate) fn handle(
        &mut self,
        frame_type: FrameType,
        payload: &Value,
        identity: &ServerIdentity,
        pin: &str,
        name: &str,
        state: &FakeState,
    ) -> Vec<Step> {
        let Some(data) = payload.get(PAIRING_DATA).and_then(Value::as_data) else {
            tracing::info!("pairing frame without pairing data; closing");
            return vec![Step::Close];
        };
        match frame_type {
            FrameType::PsStart | FrameType::PsNext => {
                if frame_type == FrameType::PsStart || self.setup.is_none() {
                    self.setup = Some(Box::new(
                        PairSetupServer::new(identity.clone(), pin)
                            .with_m6_item(Tag::NAME, device_info(name)),
                    ));
                }
                self.setup(frame_type, data, state)
            }
            FrameType::PvStart | FrameType::PvNext => {
                if frame_type == FrameType::PvStart || self.verify.is_none() {
                    self.verify = Some(Box::new(PairVerifyServer::new(identity.clone())));
                }
                self.verify(data, state)
            }
            _ => Vec::new(),
        }
    }

    fn setup(&mut self, frame_type: FrameType, data: &[u8], state: &FakeState) -> Vec<Step> {
        let Some(server) = self.setup.as_mut() else {
            return Vec::new();
        };
        // SRP runs outside the state lock with a scratch store; a paired client is copied
        // into the device's store.
        let mut scratch = MemoryPairingStore::new();
        let outcome = server.handle(data, &mut scratch);
        match outcome.status {
            Status::Done(SetupOutcome::Paired(client)) => {
                tracing::info!("a Companion client paired");
                state.add_paired_client(&client.identifier, client.public_key);
            }
            Status::Failed(error) => tracing::info!(%error, "Companion pair-setup failed"),
            _ => {}
        }
        let mut reply = vec![(PAIRING_DATA, Value::Data(outcome.message))];
        if frame_type == FrameType::PsStart {
            reply.push((PASSWORD_TYPE, Value::Int(1)));
        }
        vec![Step::Send(FrameType::PsNext, dict(reply))]
    }

    fn verify(&mut self, data: &[u8], state: &FakeState) -> Vec<Step> {
        let Some(server) = self.verify.as_mut() else {
            return Vec::new();
        };
        let store = state.read(|data| data.pairings.clone());
        let outcome = server.handle(data, &store);
        let reply = Step::Send(
            FrameType::PvNext,
            dict(vec![(PAIRING_DATA, Value::Data(outcome.message))]),
        );
        match outcome.status {
            Status::Done(verified) => {
                tracing::info!("a Companion client passed pair-verify");
                state
                    .companion()
                    .update(|data, _| data.authenticated = true);
                let keys = verified
                    .shared_secret
                    .session_keys(session_keys::COMPANION.for_server());
                vec![reply, Step::EnableEncryption(keys)]
            }
            Status::Failed(error) => {
                // pyatv does not read the error in M4 and goes on encrypting: close so
                // that it fails at once.
                tracing::info!(%error, "Companion pair-verify failed");
                vec![reply, Step::Close]
            }
            Status::Continue => vec![reply],
        }
    }
}

#[cfg(test)]
mod tests {
    use atv_pairing::{PairSetupClient, PairVerifyClient};

    use super::*;
    use crate::mrp::pairing::{PIN, pyatv_server_identity};

    fn frame(data: Vec<u8>) -> Value {
        dict(vec![(PAIRING_DATA, Value::Data(data))])
    }

    fn sent(steps: &[Step]) -> Vec<u8> {
        match steps.first() {
            Some(Step::Send(FrameType::PsNext | FrameType::PvNext, value)) => value
                .get(PAIRING_DATA)
                .and_then(Value::as_data)
                .unwrap()
                .to_vec(),
            other => panic!("no reply: {other:?}"),
        }
    }

    #[test]
    fn pair_setup_then_verify_gives_companion_keys() {
        let identity = pyatv_server_identity();
        let state = FakeState::new();
        let mut pairing = Pairing::default();
        let mut handle =
            |kind, data| pairing.handle(kind, &frame(data), &identity, PIN, "F", &state);

        let (client, m1) = PairSetupClient::new().start();
        let m2 = sent(&handle(FrameType::PsStart, m1));
        let (client, m3) = client.handle_m2(&m2).unwrap().submit_pin(PIN).unwrap();
        let m4 = sent(&handle(FrameType::PsNext, m3));
        let (client, m5) = client.handle_m4(&m4).unwrap();
        let m6 = sent(&handle(FrameType::PsNext, m5));
        let credentials = client.handle_m6(&m6).unwrap().credentials;
        assert_eq!(state.paired_clients(), 1);

        let (client, m1) = PairVerifyClient::new(credentials).start();
        let m2 = sent(&handle(FrameType::PvStart, m1));
        let (client, m3) = client.handle_m2(&m2).unwrap();
        let steps = handle(FrameType::PvNext, m3);
        let secret = client.handle_m4(&sent(&steps)).unwrap();
        let Some(Step::EnableEncryption(server)) = steps.get(1) else {
            panic!("no encryption");
        };
        let client = secret.session_keys(session_keys::COMPANION);
        assert_eq!(client.output, server.input);
        assert_eq!(client.input, server.output);
        assert!(state.companion().has_authenticated());
    }

    #[test]
    fn wrong_pin_pairs_nobody() {
        let identity = pyatv_server_identity();
        let state = FakeState::new();
        let mut pairing = Pairing::default();
        let mut handle =
            |kind, data| pairing.handle(kind, &frame(data), &identity, PIN, "F", &state);
        let (client, m1) = PairSetupClient::new().start();
        let m2 = sent(&handle(FrameType::PsStart, m1));
        let (client, m3) = client.handle_m2(&m2).unwrap().submit_pin("1234").unwrap();
        let m4 = sent(&handle(FrameType::PsNext, m3));
        assert!(client.handle_m4(&m4).is_err());
        assert_eq!(state.paired_clients(), 0);
    }
}
