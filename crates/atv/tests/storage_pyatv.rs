//! Storage files shared with pyatv 0.18.0: pyatv's own FileStorage (run in the venv)
//! writes a file that atv reads, and reads one that atv writes.

use std::fs;
use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::process::Command;

use atv::core::Storage;
use atv::storage::FileStorage;
use atv::{DeviceConfig, Properties, Protocol, Service};
use serde_json::{Value, json};

/// Writes a storage file with pyatv's FileStorage: one device with MRP, AirPlay and
/// Companion services (credentials, a password) and changed settings. Prints what pyatv
/// holds for that device.
const PYATV_WRITES: &str = r#"
import asyncio, json, sys
from pyatv import conf
from pyatv.const import Protocol
from pyatv.settings import AirPlayVersion, MrpTunnel
from pyatv.storage.file_storage import FileStorage

async def main(path):
    storage = FileStorage(path, asyncio.get_running_loop())
    await storage.load()
    config = conf.AppleTV("127.0.0.1", "Living Room")
    config.add_service(conf.ManualService("MRP-1", Protocol.MRP, 49152, {}, credentials="mrp:creds"))
    config.add_service(conf.ManualService("AA:BB:CC:DD:EE:FF", Protocol.AirPlay, 7000, {},
                                          credentials="ap:creds", password="ap-pw"))
    config.add_service(conf.ManualService("COMP-1", Protocol.Companion, 49153, {}, credentials="comp:creds"))
    await storage.update_settings(config)
    settings = await storage.get_settings(config)
    settings.info.name = "written by pyatv"
    settings.info.mac = "02:11:22:33:44:55"
    settings.protocols.airplay.mrp_tunnel = MrpTunnel.Force
    settings.protocols.raop.protocol_version = AirPlayVersion.V2
    settings.protocols.raop.timing_port = 6001
    await storage.save()
    print(json.dumps(settings.model_dump(mode="json")))

asyncio.run(main(sys.argv[1]))
"#;

/// Loads a storage file with pyatv's FileStorage and prints, for the device with
/// identifier `MRP-2`: its settings, how many devices there are, and whether pyatv
/// would rewrite the file (it does when its own dump differs from what it read).
const PYATV_READS: &str = r#"
import asyncio, json, sys
from pyatv import conf
from pyatv.const import Protocol
from pyatv.storage.file_storage import FileStorage

async def main(path):
    storage = FileStorage(path, asyncio.get_running_loop())
    await storage.load()
    count = len(storage.settings)
    config = conf.AppleTV("127.0.0.1", "Kitchen")
    config.add_service(conf.ManualService("MRP-2", Protocol.MRP, 49152, {}))
    settings = await storage.get_settings(config)
    found = len(storage.settings) == count
    print(json.dumps({"settings": settings.model_dump(mode="json"), "count": count,
                      "found": found, "would_rewrite": storage.has_changed(dict(storage))}))

asyncio.run(main(sys.argv[1]))
"#;

fn run_python(script: &str, path: &Path) -> Option<Value> {
    let python = atv_tests::pyatv_python()?;
    let output = Command::new(python)
        .arg("-c")
        .arg(script)
        .arg(path)
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "pyatv script failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(serde_json::from_slice(&output.stdout).expect("pyatv prints JSON"))
}

