//! Unicast scanning against our responder on 127.0.0.1 (a custom port, no multicast), the
//! local-subnet check, resending, knocking, and pyatv's own unicast client against our
//! responder.

mod common;

use std::net::{Ipv4Addr, SocketAddrV4};
use std::process::Command;
use std::time::{Duration, Instant};

use atv_mdns::decode::decode;
use atv_mdns::zone::{MAX_PAYLOAD, ReplyKind, Zone, pack_group};
use atv_mdns::{Error, Responder, ResponderMode, ResponderOptions, UnicastOptions, unicast};
use common::*;
use tokio::net::UdpSocket;

const TV: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);

async fn loopback_responder() -> (Responder, Vec<atv_mdns::Announcement>) {
    let announcements = apple_tv("Living Room", "Living-Room", TV, "AA:BB:CC:DD:EE:01");
    let responder = Responder::bind(ResponderOptions {
        mode: ResponderMode::Unicast {
            bind: SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0),
        },
        announcements: announcements.clone(),
    })
    .await
    .expect("responder binds");
    (responder, announcements)
}

fn options(port: u16) -> UnicastOptions {
    UnicastOptions {
        service_types: scan_types(),
        timeout: Duration::from_secs(10),
        port,
        knock_ports: Vec::new(),
        ..UnicastOptions::new(Ipv4Addr::LOCALHOST)
    }
}

#[tokio::test]
async fn finds_every_service_of_the_responder() {
    let (responder, announcements) = loopback_responder().await;
    let started = Instant::now();
    let response = unicast(&options(responder.local_addr().port()))
        .await
        .expect("scan works");
    println!(
        "unicast scan answered after {:?} (timeout 10 s)",
        started.elapsed()
    );
    assert_matches(&response, &announcements);
    assert!(!response.deep_sleep);
    assert_eq!(response.model.as_deref(), Some("J305AP"));
    // The NBSP in the MRP Name became a space, as pyatv decodes it.
    assert_eq!(
        service(&response, MRP).properties.get("Name"),
        Some("Living Room")
    );
}

#[tokio::test]
async fn start_up_announcements_end_and_answers_go_on() {
    let (responder, announcements) = loopback_responder().await;
    tokio::time::timeout(Duration::from_secs(30), responder.announced())
        .await
        .expect("the start-up announcements end");
    let response = unicast(&options(responder.local_addr().port()))
        .await
        .expect("scan works");
    assert_matches(&response, &announcements);
    responder.close().await;
}

/// A host that has services of only some of the asked types leaves the other query
/// messages unanswered (responders stay silent when nothing matches): the scan must still
/// end once the host's records are complete and it has gone quiet, not at the timeout.
#[tokio::test]
async fn ends_when_a_host_that_lacks_some_types_goes_quiet() {
    let announcements: Vec<_> = apple_tv("Kitchen", "Kitchen", TV, "AA:BB:CC:DD:EE:02")
        .into_iter()
        .filter(|a| a.service_type == AIRPLAY)
        .collect();
    let responder = Responder::bind(ResponderOptions {
        mode: ResponderMode::Unicast {
            bind: SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0),
        },
        announcements: announcements.clone(),
    })
    .await
    .expect("responder binds");
    let mut options = options(responder.local_addr().port());
    options.timeout = Duration::from_secs(30);
    let started = Instant::now();
    let response = unicast(&options).await.expect("scan works");
    let elapsed = started.elapsed();
    println!("partial host answered completely after {elapsed:?} (timeout 30 s)");
    assert_matches(&response, &announcements);
    assert!(
        elapsed < options.timeout / 2,
        "the scan waited for the timeout ({elapsed:?}) instead of ending on completion"
    );
}

