//! Port knocking: opening (and at once closing) TCP connections to ports a device usually
//! listens on, which makes a Bonjour Sleep Proxy wake the device behind it.

use std::io;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::time::Duration;

use tokio::net::TcpStream;
use tokio::task::JoinSet;

/// Ports knocked on by default: DMAP, AirPlay, MRP and Companion ports Apple devices
/// commonly listen on.
pub const KNOCK_PORTS: [u16; 4] = [3689, 7000, 49152, 32498];

/// How long a successful connection is held before closing it.
const HOLD_OPEN: Duration = Duration::from_millis(100);

/// Knocks once on every port at the same time, each attempt limited to `timeout`. An
/// unreachable host ends all knocking; other errors (refused, timed out) are ignored.
/// Returns how many connections were opened.
pub async fn knock(address: Ipv4Addr, ports: &[u16], timeout: Duration) -> usize {
    let mut attempts = JoinSet::new();
    for port in ports {
        let target = SocketAddrV4::new(address, *port);
        attempts.spawn(async move {
            match tokio::time::timeout(timeout, TcpStream::connect(target)).await {
                Ok(Ok(stream)) => {
                    tokio::time::sleep(HOLD_OPEN).await;
                    drop(stream);
                    Ok(true)
                }
                Ok(Err(e)) if unreachable(&e) => Err(e),
                Ok(Err(_)) | Err(_) => Ok(false),
            }
        });
    }
    let mut opened = 0;
    while let Some(result) = attempts.join_next().await {
        match result {
            Ok(Ok(true)) => opened += 1,
            Ok(Ok(false)) | Err(_) => {}
            Ok(Err(e)) => {
                tracing::debug!(%address, error = %e, "host unreachable, knocking stopped");
                attempts.abort_all();
                break;
            }
        }
    }
    opened
}

fn unreachable(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::HostUnreachable | io::ErrorKind::NetworkUnreachable
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn opens_listening_ports_and_ignores_closed_ones() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let open = listener.local_addr().unwrap().port();
        // A port that was free a moment ago: nothing listens there now.
        let closed = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            probe.local_addr().unwrap().port()
        };
        let accept = tokio::spawn(async move { listener.accept().await.is_ok() });
        let opened = knock(Ipv4Addr::LOCALHOST, &[open, closed], Duration::from_secs(2)).await;
        assert_eq!(opened, 1);
        assert!(accept.await.unwrap());
    }
}
