//! Volume and output devices (pyatv's `MrpAudio`). The device reports its volume
//! controls and levels as they change; setting a level sends it and waits for the
//! device's report; stepping uses the volume keys when the device supports relative
//! control, else sets the level 5 % higher or lower.

use std::sync::{Arc, Weak};
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::watch;

use atv_core::interface::{Audio, AudioListener};
use atv_core::{InputAction, OutputDevice};

use crate::buttons::HidKey;
use crate::client::{Shared, lock};
use crate::error::{MrpError, Result};
use crate::message_builders::MessageBuilder;
use crate::protobuf::ProtocolMessage;
use crate::remote_control::press_key;

/// How long a volume change waits for the device to report the new level (pyatv: 5 s).
pub const VOLUME_WAIT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long an output device change waits for the device's update (pyatv: 5 s; a
/// missing update is not an error).
pub const OUTPUT_DEVICES_WAIT_TIMEOUT: Duration = Duration::from_secs(5);
/// The step of volume up/down when only absolute control exists, in percent.
pub const VOLUME_STEP: f64 = 5.0;

/// Volume and output devices.
#[derive(Clone)]
pub struct MrpAudio {
    shared: Arc<Shared>,
}

/// Waits until `reports` counts a report made after it was created, at most `limit`.
async fn next_report(mut reports: watch::Receiver<u64>, limit: Duration) -> bool {
    tokio::time::timeout(limit, reports.changed())
        .await
        .is_ok_and(|changed| changed.is_ok())
}

impl MrpAudio {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// Current volume in percent.
    pub fn level(&self) -> f64 {
        lock(&self.shared.model).audio.volume
    }

    /// Volume controls are available.
    pub fn is_available(&self) -> bool {
        lock(&self.shared.model).volume_available()
    }

    fn capabilities(&self) -> (bool, bool) {
        let model = lock(&self.shared.model);
        (model.audio.absolute, model.audio.relative)
    }

    /// Sends `message` and waits for the next volume report when `wait`.
    async fn send_and_wait_for_volume(&self, message: ProtocolMessage, wait: bool) -> Result<()> {
        let connection = self.shared.connection()?;
        let reports = self.shared.volume_reports.subscribe();
        connection.send(message).await?;
        if wait && !next_report(reports, VOLUME_WAIT_TIMEOUT).await {
            return Err(MrpError::StateTimeout {
                what: "volume",
                after: VOLUME_WAIT_TIMEOUT,
            });
        }
        Ok(())
    }

    /// Sets the volume (percent) of the device, or of `output_device`.
    pub async fn set_level(&self, level: f64, output_device: Option<&OutputDevice>) -> Result<()> {
        let fraction = (level / 100.0) as f32;
        let mut build = MessageBuilder::new();
        match output_device {
            None => {
                let (uid, absolute, current) = {
                    let model = lock(&self.shared.model);
                    (model.device_uid(), model.audio.absolute, model.audio.volume)
                };
                let uid = uid.ok_or(MrpError::Missing("no output device"))?;
                // The device reports only changes, and only with absolute control.
                let wait = absolute && current != level;
                self.send_and_wait_for_volume(build.set_volume(&uid, fraction), wait)
                    .await
            }
            Some(device) => {
                let wait = device.volume != level;
                self.send_and_wait_for_volume(build.set_volume(&device.identifier, fraction), wait)
                    .await
            }
        }
    }

    async fn step(&self, key: HidKey, up: bool) -> Result<()> {
        let (absolute, relative) = self.capabilities();
        let level = self.level();
        let limit = if up { 100.0 } else { 0.0 };
        if absolute && level == limit {
            return Ok(());
        }
        if relative {
            let connection = self.shared.connection()?;
            let reports = self.shared.volume_reports.subscribe();
            press_key(&connection, key, InputAction::SingleTap, false).await?;
            if absolute && !next_report(reports, VOLUME_WAIT_TIMEOUT).await {
                return Err(MrpError::StateTimeout {
                    what: "volume",
                    after: VOLUME_WAIT_TIMEOUT,
                });
            }
            Ok(())
        } else if absolute {
            let target = if up {
                (level + VOLUME_STEP).min(100.0)
            } else {
                (level - VOLUME_STEP).max(0.0)
            };
            self.set_level(target, None).await
        } else {
            Ok(())
        }
    }

    /// Sends an output device change and waits (at most
    /// [`OUTPUT_DEVICES_WAIT_TIMEOUT`], silently) for the device's update.
    async fn change_output_devices(&self, message: ProtocolMessage) -> Result<()> {
        let connection = self.shared.connection()?;
        let reports = self.shared.device_info_reports.subscribe();
        connection.send(message).await?;
        next_report(reports, OUTPUT_DEVICES_WAIT_TIMEOUT).await;
        Ok(())
    }
}

fn as_strs(devices: &[String]) -> Vec<&str> {
    devices.iter().map(String::as_str).collect()
}

#[async_trait]
impl Audio for MrpAudio {
    fn volume(&self) -> atv_core::Result<f64> {
        Ok(self.level())
    }

    async fn set_volume(
        &self,
        level: f64,
        output_device: Option<&OutputDevice>,
    ) -> atv_core::Result<()> {
        Ok(self.set_level(level, output_device).await?)
    }

    async fn volume_up(&self) -> atv_core::Result<()> {
        Ok(self.step(HidKey::VolumeUp, true).await?)
    }

    async fn volume_down(&self) -> atv_core::Result<()> {
        Ok(self.step(HidKey::VolumeDown, false).await?)
    }

    fn output_devices(&self) -> atv_core::Result<Vec<OutputDevice>> {
        Ok(lock(&self.shared.model).audio.output_devices.clone())
    }

    async fn add_output_devices(&self, devices: &[String]) -> atv_core::Result<()> {
        let message = MessageBuilder::new().add_output_devices(&as_strs(devices));
        Ok(self.change_output_devices(message).await?)
    }

    async fn remove_output_devices(&self, devices: &[String]) -> atv_core::Result<()> {
        let message = MessageBuilder::new().remove_output_devices(&as_strs(devices));
        Ok(self.change_output_devices(message).await?)
    }

    async fn set_output_devices(&self, devices: &[String]) -> atv_core::Result<()> {
        let message = MessageBuilder::new().set_output_devices(&as_strs(devices));
        Ok(self.change_output_devices(message).await?)
    }

    fn set_listener(&self, listener: Option<Weak<dyn AudioListener>>) {
        self.shared.audio_listener.set(listener);
    }
}
