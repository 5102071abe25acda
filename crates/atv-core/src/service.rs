//! A service a device offers over one protocol (pyatv's `BaseService`/`MutableService`).

use std::fmt;

use crate::{PairingRequirement, Properties, Protocol};

/// One protocol endpoint of a device, with what is needed to use it.
///
/// Credentials and password are secrets: `Debug` redacts them. `Display` prints the line
/// pyatv's `atvremote scan` prints for a service.
#[derive(Clone, PartialEq, Eq)]
pub struct Service {
    /// Unique identifier of the device as this protocol knows it, if any.
    pub identifier: Option<String>,
    /// Protocol of the service.
    pub protocol: Protocol,
    /// TCP port (0 for a device asleep behind a sleep proxy).
    pub port: u16,
    /// Raw properties (mDNS TXT record) of the service.
    pub properties: Properties,
    /// Credentials from pairing (pyatv format), if paired.
    pub credentials: Option<String>,
    /// Password for devices that ask for one (AirPlay/RAOP), if set.
    pub password: Option<String>,
    /// Whether the service should be used when connecting.
    pub enabled: bool,
    /// Whether the device asks for a password on this service.
    pub requires_password: bool,
    /// Whether pairing is needed before use.
    pub pairing: PairingRequirement,
}

impl Service {
    /// A new enabled service with no credentials, password or pairing support
    /// (pyatv's `MutableService` defaults).
    pub fn new(
        identifier: Option<String>,
        protocol: Protocol,
        port: u16,
        properties: Properties,
    ) -> Self {
        Self {
            identifier,
            protocol,
            port,
            properties,
            credentials: None,
            password: None,
            enabled: true,
            requires_password: false,
            pairing: PairingRequirement::Unsupported,
        }
    }

    /// Merges another service of the same protocol into this one: credentials and password
    /// are taken from `other` when it has non-empty ones (as pyatv's `or`), properties are
    /// added/overwritten.
    pub fn merge(&mut self, other: &Self) {
        if other.credentials.as_deref().is_some_and(|c| !c.is_empty()) {
            self.credentials.clone_from(&other.credentials);
        }
        if other.password.as_deref().is_some_and(|p| !p.is_empty()) {
            self.password.clone_from(&other.password);
        }
        for (key, value) in other.properties.iter() {
            self.properties.insert(key, value);
        }
    }
}

impl fmt::Debug for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Service")
            .field("identifier", &self.identifier)
            .field("protocol", &self.protocol)
            .field("port", &self.port)
            .field("properties", &self.properties)
            .field(
                "credentials",
                &self.credentials.as_ref().map(|_| "<redacted>"),
            )
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("enabled", &self.enabled)
            .field("requires_password", &self.requires_password)
            .field("pairing", &self.pairing)
            .finish()
    }
}

/// Python's `str()` of an optional string: the value, or `None`.
fn py_opt(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("None")
}

/// Python's `str()` of a bool.
fn py_bool(value: bool) -> &'static str {
    if value { "True" } else { "False" }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Protocol: {}, Port: {}, Credentials: {}, Requires Password: {}, Password: {}, Pairing: {}",
            self.protocol,
            self.port,
            py_opt(&self.credentials),
            py_bool(self.requires_password),
            py_opt(&self.password),
            self.pairing.name()
        )?;
        if !self.enabled {
            f.write_str(" (Disabled)")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secrets() {
        let mut s = Service::new(None, Protocol::Mrp, 49152, Properties::new());
        s.credentials = Some("aa:bb:cc:dd".into());
        s.password = Some("hunter2".into());
        let text = format!("{s:?}");
        assert!(
            !text.contains("aa:bb") && !text.contains("hunter2"),
            "{text}"
        );
    }

    #[test]
    fn merge_keeps_existing_secrets_when_other_has_none() {
        let mut a = Service::new(
            None,
            Protocol::AirPlay,
            7000,
            [("a", "1")].into_iter().collect(),
        );
        a.credentials = Some("creds".into());
        let b = Service::new(
            None,
            Protocol::AirPlay,
            7000,
            [("b", "2")].into_iter().collect(),
        );
        a.merge(&b);
        assert_eq!(a.credentials.as_deref(), Some("creds"));
        assert_eq!(a.properties.get("b"), Some("2"));
    }

    #[test]
    fn display_matches_pyatv() {
        let s = Service::new(None, Protocol::Mrp, 49152, Properties::new());
        assert_eq!(
            s.to_string(),
            "Protocol: MRP, Port: 49152, Credentials: None, Requires Password: False, Password: None, Pairing: Unsupported"
        );
    }
}
