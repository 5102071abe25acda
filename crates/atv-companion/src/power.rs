//! Power state and on/off (pyatv's `CompanionPower`): the state comes from
//! `FetchAttentionState` at connect and the `SystemStatus`/`TVSystemStatus` events;
//! on and off release the Wake and Sleep HID buttons.

use std::sync::{Arc, Weak};
use std::time::Duration;

use async_trait::async_trait;

use atv_core::PowerState;
use atv_core::interface::{Power, PowerListener};

use crate::client::{Shared, lock};
use crate::commands::{ButtonState, HidCommand};
use crate::error::{CompanionError, Result};
use crate::requests;

/// How long turning on or off waits for the device to report the new state.
pub const POWER_WAIT_TIMEOUT: Duration = Duration::from_secs(30);

/// Power state and on/off.
#[derive(Clone)]
pub struct CompanionPower {
    shared: Arc<Shared>,
}

impl CompanionPower {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// The power state as last reported (unknown until the device says).
    pub fn state(&self) -> PowerState {
        lock(&self.shared.state).power
    }

    async fn release(&self, command: HidCommand) -> Result<()> {
        self.shared
            .request("_hidC", requests::hid_command(ButtonState::Up, command))
            .await?;
        Ok(())
    }

    /// Waits until the device reports `state`, at most [`POWER_WAIT_TIMEOUT`].
    async fn wait_for(&self, state: PowerState) -> Result<()> {
        let mut reports = self.shared.power.subscribe();
        let connection = self.shared.connection()?;
        let reported = async {
            let _ = reports.wait_for(|reported| *reported == state).await;
        };
        tokio::select! {
            result = tokio::time::timeout(POWER_WAIT_TIMEOUT, reported) => {
                result.map_err(|_| CompanionError::StateTimeout {
                    what: "power state",
                    after: POWER_WAIT_TIMEOUT,
                })
            }
            _ = connection.closed() => Err(CompanionError::NotConnected),
        }
    }

    /// Wakes the device; with `wait`, until it reports being on.
    pub async fn wake(&self, wait: bool) -> Result<()> {
        self.release(HidCommand::Wake).await?;
        if wait {
            self.wait_for(PowerState::On).await?;
        }
        Ok(())
    }

    /// Puts the device to sleep; with `wait`, until it reports being off.
    pub async fn sleep(&self, wait: bool) -> Result<()> {
        self.release(HidCommand::Sleep).await?;
        if wait {
            self.wait_for(PowerState::Off).await?;
        }
        Ok(())
    }
}

#[async_trait]
impl Power for CompanionPower {
    fn power_state(&self) -> atv_core::Result<PowerState> {
        Ok(self.state())
    }

    async fn turn_on(&self, await_new_state: bool) -> atv_core::Result<()> {
        Ok(self.wake(await_new_state).await?)
    }

    async fn turn_off(&self, await_new_state: bool) -> atv_core::Result<()> {
        Ok(self.sleep(await_new_state).await?)
    }

    fn set_listener(&self, listener: Option<Weak<dyn PowerListener>>) {
        self.shared.power_listener.set(listener);
    }
}
