//! What a protocol hands the facade when a device is connected (pyatv's `SetupData`).
//!
//! Each protocol crate's `setup(config, service, settings, listener)` returns one or
//! more [`SetupData`]: a [`ProtocolSession`] that connects and closes, the interface
//! implementations it offers ([`Interfaces`]) and the features it can offer. The facade
//! relays every call to the highest-priority protocol that implements it.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;

use crate::interface::{
    Apps, Audio, Features, Keyboard, Metadata, Power, PushUpdater, RemoteControl, Stream,
    TouchGestures, UserAccounts,
};
use crate::{DeviceInfo, FeatureName, Protocol, Result};

/// Connecting and closing one protocol's session.
#[async_trait]
pub trait ProtocolSession: Send + Sync {
    /// Connects and runs the protocol's start-up exchange.
    async fn connect(&self) -> Result<()>;

    /// Closes the session; returns when it is torn down.
    async fn close(&self);

    /// What the protocol knows about the device (after connecting, more than before).
    fn device_info(&self) -> DeviceInfo;
}

/// The interface implementations a protocol offers; `None` for those it does not.
#[derive(Clone, Default)]
pub struct Interfaces {
    /// Buttons and playback commands.
    pub remote_control: Option<Arc<dyn RemoteControl>>,
    /// What plays.
    pub metadata: Option<Arc<dyn Metadata>>,
    /// Power.
    pub power: Option<Arc<dyn Power>>,
    /// Push updates.
    pub push_updater: Option<Arc<dyn PushUpdater>>,
    /// Volume and output devices.
    pub audio: Option<Arc<dyn Audio>>,
    /// Feature states.
    pub features: Option<Arc<dyn Features>>,
    /// Apps.
    pub apps: Option<Arc<dyn Apps>>,
    /// User accounts.
    pub user_accounts: Option<Arc<dyn UserAccounts>>,
    /// The virtual keyboard.
    pub keyboard: Option<Arc<dyn Keyboard>>,
    /// Touch gestures.
    pub touch: Option<Arc<dyn TouchGestures>>,
    /// Playing URLs and streaming files.
    pub stream: Option<Arc<dyn Stream>>,
}

impl fmt::Debug for Interfaces {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Interfaces")
            .field("remote_control", &self.remote_control.is_some())
            .field("metadata", &self.metadata.is_some())
            .field("power", &self.power.is_some())
            .field("push_updater", &self.push_updater.is_some())
            .field("audio", &self.audio.is_some())
            .field("features", &self.features.is_some())
            .field("apps", &self.apps.is_some())
            .field("user_accounts", &self.user_accounts.is_some())
            .field("keyboard", &self.keyboard.is_some())
            .field("touch", &self.touch.is_some())
            .field("stream", &self.stream.is_some())
            .finish()
    }
}

/// One protocol's contribution to a connected device (pyatv's `SetupData`).
#[derive(Clone)]
pub struct SetupData {
    /// The protocol.
    pub protocol: Protocol,
    /// Connects and closes.
    pub session: Arc<dyn ProtocolSession>,
    /// The interfaces it implements.
    pub interfaces: Interfaces,
    /// The features it can offer.
    pub features: BTreeSet<FeatureName>,
}

impl fmt::Debug for SetupData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetupData")
            .field("protocol", &self.protocol)
            .field("interfaces", &self.interfaces)
            .field("features", &self.features)
            .finish_non_exhaustive()
    }
}
