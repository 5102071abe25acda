//! The AirPlay 2 device side, as an Apple TV on tvOS 15 or later offers it: no separate
//! MRP port, the remote control tunnelled through AirPlay.
//!
//! One TCP port speaks HTTP and RTSP: `GET /info`, HAP pair-setup (PIN 1111) and
//! pair-verify at `/pair-setup` and `/pair-verify` (transient pairing too), after which
//! the connection is encrypted. A remote-control session then asks, with RTSP `SETUP`,
//! for an event channel and a data stream (type 130), each a TCP listener of its own
//! whose connection is encrypted with keys derived from the pairing. The data stream
//! carries MRP messages in DataStream frames, answered by the same session logic as the
//! MRP port ([`crate::mrp`]), over the same [`FakeState`](crate::FakeState).
//!
//! The same port plays video the AirPlay 1 way (`/play` of a URL the device fetches;
//! [`playback`]). [`AirPlayConfig::airplay1`] makes an AirPlay 1 device instead: legacy
//! pairing, no encryption, no tunnel.
//!
//! - [`info`]: the `/info` property list.
//! - [`txt`]: the `_airplay._tcp` and `_raop._tcp` announcements.
//! - `channel_keys`: the keys of the control, event and data channels.
//! - `pairing`: pair-setup and pair-verify over HTTP; `legacy_pairing`: the AirPlay 1
//!   kind, for a fake made with [`AirPlayConfig::airplay1`].
//! - [`playback`]: AirPlay 1 video playback (`/play`, `/playback-info`, ...), fetching
//!   the media from the client.
//! - `control`: what the control connection answers to each request (no I/O).
//! - `server`: the accept loop and the control connection task, which owns its socket and
//!   opens the channel listeners.
//! - `event_channel` and `data_channel`: the tasks of the two channels; `tunnel_codec`
//!   frames the data channel.

pub(crate) mod channel_keys;
pub(crate) mod control;
pub(crate) mod data_channel;
pub(crate) mod event_channel;
pub mod info;
pub(crate) mod legacy_pairing;
pub(crate) mod pairing;
pub mod playback;
pub(crate) mod server;
pub(crate) mod tunnel_codec;
pub mod txt;

use atv_pairing::ServerIdentity;

use crate::announce::MAC_ADDRESS;

/// Model the AirPlay side claims (an Apple TV 4K; tvOS 15 runs on it).
pub const DEVICE_MODEL: &str = "AppleTV6,2";
/// tvOS version announced (15 or later: pyatv then tunnels MRP through AirPlay).
pub const OS_VERSION: &str = "15.6";
/// tvOS build of that version.
pub const OS_BUILD: &str = "19M65";
/// AirPlay source version of tvOS 15.6.
pub const SOURCE_VERSION: &str = "610.20.41";
/// The features bitmask of a tvOS 15 Apple TV (low word, high word), as announced.
pub const FEATURES: &str = "0x4A7FDFD5,0xBC157FDE";
/// The status flags of an Apple TV that requires pairing (bit 0x200).
pub const STATUS_FLAGS: u32 = 0x244;
/// The features of an AirPlay 1 Apple TV (video v1, no AirPlay 2 bits).
pub const AIRPLAY1_FEATURES: &str = "0x5A7FFFF7,0x1E";
/// The status flags of an AirPlay 1 Apple TV that asks for a PIN (bit 0x8).
pub const AIRPLAY1_STATUS_FLAGS: u32 = 0x4C;

/// How the AirPlay side of the fake device presents itself. Debug output hides the PIN.
#[derive(Clone)]
pub struct AirPlayConfig {
    /// Device name.
    pub name: String,
    /// Model identifier, e.g. "AppleTV6,2".
    pub model: String,
    /// OS version, e.g. "15.6".
    pub os_version: String,
    /// OS build, e.g. "19M65".
    pub os_build: String,
    /// Device identifier: a MAC address in upper case, e.g. "40:CB:C0:12:34:56".
    pub device_id: String,
    /// Long-term key and pairing identifier (the public key is announced as `pk`).
    pub identity: ServerIdentity,
    /// The PIN the device "shows" during pair-setup.
    pub pin: String,
    /// The features bitmask announced (low word, high word).
    pub features: String,
    /// The status flags announced.
    pub status_flags: u32,
    /// AirPlay 1 pairing (`/pair-setup-pin`, legacy `/pair-verify`, no encryption)
    /// instead of HAP.
    pub legacy_pairing: bool,
}

impl std::fmt::Debug for AirPlayConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AirPlayConfig")
            .field("name", &self.name)
            .field("model", &self.model)
            .field("os_version", &self.os_version)
            .field("device_id", &self.device_id)
            .field("identity", &self.identity)
            .field("legacy_pairing", &self.legacy_pairing)
            .finish_non_exhaustive()
    }
}

impl AirPlayConfig {
    /// A tvOS 15 Apple TV named `name`, with pyatv's fake device's pairing identity and
    /// PIN 1111.
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            model: DEVICE_MODEL.to_owned(),
            os_version: OS_VERSION.to_owned(),
            os_build: OS_BUILD.to_owned(),
            device_id: MAC_ADDRESS.to_ascii_uppercase(),
            identity: crate::mrp::pairing::pyatv_server_identity(),
            pin: crate::mrp::pairing::PIN.to_owned(),
            features: FEATURES.to_owned(),
            status_flags: STATUS_FLAGS,
            legacy_pairing: false,
        }
    }

    /// An AirPlay 1 Apple TV (an Apple TV 3) named `name`: legacy pairing with PIN 1111,
    /// video playback without encryption, no remote-control tunnel.
    pub fn airplay1(name: &str) -> Self {
        Self {
            model: "AppleTV3,2".to_owned(),
            os_version: "8.4.4".to_owned(),
            os_build: "12H937".to_owned(),
            features: AIRPLAY1_FEATURES.to_owned(),
            status_flags: AIRPLAY1_STATUS_FLAGS,
            legacy_pairing: true,
            ..Self::new(name)
        }
    }

    /// The pairing identifier as text (announced as `pi` and `psi`).
    pub fn pairing_identifier(&self) -> String {
        String::from_utf8_lossy(&self.identity.identifier).into_owned()
    }

    /// The long-term public key in lower-case hex (announced as `pk`).
    pub fn public_key_hex(&self) -> String {
        hex::encode(self.identity.key.public_key())
    }
}

/// Binds the AirPlay listener on `bind` (any port) and starts serving `config`, the
/// tunnel answering from `state`; returns the port and the server task, which ends once
/// `stop` turns true and every connection closed.
pub(crate) async fn listen(
    bind: std::net::IpAddr,
    config: AirPlayConfig,
    mrp: crate::mrp::MrpConfig,
    state: crate::state::FakeState,
    stop: tokio::sync::watch::Receiver<bool>,
) -> Result<(u16, tokio::task::JoinHandle<()>), crate::Error> {
    let address = std::net::SocketAddr::new(bind, 0);
    let bind_error = |source| crate::Error::Bind { address, source };
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(bind_error)?;
    let port = listener.local_addr().map_err(bind_error)?.port();
    let ctx = std::sync::Arc::new(server::Context {
        config,
        mrp: std::sync::Arc::new(crate::mrp::session::Context { config: mrp, state }),
    });
    tracing::info!(port, "AirPlay listening");
    Ok((port, tokio::spawn(server::serve(listener, ctx, stop))))
}
