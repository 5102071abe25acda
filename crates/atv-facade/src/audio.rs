//! Volume and output devices, relayed and range-checked (pyatv's `FacadeAudio`).

use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

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

/// Passes the audio changes of every protocol to the user's listener (as pyatv, which
/// relays volume updates whichever protocol reports them). The facade remembers the
/// volume and output devices it told last and only tells changes from them, so two
/// protocols reporting the same volume make one update.
#[derive(Default)]
struct AudioForward {
    listener: ListenerSlot<dyn AudioListener>,
    told: Mutex<Told>,
}

/// What the user's listener was told last.
#[derive(Default)]
struct Told {
    volume: f64,
    output_devices: Vec<OutputDevice>,
}

impl AudioForward {
    fn told(&self) -> MutexGuard<'_, Told> {
        self.told.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl AudioListener for AudioForward {
    fn volume_update(&self, _old_level: f64, new_level: f64) {
        let old_level = std::mem::replace(&mut self.told().volume, new_level);
        if old_level == new_level {
            return;
        }
        if let Some(listener) = self.listener.get() {
            listener.volume_update(old_level, new_level);
        }
    }

    fn volume_device_update(&self, device: &OutputDevice, old_level: f64, new_level: f64) {
        if let Some(listener) = self.listener.get() {
            listener.volume_device_update(device, old_level, new_level);
        }
    }

    fn outputdevices_update(&self, _old_devices: &[OutputDevice], new_devices: &[OutputDevice]) {
        let old_devices = std::mem::replace(&mut self.told().output_devices, new_devices.to_vec());
        if old_devices == new_devices {
            return;
        }
        if let Some(listener) = self.listener.get() {
            listener.outputdevices_update(&old_devices, new_devices);
        }
    }
}

/// The facade's [`Audio`]. Volumes outside 0..=100, asked for or reported by a
/// protocol, are refused with [`Error::Protocol`]. Volume and output device changes
/// come from every protocol implementing audio.
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

    /// Listens to every protocol's audio (once every protocol is registered).
    pub(crate) fn attach(&self) {
        // What the protocols reported while connecting counts as told.
        {
            let mut told = self.forward.told();
            if let Ok(volume) = self.relayer.relay_now("volume", |i| i.volume()) {
                told.volume = volume;
            }
            if let Ok(devices) = self
                .relayer
                .relay_now("output_devices", |i| i.output_devices())
            {
                told.output_devices = devices;
            }
        }
        let forward: Arc<dyn AudioListener> = self.forward.clone();
        for (_, instance) in self.relayer.instances() {
            instance.set_listener(Some(Arc::downgrade(&forward)));
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
