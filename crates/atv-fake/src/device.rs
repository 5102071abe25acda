//! Building and starting a fake device, in-process or from the `atvfake` binary.
//!
//! ```no_run
//! # async fn run() -> Result<(), atv_fake::Error> {
//! let fake = atv_fake::FakeDevice::builder().mrp().demo().start().await?;
//! let port = fake.ports().mrp.expect("MRP is enabled");
//! fake.state().set_volume(0.3);
//! fake.shutdown().await;
//! # Ok(()) }
//! ```

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use atv_mdns::Responder;
use atv_mrp::protobuf::Command;
use atv_pairing::ServerIdentity;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::announce::{announce, device_info_announcement, mrp_announcement};
use crate::error::Error;
use crate::mrp::session::Context;
use crate::mrp::{MrpConfig, pairing};
use crate::playing::{PLAYER_IDENTIFIER, PlayingState};
use crate::state::{FakeState, VolumeControl};

/// Name of the fake device unless another is given.
pub const DEFAULT_NAME: &str = "FakeATV";
/// Identifier the fake device announces unless another is given.
pub const DEFAULT_IDENTIFIER: &str = "6D797FD3-3538-427E-A47B-A32FC6CF3A69";

/// Entry point: `FakeDevice::builder()`.
#[derive(Debug)]
pub struct FakeDevice;

impl FakeDevice {
    /// A builder for a device with no protocol yet, named [`DEFAULT_NAME`], listening on
    /// 127.0.0.1.
    pub fn builder() -> FakeDeviceBuilder {
        FakeDeviceBuilder::default()
    }
}

/// Which protocols to run and how the device presents itself. Debug output hides the
/// PIN.
pub struct FakeDeviceBuilder {
    mrp: bool,
    companion: bool,
    airplay: bool,
    /// AirPlay 1 (legacy pairing, no tunnel) instead of AirPlay 2.
    airplay1: bool,
    demo: bool,
    name: String,
    identifier: String,
    bind: IpAddr,
    announce: Option<Ipv4Addr>,
    identity: ServerIdentity,
    pin: String,
    state: FakeState,
}

impl std::fmt::Debug for FakeDeviceBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeDeviceBuilder")
            .field("mrp", &self.mrp)
            .field("companion", &self.companion)
            .field("airplay", &self.airplay)
            .field("airplay1", &self.airplay1)
            .field("demo", &self.demo)
            .field("name", &self.name)
            .field("identifier", &self.identifier)
            .field("bind", &self.bind)
            .field("announce", &self.announce)
            .field("identity", &self.identity)
            .finish_non_exhaustive()
    }
}

impl Default for FakeDeviceBuilder {
    fn default() -> Self {
        Self {
            mrp: false,
            companion: false,
            airplay: false,
            airplay1: false,
            demo: false,
            name: DEFAULT_NAME.to_owned(),
            identifier: DEFAULT_IDENTIFIER.to_owned(),
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            announce: None,
            identity: pairing::pyatv_server_identity(),
            pin: pairing::PIN.to_owned(),
            state: FakeState::new(),
        }
    }
}

impl FakeDeviceBuilder {
    /// Runs the MRP protocol.
    #[must_use]
    pub fn mrp(mut self) -> Self {
        self.mrp = true;
        self
    }

    /// Runs the Companion protocol.
    #[must_use]
    pub fn companion(mut self) -> Self {
        self.companion = true;
        self
    }

    /// Runs AirPlay 2 as a tvOS 15 Apple TV does: pairing, `/info`, and the remote-control
    /// tunnel carrying MRP to the same state as the MRP port.
    #[must_use]
    pub fn airplay(mut self) -> Self {
        self.airplay = true;
        self
    }

    /// Runs AirPlay as an AirPlay 1 Apple TV (an Apple TV 3) instead: legacy pairing
    /// (`/pair-setup-pin`, PIN 1111), video playback without encryption, no tunnel
    /// (see [`AirPlayConfig::airplay1`](crate::airplay::AirPlayConfig::airplay1)).
    #[must_use]
    pub fn airplay1(mut self) -> Self {
        self.airplay = true;
        self.airplay1 = true;
        self
    }

    /// Starts with music playing and volume controls available (see [`demo_state`]).
    #[must_use]
    pub fn demo(mut self) -> Self {
        self.demo = true;
        self
    }

    /// The device name.
    #[must_use]
    pub fn name(mut self, name: &str) -> Self {
        self.name = name.to_owned();
        self
    }

    /// The identifier announced over mDNS (MRP's `UniqueIdentifier`).
    #[must_use]
    pub fn identifier(mut self, identifier: &str) -> Self {
        self.identifier = identifier.to_owned();
        self
    }

