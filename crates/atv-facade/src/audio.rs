//! Volume and output devices, relayed and range-checked (pyatv's `FacadeAudio`).

use std::sync::{Arc, Weak};

use async_trait::async_trait;

use atv_core::interface::{Audio, AudioListener, ListenerSlot};
use atv_core::{Error, OutputDevice, Result};

use crate::relayer::Relayer;

/// The lowest volume, percent.
pub const MIN_VOLUME: f64 = 0.0;
/// The highest volume, percent.
pub const MAX_VOLUME: f64 = 100.0;

/// Fails with [`Error::Protocol`] unless `level` is within 0..=100 (as pyatv, which
/// raises its `ProtocolError`).
fn check_volume(level: f64) -> Result<f64> {
    if (MIN_VOLUME..=MAX_VOLUME).contains(&level) {
        Ok(level)
    } else {
        Err(Error::Protocol(format!(
            "volume {level} is out of range (0 to 100)"
        )))
    }
}

/// Passes audio changes of the main audio implementation to the user's listener.
#[derive(Default)]
struct AudioForward {
    listener: ListenerSlot<dyn AudioListener>,
}

impl AudioListener for AudioForward {
    fn volume_update(&self, old_level: f64, new_level: f64) {
        if let Some(listener) = self.listener.get() {
            listener.volume_update(old_level, new_level);
        }
    }

    fn volume_device_update(&self, device: &OutputDevice, old_level: f64, new_level: f64) {
        if let Some(listener) = self.listener.get() {
            listener.volume_device_update(device, old_level, new_level);
        }
    }

    fn outputdevices_update(&self, old_devices: &[OutputDevice], new_devices: &[OutputDevice]) {
        if let Some(listener) = self.listener.get() {
            listener.outputdevices_update(old_devices, new_devices);
        }
    }
}

/// The facade's [`Audio`]. Volumes outside 0..=100, asked for or reported by a
/// protocol, are refused with [`Error::Protocol`]. Changes come from the
/// highest-priority protocol implementing audio.
pub struct FacadeAudio {
    pub(crate) relayer: Relayer<dyn Audio>,
    forward: Arc<AudioForward>,
}

impl FacadeAudio {
    pub(crate) fn new(relayer: Relayer<dyn Audio>) -> Self {
        Self {
            relayer,
            forward: Arc::default(),
        }
    }

    /// Listens to the main implementation (once every protocol is registered).
    pub(crate) fn attach(&self) {
        if let Some((_, main)) = self.relayer.main() {
            let forward: Arc<dyn AudioListener> = self.forward.clone();
            main.set_listener(Some(Arc::downgrade(&forward)));
        }
    }
}

#[async_trait]
impl Audio for FacadeAudio {
    fn volume(&self) -> Result<f64> {
        self.relayer
            .relay_now("volume", |i| i.volume())
            .and_then(check_volume)
    }

    async fn set_volume(&self, level: f64, output_device: Option<&OutputDevice>) -> Result<()> {
        self.relayer.gate().check("set_volume")?;
        check_volume(level)?;
        self.relayer
            .relay("set_volume", |i: Arc<dyn Audio>| async move {
                i.set_volume(level, output_device).await
            })
            .await
    }

    async fn volume_up(&self) -> Result<()> {
        self.relayer
            .relay("volume_up", |i: Arc<dyn Audio>| async move {
                i.volume_up().await
            })
            .await
    }

    async fn volume_down(&self) -> Result<()> {
        self.relayer
            .relay("volume_down", |i: Arc<dyn Audio>| async move {
                i.volume_down().await
            })
            .await
    }

    fn output_devices(&self) -> Result<Vec<OutputDevice>> {
        self.relayer
            .relay_now("output_devices", |i| i.output_devices())
    }

    async fn add_output_devices(&self, devices: &[String]) -> Result<()> {
        self.relayer
            .relay("add_output_devices", |i: Arc<dyn Audio>| async move {
                i.add_output_devices(devices).await
            })
            .await
    }

    async fn remove_output_devices(&self, devices: &[String]) -> Result<()> {
        self.relayer
            .relay("remove_output_devices", |i: Arc<dyn Audio>| async move {
                i.remove_output_devices(devices).await
            })
            .await
    }

    async fn set_output_devices(&self, devices: &[String]) -> Result<()> {
        self.relayer
            .relay("set_output_devices", |i: Arc<dyn Audio>| async move {
                i.set_output_devices(devices).await
            })
            .await
    }

    fn set_listener(&self, listener: Option<Weak<dyn AudioListener>>) {
        self.forward.listener.set(listener);
    }
}
