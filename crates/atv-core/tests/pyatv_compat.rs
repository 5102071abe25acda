//! atv-core against pyatv 0.18.0 itself: the same inputs go to pyatv (run in the venv
//! by `pyatv_compat.py`) and to atv-core, and every printed string, hash, lookup and
//! JSON document must come out the same.

use std::io::Write;
use std::process::{Command, Stdio};

use atv_core::storage::StorageModel;
use atv_core::storage::{MemoryStorage, Storage};
use atv_core::{
    DeviceConfig, DeviceModel, Error, FeatureName, Protocol, lookup_internal_name, lookup_model,
    lookup_os, lookup_os_for_model, lookup_version,
};
use serde_json::{Value, json};

mod compat_cases;

use compat_cases::{
    config_cases, config_json, device_info_cases, device_info_json, lookup_cases, playing_cases,
    playing_json, settings_cases,
};

/// Runs the Python side on `request`; `None` when the venv is missing outside CI.
fn ask_pyatv(request: &Value) -> Option<Value> {
    let python = atv_tests::pyatv_python()?;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/pyatv_compat.py");
    let mut child = Command::new(python)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start python");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(request.to_string().as_bytes())
        .expect("write request");
    drop(stdin);
    let output = child.wait_with_output().expect("run python");
    assert!(
        output.status.success(),
        "pyatv side failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(serde_json::from_slice(&output.stdout).expect("pyatv answer is JSON"))
}

/// What `pyatv_compat.py`'s storage scenario does, done with atv-core's storage.
fn storage_scenario(config: &DeviceConfig) -> Value {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async {
        let storage = MemoryStorage::new();
        match storage.get_settings(config).await {
            Err(Error::DeviceIdMissing(_)) => return json!({"error": "DeviceIdMissingError"}),
            Err(other) => panic!("unexpected {other}"),
            Ok(_) => {}
        }
        let mut config = config.clone();
        for service in config.services_mut() {
            service.credentials = None;
            service.password = Some("changed".into());
        }
        storage.update_settings(&config).await.unwrap();
        let model = StorageModel {
            version: 1,
            devices: storage.settings(),
        };
        let mut dumped = serde_json::to_value(&model).unwrap();
        for device in dumped["devices"].as_array_mut().unwrap() {
            device["info"].as_object_mut().unwrap().remove("rp_id");
        }
        json!({ "dump": dumped })
    })
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing in {value}"))
}

#[test]
fn everything_matches_pyatv() {
    let infos = device_info_cases();
    let lookups = lookup_cases();
    let playings = playing_cases();
    let config_inputs = config_cases();
    let configs: Vec<_> = config_inputs.iter().map(|case| case.build()).collect();
    let storages = settings_cases();
    let request = json!({
        "device_info": infos.iter().map(device_info_json).collect::<Vec<_>>(),
        "lookup": lookups,
        "os_for_model": DeviceModel::ALL.iter().map(|m| m.name()).collect::<Vec<_>>(),
        "playing": playings.iter().map(playing_json).collect::<Vec<_>>(),
        "config": config_inputs.iter().map(config_json).collect::<Vec<_>>(),
        "settings": storages.iter().map(|s| serde_json::to_string(s).unwrap()).collect::<Vec<_>>(),
    });
    let Some(answer) = ask_pyatv(&request) else {
        return;
    };
    for key in ["device_info", "lookup", "playing", "config", "settings"] {
        assert_eq!(
            answer[key].as_array().map(Vec::len),
            request[key].as_array().map(Vec::len),
            "one answer per {key} case"
        );
    }

    for (info, expected) in infos.iter().zip(answer["device_info"].as_array().unwrap()) {
        assert_eq!(info.to_string(), text(expected, "str"), "{info:?}");
        assert_eq!(info.model_str(), text(expected, "model_str"), "{info:?}");
        assert_eq!(
            info.operating_system().name(),
            text(expected, "os"),
            "{info:?}"
        );
        assert_eq!(info.model().name(), text(expected, "model"), "{info:?}");
        assert_eq!(
            info.version().as_deref(),
            expected["version"].as_str(),
            "{info:?}"
        );
    }

    for (input, expected) in lookups.iter().zip(answer["lookup"].as_array().unwrap()) {
        assert_eq!(
            lookup_model(input).name(),
            text(expected, "model"),
            "{input}"
        );
        assert_eq!(
            lookup_internal_name(input).name(),
            text(expected, "internal_name"),
            "{input}"
        );
        assert_eq!(lookup_os(input).name(), text(expected, "os"), "{input}");
        assert_eq!(
            lookup_version(input).as_deref(),
            expected["version"].as_str(),
            "{input}"
        );
    }
    for (model, expected) in DeviceModel::ALL
        .iter()
        .zip(answer["os_for_model"].as_array().unwrap())
    {
        assert_eq!(
            Some(lookup_os_for_model(*model).name()),
            expected.as_str(),
            "{model:?}"
        );
        assert_eq!(
            Some(model.model_str()),
            answer["model_str"][model.name()].as_str()
        );
    }

    for (playing, expected) in playings.iter().zip(answer["playing"].as_array().unwrap()) {
        let mut playing = playing.clone();
        playing.clamp_position();
        assert_eq!(
            playing.position.map(u64::from),
            expected["position"].as_u64()
        );
        assert_eq!(playing.to_string(), text(expected, "str"), "{playing:?}");
        assert_eq!(playing.hash(), text(expected, "hash"), "{playing:?}");
    }

    for (config, expected) in configs.iter().zip(answer["config"].as_array().unwrap()) {
        assert_eq!(config.to_string(), text(expected, "str"));
        assert_eq!(config.identifier(), expected["identifier"].as_str());
        assert_eq!(
            json!(config.all_identifiers()),
            expected["all_identifiers"],
            "{config:?}"
        );
        assert_eq!(Some(config.ready()), expected["ready"].as_bool());
        let mains: Vec<Value> = std::iter::once(None)
            .chain(Protocol::ALL.iter().copied().map(Some))
            .map(|p| json!(config.main_service(p).ok().map(|s| s.protocol.name())))
            .collect();
        assert_eq!(Value::Array(mains), expected["main_service"]);
    }

    for (config, expected) in configs.iter().zip(answer["storage"].as_array().unwrap()) {
        assert_eq!(storage_scenario(config), *expected, "{config:?}");
    }

    for (model, expected) in storages.iter().zip(answer["settings"].as_array().unwrap()) {
        // What atv writes is what pyatv writes after reading it.
        assert_eq!(serde_json::to_value(model).unwrap(), expected["dump"]);
        // And what pyatv writes reads back into the same settings.
        let back: StorageModel = serde_json::from_value(expected["dump"].clone()).unwrap();
        assert_eq!(&back, model);
        for (settings, printed) in model
            .devices
            .iter()
            .zip(expected["str"].as_array().unwrap())
        {
            assert_eq!(Some(settings.to_string().as_str()), printed.as_str());
        }
    }

    let features: Vec<Value> = FeatureName::ALL
        .iter()
        .map(|f| json!([f.name(), f.value()]))
        .collect();
    assert_eq!(Value::Array(features), answer["feature_names"]);
}
