//! Power, relayed with Companion first (pyatv's `FacadePower`).

use std::sync::{Arc, Weak};

use async_trait::async_trait;

use atv_core::interface::{ListenerSlot, Power, PowerListener};
use atv_core::{PowerState, Result};

use crate::relayer::Relayer;

/// Passes power changes of the main power implementation to the user's listener.
#[derive(Default)]
struct PowerForward {
    listener: ListenerSlot<dyn PowerListener>,
}

impl PowerListener for PowerForward {
    fn powerstate_update(&self, old: PowerState, new: PowerState) {
        if let Some(listener) = self.listener.get() {
            listener.powerstate_update(old, new);
        }
    }
}

/// The facade's [`Power`]: asks Companion first, then MRP, DMAP, AirPlay and RAOP
/// ([`POWER_PRIORITIES`](crate::POWER_PRIORITIES)). Power changes come from the
/// highest-priority protocol implementing power.
pub struct FacadePower {
    pub(crate) relayer: Relayer<dyn Power>,
    forward: Arc<PowerForward>,
}

impl FacadePower {
    pub(crate) fn new(relayer: Relayer<dyn Power>) -> Self {
        Self {
            relayer,
            forward: Arc::default(),
        }
    }

    /// Listens to the main implementation (once every protocol is registered).
    pub(crate) fn attach(&self) {
        if let Some((_, main)) = self.relayer.main() {
            let forward: Arc<dyn PowerListener> = self.forward.clone();
            main.set_listener(Some(Arc::downgrade(&forward)));
        }
    }
}

#[async_trait]
impl Power for FacadePower {
    fn power_state(&self) -> Result<PowerState> {
        self.relayer.relay_now("power_state", |i| i.power_state())
    }

    async fn turn_on(&self, await_new_state: bool) -> Result<()> {
        self.relayer
            .relay("turn_on", |i: Arc<dyn Power>| async move {
                i.turn_on(await_new_state).await
            })
            .await
    }

    async fn turn_off(&self, await_new_state: bool) -> Result<()> {
        self.relayer
            .relay("turn_off", |i: Arc<dyn Power>| async move {
                i.turn_off(await_new_state).await
            })
            .await
    }

    fn set_listener(&self, listener: Option<Weak<dyn PowerListener>>) {
        self.forward.listener.set(listener);
    }
}
