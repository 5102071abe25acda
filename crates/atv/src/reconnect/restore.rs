//! What the user set on the connection, kept so that every new connection gets it too.

use std::sync::Weak;

use atv_core::Result;
use atv_core::interface::{AudioListener, KeyboardListener, PowerListener, PushListener};
use atv_facade::AppleTv;

/// Listeners and push-update state to put on each new connection.
#[derive(Default)]
pub(crate) struct Restore {
    pub(crate) push: Option<Weak<dyn PushListener>>,
    pub(crate) power: Option<Weak<dyn PowerListener>>,
    pub(crate) audio: Option<Weak<dyn AudioListener>>,
    pub(crate) keyboard: Option<Weak<dyn KeyboardListener>>,
    /// The initial delay push updates were started with; `None` when not started.
    pub(crate) push_started: Option<u32>,
}

impl Restore {
    /// Puts every listener on `atv` and starts push updates if they were started.
    pub(crate) fn apply(&self, atv: &AppleTv) -> Result<()> {
        atv.push_updater().set_listener(self.push.clone());
        atv.power().set_listener(self.power.clone());
        atv.audio().set_listener(self.audio.clone());
        atv.keyboard().set_listener(self.keyboard.clone());
        if let Some(delay) = self.push_started {
            atv.push_updater().start(delay)?;
        }
        Ok(())
    }
}
