//! Volume and output devices (pyatv's `Audio` and `AudioListener`).

use std::sync::Weak;

use async_trait::async_trait;

use super::not_supported;
use crate::{OutputDevice, Result};

/// Receives volume and output device changes (pyatv's `AudioListener`).
pub trait AudioListener: Send + Sync {
    /// The device volume changed (percent).
    fn volume_update(&self, old_level: f64, new_level: f64);

    /// The volume of one output device changed (percent).
    fn volume_device_update(&self, device: &OutputDevice, old_level: f64, new_level: f64);

    /// The set of output devices changed.
    fn outputdevices_update(&self, old_devices: &[OutputDevice], new_devices: &[OutputDevice]);
}

/// Volume and output devices (pyatv's `Audio`). Levels are percent, 0.0 (muted) to
/// 100.0.
#[async_trait]
pub trait Audio: Send + Sync {
    /// The current volume.
    fn volume(&self) -> Result<f64> {
        not_supported("volume")
    }

    /// Sets the volume, of `output_device` when given, else of the whole device.
    async fn set_volume(&self, level: f64, output_device: Option<&OutputDevice>) -> Result<()> {
        let _ = (level, output_device);
        not_supported("set_volume")
    }

    /// Raises the volume one step (device dependent, often about 2.5 %); returns once
    /// the device acknowledged, where it can.
    async fn volume_up(&self) -> Result<()> {
        not_supported("volume_up")
    }

    /// Lowers the volume one step; returns once the device acknowledged, where it can.
    async fn volume_down(&self) -> Result<()> {
        not_supported("volume_down")
    }

    /// The devices audio plays on now.
    fn output_devices(&self) -> Result<Vec<OutputDevice>> {
        not_supported("output_devices")
    }

    /// Adds output devices by identifier.
    async fn add_output_devices(&self, devices: &[String]) -> Result<()> {
        let _ = devices;
        not_supported("add_output_devices")
    }

    /// Removes output devices by identifier.
    async fn remove_output_devices(&self, devices: &[String]) -> Result<()> {
        let _ = devices;
        not_supported("remove_output_devices")
    }

    /// Replaces the output devices with these identifiers.
    async fn set_output_devices(&self, devices: &[String]) -> Result<()> {
        let _ = devices;
        not_supported("set_output_devices")
    }

    /// Sets (or with `None`, removes) the listener. It is held weakly: keep the `Arc`.
    /// The default ignores it (for implementations that never report changes).
    fn set_listener(&self, listener: Option<Weak<dyn AudioListener>>) {
        let _ = listener;
    }
}
