//! Settings kept in a JSON file (pyatv's `FileStorage`, same file format).

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use atv_core::storage::{STORAGE_MODEL_VERSION, SettingsStore, Storage, StorageModel};
use atv_core::{DeviceConfig, Error, Result, Settings};
use serde_json::Value;

use super::atomic_write::write_atomically;
use super::paths::{default_storage_path, pyatv_storage_path};
use super::pyatv_import::{ImportSummary, merge_devices};

/// Settings of every device, kept in a JSON file between runs (pyatv's `FileStorage`).
///
/// The file has pyatv's format (`{"version": 1, "devices": [...]}`), so pyatv can read
/// what atv writes and atv can open pyatv's `~/.pyatv.conf` directly.
///
/// - The file is read on first use (or by [`Storage::load`]). A missing file is an
///   empty storage; a file that is not a valid storage is an error, and the storage
///   then refuses to save so the file is never overwritten: fix or remove it.
/// - [`Storage::save`] writes only when the settings differ from what the file holds
///   (as pyatv does, a storage that was never written is written once, even empty).
///   Writes are atomic (a temporary file in the same directory, flushed, then renamed),
///   the file gets mode 0600 from its creation, and a missing directory is created
///   (mode 0700).
/// - Debug output and logs show the path and the number of devices, never settings
///   (they hold credentials).
pub struct FileStorage {
    path: PathBuf,
    state: Mutex<State>,
    /// Serializes reads and writes of the file.
    io: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct State {
    /// Whether the file has been read successfully (or found missing).
    loaded: bool,
    store: SettingsStore,
    /// The JSON the file holds, as last read or written; `None` when there is no file.
    on_disk: Option<Value>,
}

/// What reading the file found.
enum FileContents {
    Missing,
    Present(StorageModel, Value),
}

impl FileStorage {
    /// A storage kept in the file at `path` (read on first use).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            state: Mutex::new(State::default()),
            io: tokio::sync::Mutex::new(()),
        }
    }

    /// A storage at atv's default location (see
    /// [`default_storage_path`](super::default_storage_path)):
    /// `$XDG_CONFIG_HOME/atv/storage.json`, else `~/.config/atv/storage.json`.
    pub fn default_location() -> Result<Self> {
        default_storage_path().map(Self::new)
    }

    /// A storage at atv's default location that starts from pyatv's: when atv's file
    /// does not exist yet and pyatv's default file (`~/.pyatv.conf`) does, pyatv's
    /// devices are imported (and saved) first, so what was paired with pyatv works at
    /// once. Gives what the import did, `None` when there was nothing to import.
    ///
    /// A pyatv file that cannot be imported is skipped with a warning: atv's storage
    /// still opens (empty), and pyatv's file is left as it is.
    pub async fn default_location_importing_pyatv() -> Result<(Self, Option<ImportSummary>)> {
        let storage = Self::default_location()?;
        let Ok(pyatv_path) = pyatv_storage_path() else {
            return Ok((storage, None));
        };
        let (own, theirs) = (storage.path.clone(), pyatv_path.clone());
        let both = tokio::task::spawn_blocking(move || (own.exists(), theirs.is_file()))
            .await
            .map_err(|e| Error::Settings(format!("storage check failed: {e}")))?;
        if both != (false, true) {
            return Ok((storage, None));
        }
        match storage.import_pyatv(&pyatv_path).await {
            Ok(summary) => {
                tracing::info!(
                    "imported {} devices from pyatv's {} into {}",
                    summary.added,
                    pyatv_path.display(),
                    storage.path.display()
                );
                Ok((storage, Some(summary)))
            }
            Err(error) => {
                tracing::warn!(
                    "could not import pyatv's {}: {error} (continuing without it)",
                    pyatv_path.display()
                );
                Ok((Self::default_location()?, None))
            }
        }
    }

    /// A storage in pyatv's default file, `~/.pyatv.conf`, shared with pyatv's tools.
    pub fn pyatv_location() -> Result<Self> {
        pyatv_storage_path().map(Self::new)
    }

    /// The file this storage is kept in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Merges the devices of the pyatv storage file at `pyatv_path` (pyatv's default is
    /// [`pyatv_storage_path`](super::pyatv_storage_path)) into this storage and saves.
    ///
    /// A device sharing an identifier with a stored one updates it (the values the
    /// pyatv file sets win; see [`ImportSummary`]); others are added. Fails if the file
    /// is missing or not a valid storage file; nothing is changed then.
    pub async fn import_pyatv(&self, pyatv_path: impl AsRef<Path>) -> Result<ImportSummary> {
        let pyatv_path = pyatv_path.as_ref().to_path_buf();
        self.ensure_loaded().await?;
        let imported = match read_blocking(pyatv_path.clone()).await? {
            FileContents::Present(model, _) => model,
            FileContents::Missing => {
                return Err(Error::NotFound(format!(
                    "pyatv storage file {} (check the path)",
                    pyatv_path.display()
                )));
            }
        };
        check_version(&imported, &pyatv_path)?;
        let summary = {
            let mut state = self.lock();
            let mut devices = state.store.settings().to_vec();
            let summary = merge_devices(&mut devices, imported.devices)?;
            set_devices(&mut state.store, devices)?;
            summary
        };
        tracing::debug!(
            "imported {} new and {} updated devices from {}",
            summary.added,
            summary.updated,
            pyatv_path.display()
        );
        self.save().await?;
        Ok(summary)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Every change to the state is a single assignment, so it stays consistent even
        // if a holder panicked.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Reads the file unless that was done already.
    async fn ensure_loaded(&self) -> Result<()> {
        if self.lock().loaded {
            return Ok(());
        }
        let _io = self.io.lock().await;
        if self.lock().loaded {
            return Ok(());
        }
        let contents = read_blocking(self.path.clone()).await?;
        self.take_contents(contents, false)
    }

    /// Puts what was read from the file into the state (replacing the settings when a
    /// file was there, as pyatv's `load` does). A first-use read (`reload` false) that
    /// lost a race with another one changes nothing.
    fn take_contents(&self, contents: FileContents, reload: bool) -> Result<()> {
        let mut state = self.lock();
        if state.loaded && !reload {
            return Ok(());
        }
        match contents {
            FileContents::Missing => state.on_disk = None,
            FileContents::Present(model, raw) => {
                check_version(&model, &self.path)?;
                state.store.set_storage_model(model)?;
                state.on_disk = Some(raw);
            }
        }
        state.loaded = true;
        Ok(())
    }
}

