//! The inputs of the pyatv compatibility test, and how they are sent to pyatv as JSON.

use std::net::IpAddr;

use atv_core::storage::StorageModel;
use atv_core::{
    DeviceConfig, DeviceInfo, DeviceModel, DeviceState, MediaType, OperatingSystem,
    PairingRequirement, Playing, Properties, Protocol, RepeatState, Service, Settings,
    ShuffleState,
};
use serde_json::{Map, Value, json};

/// A small deterministic generator so the cases are the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.next(items.len())].clone()
    }
}

pub(crate) fn device_info_cases() -> Vec<DeviceInfo> {
    let models: Vec<Option<DeviceModel>> = std::iter::once(None)
        .chain(DeviceModel::ALL.iter().copied().map(Some))
        .collect();
    let systems: Vec<Option<OperatingSystem>> = std::iter::once(None)
        .chain(OperatingSystem::ALL.iter().copied().map(Some))
        .collect();
    let versions = [None, Some(""), Some("15.0")];
    let builds = [None, Some(""), Some("19J346"), Some("23A5"), Some("x1")];
    let raw_models = [None, Some(""), Some("Foo1,1")];
    let mut cases = Vec::new();
    for model in &models {
        for os in &systems {
            for version in versions {
                for build in builds {
                    for raw in raw_models {
                        cases.push(DeviceInfo {
                            operating_system: *os,
                            version: version.map(str::to_owned),
                            build_number: build.map(str::to_owned),
                            model: *model,
                            raw_model: raw.map(str::to_owned),
                            mac: Some("AA:BB:CC:DD:EE:FF".into()),
                            output_device_id: None,
                        });
                    }
                }
            }
        }
    }
    cases
}

pub(crate) fn device_info_json(info: &DeviceInfo) -> Value {
    let mut map = Map::new();
    if let Some(os) = info.operating_system {
        map.insert("os".into(), os.name().into());
    }
    if let Some(model) = info.model {
        map.insert("model".into(), model.name().into());
    }
    for (key, value) in [
        ("version", &info.version),
        ("build_number", &info.build_number),
        ("raw_model", &info.raw_model),
        ("mac", &info.mac),
    ] {
        if let Some(value) = value {
            map.insert(key.into(), value.clone().into());
        }
    }
    Value::Object(map)
}

