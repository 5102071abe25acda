//! Keeping device settings and credentials between runs.
//!
//! [`FileStorage`] keeps them in a JSON file in pyatv's format, by default
//! `$XDG_CONFIG_HOME/atv/storage.json` (or `~/.config/atv/storage.json`); pyatv's own
//! file (`~/.pyatv.conf`) can be opened directly with [`FileStorage::new`] or merged in
//! with [`FileStorage::import_pyatv`]. [`MemoryStorage`](atv_core::MemoryStorage) keeps
//! them for the life of the program only. [`open_storage`] picks one from the
//! command-line options pyatv's tools take.
//!
//! ```no_run
//! use atv::core::Storage;
//! use atv::storage::FileStorage;
//!
//! # async fn example() -> atv::Result<()> {
//! let storage = FileStorage::default_location()?;
//! let summary = storage.import_pyatv(atv::storage::pyatv_storage_path()?).await?;
//! println!("{} devices added from pyatv", summary.added);
//! for settings in storage.settings() {
//!     println!("{:?}", settings.protocols.mrp.identifier);
//! }
//! # Ok(())
//! # }
//! ```

mod atomic_write;
mod choice;
mod file_storage;
mod paths;
mod pyatv_import;

pub use atv_core::MemoryStorage;
pub use atv_core::storage::{STORAGE_MODEL_VERSION, Storage, StorageModel};
pub use choice::{DEFAULT_FILENAME, StorageKind, open_storage};
pub use file_storage::FileStorage;
pub use paths::{default_storage_path, pyatv_storage_path};
pub use pyatv_import::ImportSummary;