impl fmt::Debug for FileStorage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("FileStorage")
            .field("path", &self.path)
            .field("loaded", &state.loaded)
            .field("devices", &state.store.settings().len())
            .finish_non_exhaustive()
    }
}

/// Prints `FileStorage:<path>`, as pyatv prints its file storage.
impl fmt::Display for FileStorage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FileStorage:{}", self.path.display())
    }
}

#[async_trait::async_trait]
impl Storage for FileStorage {
    /// The settings of every device. Reads the file (blocking, it is small) if this is
    /// the first use; if it cannot be read, logs a warning and returns what is in memory
    /// (the error comes back from the next async call).
    fn settings(&self) -> Vec<Settings> {
        if !self.lock().loaded {
            let loaded = read_file(&self.path).and_then(|c| self.take_contents(c, false));
            if let Err(e) = loaded {
                tracing::warn!("{e}");
            }
        }
        self.lock().store.settings().to_vec()
    }

    async fn save(&self) -> Result<()> {
        self.ensure_loaded().await?;
        let _io = self.io.lock().await;
        let (model, value) = {
            let state = self.lock();
            let model = state.store.storage_model();
            let value = storage_value(&model)?;
            if state.on_disk.as_ref() == Some(&value) {
                return Ok(());
            }
            (model, value)
        };
        // Written from the model, not the value, to keep pyatv's key order: pyatv
        // rewrites a file whose keys come in another order.
        let mut text = serde_json::to_string_pretty(&model)
            .map_err(|e| Error::Settings(format!("cannot encode settings: {e}")))?;
        text.push('\n');
        tracing::debug!("saving settings to {}", self.path.display());
        let path = self.path.clone();
        spawn_io(move || write_atomically(&path, text.as_bytes()))
            .await?
            .map_err(|e| {
                Error::Settings(format!(
                    "cannot write storage file {}: {e} (check that its directory is writable and the disk not full)",
                    self.path.display()
                ))
            })?;
        let mut state = self.lock();
        // Only what was written counts as saved: changes made while writing stay pending.
        if storage_value(&state.store.storage_model())? == value {
            state.store.mark_saved();
        }
        state.on_disk = Some(value);
        Ok(())
    }

