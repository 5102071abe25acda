//! Transient pair-setup, as HomePods and AirPlay 2 receivers offer it: M1 carries the
//! transient flag, SRP runs with the fixed PIN 3939, and the exchange stops after M4. The
//! SRP session key is the shared secret (there is no pair-verify). The server side is
//! [`PairSetupServer`](crate::pair_setup::PairSetupServer), which honours the flag.

use rand::rngs::OsRng;
use rand::{CryptoRng, RngCore};

use crate::error::Result;
use crate::pair_setup::{self, PairSetupClient};
use crate::session_keys::SharedSecret;

/// The PIN every transient pair-setup uses.
pub const TRANSIENT_PIN: &str = "3939";

/// A transient pair-setup client before M1.
#[derive(Debug)]
pub struct TransientClient {
    inner: PairSetupClient,
}

impl TransientClient {
    /// A client with fresh random values.
    pub fn new() -> Self {
        Self::with_rng(&mut OsRng)
    }

    /// Like [`new`](Self::new), drawing randomness from `rng`.
    pub fn with_rng<R: RngCore + CryptoRng>(rng: &mut R) -> Self {
        Self {
            inner: PairSetupClient::with_rng(rng).transient(),
        }
    }

    /// Builds M1 (method pair-setup, state 1, transient flag).
    pub fn start(self) -> (AwaitingM2, Vec<u8>) {
        let (next, m1) = self.inner.start();
        (AwaitingM2 { inner: next }, m1)
    }
}

impl Default for TransientClient {
    fn default() -> Self {
        Self::new()
    }
}

/// Sent M1, waiting for M2.
#[derive(Debug)]
pub struct AwaitingM2 {
    inner: pair_setup::AwaitingM2,
}

impl AwaitingM2 {
    /// Reads M2 and builds M3 with the transient PIN.
    pub fn handle_m2(self, m2: &[u8]) -> Result<(AwaitingM4, Vec<u8>)> {
        let (next, m3) = self.inner.handle_m2(m2)?.submit_pin(TRANSIENT_PIN)?;
        Ok((AwaitingM4 { inner: next }, m3))
    }
}

/// Sent M3, waiting for M4.
#[derive(Debug)]
pub struct AwaitingM4 {
    inner: pair_setup::AwaitingM4,
}

impl AwaitingM4 {
    /// Checks the device's proof in M4 and returns the shared secret (the SRP key).
    pub fn handle_m4(self, m4: &[u8]) -> Result<SharedSecret> {
        self.inner.finish_transient(m4)
    }
}