pub(crate) fn lookup_cases() -> Vec<String> {
    let mut cases: Vec<String> = [
        "AirPort4,107",
        "AirPort10,115",
        "AppleTV1,1",
        "AppleTV2,1",
        "AppleTV3,1",
        "AppleTV3,2",
        "AppleTV5,3",
        "AppleTV6,2",
        "AppleTV11,1",
        "AppleTV14,1",
        "AudioAccessory1,1",
        "AudioAccessory1,2",
        "AudioAccessory5,1",
        "AudioAccessorySingle5,1",
        "AudioAccessory6,1",
        "K66AP",
        "J33AP",
        "J33IAP",
        "J42dAP",
        "J105aAP",
        "J305AP",
        "J255AP",
        "appletv6,2",
        "AppleTV6,3",
        "",
        "MacBookAir10,1",
        "iMac21,1",
        "Macmini9,1",
        "MacBookPro18,3",
        "Mac14,2",
        "MacPro7,1",
        "Mac14",
        "Mac,1",
        "Mac1,",
        "Mac1,1extra",
        "iMac",
        "iPhone10,6",
        "17J586",
        "17K795",
        "18K802",
        "19J346",
        "20K71",
        "21K69",
        "22J357",
        "22J580",
        "23A5",
        "1A1",
        "4B",
        "3Z9",
        "007C",
        "17a",
        "B17",
        "17",
        "99999999999999999999Q",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    cases.push("19J346 ".into());
    cases
}

pub(crate) fn playing_cases() -> Vec<Playing> {
    let mut rng = Lcg(7);
    let texts = [None, Some(""), Some("Ängel \"quoted\""), Some("Title")];
    let numbers = [
        None,
        Some(0),
        Some(1),
        Some(3),
        Some(7),
        Some(100),
        Some(3601),
    ];
    let mut cases = Vec::new();
    for _ in 0..3000 {
        let text = |rng: &mut Lcg| rng.pick(&texts).map(str::to_owned);
        cases.push(Playing {
            media_type: rng.pick(MediaType::ALL),
            device_state: rng.pick(DeviceState::ALL),
            title: text(&mut rng),
            artist: text(&mut rng),
            album: text(&mut rng),
            genre: text(&mut rng),
            total_time: rng.pick(&numbers),
            position: rng.pick(&[None, Some(0), Some(2), Some(50), Some(5000)]),
            shuffle: rng.pick(&[None, Some(ShuffleState::Off), Some(ShuffleState::Songs)]),
            repeat: rng.pick(&[None, Some(RepeatState::All), Some(RepeatState::Track)]),
            hash: rng
                .pick(&[None, Some(""), Some("devicehash")])
                .map(str::to_owned),
            series_name: text(&mut rng),
            season_number: rng.pick(&numbers),
            episode_number: rng.pick(&numbers),
            content_identifier: text(&mut rng),
            itunes_store_identifier: rng.pick(&[None, Some(0), Some(1_234_567_890_123)]),
        });
    }
    // Every ratio with small numbers, for the rounding of the percentage.
    for total in 1..=120 {
        for position in 0..=121 {
            cases.push(Playing {
                position: Some(position),
                total_time: Some(total),
                ..Playing::default()
            });
        }
    }
    cases
}

pub(crate) fn playing_json(p: &Playing) -> Value {
    json!({
        "media_type": p.media_type.name(),
        "device_state": p.device_state.name(),
        "title": p.title, "artist": p.artist, "album": p.album, "genre": p.genre,
        "total_time": p.total_time, "position": p.position,
        "shuffle": p.shuffle.map(|s| s.name()), "repeat": p.repeat.map(|r| r.name()),
        "hash": p.hash, "series_name": p.series_name,
        "season_number": p.season_number, "episode_number": p.episode_number,
        "content_identifier": p.content_identifier,
        "itunes_store_identifier": p.itunes_store_identifier,
    })
}

/// A device configuration and the services added to it one by one (merging included).
pub(crate) struct ConfigCase {
    base: DeviceConfig,
    adds: Vec<Service>,
}

impl ConfigCase {
    /// The configuration with every service added.
    pub(crate) fn build(&self) -> DeviceConfig {
        let mut config = self.base.clone();
        for service in &self.adds {
            config.add_service(service.clone());
        }
        config
    }
}

pub(crate) fn config_cases() -> Vec<ConfigCase> {
    let address: IpAddr = "10.0.10.81".parse().unwrap();
    let mut plain = DeviceConfig::new(address, "Empty");
    plain.deep_sleep = true;

    let mut full = DeviceConfig::new(address, "Living Room");
    let mut full_adds = Vec::new();
    full.device_info = DeviceInfo {
        model: Some(DeviceModel::Gen4K),
        build_number: Some("19J346".into()),
        mac: Some("AA:BB:CC:DD:EE:FF".into()),
        ..DeviceInfo::default()
    };
    let mut companion = Service::new(None, Protocol::Companion, 49153, Properties::new());
    companion.pairing = PairingRequirement::Mandatory;
    full_adds.push(companion);
    let mut airplay = Service::new(
        Some("AA:BB:CC:DD:EE:FF".into()),
        Protocol::AirPlay,
        7000,
        [("model", "AppleTV6,2")].into_iter().collect(),
    );
    airplay.credentials = Some("aa:bb:cc:dd".into());
    airplay.requires_password = true;
    airplay.password = Some("pw".into());
    full_adds.push(airplay);
    let mut raop = Service::new(
        Some("AABBCCDDEEFF".into()),
        Protocol::Raop,
        7000,
        Properties::new(),
    );
    raop.enabled = false;
    raop.pairing = PairingRequirement::Disabled;
    full_adds.push(raop);
    let mut mrp = Service::new(
        Some("mrp-id".into()),
        Protocol::Mrp,
        49152,
        Properties::new(),
    );
    mrp.pairing = PairingRequirement::Optional;
    full_adds.push(mrp);
    // Merged into the existing AirPlay service.
    let mut more_airplay = Service::new(None, Protocol::AirPlay, 7001, Properties::new());
    more_airplay.credentials = Some("new-creds".into());
    full_adds.push(more_airplay);
    // Empty secrets do not replace set ones when merging.
    let mut empty_airplay = Service::new(None, Protocol::AirPlay, 7002, Properties::new());
    empty_airplay.credentials = Some(String::new());
    empty_airplay.password = Some(String::new());
    full_adds.push(empty_airplay);

    let mut dmap_only = DeviceConfig::new("192.168.1.2".parse().unwrap(), "Old");
    let mut dmap_adds = Vec::new();
    dmap_only.device_info.raw_model = Some("Weird9,9".into());
    dmap_adds.push(Service::new(
        Some(String::new()),
        Protocol::Dmap,
        3689,
        Properties::new(),
    ));
    vec![
        ConfigCase {
            base: plain,
            adds: Vec::new(),
        },
        ConfigCase {
            base: full,
            adds: full_adds,
        },
        ConfigCase {
            base: dmap_only,
            adds: dmap_adds,
        },
    ]
}

pub(crate) fn config_json(case: &ConfigCase) -> Value {
    let c = &case.base;
    let services: Vec<Value> = case
        .adds
        .iter()
        .map(|s| {
            let properties: Map<String, Value> = s
                .properties
                .iter()
                .map(|(k, v)| (k.to_owned(), Value::from(v)))
                .collect();
            json!({
                "identifier": s.identifier, "protocol": s.protocol.name(),
                "port": s.port, "properties": properties, "credentials": s.credentials,
                "password": s.password, "requires_password": s.requires_password,
                "pairing": s.pairing.name(), "enabled": s.enabled,
            })
        })
        .collect();
    json!({
        "address": c.address.to_string(), "name": c.name, "deep_sleep": c.deep_sleep,
        "device_info": device_info_json(&c.device_info), "services": services,
    })
}

pub(crate) fn settings_cases() -> Vec<StorageModel> {
    let mut changed = Settings::default();
    changed.info.name = "My Remote".into();
    changed.info.mac = "AA:BB:CC:DD:EE:01".into();
    changed.protocols.mrp.identifier = Some("mrp-id".into());
    changed.protocols.mrp.credentials = Some("c1:c2:c3:c4".into());
    changed.protocols.airplay.password = Some(String::new());
    changed.protocols.airplay.mrp_tunnel = atv_core::MrpTunnel::Disable;
    changed.protocols.raop.protocol_version = atv_core::AirPlayVersion::V2;
    changed.protocols.raop.timing_port = 5000;
    changed.protocols.companion.identifier = Some("comp".into());
    changed.protocols.dmap.credentials = Some("0x1234".into());
    vec![
        StorageModel {
            version: 1,
            devices: vec![],
        },
        StorageModel {
            version: 1,
            devices: vec![Settings::default(), changed],
        },
    ]
}