    async fn load(&self) -> Result<()> {
        let _io = self.io.lock().await;
        let contents = read_blocking(self.path.clone()).await?;
        self.take_contents(contents, true)
    }

    async fn get_settings(&self, config: &DeviceConfig) -> Result<Settings> {
        self.ensure_loaded().await?;
        self.lock().store.get_settings(config).map(|s| s.clone())
    }

    async fn set_settings(&self, config: &DeviceConfig, settings: Settings) -> Result<()> {
        self.ensure_loaded().await?;
        *self.lock().store.get_settings(config)? = settings;
        Ok(())
    }

    async fn remove_settings(&self, settings: &Settings) -> Result<bool> {
        self.ensure_loaded().await?;
        Ok(self.lock().store.remove_settings(settings))
    }

    async fn update_settings(&self, config: &DeviceConfig) -> Result<()> {
        self.ensure_loaded().await?;
        self.lock().store.update_settings(config)
    }
}

/// `model` as JSON, for comparing with what the file holds (key order aside). pyatv
/// leaves out devices whose settings are all defaults; atv's never are, as `rp_id` is
/// always written.
fn storage_value(model: &StorageModel) -> Result<Value> {
    serde_json::to_value(model).map_err(|e| Error::Settings(format!("cannot encode settings: {e}")))
}

fn set_devices(store: &mut SettingsStore, devices: Vec<Settings>) -> Result<()> {
    store.set_storage_model(StorageModel {
        version: STORAGE_MODEL_VERSION,
        devices,
    })
}

fn check_version(model: &StorageModel, path: &Path) -> Result<()> {
    if model.version == STORAGE_MODEL_VERSION {
        return Ok(());
    }
    Err(Error::Settings(format!(
        "storage file {} has version {} but this atv reads version {STORAGE_MODEL_VERSION} \
         (use a newer atv or another file)",
        path.display(),
        model.version
    )))
}

/// Reads and parses a storage file on the blocking pool.
async fn read_blocking(path: PathBuf) -> Result<FileContents> {
    spawn_io(move || read_file(&path)).await?
}

/// Reads and parses a storage file; `Missing` when there is none.
fn read_file(path: &Path) -> Result<FileContents> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(FileContents::Missing),
        Err(e) => {
            return Err(Error::Settings(format!(
                "cannot read storage file {}: {e} (check its permissions)",
                path.display()
            )));
        }
    };
    tracing::debug!("loading settings from {}", path.display());
    let corrupt = |e: serde_json::Error| {
        Error::Settings(format!(
            "storage file {} is not a valid storage file: {e} (fix or remove it; \
             it is left untouched)",
            path.display()
        ))
    };
    let raw: Value = serde_json::from_slice(&bytes).map_err(corrupt)?;
    let model: StorageModel = serde_json::from_value(raw.clone()).map_err(corrupt)?;
    Ok(FileContents::Present(model, raw))
}

/// Runs blocking file I/O off the async runtime.
async fn spawn_io<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Error::Settings(format!("storage I/O task failed: {e}")))
}
