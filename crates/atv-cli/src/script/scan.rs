//! `atvscript scan`: the devices found, as JSON.

use atv::DeviceConfig;

use super::output::output;
use crate::py_json::PyValue;

/// One device as atvscript describes it: name, address, identifier(s), device
/// information (enum values by their pyatv names) and services (protocol and port).
pub fn device_json(device: &DeviceConfig) -> PyValue {
    let info = &device.device_info;
    let services = device
        .services()
        .iter()
        .map(|service| {
            PyValue::dict([
                ("protocol", PyValue::str(service.protocol.lower_name())),
                ("port", PyValue::Int(service.port.into())),
            ])
        })
        .collect();
    PyValue::dict([
        ("name", PyValue::str(&device.name)),
        ("address", PyValue::str(device.address.to_string())),
        ("identifier", PyValue::opt_str(device.identifier())),
        (
            "all_identifiers",
            PyValue::List(
                device
                    .all_identifiers()
                    .into_iter()
                    .map(PyValue::str)
                    .collect(),
            ),
        ),
        (
            "device_info",
            PyValue::dict([
                ("mac", PyValue::opt_str(info.mac.as_deref())),
                ("model", PyValue::str(info.model().name())),
                ("model_str", PyValue::str(info.model_str())),
                (
                    "operating_system",
                    PyValue::str(info.operating_system().name()),
                ),
                ("version", PyValue::opt_str(info.version())),
            ]),
        ),
        ("services", PyValue::List(services)),
    ])
}

/// The whole `scan` result: success, the time stamp and the devices.
pub fn scan_result(devices: &[DeviceConfig], datetime: &str) -> PyValue {
    let devices = devices.iter().map(device_json).collect();
    output(
        true,
        datetime,
        None,
        None,
        vec![("devices".to_owned(), PyValue::List(devices))],
    )
}
