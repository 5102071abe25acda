//! Settings addressed by dotted path, as `atvremote print_settings`, `change_setting` and
//! `unset_setting` show and change them.

use std::fmt;

use crate::settings::{is_valid_mac, random_rp_id};
use crate::settings_protocols::{AirPlayVersion, MrpTunnel};
use crate::{Error, Result, Settings};

/// One setting as pyatv lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingField {
    /// Dotted path, e.g. `protocols.raop.timing_port`.
    pub path: &'static str,
    /// The value as pyatv prints it (`None` when unset).
    pub value: String,
    /// pyatv's type description, e.g. `str`, `str, NoneType`, `int`.
    pub type_name: &'static str,
}

const STR: &str = "str";
const OPT_STR: &str = "str, NoneType";

fn opt(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| "None".to_owned())
}

impl Settings {
    /// Every setting with its value, in pyatv's order.
    pub fn fields(&self) -> Vec<SettingField> {
        let i = &self.info;
        let p = &self.protocols;
        let field = |path, value: String, type_name| SettingField {
            path,
            value,
            type_name,
        };
        vec![
            field("info.name", i.name.clone(), STR),
            field("info.mac", i.mac.clone(), STR),
            field("info.model", i.model.clone(), STR),
            field("info.device_id", i.device_id.clone(), STR),
            field("info.rp_id", i.rp_id.clone(), STR),
            field("info.os_name", i.os_name.clone(), STR),
            field("info.os_build", i.os_build.clone(), STR),
            field("info.os_version", i.os_version.clone(), STR),
            field(
                "protocols.airplay.identifier",
                opt(&p.airplay.identifier),
                OPT_STR,
            ),
            field(
                "protocols.airplay.credentials",
                opt(&p.airplay.credentials),
                OPT_STR,
            ),
            field(
                "protocols.airplay.password",
                opt(&p.airplay.password),
                OPT_STR,
            ),
            field(
                "protocols.airplay.mrp_tunnel",
                p.airplay.mrp_tunnel.to_string(),
                "MrpTunnel",
            ),
            field(
                "protocols.companion.identifier",
                opt(&p.companion.identifier),
                OPT_STR,
            ),
            field(
                "protocols.companion.credentials",
                opt(&p.companion.credentials),
                OPT_STR,
            ),
            field(
                "protocols.dmap.identifier",
                opt(&p.dmap.identifier),
                OPT_STR,
            ),
            field(
                "protocols.dmap.credentials",
                opt(&p.dmap.credentials),
                OPT_STR,
            ),
            field("protocols.mrp.identifier", opt(&p.mrp.identifier), OPT_STR),
            field(
                "protocols.mrp.credentials",
                opt(&p.mrp.credentials),
                OPT_STR,
            ),
            field(
                "protocols.raop.identifier",
                opt(&p.raop.identifier),
                OPT_STR,
            ),
            field(
                "protocols.raop.credentials",
                opt(&p.raop.credentials),
                OPT_STR,
            ),
            field("protocols.raop.password", opt(&p.raop.password), OPT_STR),
            field(
                "protocols.raop.protocol_version",
                p.raop.protocol_version.to_string(),
                "AirPlayVersion",
            ),
            field(
                "protocols.raop.timing_port",
                p.raop.timing_port.to_string(),
                "int",
            ),
            field(
                "protocols.raop.control_port",
                p.raop.control_port.to_string(),
                "int",
            ),
        ]
    }

