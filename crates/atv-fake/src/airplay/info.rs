//! The answer to `GET /info`: a binary property list describing the receiver, with the
//! same facts its `_airplay._tcp` announcement carries (and that announcement's TXT record
//! itself, as `txtAirPlay`).

use atv_airplay::features::Features;
use plist::{Dictionary, Value};

use super::txt::airplay_txt;
use super::{AirPlayConfig, SOURCE_VERSION};

/// `/info` for `config`, as a binary property list.
pub fn info_plist(config: &AirPlayConfig) -> Vec<u8> {
    let mut out = Vec::new();
    // Serialising a dictionary of plain values into memory cannot fail; an empty answer
    // would only make the client see no information.
    if Value::Dictionary(info_dictionary(config))
        .to_writer_binary(&mut out)
        .is_err()
    {
        out.clear();
    }
    out
}

/// `/info` for `config`, as a dictionary.
pub fn info_dictionary(config: &AirPlayConfig) -> Dictionary {
    let features = Features::parse(&config.features).map_or(0, Features::bits);
    let pairing_id = config.pairing_identifier();
    let mut capabilities = Dictionary::new();
    for key in [
        "supportsInterstitials",
        "supportsFPSSecureStop",
        "supportsUIForAudioOnlyContent",
    ] {
        capabilities.insert(key.to_owned(), Value::Boolean(true));
    }
    let mut formats = Dictionary::new();
    for (key, value) in [
        ("lowLatencyAudioStream", 0u64),
        ("screenStream", 21_235_712),
        ("audioStream", 21_235_712),
        ("bufferStream", 14_680_064),
    ] {
        formats.insert(key.to_owned(), Value::Integer(value.into()));
    }
    let mut info = Dictionary::new();
    let mut put = |key: &str, value: Value| {
        info.insert(key.to_owned(), value);
    };
    put("deviceID", Value::String(config.device_id.clone()));
    put("macAddress", Value::String(config.device_id.clone()));
    put("features", Value::Integer(features.into()));
    put("featuresEx", Value::String("1d9/St5fFTw".to_owned()));
    put("model", Value::String(config.model.clone()));
    put("name", Value::String(config.name.clone()));
    put("osBuildVersion", Value::String(config.os_build.clone()));
    put("pi", Value::String(pairing_id.to_ascii_lowercase()));
    put("psi", Value::String(pairing_id));
    put("pk", Value::Data(config.identity.key.public_key().to_vec()));
    put("protocolVersion", Value::String("1.1".to_owned()));
    put("sourceVersion", Value::String(SOURCE_VERSION.to_owned()));
    put(
        "statusFlags",
        Value::Integer(u64::from(config.status_flags).into()),
    );
    put("vv", Value::Integer(2u64.into()));
    put("volumeControlType", Value::Integer(4u64.into()));
    put("initialVolume", Value::Real(-20.0));
    put("keepAliveSendStatsAsBody", Value::Boolean(true));
    put("canRecordScreenStream", Value::Boolean(false));
    put("hasUDPMirroringSupport", Value::Boolean(true));
    put("screenDemoMode", Value::Boolean(false));
    put("receiverHDRCapability", Value::String("4k30".to_owned()));
    put("playbackCapabilities", Value::Dictionary(capabilities));
    put("supportedFormats", Value::Dictionary(formats));
    put("txtAirPlay", Value::Data(txt_record(&airplay_txt(config))));
    info
}

/// A TXT record's data: each `key=value` preceded by its length (longer ones cut at 255
/// bytes, which none of ours reaches).
fn txt_record(entries: &[(String, String)]) -> Vec<u8> {
    let mut data = Vec::new();
    for (key, value) in entries {
        let entry = format!("{key}={value}");
        let bytes = entry.as_bytes();
        let bytes = bytes.get(..255).unwrap_or(bytes);
        data.push(bytes.len() as u8);
        data.extend_from_slice(bytes);
    }
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_is_a_binary_plist_describing_the_device() {
        let config = AirPlayConfig::new("Kitchen");
        let bytes = info_plist(&config);
        assert!(bytes.starts_with(b"bplist00"));
        let value = Value::from_reader(std::io::Cursor::new(bytes)).unwrap();
        let info = value.as_dictionary().unwrap();
        let text = |key: &str| info.get(key).and_then(Value::as_string);
        assert_eq!(text("name"), Some("Kitchen"));
        assert_eq!(text("model"), Some("AppleTV6,2"));
        assert_eq!(text("deviceID"), Some("40:CB:C0:12:34:56"));
        assert_eq!(text("sourceVersion"), Some(SOURCE_VERSION));
        assert_eq!(
            info.get("features").and_then(Value::as_unsigned_integer),
            Some(0xBC15_7FDE_4A7F_DFD5)
        );
        assert_eq!(
            info.get("statusFlags").and_then(Value::as_unsigned_integer),
            Some(0x244)
        );
        assert_eq!(
            info.get("pk").and_then(Value::as_data),
            Some(&config.identity.key.public_key()[..])
        );
        let txt = info.get("txtAirPlay").and_then(Value::as_data).unwrap();
        // The first entry, length-prefixed.
        assert_eq!(&txt[..6], b"\x05acl=0");
        let entries = atv_mdns::txt::txt_entries(&split_txt(txt));
        assert!(entries.contains(&("deviceid".to_owned(), b"40:CB:C0:12:34:56".to_vec())));
    }

    fn split_txt(mut data: &[u8]) -> Vec<Vec<u8>> {
        let mut strings = Vec::new();
        while let Some((&len, rest)) = data.split_first() {
            let (string, rest) = rest.split_at(usize::from(len));
            strings.push(string.to_vec());
            data = rest;
        }
        strings
    }
}
