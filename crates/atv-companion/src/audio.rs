//! Volume over Companion (pyatv's `CompanionAudio`): known while the media control
//! flags include volume (read with `_mcc` GetVolume after each `_iMC` event), set with
//! `_mcc` SetVolume, stepped with the volume HID buttons.

use std::sync::{Arc, Weak};
use std::time::Duration;

use async_trait::async_trait;

use atv_core::interface::{Audio, AudioListener};
use atv_core::{InputAction, OutputDevice};

use crate::client::{Shared, lock};
use crate::commands::{HidCommand, MediaControlCommand};
use crate::error::{CompanionError, Result};
use crate::opack::Value;
use crate::remote_control::press;

/// How long a volume change waits for the device to report the new volume.
pub const VOLUME_WAIT_TIMEOUT: Duration = Duration::from_secs(5);

/// Volume.
#[derive(Clone)]
pub struct CompanionAudio {
    shared: Arc<Shared>,
}

impl CompanionAudio {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// The volume in percent as last reported (0 while unknown).
    pub fn level(&self) -> f64 {
        lock(&self.shared.state).volume
    }

    /// Runs `change` and waits until the device reports a volume after it.
    async fn changed<F>(&self, change: F) -> Result<()>
    where
        F: Future<Output = Result<()>>,
    {
        let mut reports = self.shared.volume_reports.subscribe();
        reports.mark_unchanged();
        change.await?;
        tokio::time::timeout(VOLUME_WAIT_TIMEOUT, reports.changed())
            .await
            .map_err(|_| CompanionError::StateTimeout {
                what: "volume",
                after: VOLUME_WAIT_TIMEOUT,
            })?
            .map_err(|_| CompanionError::NotConnected)
    }

    /// Sets the volume (percent).
    pub async fn set_level(&self, level: f64) -> Result<()> {
        self.changed(async {
            self.shared
                .media_control(
                    MediaControlCommand::SetVolume,
                    vec![("_vol", Value::Float(level / 100.0))],
                )
                .await
                .map(drop)
        })
        .await
    }

    /// Presses a volume button and waits for the new volume.
    pub async fn step(&self, command: HidCommand) -> Result<()> {
        self.changed(press(&self.shared, command, InputAction::SingleTap))
            .await
    }
}

#[async_trait]
impl Audio for CompanionAudio {
    fn volume(&self) -> atv_core::Result<f64> {
        Ok(self.level())
    }

    /// Sets the volume of the device (Companion has no per-output-device volume, so
    /// `output_device` is not used, as in pyatv).
    async fn set_volume(
        &self,
        level: f64,
        _output_device: Option<&OutputDevice>,
    ) -> atv_core::Result<()> {
        Ok(self.set_level(level).await?)
    }

    async fn volume_up(&self) -> atv_core::Result<()> {
        Ok(self.step(HidCommand::VolumeUp).await?)
    }

    async fn volume_down(&self) -> atv_core::Result<()> {
        Ok(self.step(HidCommand::VolumeDown).await?)
    }

    fn set_listener(&self, listener: Option<Weak<dyn AudioListener>>) {
        self.shared.audio_listener.set(listener);
    }
}
