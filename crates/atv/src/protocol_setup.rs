//! Per-protocol connect and pair entry points of the protocols this build includes:
//! where each protocol crate's `setup` and `pair` are called. A protocol gains
//! `connect`/`pair` support by adding its arm here.

use std::sync::Weak;

use atv_core::interface::{DeviceListener, PairingHandler};
use atv_core::setup::SetupData;
use atv_core::{DeviceConfig, Error, Protocol, Result, Service, Settings};

/// The order protocols are set up in when connecting (pyatv's registration order).
pub(crate) const SETUP_ORDER: [Protocol; 5] = [
    Protocol::AirPlay,
    Protocol::Companion,
    Protocol::Dmap,
    Protocol::Mrp,
    Protocol::Raop,
];

/// What `service` (of protocol `protocol`) contributes to a connection, or `None` when
/// this build cannot connect with that protocol (not compiled in, or not implemented
/// yet).
#[allow(unused_variables)] // Arms vanish with cargo features.
pub(crate) fn setup(
    protocol: Protocol,
    config: &DeviceConfig,
    service: &Service,
    settings: &Settings,
    listener: Option<Weak<dyn DeviceListener>>,
) -> Option<Vec<SetupData>> {
    match protocol {
        #[cfg(feature = "mrp")]
        Protocol::Mrp => Some(atv_mrp::setup(config, service, settings, listener)),
        #[cfg(feature = "companion")]
        Protocol::Companion => Some(atv_companion::setup(config, service, settings, listener)),
        #[cfg(feature = "airplay")]
        Protocol::AirPlay => Some(atv_airplay::setup(config, service, settings, listener)),
        _ => None,
    }
}

/// A pairing handler for `service` (of protocol `protocol`); fails with
/// [`Error::UnsupportedProtocol`] when this build cannot pair with that protocol.
#[allow(unused_variables)] // Arms vanish with cargo features.
pub(crate) fn pair(
    protocol: Protocol,
    config: &DeviceConfig,
    service: &Service,
    settings: &Settings,
) -> Result<Box<dyn PairingHandler>> {
    match protocol {
        #[cfg(feature = "mrp")]
        Protocol::Mrp => Ok(Box::new(atv_mrp::pair(config, service, settings))),
        #[cfg(feature = "companion")]
        Protocol::Companion => Ok(Box::new(atv_companion::pair(config, service, settings))),
        #[cfg(feature = "airplay")]
        Protocol::AirPlay => Ok(Box::new(atv_airplay::pair(config, service, settings))),
        _ => Err(Error::UnsupportedProtocol(protocol)),
    }
}
