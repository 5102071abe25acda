//! FileStorage through the public API on a real file system: round trip, atomic and
//! private writes, corrupt files, saving only on change, pyatv import.

#![cfg(unix)]

use std::fs;
use std::net::{IpAddr, Ipv4Addr};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use atv::core::Storage;
use atv::storage::{FileStorage, StorageKind, open_storage};
use atv::{DeviceConfig, Error, Properties, Protocol, Service};

fn device(ids: &[(Protocol, &str)]) -> DeviceConfig {
    let mut config = DeviceConfig::new(IpAddr::V4(Ipv4Addr::LOCALHOST), "Living Room");
    for (protocol, id) in ids {
        let service = Service::new(Some((*id).to_owned()), *protocol, 1, Properties::new());
        config.add_service(service);
    }
    config
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// A small tmpfs mounted for one test, unmounted when dropped (even on failure).
struct SmallTmpfs(std::path::PathBuf);

impl SmallTmpfs {
    /// Mounts a 16 KiB tmpfs on `dir`; `None` without the privilege to mount.
    fn mount(dir: &Path) -> Option<Self> {
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=16k,mode=0700", "tmpfs"])
            .arg(dir)
            .stderr(std::process::Stdio::null())
            .status()
            .ok()?;
        status.success().then(|| Self(dir.to_path_buf()))
    }
}

impl Drop for SmallTmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[tokio::test]
async fn round_trip_through_a_new_directory_with_mode_0600() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/config/storage.json");
    let storage = FileStorage::new(&path);
    let config = device(&[(Protocol::Mrp, "MRP-ID"), (Protocol::AirPlay, "AA:BB")]);
    let mut settings = storage.get_settings(&config).await.unwrap();
    settings.info.name = "atv test".into();
    settings.protocols.mrp.credentials = Some("secret-mrp".into());
    settings.protocols.airplay.password = Some("secret-pw".into());
    settings.protocols.raop.timing_port = 5000;
    storage
        .set_settings(&config, settings.clone())
        .await
        .unwrap();
    storage.save().await.unwrap();

    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    let leftovers: Vec<_> = fs::read_dir(path.parent().unwrap()).unwrap().collect();
    assert_eq!(
        leftovers.len(),
        1,
        "only the storage file, no temporary files"
    );

    let reopened = FileStorage::new(&path);
    assert_eq!(reopened.settings(), vec![settings.clone()]);
    let by_other_id = device(&[(Protocol::AirPlay, "AA:BB")]);
    assert_eq!(reopened.get_settings(&by_other_id).await.unwrap(), settings);

    let json: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(
        json["devices"][0]["protocols"]["mrp"]["credentials"],
        "secret-mrp"
    );
    assert_eq!(json["devices"][0]["protocols"]["raop"]["timing_port"], 5000);

    let debug = format!("{reopened:?} {:?}", reopened.settings());
    assert!(!debug.contains("secret"), "secrets in Debug: {debug}");
}

#[tokio::test]
async fn missing_file_is_empty_and_saves_only_on_change() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("storage.json");
    let storage = FileStorage::new(&path);
    assert!(storage.settings().is_empty());
    assert!(!path.exists());
    // Like pyatv, a storage never written is written once, even empty.
    storage.save().await.unwrap();
    let json: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    assert_eq!(json, serde_json::json!({"version": 1, "devices": []}));

    // Unchanged: no write (a marker put in the file survives).
    fs::write(&path, "{\"version\": 1, \"devices\": []}\n").unwrap();
    storage.save().await.unwrap();
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "{\"version\": 1, \"devices\": []}\n"
    );

    storage
        .get_settings(&device(&[(Protocol::Companion, "C")]))
        .await
        .unwrap();
    storage.save().await.unwrap();
    let json: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    assert_eq!(
        json["devices"][0]["protocols"]["companion"]["identifier"],
        "C"
    );
}

#[tokio::test]
async fn corrupt_file_is_an_error_and_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("storage.json");
    for bad in [
        "{\"version\": 1, \"devices\": [",
        "",
        "{\"version\": 1, \"devices\": 3}",
    ] {
        fs::write(&path, bad).unwrap();
        let storage = FileStorage::new(&path);
        let config = device(&[(Protocol::Mrp, "M")]);
        let error = storage.get_settings(&config).await.unwrap_err();
        assert!(matches!(error, Error::Settings(_)), "{error}");
        assert!(error.to_string().contains("storage.json"), "{error}");
        assert!(storage.save().await.is_err());
        assert!(storage.settings().is_empty());
        assert_eq!(fs::read_to_string(&path).unwrap(), bad);
    }
    fs::write(&path, "{\"version\": 2, \"devices\": []}").unwrap();
    let error = FileStorage::new(&path).load().await.unwrap_err();
    assert!(error.to_string().contains("version 2"), "{error}");
}

