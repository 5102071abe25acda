//! The protocols this build of atv includes (chosen by cargo features).

use atv_core::Properties;
use atv_core::discovery::ProtocolScan;

/// Scan contributions of every compiled-in protocol, in pyatv's registration order
/// (AirPlay, Companion, DMAP, MRP, RAOP): the order service types are asked for.
pub(crate) fn protocol_scans() -> Vec<ProtocolScan> {
    vec![
        #[cfg(feature = "airplay")]
        atv_airplay::scan(),
        #[cfg(feature = "companion")]
        atv_companion::scan(),
        #[cfg(feature = "dmap")]
        atv_dmap::scan(),
        #[cfg(feature = "mrp")]
        atv_mrp::scan(),
        #[cfg(feature = "raop")]
        atv_raop::scan(),
    ]
}

/// The unique identifier a service announces (pyatv's `get_unique_id`), from its
/// service type, instance name and TXT record; `None` when the service type has none
/// or the record lacks it.
///
/// | Service type | Identifier |
/// |---|---|
/// | `_mediaremotetv._tcp.local` | TXT `UniqueIdentifier` |
/// | `_airplay._tcp.local` | TXT `deviceid` |
/// | `_companion-link._tcp.local` | TXT `rpMRtID` |
/// | `_raop._tcp.local` | instance name before `@`, else TXT `pk` |
/// | `_appletv-v2._tcp.local`, `_touch-able._tcp.local` | instance name before `_` |
/// | `_hscp._tcp.local` | TXT `Machine ID` |
///
/// Only protocols compiled in (cargo features) are recognised.
pub fn unique_id(service_type: &str, name: &str, properties: &Properties) -> Option<String> {
    type UniqueId = fn(&str, &str, &Properties) -> Option<String>;
    let known: &[UniqueId] = &[
        #[cfg(feature = "dmap")]
        atv_dmap::scan::unique_id,
        #[cfg(feature = "mrp")]
        atv_mrp::scan::unique_id,
        #[cfg(feature = "airplay")]
        atv_airplay::scan::unique_id,
        #[cfg(feature = "companion")]
        atv_companion::scan::unique_id,
        #[cfg(feature = "raop")]
        atv_raop::scan::unique_id,
    ];
    known
        .iter()
        .find_map(|unique_id| unique_id(service_type, name, properties))
}