    /// The address to listen on (127.0.0.1 unless set).
    #[must_use]
    pub fn bind_address(mut self, address: IpAddr) -> Self {
        self.bind = address;
        self
    }

    /// Announces the device over mDNS on the interface with this address.
    #[must_use]
    pub fn announce(mut self, local_ip: Ipv4Addr) -> Self {
        self.announce = Some(local_ip);
        self
    }

    /// The pairing identity (pyatv's fake device's, unless set).
    #[must_use]
    pub fn pairing_identity(mut self, identity: ServerIdentity) -> Self {
        self.identity = identity;
        self
    }

    /// The PIN pair-setup accepts (1111 unless set).
    #[must_use]
    pub fn pin(mut self, pin: &str) -> Self {
        self.pin = pin.to_owned();
        self
    }

    /// Accepts a client paired earlier: its pairing identifier and public key.
    #[must_use]
    pub fn paired_client(self, identifier: &[u8], public_key: [u8; 32]) -> Self {
        self.state.add_paired_client(identifier, public_key);
        self
    }

    /// Accepts the fixed credentials pyatv's tests use
    /// ([`PYATV_CLIENT_CREDENTIALS`](crate::mrp::pairing::PYATV_CLIENT_CREDENTIALS)).
    #[must_use]
    pub fn accept_pyatv_test_credentials(self) -> Self {
        let (identifier, key) = pairing::pyatv_test_client();
        self.paired_client(&identifier, key)
    }

    /// Uses this state (e.g. prepared beforehand) instead of a fresh one.
    #[must_use]
    pub fn state(mut self, state: FakeState) -> Self {
        self.state = state;
        self
    }

    /// Binds the listeners, announces the device when asked and starts serving.
    pub async fn start(self) -> Result<RunningFake, Error> {
        if !self.mrp && !self.companion && !self.airplay {
            return Err(Error::NoProtocol);
        }
        if self.demo {
            demo_state(&self.state);
            if self.companion {
                crate::companion::state::demo(self.state.companion());
            }
        }
        let (shutdown, stop) = watch::channel(false);
        let mut tasks = Vec::new();
        let mut ports = Ports::default();
        let mut announcements = Vec::new();

        if self.mrp {
            let address = SocketAddr::new(self.bind, 0);
            let listener = TcpListener::bind(address)
                .await
                .map_err(|source| Error::Bind { address, source })?;
            let port = listener
                .local_addr()
                .map_err(|source| Error::Bind { address, source })?
                .port();
            ports.mrp = Some(port);
            let config = MrpConfig {
                identity: self.identity.clone(),
                pin: self.pin.clone(),
                ..MrpConfig::new(&self.name)
            };
            let build = config.build.clone();
            let ctx = Arc::new(Context {
                config,
                state: self.state.clone(),
            });
            tasks.push(tokio::spawn(crate::mrp::server::serve(
                listener,
                ctx,
                stop.clone(),
            )));
            tracing::info!(port, "MRP listening");
            if let Some(local_ip) = self.announce {
                announcements.push(mrp_announcement(
                    &self.name,
                    &self.identifier,
                    &build,
                    local_ip,
                    port,
                ));
            }
        }

        if self.companion {
            let (port, task) = crate::companion::listen(
                self.bind,
                &self.name,
                self.identity.clone(),
                &self.pin,
                self.state.clone(),
                stop.clone(),
            )
            .await?;
            ports.companion = Some(port);
            tasks.push(task);
            if let Some(local_ip) = self.announce {
                announcements.push(crate::companion::companion_announcement(
                    &self.name,
                    &self.identifier,
                    local_ip,
                    port,
                ));
            }
        }

        if self.airplay {
            let config = crate::airplay::AirPlayConfig {
                identity: self.identity.clone(),
                pin: self.pin.clone(),
                ..if self.airplay1 {
                    crate::airplay::AirPlayConfig::airplay1(&self.name)
                } else {
                    crate::airplay::AirPlayConfig::new(&self.name)
                }
            };
            // The tunnel tells device information as the tvOS version AirPlay announces.
            let mrp = MrpConfig {
                identity: self.identity.clone(),
                pin: self.pin.clone(),
                build: crate::airplay::OS_BUILD.to_owned(),
                ..MrpConfig::new(&self.name)
            };
            let (port, task) = crate::airplay::listen(
                self.bind,
                config.clone(),
                mrp,
                self.state.clone(),
                stop.clone(),
            )
            .await?;
            ports.airplay = Some(port);
            tasks.push(task);
            if let Some(local_ip) = self.announce {
                announcements.push(crate::airplay::txt::airplay_announcement(
                    &config, local_ip, port,
                ));
                announcements.push(crate::airplay::txt::raop_announcement(
                    &config, local_ip, port,
                ));
            }
        }

        let responder = match self.announce {
            Some(local_ip) => {
                announcements.push(device_info_announcement(&self.name, local_ip));
                Some(announce(local_ip, announcements).await?)
            }
            None => None,
        };
        Ok(RunningFake {
            ports,
            identifier: self.identifier,
            state: self.state,
            shutdown,
            tasks,
            responder,
        })
    }
}

