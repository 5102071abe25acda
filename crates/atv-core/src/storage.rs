//! Where device settings are kept between runs (pyatv's `interface.Storage`,
//! `storage.AbstractStorage` and `storage.memory_storage.MemoryStorage`).

use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};

use crate::{DeviceConfig, Error, Protocol, Result, Settings};

/// Version of the storage format pyatv and atv write.
pub const STORAGE_MODEL_VERSION: u32 = 1;

/// What a storage writes: a format version and the settings of every device (pyatv's
/// `StorageModel`, same JSON shape).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageModel {
    /// Format version; only [`STORAGE_MODEL_VERSION`] is understood.
    pub version: u32,
    /// Settings of each device.
    pub devices: Vec<Settings>,
}

/// Settings of all devices (pyatv's storage interface).
///
/// Settings are found by any of a device's identifiers. Methods take `&self` so one
/// storage can be shared (`Arc<dyn Storage>`); implementations lock inside.
#[async_trait::async_trait]
pub trait Storage: Send + Sync {
    /// A copy of the settings of every device.
    fn settings(&self) -> Vec<Settings>;

    /// Writes the settings to where they are kept.
    async fn save(&self) -> Result<()>;

    /// Reads the settings from where they are kept.
    async fn load(&self) -> Result<()>;

    /// The settings of the device `config` describes: the stored entry that shares an
    /// identifier with it, else a new entry filled from `config` (and kept). Fails with
    /// [`Error::DeviceIdMissing`] when `config` has no identifier.
    async fn get_settings(&self, config: &DeviceConfig) -> Result<Settings>;

    /// Replaces the stored settings of the device `config` describes with `settings`
    /// (creating the entry if needed): how changes to settings from
    /// [`Storage::get_settings`] are kept.
    async fn set_settings(&self, config: &DeviceConfig, settings: Settings) -> Result<()>;

    /// Removes an entry equal to `settings`; true if one was removed.
    async fn remove_settings(&self, settings: &Settings) -> Result<bool>;

    /// Writes the identifiers, credentials and passwords of `config`'s services into its
    /// stored settings (after pairing, for example).
    async fn update_settings(&self, config: &DeviceConfig) -> Result<()>;
}

/// The storage logic without I/O, shared by storage implementations (pyatv's
/// `AbstractStorage`): the settings of every device and what was last saved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettingsStore {
    devices: Vec<Settings>,
    saved: Vec<Settings>,
}

impl SettingsStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The settings of every device.
    pub fn settings(&self) -> &[Settings] {
        &self.devices
    }

    /// What to write: the current settings as a storage model.
    pub fn storage_model(&self) -> StorageModel {
        StorageModel {
            version: STORAGE_MODEL_VERSION,
            devices: self.devices.clone(),
        }
    }

    /// Takes the settings of a storage model that was read; fails with
    /// [`Error::Settings`] for an unknown version. What was read counts as saved.
    pub fn set_storage_model(&mut self, model: StorageModel) -> Result<()> {
        if model.version != STORAGE_MODEL_VERSION {
            return Err(Error::Settings(format!(
                "unsupported storage version {} (this atv reads version {STORAGE_MODEL_VERSION})",
                model.version
            )));
        }
        self.devices = model.devices;
        self.saved.clone_from(&self.devices);
        Ok(())
    }

    /// Whether anything changed since the last [`SettingsStore::mark_saved`].
    pub fn has_changed(&self) -> bool {
        self.devices != self.saved
    }

    /// Records that the current settings were written.
    pub fn mark_saved(&mut self) {
        self.saved.clone_from(&self.devices);
    }

    fn find(&self, config: &DeviceConfig) -> Result<Option<usize>> {
        let identifiers = config.all_identifiers();
        if identifiers.is_empty() {
            return Err(Error::DeviceIdMissing(format!(
                "no identifier for device {}",
                config.name
            )));
        }
        Ok(self.devices.iter().position(|settings| {
            Protocol::ALL.iter().any(|protocol| {
                settings
                    .protocols
                    .identifier(*protocol)
                    .is_some_and(|id| identifiers.contains(&id))
            })
        }))
    }

    /// The settings for `config`, created from it when none are stored (see
    /// [`Storage::get_settings`]).
    pub fn get_settings(&mut self, config: &DeviceConfig) -> Result<&mut Settings> {
        let index = match self.find(config)? {
            Some(index) => index,
            None => {
                let mut settings = Settings::default();
                copy_from_config(config, &mut settings);
                self.devices.push(settings);
                self.devices.len() - 1
            }
        };
        Ok(&mut self.devices[index])
    }

    /// Removes an entry equal to `settings`; true if one was removed.
    pub fn remove_settings(&mut self, settings: &Settings) -> bool {
        match self.devices.iter().position(|s| s == settings) {
            Some(index) => {
                self.devices.remove(index);
                true
            }
            None => false,
        }
    }

    /// Writes `config`'s service identifiers and secrets into its settings.
    pub fn update_settings(&mut self, config: &DeviceConfig) -> Result<()> {
        let settings = self.get_settings(config)?;
        copy_from_config(config, settings);
        Ok(())
    }
}

/// Copies each service's identifier (always) and credentials and password (when set)
/// into `settings`, as pyatv does.
fn copy_from_config(config: &DeviceConfig, settings: &mut Settings) {
    for service in config.services() {
        let (identifier, credentials, password) = settings.protocols.fields_mut(service.protocol);
        if service.credentials.is_some() {
            credentials.clone_from(&service.credentials);
        }
        if let Some(password) = password
            && service.password.is_some()
        {
            password.clone_from(&service.password);
        }
        identifier.clone_from(&service.identifier);
    }
}

