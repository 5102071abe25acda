//! Finding the one device a device command is for: by scanning (with `--id`/`--name`)
//! or from `--manual` options, with credentials and passwords from the command line.

use std::net::{IpAddr, Ipv4Addr};

use atv::{DeviceConfig, Properties, Protocol, Service};

use super::cli::RemoteCli;
use crate::args::{CredentialArgs, DeviceId, PasswordArgs};
use crate::error::CliError;

/// What a scan found for the device options.
#[derive(Debug)]
pub(crate) enum Selection {
    /// Exactly one device matched.
    One(Box<DeviceConfig>),
    /// Nothing matched.
    Nothing,
    /// Several devices matched (the user must narrow it down).
    Several(Vec<DeviceConfig>),
}

/// Picks the device from scan results: by exact name when `name` is given (the scan
/// itself then filters on nothing else), otherwise the only device found.
pub(crate) fn select(found: Vec<DeviceConfig>, name: Option<&str>) -> Selection {
    let mut matching: Vec<DeviceConfig> = match name {
        Some(name) => found.into_iter().filter(|d| d.name == name).collect(),
        None => found,
    };
    match matching.len() {
        0 => Selection::Nothing,
        1 => matching
            .pop()
            .map_or(Selection::Nothing, |d| Selection::One(Box::new(d))),
        _ => Selection::Several(matching),
    }
}

/// Puts credentials and passwords given on the command line into the device's services:
/// a value replaces the found one, an empty value removes it, no value keeps it.
pub(crate) fn apply_secrets(
    device: &mut DeviceConfig,
    credentials: &CredentialArgs,
    passwords: &PasswordArgs,
) {
    for service in device.services_mut() {
        match credentials.get(service.protocol) {
            Some("") => service.credentials = None,
            Some(value) => service.credentials = Some(value.to_owned()),
            None => {}
        }
        match passwords.get(service.protocol) {
            Some("") => service.password = None,
            Some(value) => service.password = Some(value.to_owned()),
            None => {}
        }
    }
}

/// Parses `--service-properties`: its first character separates `key=value` pairs.
pub(crate) fn parse_service_properties(text: &str) -> Result<Properties, CliError> {
    let mut chars = text.chars();
    let Some(separator) = chars.next() else {
        return Ok(Properties::new());
    };
    chars
        .as_str()
        .split(separator)
        .map(|pair| {
            pair.split_once('=')
                .ok_or_else(|| CliError::InvalidServiceProperties(text.to_owned()))
        })
        .collect()
}

/// The device described by `--manual`, `--address`, `--port`, `--protocol`, `--id`,
/// `--name`, `--service-properties` and the credential/password options.
pub(crate) fn manual_device(cli: &RemoteCli) -> Result<DeviceConfig, CliError> {
    let (Some(address), Some(protocol)) = (cli.device.address.as_deref(), cli.device.protocol)
    else {
        return Err(CliError::ManualIncomplete);
    };
    if cli.device.port == 0 {
        return Err(CliError::ManualIncomplete);
    }
    let address: Ipv4Addr = address
        .parse()
        .map_err(|_| CliError::InvalidAddress(address.to_owned()))?;
    let identifier = match &cli.device.id {
        Some(DeviceId::One(id)) => Some(id.clone()),
        Some(DeviceId::Many(_)) => {
            return Err(CliError::InvalidArguments(
                "--manual only supports one identifier to --id".into(),
            ));
        }
        None => None,
    };
    let properties = parse_service_properties(&cli.manual.service_properties)?;
    let mut service = Service::new(identifier, protocol, cli.device.port, properties);
    service.credentials = cli.credentials.get(protocol).map(str::to_owned);
    if matches!(protocol, Protocol::AirPlay | Protocol::Raop) {
        service.password = cli.passwords.get(protocol).map(str::to_owned);
    }
    let name = cli
        .device
        .name
        .clone()
        .unwrap_or_else(|| address.to_string());
    let mut device = DeviceConfig::new(IpAddr::V4(address), name);
    device.add_service(service);
    Ok(device)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn device(name: &str, id: &str) -> DeviceConfig {
        let mut d = DeviceConfig::new(IpAddr::V4(Ipv4Addr::LOCALHOST), name);
        d.add_service(Service::new(
            Some(id.into()),
            Protocol::Mrp,
            49152,
            Properties::new(),
        ));
        d
    }

    #[test]
    fn selection_by_name_is_exact() {
        let found = vec![device("Kitchen", "a"), device("Living Room", "b")];
        assert!(matches!(select(found.clone(), None), Selection::Several(v) if v.len() == 2));
        assert!(
            matches!(select(found.clone(), Some("Kitchen")), Selection::One(d) if d.name == "Kitchen")
        );
        assert!(matches!(select(found, Some("kitchen")), Selection::Nothing));
        assert!(matches!(select(Vec::new(), None), Selection::Nothing));
    }

    #[test]
    fn command_line_secrets_replace_or_clear() {
        let mut d = device("Kitchen", "a");
        d.set_credentials(Protocol::Mrp, "old");
        let cli = RemoteCli::parse_from(["atvremote", "--mrp-credentials", "new", "play"]);
        apply_secrets(&mut d, &cli.credentials, &cli.passwords);
        assert_eq!(d.services()[0].credentials.as_deref(), Some("new"));
        let cli = RemoteCli::parse_from(["atvremote", "--mrp-credentials", "", "play"]);
        apply_secrets(&mut d, &cli.credentials, &cli.passwords);
        assert_eq!(d.services()[0].credentials, None);
    }

    #[test]
    fn service_properties_use_the_first_character_as_separator() {
        let p = parse_service_properties(":name=test:type=a=b").unwrap();
        assert_eq!(p.get("name"), Some("test"));
        assert_eq!(p.get("type"), Some("a=b"));
        assert!(parse_service_properties("").unwrap().is_empty());
        assert!(parse_service_properties(",novalue").is_err());
    }

    #[test]
    fn manual_device_needs_address_port_and_protocol() {
        let cli = RemoteCli::parse_from(["atvremote", "--manual", "--address", "10.0.0.2", "play"]);
        assert!(matches!(
            manual_device(&cli),
            Err(CliError::ManualIncomplete)
        ));
        let cli = RemoteCli::parse_from([
            "atvremote",
            "--manual",
            "--address",
            "10.0.0.2",
            "--port",
            "7000",
            "--protocol",
            "airplay",
            "--airplay-password",
            "pw",
            "-i",
            "abc",
            "--service-properties",
            ",a=1",
            "play",
        ]);
        let d = manual_device(&cli).unwrap();
        let s = d.get_service(Protocol::AirPlay).unwrap();
        assert_eq!((s.port, s.password.as_deref()), (7000, Some("pw")));
        assert_eq!(d.identifier(), Some("abc"));
        assert_eq!(s.properties.get("a"), Some("1"));
    }
}
