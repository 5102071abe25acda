//! The interfaces a connected device offers (pyatv's `interface` module).
//!
//! Each protocol implements the traits it can; the facade holds them as
//! `Arc<dyn Trait>` and sends each call to the protocol that serves it best. Every
//! method has a default body that fails with [`Error::NotSupported`](crate::Error),
//! as pyatv's base classes raise `NotSupportedError`, so an implementation overrides
//! only what it supports. Listener traits are plain traits called from the
//! connection's task; keep their methods short.

mod accounts;
mod apps;
mod audio;
mod device_listener;
mod features;
mod keyboard;
mod listener_slot;
mod metadata;
mod pairing_handler;
mod power;
mod push;
mod remote_control;
mod stream;
mod touch;

pub use accounts::UserAccounts;
pub use apps::Apps;
pub use audio::{Audio, AudioListener};
pub use device_listener::DeviceListener;
pub use features::Features;
pub use keyboard::{Keyboard, KeyboardListener};
pub use listener_slot::ListenerSlot;
pub use metadata::Metadata;
pub use pairing_handler::PairingHandler;
pub use power::{Power, PowerListener};
pub use push::{PushListener, PushUpdater};
pub use remote_control::RemoteControl;
pub use stream::{PlayUrlOptions, Stream, StreamFileOptions, StreamSource};
pub use touch::TouchGestures;

use crate::Error;

/// The error a default method body returns: `operation` is not supported.
fn not_supported<T>(operation: &str) -> crate::Result<T> {
    Err(Error::NotSupported(format!(
        "{operation} is not supported by this device or protocol"
    )))
}
