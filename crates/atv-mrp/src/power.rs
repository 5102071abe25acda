//! Power state and on/off (pyatv's `MrpPower`). The state comes from the device
//! information (on while it has a logical device); turning on sends a wake message,
//! turning off holds home and presses select (the sleep entry of the menu that opens).

use std::sync::{Arc, Weak};
use std::time::Duration;

use async_trait::async_trait;

use atv_core::interface::{Power, PowerListener};
use atv_core::{InputAction, PowerState};

use crate::buttons::HidKey;
use crate::client::{Shared, lock};
use crate::error::{MrpError, Result};
use crate::message_builders::MessageBuilder;
use crate::remote_control::press_key;

/// How long turning on or off waits for the device to report the new state.
pub const POWER_WAIT_TIMEOUT: Duration = Duration::from_secs(30);

/// Pause between holding home and pressing select when turning off.
const DELAY_BETWEEN_COMMANDS: Duration = Duration::from_millis(100);

/// Power state and on/off.
#[derive(Clone)]
pub struct MrpPower {
    shared: Arc<Shared>,
}

impl MrpPower {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// The current power state.
    pub fn state(&self) -> PowerState {
        lock(&self.shared.model).power_state()
    }

    /// Waits until the device reports `state`, at most [`POWER_WAIT_TIMEOUT`].
    async fn wait_for(&self, state: PowerState) -> Result<()> {
        let mut reports = self.shared.power.subscribe();
        let connection = self.shared.connection()?;
        let reported = async {
            // The sender lives as long as `self`, so this ends only with the state.
            let _ = reports.wait_for(|reported| *reported == state).await;
        };
        tokio::select! {
            result = tokio::time::timeout(POWER_WAIT_TIMEOUT, reported) => {
                result.map_err(|_| MrpError::StateTimeout {
                    what: "power state",
                    after: POWER_WAIT_TIMEOUT,
                })
            }
            _ = connection.closed() => Err(MrpError::NotConnected),
        }
    }

    /// Sends the wake message.
    pub async fn wake(&self) -> Result<()> {
        let connection = self.shared.connection()?;
        connection.send(MessageBuilder::new().wake_device()).await
    }

    /// Holds home, then presses select.
    pub async fn sleep(&self) -> Result<()> {
        let connection = self.shared.connection()?;
        press_key(&connection, HidKey::Home, InputAction::Hold, true).await?;
        tokio::time::sleep(DELAY_BETWEEN_COMMANDS).await;
        press_key(&connection, HidKey::Select, InputAction::SingleTap, true).await
    }
}

#[async_trait]
impl Power for MrpPower {
    fn power_state(&self) -> atv_core::Result<PowerState> {
        Ok(self.state())
    }

    async fn turn_on(&self, await_new_state: bool) -> atv_core::Result<()> {
        self.wake().await?;
        if await_new_state {
            self.wait_for(PowerState::On).await?;
        }
        Ok(())
    }

    async fn turn_off(&self, await_new_state: bool) -> atv_core::Result<()> {
        self.sleep().await?;
        if await_new_state {
            self.wait_for(PowerState::Off).await?;
        }
        Ok(())
    }

    fn set_listener(&self, listener: Option<Weak<dyn PowerListener>>) {
        self.shared.power_listener.set(listener);
    }
}
