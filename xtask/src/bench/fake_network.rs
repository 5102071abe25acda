//! The fake network the benchmarks scan, shared by xtask (which gives namespace A the
//! addresses and looks for the identifier) and bench-worker (which announces the
//! devices from those addresses).

use std::net::Ipv4Addr;

/// The devices' addresses in network namespace A, in this order: Living Room (Apple TV
/// 4K, tvOS 17), Bedroom (Apple TV HD, tvOS 14), Kitchen (HomePod mini) and Study
/// Speakers (AirPort Express).
pub(crate) const DEVICE_ADDRESSES: [Ipv4Addr; 4] = [
    Ipv4Addr::new(10, 77, 0, 21),
    Ipv4Addr::new(10, 77, 0, 22),
    Ipv4Addr::new(10, 77, 0, 23),
    Ipv4Addr::new(10, 77, 0, 24),
];

/// The identifier a scan by identifier looks for: Living Room's AirPlay device id.
pub(crate) const WANTED_IDENTIFIER: &str = "58:D3:49:F0:12:34";
