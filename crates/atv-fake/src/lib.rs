//! A fake Apple TV: the device side of atv's protocols, for tests, demos and benchmarks.
//!
//! It plays the part pyatv's `tests/fake_device` plays for pyatv, and speaks the same
//! wire protocol, so both atv's client and pyatv's can drive it. So far it speaks MRP:
//! pair-setup with PIN 1111, pair-verify and encryption, the start-up exchange, playing
//! state, commands, HID keys, volume, output devices, power, and pushed updates. Its
//! Companion side serves apps, accounts, power, HID buttons, media control, text input
//! and touch, sharing power and volume with MRP.
//!
//! Use it in-process:
//!
//! ```no_run
//! # async fn run() -> Result<(), atv_fake::Error> {
//! use atv_fake::FakeDevice;
//!
//! let fake = FakeDevice::builder().mrp().demo().start().await?;
//! println!("MRP on port {:?}", fake.ports().mrp);
//! // ... point a client at 127.0.0.1 and that port ...
//! assert_eq!(fake.state().last_button_pressed(), None);
//! fake.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! or as the binary `atvfake --mrp [--demo] [--local-ip IP --name NAME]`, which prints one
//! JSON line of ports (`{"mrp": 49152}`) once ready and runs until SIGINT, SIGTERM or the
//! end of its standard input.
//!
//! - [`device`]: the builder and the running device.
//! - [`state`]: the shared state ([`FakeState`]) tests inspect and change.
//! - [`playing`]: what a player plays ([`PlayingState`]) and example items.
//! - [`buttons`]: how key presses are classified.
//! - [`mrp`]: the MRP device side.
//! - [`airplay`]: the AirPlay 2 device side, tunnelling MRP (tvOS 15 and later).
//! - [`companion`]: the Companion device side.
//! - [`announce`]: mDNS announcement.
#![warn(missing_docs)]

pub mod airplay;
pub mod announce;
pub mod buttons;
pub mod companion;
pub mod device;
mod error;
pub mod mrp;
pub mod playing;
pub mod state;

pub use buttons::{ButtonPress, HidEvent};
pub use device::{FakeDevice, FakeDeviceBuilder, Ports, RunningFake};
pub use error::Error;
pub use playing::PlayingState;
pub use state::{DeviceSnapshot, FakeState, StateEvent, VolumeControl};
