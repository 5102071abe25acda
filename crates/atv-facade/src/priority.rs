//! Which protocol serves a call when several implement it.

use atv_core::Protocol;

/// The order protocols are asked in (pyatv's default): MRP, DMAP, Companion, AirPlay,
/// RAOP.
pub const DEFAULT_PRIORITIES: [Protocol; 5] = [
    Protocol::Mrp,
    Protocol::Dmap,
    Protocol::Companion,
    Protocol::AirPlay,
    Protocol::Raop,
];

/// The order for power: Companion first, as it turns devices on and off more reliably
/// than MRP.
pub const POWER_PRIORITIES: [Protocol; 5] = [
    Protocol::Companion,
    Protocol::Mrp,
    Protocol::Dmap,
    Protocol::AirPlay,
    Protocol::Raop,
];

/// Position of `protocol` in `order` (protocols missing from it come last).
pub(crate) fn rank(order: &[Protocol], protocol: Protocol) -> usize {
    order
        .iter()
        .position(|p| *p == protocol)
        .unwrap_or(order.len())
}
