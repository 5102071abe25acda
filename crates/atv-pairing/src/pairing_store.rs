//! Where a server keeps the clients that paired with it.

use std::collections::HashMap;

/// The paired clients of a server: pairing identifier to Ed25519 long-term public key.
pub trait PairingStore {
    /// The public key of the client that paired under `identifier`.
    fn client_key(&self, identifier: &[u8]) -> Option<[u8; 32]>;

    /// Whether some paired client has this public key (legacy pair-verify sends no
    /// identifier).
    fn has_client_key(&self, public_key: &[u8; 32]) -> bool;

    /// Records a client that completed pair-setup, replacing an older key.
    fn add_client(&mut self, identifier: &[u8], public_key: [u8; 32]);
}

/// A [`PairingStore`] in memory.
#[derive(Clone, Debug, Default)]
pub struct MemoryPairingStore {
    clients: HashMap<Vec<u8>, [u8; 32]>,
}

impl MemoryPairingStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of paired clients.
    pub fn len(&self) -> usize {
        self.clients.len()
    }

    /// True when no client has paired.
    pub fn is_empty(&self) -> bool {
        self.clients.is_empty()
    }
}

impl PairingStore for MemoryPairingStore {
    fn client_key(&self, identifier: &[u8]) -> Option<[u8; 32]> {
        self.clients.get(identifier).copied()
    }

    fn has_client_key(&self, public_key: &[u8; 32]) -> bool {
        self.clients.values().any(|k| k == public_key)
    }

    fn add_client(&mut self, identifier: &[u8], public_key: [u8; 32]) {
        self.clients.insert(identifier.to_vec(), public_key);
    }
}
