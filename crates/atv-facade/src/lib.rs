//! The facade of atv (pyatv's `core.facade` and `core.relayer`): one device, many
//! protocols.
//!
//! Each protocol crate's `setup` returns [`SetupData`](atv_core::SetupData): a session
//! that connects and closes, the interface implementations the protocol offers and the
//! features it supports. [`AppleTv`] connects them all and hands out one implementation
//! of each atv-core interface that relays every call to the highest-priority protocol
//! supporting it: MRP, DMAP, Companion, AirPlay, RAOP ([`DEFAULT_PRIORITIES`]); power
//! asks Companion first ([`POWER_PRIORITIES`]). A protocol "supports" a call unless it
//! answers [`Error::NotSupported`](atv_core::Error::NotSupported), so the next one is
//! asked then.
//!
//! The facade also guards values (volume must be within 0..=100), merges features
//! ([`FacadeFeatures`]), passes on push updates and keyboard focus from the main protocol
//! only and volume and output device changes from every protocol, and reports
//! connection loss or close to the [`DeviceListener`](atv_core::interface::DeviceListener)
//! exactly once: the first protocol to report ends the whole device. A protocol may
//! take interfaces over for a while ([`TakeoverHandle`]), as RAOP does while streaming.
//!
//! Most programs use `atv::connect`, which builds an [`AppleTv`] from a device
//! configuration.
#![warn(missing_docs)]

mod apps;
mod audio;
mod device;
mod features;
mod gate;
mod keyboard;
mod metadata;
mod power;
mod priority;
mod push_updater;
mod relayer;
mod remote_control;
mod stream;
mod takeover;
mod touch;

pub use apps::{FacadeApps, FacadeUserAccounts};
pub use audio::{FacadeAudio, MAX_VOLUME, MIN_VOLUME};
pub use device::AppleTv;
pub use features::FacadeFeatures;
pub use keyboard::FacadeKeyboard;
pub use metadata::FacadeMetadata;
pub use power::FacadePower;
pub use priority::{DEFAULT_PRIORITIES, POWER_PRIORITIES};
pub use push_updater::FacadePushUpdater;
pub use remote_control::FacadeRemoteControl;
pub use stream::FacadeStream;
pub use takeover::{InterfaceKind, Takeover, TakeoverHandle};
pub use touch::FacadeTouchGestures;
