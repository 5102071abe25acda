//! The MRP (Media Remote Protocol) device side.
//!
//! - `server`: the accept loop and one task per connection, owning its socket, with the
//!   varint framing and, after pair-verify, ChaCha20-Poly1305.
//! - `connection`: the loop driving a session over any transport (the MRP port's, or
//!   the AirPlay 2 tunnel's data channel).
//! - `session`: what a connection answers to each message (start-up exchange, dispatch);
//!   no I/O.
//! - [`pairing`]: pair-setup (PIN 1111) and pair-verify in crypto pairing messages.
//! - `commands`: playback commands, HID keys, volume, output devices, wake.
//! - `now_playing` and `push`: the state as messages, and state events as updates.

pub(crate) mod commands;
pub(crate) mod connection;
pub(crate) mod device_info;
pub(crate) mod hid;
pub(crate) mod now_playing;
pub mod pairing;
pub(crate) mod push;
pub(crate) mod server;
pub(crate) mod session;

use atv_pairing::ServerIdentity;

/// Model the fake device claims to be.
pub const DEVICE_MODEL: &str = "AppleTV6,2";
/// OS build the fake device claims (tvOS 14.7, which still accepts MRP connections).
pub const BUILD_NUMBER: &str = "18M60";

/// How the MRP side of the fake device presents itself. Debug output hides the PIN.
#[derive(Clone)]
pub struct MrpConfig {
    /// Device name in device information.
    pub name: String,
    /// Model identifier, e.g. "AppleTV6,2".
    pub model: String,
    /// OS build, e.g. "18M60".
    pub build: String,
    /// Long-term key and pairing identifier.
    pub identity: ServerIdentity,
    /// The PIN the device "shows" during pair-setup.
    pub pin: String,
}

impl std::fmt::Debug for MrpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MrpConfig")
            .field("name", &self.name)
            .field("model", &self.model)
            .field("build", &self.build)
            .field("identity", &self.identity)
            .finish_non_exhaustive()
    }
}

impl MrpConfig {
    /// The configuration of pyatv's fake device under `name`: its model, build, pairing
    /// identity and PIN 1111.
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            model: DEVICE_MODEL.to_owned(),
            build: BUILD_NUMBER.to_owned(),
            identity: pairing::pyatv_server_identity(),
            pin: pairing::PIN.to_owned(),
        }
    }
}
