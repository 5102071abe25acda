//! Which AirPlay version to speak with a service, and what its TXT records say about
//! credentials and the remote-control tunnel (as pyatv decides them).

use atv_core::{AirPlayVersion, Service};
use atv_pairing::Credentials;

pub use crate::features::AirPlayMajorVersion;
use crate::features::{Features, major_version};

/// The version to use with `service`: the setting when it is not `auto`, otherwise what
/// the features suggest (AirPlay 1 when they are malformed).
pub fn protocol_version(service: &Service, preferred: AirPlayVersion) -> AirPlayMajorVersion {
    match preferred {
        AirPlayVersion::V1 => AirPlayMajorVersion::V1,
        AirPlayVersion::V2 => AirPlayMajorVersion::V2,
        _ => major_version(&service.properties).unwrap_or(AirPlayMajorVersion::V1),
    }
}

/// The features the service announces (none when malformed).
pub fn features_of(service: &Service) -> Features {
    Features::from_properties(&service.properties).unwrap_or_default()
}

/// Credentials to use when the service has none stored: transient for devices that
/// support system or CoreUtils pairing (HomePods), otherwise none.
pub fn default_credentials(service: &Service) -> Option<Credentials> {
    let flags = features_of(service);
    (flags.contains(Features::SUPPORTS_SYSTEM_PAIRING)
        || flags.contains(Features::SUPPORTS_CORE_UTILS_PAIRING_AND_ENCRYPTION))
    .then_some(Credentials::Transient)
}

/// Whether the device can tunnel MRP over AirPlay with `credentials` (pyatv's guess:
/// Apple TVs on tvOS 13 or later with HAP credentials; HomePods with transient ones).
pub fn is_remote_control_supported(service: &Service, credentials: Option<&Credentials>) -> bool {
    let model = service.properties.get("model").unwrap_or_default();
    if model.starts_with("AudioAccessory") {
        return matches!(credentials, Some(Credentials::Transient));
    }
    if !model.starts_with("AppleTV") {
        return false;
    }
    let major = service
        .properties
        .get("osvers")
        .unwrap_or("0")
        .split('.')
        .next()
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0);
    major >= 13.0 && matches!(credentials, Some(Credentials::Hap(_)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use atv_core::{Properties, Protocol};

    fn service(txt: &[(&str, &str)]) -> Service {
        let properties: Properties = txt
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Service::new(None, Protocol::AirPlay, 7000, properties)
    }

    #[test]
    fn version_follows_features_and_setting() {
        let v2 = service(&[("features", "0x0,0x40")]);
        assert_eq!(
            protocol_version(&v2, AirPlayVersion::Auto),
            AirPlayMajorVersion::V2
        );
        assert_eq!(
            protocol_version(&v2, AirPlayVersion::V1),
            AirPlayMajorVersion::V1
        );
        let v1 = service(&[("features", "0x1")]);
        assert_eq!(
            protocol_version(&v1, AirPlayVersion::Auto),
            AirPlayMajorVersion::V1
        );
    }

    #[test]
    fn transient_for_homepods() {
        assert_eq!(
            default_credentials(&service(&[("features", "0x0,0x800")])),
            Some(Credentials::Transient)
        );
        assert_eq!(default_credentials(&service(&[("features", "0x1")])), None);
    }

    #[test]
    fn tunnel_support_guess() {
        let hap: Credentials = format!("{}:{}:aa:bb", "11".repeat(32), "22".repeat(32))
            .parse()
            .unwrap();
        let tv15 = service(&[("model", "AppleTV6,2"), ("osvers", "15.0")]);
        assert!(is_remote_control_supported(&tv15, Some(&hap)));
        assert!(!is_remote_control_supported(&tv15, None));
        assert!(!is_remote_control_supported(
            &tv15,
            Some(&Credentials::Transient)
        ));
        let tv12 = service(&[("model", "AppleTV5,3"), ("osvers", "12.4")]);
        assert!(!is_remote_control_supported(&tv12, Some(&hap)));
        let pod = service(&[("model", "AudioAccessory5,1")]);
        assert!(is_remote_control_supported(
            &pod,
            Some(&Credentials::Transient)
        ));
        assert!(!is_remote_control_supported(&pod, Some(&hap)));
        let mac = service(&[("model", "MacBookPro16,1"), ("osvers", "15.0")]);
        assert!(!is_remote_control_supported(&mac, Some(&hap)));
    }
}