    /// Changes the setting at dotted `path` to `value`, or unsets it with `None`
    /// (pyatv's `update_model_field`). The value is checked first: a MAC address must
    /// look like one, ports must be numbers, `mrp_tunnel` is `auto`/`force`/`disable`,
    /// `protocol_version` is `auto`/`1`/`2`. Only optional settings can be unset, except
    /// `info.rp_id`, which gets a new random value.
    pub fn set_field(&mut self, path: &str, value: Option<&str>) -> Result<()> {
        let invalid = |what: &str| {
            Error::Settings(format!(
                "invalid value {} for {path}: {what}",
                value.unwrap_or("None")
            ))
        };
        let required = || {
            value
                .map(str::to_owned)
                .ok_or_else(|| invalid("this setting cannot be unset"))
        };
        let optional = || value.map(str::to_owned);
        let port = || -> Result<u16> {
            required()?
                .trim()
                .parse()
                .map_err(|_| invalid("expected a port number (0-65535)"))
        };
        let i = &mut self.info;
        let p = &mut self.protocols;
        match path {
            "info.name" => i.name = required()?,
            "info.mac" => {
                let mac = required()?;
                if !is_valid_mac(&mac) {
                    return Err(invalid("expected a MAC address like AA:BB:CC:DD:EE:FF"));
                }
                i.mac = mac;
            }
            "info.model" => i.model = required()?,
            "info.device_id" => i.device_id = required()?,
            "info.rp_id" => i.rp_id = optional().unwrap_or_else(random_rp_id),
            "info.os_name" => i.os_name = required()?,
            "info.os_build" => i.os_build = required()?,
            "info.os_version" => i.os_version = required()?,
            "protocols.airplay.identifier" => p.airplay.identifier = optional(),
            "protocols.airplay.credentials" => p.airplay.credentials = optional(),
            "protocols.airplay.password" => p.airplay.password = optional(),
            "protocols.airplay.mrp_tunnel" => {
                p.airplay.mrp_tunnel = MrpTunnel::from_value(&required()?)
                    .ok_or_else(|| invalid("expected auto, force or disable"))?;
            }
            "protocols.companion.identifier" => p.companion.identifier = optional(),
            "protocols.companion.credentials" => p.companion.credentials = optional(),
            "protocols.dmap.identifier" => p.dmap.identifier = optional(),
            "protocols.dmap.credentials" => p.dmap.credentials = optional(),
            "protocols.mrp.identifier" => p.mrp.identifier = optional(),
            "protocols.mrp.credentials" => p.mrp.credentials = optional(),
            "protocols.raop.identifier" => p.raop.identifier = optional(),
            "protocols.raop.credentials" => p.raop.credentials = optional(),
            "protocols.raop.password" => p.raop.password = optional(),
            "protocols.raop.protocol_version" => {
                p.raop.protocol_version = AirPlayVersion::from_value(&required()?)
                    .ok_or_else(|| invalid("expected auto, 1 or 2"))?;
            }
            "protocols.raop.timing_port" => p.raop.timing_port = port()?,
            "protocols.raop.control_port" => p.raop.control_port = port()?,
            _ => {
                return Err(Error::Settings(format!(
                    "no setting named {path} (see `atvremote print_settings` for the names)"
                )));
            }
        }
        Ok(())
    }
}

/// Prints one `path = value (type)` line per setting, as `atvremote print_settings`
/// does (secrets included: the user asked to see them).
impl fmt::Display for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self
            .fields()
            .into_iter()
            .map(|field| format!("{} = {} ({})", field.path, field.value, field.type_name))
            .collect();
        f.write_str(&lines.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_and_unset_fields() {
        let mut settings = Settings::default();
        settings
            .set_field("protocols.raop.timing_port", Some("5000"))
            .unwrap();
        assert_eq!(settings.protocols.raop.timing_port, 5000);
        settings
            .set_field("protocols.mrp.credentials", Some("c"))
            .unwrap();
        settings
            .set_field("protocols.mrp.credentials", None)
            .unwrap();
        assert_eq!(settings.protocols.mrp.credentials, None);
        settings
            .set_field("protocols.airplay.mrp_tunnel", Some("force"))
            .unwrap();
        assert_eq!(settings.protocols.airplay.mrp_tunnel, MrpTunnel::Force);
        assert!(settings.set_field("info.mac", Some("nope")).is_err());
        assert!(settings.set_field("info.name", None).is_err());
        assert!(
            settings
                .set_field("protocols.raop.timing_port", Some("x"))
                .is_err()
        );
        assert!(settings.set_field("info.nothing", Some("x")).is_err());
        let before = settings.info.rp_id.clone();
        settings.set_field("info.rp_id", None).unwrap();
        assert_eq!(settings.info.rp_id.len(), 12);
        assert_ne!(settings.info.rp_id, before);
    }

    #[test]
    fn debug_redacts_secrets() {
        let mut settings = Settings::default();
        settings.protocols.mrp.credentials = Some("secret-creds".into());
        settings.protocols.raop.password = Some("hunter2".into());
        settings.protocols.airplay.credentials = Some("secret-ap".into());
        let text = format!("{settings:?}");
        assert!(
            !text.contains("secret") && !text.contains("hunter2"),
            "{text}"
        );
    }
}
