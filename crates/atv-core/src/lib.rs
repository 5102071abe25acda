//! Shared vocabulary of atv: device configuration, services, enums, interfaces and errors.
//!
//! Every other atv crate builds on these types; none of them does I/O.
#![warn(missing_docs)]

pub mod device_info;
pub mod discovery;
mod pairing_requirement;
mod properties;
mod protocol;
mod service;

pub use device_info::{DeviceInfo, DeviceModel, OperatingSystem};
pub use pairing_requirement::PairingRequirement;
pub use properties::Properties;
pub use protocol::{Protocol, UnknownProtocol};
pub use service::Service;