#[tokio::test]
async fn atv_reads_what_pyatv_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".pyatv.conf");
    let Some(expected) = run_python(PYATV_WRITES, &path) else {
        return;
    };
    let written = fs::read(&path).unwrap();

    let storage = FileStorage::new(&path);
    let all = storage.settings();
    assert_eq!(all.len(), 1);
    // Everything pyatv holds for the device, compared field by field as JSON.
    let ours = serde_json::to_value(&all[0]).unwrap();
    let info = &expected["info"];
    assert_eq!(ours["info"]["name"], info["name"]);
    assert_eq!(ours["info"]["mac"], info["mac"]);
    assert_eq!(ours["info"]["rp_id"], info["rp_id"]);
    assert_eq!(all[0].info.model, info["model"].as_str().unwrap());
    assert_eq!(all[0].info.os_version, info["os_version"].as_str().unwrap());
    let p = &all[0].protocols;
    let e = &expected["protocols"];
    assert_eq!(json!(p.mrp.identifier), e["mrp"]["identifier"]);
    assert_eq!(json!(p.mrp.credentials), e["mrp"]["credentials"]);
    assert_eq!(json!(p.airplay.identifier), e["airplay"]["identifier"]);
    assert_eq!(json!(p.airplay.credentials), e["airplay"]["credentials"]);
    assert_eq!(json!(p.airplay.password), e["airplay"]["password"]);
    assert_eq!(p.airplay.mrp_tunnel.value(), e["airplay"]["mrp_tunnel"]);
    assert_eq!(
        json!(p.companion.credentials),
        e["companion"]["credentials"]
    );
    assert_eq!(json!(p.dmap.identifier), e["dmap"]["identifier"]);
    assert_eq!(
        p.raop.protocol_version.value(),
        e["raop"]["protocol_version"]
    );
    assert_eq!(json!(p.raop.timing_port), e["raop"]["timing_port"]);
    assert_eq!(json!(p.raop.control_port), e["raop"]["control_port"]);
    assert_eq!(p.mrp.credentials.as_deref(), Some("mrp:creds"));

    // Found by another of its identifiers, and nothing to write back: atv's form of
    // the file is exactly what pyatv wrote.
    let mut config = DeviceConfig::new(IpAddr::V4(Ipv4Addr::LOCALHOST), "Living Room");
    let id = Some("COMP-1".to_owned());
    config.add_service(Service::new(id, Protocol::Companion, 1, Properties::new()));
    assert_eq!(storage.get_settings(&config).await.unwrap(), all[0]);
    storage.save().await.unwrap();
    assert_eq!(
        fs::read(&path).unwrap(),
        written,
        "atv rewrote an unchanged file"
    );
}

#[tokio::test]
async fn pyatv_reads_what_atv_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("atv/storage.json");
    let storage = FileStorage::new(&path);
    let mut config = DeviceConfig::new(IpAddr::V4(Ipv4Addr::LOCALHOST), "Kitchen");
    let mut mrp = Service::new(Some("MRP-2".into()), Protocol::Mrp, 1, Properties::new());
    mrp.credentials = Some("mrp:from-atv".into());
    config.add_service(mrp);
    let mut raop = Service::new(Some("RAOP-2".into()), Protocol::Raop, 1, Properties::new());
    raop.password = Some("raop-pw".into());
    config.add_service(raop);
    storage.update_settings(&config).await.unwrap();
    let mut settings = storage.get_settings(&config).await.unwrap();
    settings.info.name = "written by atv".into();
    settings.info.os_build = "20A123".into();
    settings.protocols.airplay.mrp_tunnel = atv::core::MrpTunnel::Disable;
    settings.protocols.raop.protocol_version = atv::core::AirPlayVersion::V1;
    settings.protocols.raop.control_port = 6002;
    storage
        .set_settings(&config, settings.clone())
        .await
        .unwrap();
    // A second device, to check pyatv picks the right one.
    let mut other = DeviceConfig::new(IpAddr::V4(Ipv4Addr::LOCALHOST), "Other");
    let id = Some("DMAP-9".to_owned());
    other.add_service(Service::new(id, Protocol::Dmap, 1, Properties::new()));
    storage.update_settings(&other).await.unwrap();
    storage.save().await.unwrap();

    let Some(seen) = run_python(PYATV_READS, &path) else {
        return;
    };
    assert_eq!(seen["count"], 2);
    assert_eq!(seen["found"], true);
    assert_eq!(
        seen["would_rewrite"], false,
        "pyatv's dump differs from atv's file"
    );
    let s = &seen["settings"];
    assert_eq!(s["info"]["name"], "written by atv");
    assert_eq!(s["info"]["os_build"], "20A123");
    assert_eq!(s["info"]["rp_id"], settings.info.rp_id.as_str());
    assert_eq!(s["info"]["mac"], settings.info.mac.as_str());
    assert_eq!(s["protocols"]["mrp"]["identifier"], "MRP-2");
    assert_eq!(s["protocols"]["mrp"]["credentials"], "mrp:from-atv");
    assert_eq!(s["protocols"]["raop"]["identifier"], "RAOP-2");
    assert_eq!(s["protocols"]["raop"]["password"], "raop-pw");
    assert_eq!(s["protocols"]["raop"]["protocol_version"], "1");
    assert_eq!(s["protocols"]["raop"]["control_port"], 6002);
    assert_eq!(s["protocols"]["airplay"]["mrp_tunnel"], "disable");
    assert_eq!(s["protocols"]["airplay"]["credentials"], Value::Null);
}
