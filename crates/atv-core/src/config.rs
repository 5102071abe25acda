//! The configuration of one device: what scanning finds and connecting uses (pyatv's
//! `conf.AppleTV` and `interface.BaseConfig`).

use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;

use crate::{DeviceInfo, Error, Properties, Protocol, Result, Service, Settings};

/// Protocols in the order their identifier becomes the device identifier.
const IDENTIFIER_ORDER: [Protocol; 5] = [
    Protocol::Mrp,
    Protocol::Dmap,
    Protocol::AirPlay,
    Protocol::Raop,
    Protocol::Companion,
];

/// Protocols in the order a main service is picked when none is asked for (Companion is
/// never a main service).
const MAIN_SERVICE_ORDER: [Protocol; 4] = [
    Protocol::Mrp,
    Protocol::Dmap,
    Protocol::AirPlay,
    Protocol::Raop,
];

/// A device: its name, address, general information and one [`Service`] per protocol.
///
/// Services keep the order they were added in (pyatv's dict order), which is the order
/// of [`DeviceConfig::services`], [`DeviceConfig::all_identifiers`] and the printed
/// summary. `Display` prints the block `atvremote scan` prints for a device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceConfig {
    /// Name of the device, e.g. `Living Room`.
    pub name: String,
    /// Address of the device.
    pub address: IpAddr,
    /// Whether the device was found asleep (a sleep proxy answered for it).
    pub deep_sleep: bool,
    /// Raw mDNS properties per service type (e.g. `_mediaremotetv._tcp.local`).
    pub properties: BTreeMap<String, Properties>,
    /// General information about the device.
    pub device_info: DeviceInfo,
    services: Vec<Service>,
}

impl DeviceConfig {
    /// A device with no services, not asleep, with no properties or information.
    pub fn new(address: IpAddr, name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            address,
            deep_sleep: false,
            properties: BTreeMap::new(),
            device_info: DeviceInfo::default(),
            services: Vec::new(),
        }
    }

    /// Adds a service; when one of the same protocol exists, `service` is merged into it
    /// (see [`Service::merge`]) instead.
    pub fn add_service(&mut self, service: Service) {
        match self.get_service_mut(service.protocol) {
            Some(existing) => existing.merge(&service),
            None => self.services.push(service),
        }
    }

    /// The service of `protocol`, if the device has one.
    pub fn get_service(&self, protocol: Protocol) -> Option<&Service> {
        self.services.iter().find(|s| s.protocol == protocol)
    }

    /// The service of `protocol` for changing, if the device has one.
    pub fn get_service_mut(&mut self, protocol: Protocol) -> Option<&mut Service> {
        self.services.iter_mut().find(|s| s.protocol == protocol)
    }

    /// Removes and returns the service of `protocol`, if any.
    pub fn remove_service(&mut self, protocol: Protocol) -> Option<Service> {
        let index = self.services.iter().position(|s| s.protocol == protocol)?;
        Some(self.services.remove(index))
    }

    /// All services, in the order they were added.
    pub fn services(&self) -> &[Service] {
        &self.services
    }

    /// All services for changing, in the order they were added.
    pub fn services_mut(&mut self) -> impl Iterator<Item = &mut Service> {
        self.services.iter_mut()
    }

    /// Whether at least one service has a non-empty identifier (so the device can be
    /// found again and its settings stored).
    pub fn ready(&self) -> bool {
        self.services
            .iter()
            .any(|s| s.identifier.as_deref().is_some_and(|id| !id.is_empty()))
    }

    /// The main identifier of the device: that of the first service, in the order MRP,
    /// DMAP, AirPlay, RAOP, Companion, that has one.
    pub fn identifier(&self) -> Option<&str> {
        IDENTIFIER_ORDER
            .iter()
            .filter_map(|p| self.get_service(*p))
            .find_map(|s| s.identifier.as_deref())
    }

    /// Every identifier of the device, in service order.
    pub fn all_identifiers(&self) -> Vec<&str> {
        self.services
            .iter()
            .filter_map(|s| s.identifier.as_deref())
            .collect()
    }

    /// The service to connect with: that of `protocol` when given, else the first of
    /// MRP, DMAP, AirPlay and RAOP the device has.
    pub fn main_service(&self, protocol: Option<Protocol>) -> Result<&Service> {
        let requested;
        let order: &[Protocol] = match protocol {
            Some(p) => {
                requested = [p];
                &requested
            }
            None => &MAIN_SERVICE_ORDER,
        };
        order
            .iter()
            .find_map(|p| self.get_service(*p))
            .ok_or_else(|| Error::NoService("no service to connect to".into()))
    }

    /// Sets the credentials of the `protocol` service; false when there is none.
    pub fn set_credentials(&mut self, protocol: Protocol, credentials: impl Into<String>) -> bool {
        match self.get_service_mut(protocol) {
            Some(service) => {
                service.credentials = Some(credentials.into());
                true
            }
            None => false,
        }
    }

    /// Sets the password of the `protocol` service; false when there is none.
    pub fn set_password(&mut self, protocol: Protocol, password: impl Into<String>) -> bool {
        match self.get_service_mut(protocol) {
            Some(service) => {
                service.password = Some(password.into());
                true
            }
            None => false,
        }
    }

    /// Takes stored credentials and passwords from `settings` into the services
    /// (pyatv's `apply`): a non-empty stored value replaces the service's, anything
    /// else leaves it as it is.
    pub fn apply(&mut self, settings: &Settings) {
        for service in &mut self.services {
            let protocols = &settings.protocols;
            if let Some(credentials) = protocols
                .credentials(service.protocol)
                .filter(|c| !c.is_empty())
            {
                service.credentials = Some(credentials.to_owned());
            }
            if let Some(password) = protocols
                .password(service.protocol)
                .filter(|p| !p.is_empty())
            {
                service.password = Some(password.to_owned());
            }
        }
    }

    /// Whether this and `other` are the same device by pyatv's rule (pyatv's `==` on
    /// configurations): their main identifiers are equal.
    pub fn same_device(&self, other: &Self) -> bool {
        self.identifier() == other.identifier()
    }
}

/// Python's `str()` of a bool.
fn py_bool(value: bool) -> &'static str {
    if value { "True" } else { "False" }
}

impl fmt::Display for DeviceConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "       Name: {}", self.name)?;
        writeln!(f, "   Model/SW: {}", self.device_info)?;
        writeln!(f, "    Address: {}", self.address)?;
        writeln!(
            f,
            "        MAC: {}",
            self.device_info.mac.as_deref().unwrap_or("None")
        )?;
        writeln!(f, " Deep Sleep: {}", py_bool(self.deep_sleep))?;
        writeln!(f, "Identifiers:")?;
        let identifiers: Vec<String> = self
            .all_identifiers()
            .iter()
            .map(|id| format!(" - {id}"))
            .collect();
        writeln!(f, "{}", identifiers.join("\n"))?;
        writeln!(f, "Services:")?;
        let services: Vec<String> = self.services.iter().map(|s| format!(" - {s}")).collect();
        f.write_str(&services.join("\n"))
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
