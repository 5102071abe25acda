//! Announcing the fake device over mDNS with TXT records like a real Apple TV's.

use std::net::Ipv4Addr;

use atv_mdns::{Announcement, Responder, ResponderMode, ResponderOptions};

use crate::error::Error;

/// Service type of MRP.
pub const MRP_SERVICE: &str = "_mediaremotetv._tcp.local";
/// Service type carrying the device model.
pub const DEVICE_INFO_SERVICE: &str = "_device-info._tcp.local";
/// Apple's internal name of the model the fake device claims (AppleTV6,2).
pub const INTERNAL_MODEL_NAME: &str = "J105aAP";
/// MAC address the fake device claims.
pub const MAC_ADDRESS: &str = "40:cb:c0:12:34:56";
/// AirPlay pairing identity the fake device claims in its MRP TXT record.
const AIRPLAY_PAIRING_IDENTITY: &str = "4D797FD3-3538-427E-A47B-A32FC6CF3A6A";
/// mDNS port.
const MDNS_PORT: u16 = 5353;

/// Host name for a device name: letters and digits kept, everything else a dash.
pub fn host_name(name: &str) -> String {
    let host: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("{}.local", host.trim_matches('-'))
}

/// The `_mediaremotetv._tcp` instance of a device, TXT entries as a real Apple TV sends
/// them.
pub fn mrp_announcement(
    name: &str,
    identifier: &str,
    build: &str,
    address: Ipv4Addr,
    port: u16,
) -> Announcement {
    Announcement::new(MRP_SERVICE, name, host_name(name), address, port)
        .with_txt("ModelName", "Apple TV")
        .with_txt("AllowPairing", "YES")
        .with_txt("macAddress", MAC_ADDRESS)
        .with_txt("BluetoothAddress", "")
        .with_txt("Name", name)
        .with_txt("UniqueIdentifier", identifier)
        .with_txt("SystemBuildVersion", build)
        .with_txt(
            "LocalAirPlayReceiverPairingIdentity",
            AIRPLAY_PAIRING_IDENTITY,
        )
}

/// The `_device-info._tcp` instance of a device (same instance name, no port), telling
/// its model by internal name as Apple devices do.
pub fn device_info_announcement(name: &str, address: Ipv4Addr) -> Announcement {
    Announcement::new(DEVICE_INFO_SERVICE, name, host_name(name), address, 0)
        .with_txt("model", INTERNAL_MODEL_NAME)
}

/// Publishes `announcements` by multicast on port 5353 of the interface with address
/// `local_ip`.
pub(crate) async fn announce(
    local_ip: Ipv4Addr,
    announcements: Vec<Announcement>,
) -> Result<Responder, Error> {
    let options = ResponderOptions {
        mode: ResponderMode::Multicast {
            port: MDNS_PORT,
            interfaces: vec![local_ip],
        },
        announcements,
    };
    Ok(Responder::bind(options).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn txt_like_an_apple_tv() {
        let announcement =
            mrp_announcement("Living Room", "ID-1", "18M60", Ipv4Addr::LOCALHOST, 49152);
        assert_eq!(announcement.host_name, "Living-Room.local");
        assert_eq!(announcement.port, 49152);
        let txt = |key: &str| {
            announcement
                .txt
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
        };
        assert_eq!(txt("Name").as_deref(), Some("Living Room"));
        assert_eq!(txt("UniqueIdentifier").as_deref(), Some("ID-1"));
        assert_eq!(txt("SystemBuildVersion").as_deref(), Some("18M60"));
        assert_eq!(txt("AllowPairing").as_deref(), Some("YES"));
    }
}
