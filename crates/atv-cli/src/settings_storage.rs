//! Opening the settings storage `--storage`/`--storage-filename` ask for, and
//! applying stored settings (credentials, passwords) to scanned devices.

use std::sync::Arc;

use atv::DeviceConfig;
use atv::core::Storage;

use crate::args::{StorageArgs, StorageKind};
use crate::error::CliError;

/// Opens and loads the storage the options ask for.
pub(crate) async fn open(args: &StorageArgs) -> Result<Arc<dyn Storage>, CliError> {
    if args.storage == StorageKind::File && args.storage_filename == atv::storage::DEFAULT_FILENAME
    {
        // atv's own file, started from pyatv's `~/.pyatv.conf` the first time.
        let (storage, _) = atv::storage::FileStorage::default_location_importing_pyatv()
            .await
            .map_err(CliError::Storage)?;
        let storage: Arc<dyn Storage> = Arc::new(storage);
        storage.load().await.map_err(CliError::Storage)?;
        return Ok(storage);
    }
    let kind = match args.storage {
        StorageKind::File => atv::storage::StorageKind::File,
        StorageKind::None => atv::storage::StorageKind::None,
    };
    let storage = atv::storage::open_storage(kind, Some(&args.storage_filename))
        .map_err(CliError::Storage)?;
    storage.load().await.map_err(CliError::Storage)?;
    Ok(storage)
}

/// Applies what `storage` knows about each device to it, as pyatv's scan does.
pub(crate) async fn apply_stored(
    storage: &dyn Storage,
    devices: &mut [DeviceConfig],
) -> Result<(), CliError> {
    for device in devices {
        let settings = storage
            .get_settings(device)
            .await
            .map_err(CliError::Storage)?;
        device.apply(&settings);
    }
    Ok(())
}