#[tokio::test]
async fn hosts_outside_local_subnets_are_refused_before_sending() {
    let host = Ipv4Addr::new(203, 0, 113, 5);
    let mut options = options(5353);
    options.host = host;
    options.knock_ports = vec![7000];
    let error = unicast(&options).await.expect_err("not a local subnet");
    assert!(matches!(error, Error::NonLocalSubnet { host: h } if h == host));
    let message = error.to_string();
    assert!(message.contains("203.0.113.5"), "{message}");
    assert!(message.contains("same network"), "{message}");
}

/// A responder that ignores the first round of queries, then answers: the scanner must
/// resend, and still return every service.
#[tokio::test]
async fn resends_until_answered() {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let port = socket.local_addr().unwrap().port();
    let announcements = homepod("Kitchen", "Kitchen", TV, "AA:BB:CC:DD:EE:02");
    let zone = Zone::new(announcements.clone()).unwrap();
    let server = tokio::spawn(async move {
        let mut buffer = vec![0u8; 9000];
        let mut seen = 0usize;
        let mut ignored = 0usize;
        loop {
            let (len, from) = socket.recv_from(&mut buffer).await.unwrap();
            let query = decode(&buffer[..len]).unwrap().packet;
            seen += 1;
            // Two query messages per round for these service types.
            if seen <= 2 {
                ignored += 1;
                continue;
            }
            for group in zone.answer(&query.questions) {
                let kind = ReplyKind::Legacy {
                    id: query.id,
                    questions: &query.questions,
                };
                for packet in pack_group(&group, kind, MAX_PAYLOAD).unwrap() {
                    socket.send_to(&packet, from).await.unwrap();
                }
            }
            if seen >= 4 {
                return ignored;
            }
        }
    });
    let response = unicast(&options(port)).await.unwrap();
    assert_matches(&response, &announcements);
    assert_eq!(server.await.unwrap(), 2);
}

#[tokio::test]
async fn knocks_while_scanning() {
    let (responder, _) = loopback_responder().await;
    let knocked = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut options = options(responder.local_addr().port());
    options.knock_ports = vec![knocked.local_addr().unwrap().port()];
    let accept = tokio::spawn(async move {
        tokio::time::timeout(Duration::from_secs(10), knocked.accept())
            .await
            .is_ok()
    });
    let response = unicast(&options).await.unwrap();
    assert!(!response.services.is_empty());
    assert!(accept.await.unwrap(), "the knock port was connected to");
}

#[tokio::test]
async fn nothing_listening_returns_empty() {
    // A port that was free a moment ago: the host answers "port unreachable".
    let port = std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut options = options(port);
    options.timeout = Duration::from_secs(2);
    let response = unicast(&options).await.unwrap();
    assert!(response.services.is_empty());
}

/// pyatv's own unicast client (pyatv/core/mdns.py) reads our responder's answers.
#[tokio::test]
async fn pyatv_unicast_client_reads_our_responder() {
    let Some(python) = atv_tests::pyatv_python() else {
        return;
    };
    let (responder, announcements) = loopback_responder().await;
    let port = responder.local_addr().port().to_string();
    let mut command = Command::new(python);
    command
        .arg(peer_script("pyatv_scan.py"))
        .args(["unicast", "127.0.0.1", &port, "5"])
        .args(scan_types());
    let result = tokio::task::spawn_blocking(move || json_output(&mut command))
        .await
        .unwrap();
    let response = &result[0];
    assert_eq!(response["model"], "J305AP");
    for announcement in announcements
        .iter()
        .filter(|a| a.service_type != DEVICE_INFO)
    {
        let found = response["services"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["type"] == announcement.service_type.as_str())
            .unwrap_or_else(|| panic!("pyatv misses {}", announcement.service_type));
        assert_eq!(found["name"], announcement.instance_name.as_str());
        assert_eq!(found["port"], u64::from(announcement.port));
        assert_eq!(found["address"], announcement.address.to_string());
        for (key, value) in &announcement.txt {
            let expected = String::from_utf8_lossy(value).replace('\u{a0}', " ");
            assert_eq!(
                found["properties"][key.to_ascii_lowercase()],
                expected.as_str(),
                "{key}"
            );
        }
    }
}
