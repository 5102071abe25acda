//! The Companion device side (`_companion-link._tcp`), what pyatv's Companion client and
//! atv's use: pairing, the encrypted session and its start-up requests, apps and
//! accounts, power, HID buttons, media control, text input and touch.
//!
//! - `server`: the accept loop and one task per connection, owning its socket, with
//!   Companion frames and, after pair-verify, ChaCha20-Poly1305.
//! - `session`: what a connection answers to each frame; no I/O.
//! - `message`: the OPACK request, response and event dictionaries.
//! - `pairing`: pair-setup (PIN 1111) and pair-verify in pairing frames.
//! - `apps`, `power`, `hid`, `media_control`, `text_input`, `touch`: the requests.
//! - [`state`]: what tests set and read ([`CompanionState`], reached through
//!   [`FakeState::companion`](crate::FakeState::companion)).

pub(crate) mod apps;
pub(crate) mod hid;
pub(crate) mod media_control;
pub(crate) mod message;
pub(crate) mod pairing;
pub(crate) mod power;
pub(crate) mod server;
pub(crate) mod session;
pub mod state;
pub(crate) mod text_input;
pub(crate) mod touch;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use atv_mdns::Announcement;
use atv_pairing::ServerIdentity;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use hid::button_name;
pub use state::{
    ClientInfo, CompanionEvent, CompanionState, HidButtonEvent, Launch, MediaCommand, SystemStatus,
    TouchEvent,
};

use crate::announce::{INTERNAL_MODEL_NAME, MAC_ADDRESS, host_name};
use crate::error::Error;
use crate::state::FakeState;

/// Service type of Companion.
pub const COMPANION_SERVICE: &str = "_companion-link._tcp.local";
/// Model the Companion side claims (`rpMd`).
pub const COMPANION_MODEL: &str = "AppleTV6,2";
/// `rpFl` of an Apple TV 4K that accepts PIN pairing (bit 0x4000 set, 0x4 clear).
pub const COMPANION_FLAGS: &str = "0x36782";

/// The `_companion-link._tcp` instance of a device, TXT entries as a real Apple TV
/// sends them (its `rpMRtID` the device's identifier, as on tvOS 16 and later).
pub fn companion_announcement(
    name: &str,
    identifier: &str,
    address: Ipv4Addr,
    port: u16,
) -> Announcement {
    Announcement::new(COMPANION_SERVICE, name, host_name(name), address, port)
        .with_txt("rpMac", "2")
        .with_txt("rpHN", "86d44e4f11ff")
        .with_txt("rpFl", COMPANION_FLAGS)
        .with_txt("rpHA", "9948cfb6da55")
        .with_txt("rpVr", "195.2")
        .with_txt("rpMd", COMPANION_MODEL)
        .with_txt("rpAD", "3b2210518c58")
        .with_txt("rpHI", "91756a18d8e5")
        .with_txt("rpBA", MAC_ADDRESS.to_uppercase())
        .with_txt("rpMRtID", identifier)
        .with_txt("model", INTERNAL_MODEL_NAME)
}

/// Binds the Companion port on `bind` and serves it until `stop` turns true; returns the
/// port and the serving task.
pub(crate) async fn listen(
    bind: IpAddr,
    name: &str,
    identity: ServerIdentity,
    pin: &str,
    state: FakeState,
    stop: watch::Receiver<bool>,
) -> Result<(u16, JoinHandle<()>), Error> {
    let address = SocketAddr::new(bind, 0);
    let listener = TcpListener::bind(address)
        .await
        .map_err(|source| Error::Bind { address, source })?;
    let port = listener
        .local_addr()
        .map_err(|source| Error::Bind { address, source })?
        .port();
    let ctx = session::Context {
        name: name.to_owned(),
        identity,
        pin: pin.to_owned(),
        state,
    };
    tracing::info!(port, "Companion listening");
    Ok((port, tokio::spawn(server::serve(listener, ctx, stop))))
}
