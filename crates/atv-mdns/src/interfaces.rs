//! The local IPv4 interfaces: where to send multicast, and which hosts are on-link.

use std::net::Ipv4Addr;

use crate::error::Error;

/// One IPv4 address of a local interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalInterface {
    /// Interface name, e.g. `eth0`.
    pub name: String,
    /// The address.
    pub address: Ipv4Addr,
    /// The subnet mask.
    pub netmask: Ipv4Addr,
    /// Whether the interface is loopback.
    pub loopback: bool,
    /// Whether the interface is up and multicast-capable (always true where the system
    /// does not tell).
    pub multicast: bool,
}

impl LocalInterface {
    /// Whether `host` is inside this address's subnet.
    pub fn contains(&self, host: Ipv4Addr) -> bool {
        let mask = u32::from(self.netmask);
        u32::from(self.address) & mask == u32::from(host) & mask
    }
}

/// All IPv4 addresses of local interfaces.
pub fn local_interfaces() -> Result<Vec<LocalInterface>, Error> {
    let interfaces =
        if_addrs::get_if_addrs().map_err(Error::io("listing the network interfaces"))?;
    let capable = multicast_capable_names();
    let multicast_capable = |name: &str| {
        capable
            .as_ref()
            .is_none_or(|names| names.iter().any(|n| n == name))
    };
    Ok(interfaces
        .into_iter()
        .filter_map(|interface| match interface.addr {
            if_addrs::IfAddr::V4(v4) => Some(LocalInterface {
                multicast: multicast_capable(&interface.name),
                loopback: v4.ip.is_loopback(),
                name: interface.name,
                address: v4.ip,
                netmask: v4.netmask,
            }),
            if_addrs::IfAddr::V6(_) => None,
        })
        .collect())
}

/// The interfaces a multicast scan or responder uses: not loopback, multicast-capable, one
/// address per interface (the first).
pub fn multicast_interfaces() -> Result<Vec<LocalInterface>, Error> {
    let mut chosen: Vec<LocalInterface> = Vec::new();
    for interface in local_interfaces()? {
        if interface.loopback || !interface.multicast || interface.address.is_unspecified() {
            continue;
        }
        if chosen.iter().any(|c| c.name == interface.name) {
            continue;
        }
        chosen.push(interface);
    }
    Ok(chosen)
}

/// Whether `host` can be reached directly: loopback, or inside a local subnet.
pub fn is_on_local_subnet(host: Ipv4Addr, interfaces: &[LocalInterface]) -> bool {
    host.is_loopback() || interfaces.iter().any(|i| i.contains(host))
}

/// Interface names that are up and multicast-capable, from `getifaddrs` (which, unlike
/// sysfs, answers for the calling thread's network namespace). `None` where unknown.
#[cfg(unix)]
fn multicast_capable_names() -> Option<Vec<String>> {
    use nix::net::if_::InterfaceFlags;
    let addresses = nix::ifaddrs::getifaddrs().ok()?;
    Some(
        addresses
            .filter(|a| {
                a.flags
                    .contains(InterfaceFlags::IFF_UP | InterfaceFlags::IFF_MULTICAST)
            })
            .map(|a| a.interface_name)
            .collect(),
    )
}

#[cfg(not(unix))]
fn multicast_capable_names() -> Option<Vec<String>> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interface(address: [u8; 4], netmask: [u8; 4]) -> LocalInterface {
        LocalInterface {
            name: "eth0".into(),
            address: address.into(),
            netmask: netmask.into(),
            loopback: false,
            multicast: true,
        }
    }

    #[test]
    fn subnet_membership() {
        let interfaces = [interface([10, 0, 0, 5], [255, 255, 255, 0])];
        assert!(is_on_local_subnet(
            Ipv4Addr::new(10, 0, 0, 200),
            &interfaces
        ));
        assert!(!is_on_local_subnet(Ipv4Addr::new(10, 0, 1, 1), &interfaces));
        assert!(!is_on_local_subnet(
            Ipv4Addr::new(203, 0, 113, 5),
            &interfaces
        ));
        assert!(is_on_local_subnet(Ipv4Addr::LOCALHOST, &[]));
    }

    #[test]
    fn lists_this_machine() {
        let all = local_interfaces().unwrap();
        assert!(all.iter().any(|i| i.loopback));
        assert!(multicast_interfaces().unwrap().iter().all(|i| !i.loopback));
    }
}