#[tokio::test]
async fn failed_write_leaves_the_old_file_intact() {
    // The write fails part way (the file system fills up): the old file must stay whole
    // and no temporary file may be left behind.
    let dir = tempfile::tempdir().unwrap();
    let Some(_mount) = SmallTmpfs::mount(dir.path()) else {
        assert!(!atv_tests::in_ci(), "mounting a tmpfs needs root under CI");
        eprintln!("skipped: cannot mount a tmpfs (needs root)");
        return;
    };
    let path = dir.path().join("storage.json");
    let storage = FileStorage::new(&path);
    let config = device(&[(Protocol::Mrp, "M")]);
    storage.get_settings(&config).await.unwrap();
    storage.save().await.unwrap();
    let before = fs::read(&path).unwrap();

    let mut settings = storage.get_settings(&config).await.unwrap();
    settings.protocols.mrp.credentials = Some("c".repeat(64 * 1024));
    storage
        .set_settings(&config, settings.clone())
        .await
        .unwrap();
    let error = storage.save().await.unwrap_err();
    assert!(error.to_string().contains("cannot write"), "{error}");
    assert_eq!(fs::read(&path).unwrap(), before);
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "temporary file left"
    );
    assert_eq!(mode(&path), 0o600);

    // The change is still pending: once it fits, the next save writes it.
    settings.protocols.mrp.credentials = Some("fits".into());
    storage.set_settings(&config, settings).await.unwrap();
    storage.save().await.unwrap();
    let reread = FileStorage::new(&path).get_settings(&config).await.unwrap();
    assert_eq!(reread.protocols.mrp.credentials.as_deref(), Some("fits"));
}

#[tokio::test]
async fn unwritable_location_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    fs::write(&blocker, b"x").unwrap();
    let storage = FileStorage::new(blocker.join("storage.json"));
    // A parent that is a file: neither reading nor writing can work, and both say so.
    let error = storage
        .get_settings(&device(&[(Protocol::Mrp, "M")]))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("file/storage.json"), "{error}");
    assert!(storage.save().await.is_err());
    assert_eq!(fs::read(&blocker).unwrap(), b"x");
}

#[tokio::test]
async fn import_merges_a_pyatv_file() {
    let dir = tempfile::tempdir().unwrap();
    let pyatv = dir.path().join(".pyatv.conf");
    fs::write(
        &pyatv,
        r#"{"version": 1, "devices": [{"info": {"rp_id": "0123456789ab"}, "protocols": {"mrp": {"identifier": "M", "credentials": "from-pyatv"}}}, {"info": {"rp_id": "ba9876543210"}, "protocols": {"dmap": {"identifier": "D", "credentials": "0x1"}}}]}"#,
    )
    .unwrap();
    let storage = FileStorage::new(dir.path().join("atv/storage.json"));
    let config = device(&[(Protocol::Mrp, "M"), (Protocol::Raop, "R")]);
    let mut settings = storage.get_settings(&config).await.unwrap();
    settings.protocols.raop.password = Some("kept".into());
    storage.set_settings(&config, settings).await.unwrap();

    let summary = storage.import_pyatv(&pyatv).await.unwrap();
    assert_eq!((summary.added, summary.updated), (1, 1));
    let reopened = FileStorage::new(storage.path());
    let merged = reopened.get_settings(&config).await.unwrap();
    assert_eq!(
        merged.protocols.mrp.credentials.as_deref(),
        Some("from-pyatv")
    );
    assert_eq!(merged.protocols.raop.password.as_deref(), Some("kept"));
    assert_eq!(merged.info.rp_id, "0123456789ab");
    assert_eq!(reopened.settings().len(), 2);

    let missing = storage
        .import_pyatv(dir.path().join("nope"))
        .await
        .unwrap_err();
    assert!(matches!(missing, Error::NotFound(_)), "{missing}");
}

#[test]
fn storage_options() {
    assert_eq!("none".parse::<StorageKind>().unwrap(), StorageKind::None);
    assert_eq!("file".parse::<StorageKind>().unwrap(), StorageKind::File);
    assert!("cloud".parse::<StorageKind>().is_err());
    let memory = open_storage(StorageKind::None, None).unwrap();
    assert!(memory.settings().is_empty());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.json");
    let file = open_storage(StorageKind::File, path.to_str()).unwrap();
    assert!(file.settings().is_empty());
}