/// What `--demo` starts with: example music playing (pyatv's example values) with the
/// usual music commands (shuffle and repeat included, both off), and volume controls
/// available.
pub fn demo_state(state: &FakeState) {
    let music = PlayingState {
        supported_commands: Some(vec![
            Command::Play,
            Command::Pause,
            Command::TogglePlayPause,
            Command::Stop,
            Command::NextTrack,
            Command::PreviousTrack,
            Command::SkipForward,
            Command::SkipBackward,
            Command::SeekToPlaybackPosition,
            Command::ChangeShuffleMode,
            Command::ChangeRepeatMode,
        ]),
        skip_time: Some(15.0),
        shuffle: Some(atv_core::ShuffleState::Off),
        repeat: Some(atv_core::RepeatState::Off),
        ..PlayingState::example_music(false)
    };
    state.play(PLAYER_IDENTIFIER, music);
    state.set_volume_control(VolumeControl::FULL);
}

/// The ports a running fake device listens on, per protocol.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ports {
    /// MRP.
    pub mrp: Option<u16>,
    /// Companion.
    pub companion: Option<u16>,
    /// AirPlay (HTTP/RTSP control; the channels get ports of their own on demand).
    pub airplay: Option<u16>,
}

impl Ports {
    /// One JSON object of the enabled protocols' ports, e.g. `{"mrp": 49152}`.
    pub fn to_json(&self) -> String {
        let entries: Vec<String> = [
            ("mrp", self.mrp),
            ("companion", self.companion),
            ("airplay", self.airplay),
        ]
        .into_iter()
        .filter_map(|(name, port)| port.map(|port| format!("\"{name}\": {port}")))
        .collect();
        format!("{{{}}}", entries.join(", "))
    }
}

/// A started fake device. Dropping it stops the servers (without waiting);
/// [`shutdown`](Self::shutdown) waits until everything is closed.
#[derive(Debug)]
pub struct RunningFake {
    ports: Ports,
    identifier: String,
    state: FakeState,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    responder: Option<Responder>,
}

impl RunningFake {
    /// The ports it listens on.
    pub fn ports(&self) -> Ports {
        self.ports
    }

    /// The identifier it announces.
    pub fn identifier(&self) -> &str {
        &self.identifier
    }

    /// The shared state: inspect what clients did, change what plays.
    pub fn state(&self) -> &FakeState {
        &self.state
    }

    /// Closes every connection and listener, withdraws the mDNS records, and waits.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        for task in std::mem::take(&mut self.tasks) {
            let _ = task.await;
        }
        if let Some(responder) = self.responder.take() {
            responder.close().await;
        }
    }
}

impl Drop for RunningFake {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_pin() {
        let builder = FakeDevice::builder().mrp().pin("9876");
        assert!(!format!("{builder:?}").contains("9876"));
        let mut config = MrpConfig::new("Fake");
        config.pin = "9876".into();
        assert!(!format!("{config:?}").contains("9876"));
    }

    #[test]
    fn ports_as_json() {
        let ports = Ports {
            mrp: Some(49152),
            ..Ports::default()
        };
        assert_eq!(ports.to_json(), r#"{"mrp": 49152}"#);
        let ports = Ports {
            companion: Some(49153),
            ..ports
        };
        assert_eq!(ports.to_json(), r#"{"mrp": 49152, "companion": 49153}"#);
        assert_eq!(Ports::default().to_json(), "{}");
    }

    #[tokio::test]
    async fn needs_a_protocol() {
        assert!(matches!(
            FakeDevice::builder().start().await,
            Err(Error::NoProtocol)
        ));
    }

    #[test]
    fn demo_plays_music() {
        let state = FakeState::new();
        demo_state(&state);
        let playing = state.playing().unwrap();
        assert_eq!(playing.title.as_deref(), Some("music"));
        assert_eq!(
            playing.playback_state,
            Some(atv_mrp::protobuf::PlaybackState::Playing)
        );
        assert_eq!(state.volume_control(), Some(VolumeControl::FULL));
    }
}
