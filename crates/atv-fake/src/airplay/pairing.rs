//! HAP pairing as AirPlay carries it: TLV8 bodies POSTed to `/pair-setup` and
//! `/pair-verify` (with `X-Apple-HKP` headers the device need not check).
//!
//! Pair-setup with the device's PIN stores the client; pair-verify of a stored client,
//! or transient pair-setup (PIN 3939, no storing), gives the secret the connection is
//! then encrypted with. An M1 starts its exchange over; other messages continue it.

use atv_pairing::pair_setup::SetupOutcome;
use atv_pairing::{
    MemoryPairingStore, PairSetupServer, PairVerifyServer, SharedSecret, Status, Tag, Tlv8,
};

use super::AirPlayConfig;
use crate::state::FakeState;

/// What the connection does after sending a pairing answer.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Nothing: the exchange goes on, or pair-setup stored the client.
    Continue,
    /// Encrypt the connection with keys from this secret.
    Encrypt(SharedSecret),
    /// Close the connection: the client failed pair-verify.
    Close,
}

/// The pairing exchanges of one control connection.
#[derive(Default)]
pub(crate) struct HttpPairing {
    setup: Option<Box<PairSetupServer>>,
    verify: Option<Box<PairVerifyServer>>,
}

impl std::fmt::Debug for HttpPairing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpPairing")
            .field("setup", &self.setup.is_some())
            .field("verify", &self.verify.is_some())
            .finish()
    }
}

fn is_first(body: &[u8]) -> bool {
    Tlv8::decode(body)
        .ok()
        .and_then(|tlv| tlv.get_uint(Tag::STATE))
        == Some(1)
}

impl HttpPairing {
    /// Answers a `/pair-setup` body.
    pub(crate) fn pair_setup(
        &mut self,
        config: &AirPlayConfig,
        state: &FakeState,
        body: &[u8],
    ) -> (Vec<u8>, Outcome) {
        if is_first(body) || self.setup.is_none() {
            self.setup = Some(Box::new(PairSetupServer::new(
                config.identity.clone(),
                &config.pin,
            )));
        }
        let Some(server) = self.setup.as_mut() else {
            return (Vec::new(), Outcome::Close);
        };
        // SRP runs outside the state lock, with a scratch store; a paired client is
        // copied into the device's store.
        let mut scratch = MemoryPairingStore::new();
        let reply = server.handle(body, &mut scratch);
        let outcome = match reply.status {
            Status::Done(SetupOutcome::Paired(client)) => {
                tracing::info!("a client paired over AirPlay");
                state.add_paired_client(&client.identifier, client.public_key);
                Outcome::Continue
            }
            Status::Done(SetupOutcome::Transient(secret)) => {
                tracing::info!("a client completed transient pairing over AirPlay");
                state.update(|data, _| data.has_authenticated = true);
                Outcome::Encrypt(secret)
            }
            Status::Failed(error) => {
                tracing::info!(%error, "AirPlay pair-setup failed");
                Outcome::Continue
            }
            Status::Continue => Outcome::Continue,
        };
        (reply.message, outcome)
    }

    /// Answers a `/pair-verify` body.
    pub(crate) fn pair_verify(
        &mut self,
        config: &AirPlayConfig,
        state: &FakeState,
        body: &[u8],
    ) -> (Vec<u8>, Outcome) {
        if is_first(body) || self.verify.is_none() {
            self.verify = Some(Box::new(PairVerifyServer::new(config.identity.clone())));
        }
        let Some(server) = self.verify.as_mut() else {
            return (Vec::new(), Outcome::Close);
        };
        let store = state.read(|data| data.pairings.clone());
        let reply = server.handle(body, &store);
        let outcome = match reply.status {
            Status::Done(verified) => {
                tracing::info!("a client passed AirPlay pair-verify");
                state.update(|data, _| data.has_authenticated = true);
                Outcome::Encrypt(verified.shared_secret)
            }
            Status::Failed(error) => {
                // pyatv does not look at M4 and goes on encrypting; closing makes it fail
                // at once instead of on an undecryptable request.
                tracing::info!(%error, "AirPlay pair-verify failed");
                Outcome::Close
            }
            Status::Continue => Outcome::Continue,
        };
        (reply.message, outcome)
    }
}

