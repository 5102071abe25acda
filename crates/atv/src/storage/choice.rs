//! Picking a storage from command-line options (`--storage none|file`,
//! `--storage-filename`), as pyatv's scripts do.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

use atv_core::{Error, MemoryStorage, Result, Storage};

use super::FileStorage;

/// The value of `--storage-filename` that means the default location.
pub const DEFAULT_FILENAME: &str = "default";

/// Where settings are kept (`--storage`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum StorageKind {
    /// In memory only, forgotten at exit (`none`).
    None,
    /// In a file (`file`, the default).
    #[default]
    File,
}

impl StorageKind {
    /// The option value: `none` or `file`.
    pub fn value(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::File => "file",
        }
    }
}

impl fmt::Display for StorageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.value())
    }
}

impl FromStr for StorageKind {
    type Err = Error;

    fn from_str(value: &str) -> Result<Self> {
        match value {
            "none" => Ok(Self::None),
            "file" => Ok(Self::File),
            other => Err(Error::InvalidConfig(format!(
                "unknown storage {other:?} (use `none` or `file`)"
            ))),
        }
    }
}

/// The storage `--storage KIND --storage-filename FILENAME` asks for: memory for
/// [`StorageKind::None`]; for [`StorageKind::File`] the file `filename`, or atv's
/// default location when it is `None` or [`DEFAULT_FILENAME`].
pub fn open_storage(kind: StorageKind, filename: Option<&str>) -> Result<Arc<dyn Storage>> {
    Ok(match kind {
        StorageKind::None => Arc::new(MemoryStorage::new()),
        StorageKind::File => match filename {
            None | Some(DEFAULT_FILENAME) => Arc::new(FileStorage::default_location()?),
            Some(path) => Arc::new(FileStorage::new(PathBuf::from(path))),
        },
    })
}