/// Settings kept in memory only, forgotten when the program ends (pyatv's
/// `MemoryStorage`).
#[derive(Debug, Default)]
pub struct MemoryStorage {
    store: Mutex<SettingsStore>,
}

impl MemoryStorage {
    /// An empty storage.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, SettingsStore> {
        // The store stays consistent even if a holder panicked: every change is a
        // single assignment or push.
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[async_trait::async_trait]
impl Storage for MemoryStorage {
    fn settings(&self) -> Vec<Settings> {
        self.lock().settings().to_vec()
    }

    async fn save(&self) -> Result<()> {
        self.lock().mark_saved();
        Ok(())
    }

    async fn load(&self) -> Result<()> {
        Ok(())
    }

    async fn get_settings(&self, config: &DeviceConfig) -> Result<Settings> {
        self.lock().get_settings(config).map(|s| s.clone())
    }

    async fn set_settings(&self, config: &DeviceConfig, settings: Settings) -> Result<()> {
        *self.lock().get_settings(config)? = settings;
        Ok(())
    }

    async fn remove_settings(&self, settings: &Settings) -> Result<bool> {
        Ok(self.lock().remove_settings(settings))
    }

    async fn update_settings(&self, config: &DeviceConfig) -> Result<()> {
        self.lock().update_settings(config)
    }
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr};

    use super::*;
    use crate::{Properties, Service};

    fn config(ids: &[(Protocol, &str)]) -> DeviceConfig {
        let mut config = DeviceConfig::new(IpAddr::V4(Ipv4Addr::LOCALHOST), "Device");
        for (protocol, id) in ids {
            let id = Some((*id).to_owned());
            config.add_service(Service::new(id, *protocol, 1, Properties::new()));
        }
        config
    }

    #[test]
    fn settings_found_by_any_identifier() {
        let mut store = SettingsStore::new();
        let first = config(&[(Protocol::Mrp, "mrp"), (Protocol::Companion, "comp")]);
        store.get_settings(&first).unwrap().info.name = "named".into();
        let other = config(&[(Protocol::Companion, "comp")]);
        assert_eq!(store.get_settings(&other).unwrap().info.name, "named");
        assert_eq!(store.settings().len(), 1);
        let unrelated = config(&[(Protocol::AirPlay, "ap")]);
        assert_eq!(store.get_settings(&unrelated).unwrap().info.name, "pyatv");
        assert_eq!(store.settings().len(), 2);
        assert!(matches!(
            store.get_settings(&config(&[])),
            Err(Error::DeviceIdMissing(_))
        ));
    }

    #[test]
    fn remove_and_change_tracking() {
        let mut store = SettingsStore::new();
        assert!(!store.has_changed());
        let settings = store
            .get_settings(&config(&[(Protocol::Mrp, "mrp")]))
            .unwrap()
            .clone();
        assert!(store.has_changed());
        store.mark_saved();
        assert!(!store.has_changed());
        assert!(store.remove_settings(&settings));
        assert!(!store.remove_settings(&settings));
        assert!(store.has_changed());
    }

    #[test]
    fn reads_and_writes_pyatv_storage_json() {
        // Written by pyatv 0.18.0's MemoryStorage for two devices.
        let text = r#"{"version": 1, "devices": [{"info": {"name": "x", "rp_id": "f0457a538bf5"}, "protocols": {"mrp": {"identifier": "abc", "credentials": "c"}}}, {"info": {"rp_id": "b5ccf0476948"}}]}"#;
        let model: StorageModel = serde_json::from_str(text).unwrap();
        assert_eq!(
            model.devices[0].protocols.mrp.credentials.as_deref(),
            Some("c")
        );
        assert_eq!(model.devices[1].info.rp_id, "b5ccf0476948");
        let again: serde_json::Value = serde_json::to_value(&model).unwrap();
        assert_eq!(
            again,
            serde_json::from_str::<serde_json::Value>(text).unwrap()
        );
        let mut store = SettingsStore::new();
        store.set_storage_model(model).unwrap();
        assert!(!store.has_changed());
        let future = StorageModel {
            version: 2,
            devices: vec![],
        };
        assert!(matches!(
            store.set_storage_model(future),
            Err(Error::Settings(_))
        ));
    }

    #[test]
    fn bad_mac_and_missing_rp_id() {
        let bad = r#"{"info": {"mac": "zz"}}"#;
        assert!(serde_json::from_str::<Settings>(bad).is_err());
        let null_rp = r#"{"info": {"rp_id": null}}"#;
        let settings: Settings = serde_json::from_str(null_rp).unwrap();
        assert_eq!(settings.info.rp_id.len(), 12);
    }

    #[tokio::test]
    async fn memory_storage_keeps_changes() {
        let storage = MemoryStorage::new();
        let device = config(&[(Protocol::AirPlay, "ap")]);
        let mut settings = storage.get_settings(&device).await.unwrap();
        settings.protocols.airplay.password = Some("pw".into());
        storage
            .set_settings(&device, settings.clone())
            .await
            .unwrap();
        assert_eq!(storage.get_settings(&device).await.unwrap(), settings);
        assert!(storage.remove_settings(&settings).await.unwrap());
        assert!(storage.settings().is_empty());
    }
}