#[cfg(test)]
mod tests {
    use atv_pairing::session_keys::AIRPLAY_CONTROL;
    use atv_pairing::transient::TransientClient;
    use atv_pairing::{PairSetupClient, PairVerifyClient};

    use super::super::channel_keys::control_keys;
    use super::*;

    #[test]
    fn pair_setup_then_verify_gives_matching_control_keys() {
        let config = AirPlayConfig::new("Fake");
        let state = FakeState::new();
        let mut pairing = HttpPairing::default();

        let (client, m1) = PairSetupClient::new().start();
        let (m2, _) = pairing.pair_setup(&config, &state, &m1);
        let (client, m3) = client.handle_m2(&m2).unwrap().submit_pin("1111").unwrap();
        let (m4, _) = pairing.pair_setup(&config, &state, &m3);
        let (client, m5) = client.handle_m4(&m4).unwrap();
        let (m6, outcome) = pairing.pair_setup(&config, &state, &m5);
        assert!(matches!(outcome, Outcome::Continue));
        let credentials = client.handle_m6(&m6).unwrap().credentials;
        assert_eq!(state.paired_clients(), 1);

        let (client, m1) = PairVerifyClient::new(credentials).start();
        let (m2, _) = pairing.pair_verify(&config, &state, &m1);
        let (client, m3) = client.handle_m2(&m2).unwrap();
        let (m4, outcome) = pairing.pair_verify(&config, &state, &m3);
        let client_secret = client.handle_m4(&m4).unwrap();
        let Outcome::Encrypt(secret) = outcome else {
            panic!("no encryption after pair-verify");
        };
        let client_keys = client_secret.session_keys(AIRPLAY_CONTROL);
        let device_keys = control_keys(secret.as_bytes());
        assert_eq!(client_keys.output, device_keys.input);
        assert_eq!(client_keys.input, device_keys.output);
        assert!(state.has_authenticated());
    }

    #[test]
    fn unknown_client_is_closed_after_pair_verify() {
        let config = AirPlayConfig::new("Fake");
        let state = FakeState::new();
        let mut pairing = HttpPairing::default();
        let (client, m1) = PairSetupClient::new().start();
        let (m2, _) = pairing.pair_setup(&config, &state, &m1);
        let (client, m3) = client.handle_m2(&m2).unwrap().submit_pin("1111").unwrap();
        let (m4, _) = pairing.pair_setup(&config, &state, &m3);
        let (client, m5) = client.handle_m4(&m4).unwrap();
        let (m6, _) = pairing.pair_setup(&config, &state, &m5);
        let credentials = client.handle_m6(&m6).unwrap().credentials;

        // A device that forgot the client.
        let forgetful = FakeState::new();
        let (client, m1) = PairVerifyClient::new(credentials).start();
        let (m2, _) = pairing.pair_verify(&config, &forgetful, &m1);
        let (_, m3) = client.handle_m2(&m2).unwrap();
        let (_, outcome) = pairing.pair_verify(&config, &forgetful, &m3);
        assert!(matches!(outcome, Outcome::Close));
        assert!(!forgetful.has_authenticated());
    }

    #[test]
    fn transient_pairing_encrypts_without_storing() {
        let config = AirPlayConfig::new("Fake");
        let state = FakeState::new();
        let mut pairing = HttpPairing::default();
        let (client, m1) = TransientClient::new().start();
        let (m2, _) = pairing.pair_setup(&config, &state, &m1);
        let (client, m3) = client.handle_m2(&m2).unwrap();
        let (m4, outcome) = pairing.pair_setup(&config, &state, &m3);
        let client_secret = client.handle_m4(&m4).unwrap();
        let Outcome::Encrypt(secret) = outcome else {
            panic!("no encryption after transient pairing");
        };
        assert_eq!(client_secret.as_bytes(), secret.as_bytes());
        assert_eq!(state.paired_clients(), 0);
    }
}
