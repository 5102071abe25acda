//! Every request on a control connection named with `with_client_name` carries
//! `X-Apple-Client-Name`, checked on the bytes a plain TCP peer receives.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use atv_airplay::ControlConnection;
use atv_airplay::wire::{Protocol, Request};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const LIMIT: Duration = Duration::from_secs(10);

/// Answers `count` requests with an empty 200 and returns the request heads it read.
async fn peer(listener: TcpListener, count: usize) -> Vec<String> {
    let (mut socket, _) = listener.accept().await.expect("accept");
    let mut heads = Vec::new();
    let mut buffer = Vec::new();
    while heads.len() < count {
        let mut chunk = [0u8; 1024];
        let read = socket.read(&mut chunk).await.expect("read");
        assert!(read > 0, "client closed early");
        buffer.extend_from_slice(&chunk[..read]);
        while let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head: Vec<u8> = buffer.drain(..end + 4).collect();
            heads.push(String::from_utf8_lossy(&head).into_owned());
            socket
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                .await
                .expect("write");
        }
    }
    heads
}

#[tokio::test]
async fn named_connection_sends_the_client_name_on_every_request() {
    let listener = TcpListener::bind((LOCALHOST, 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let device = tokio::spawn(peer(listener, 3));

    let connection = ControlConnection::connect(LOCALHOST, port)
        .await
        .expect("connect")
        .with_client_name("Kitchen remote");
    let clone = connection.clone();
    for (handle, uri) in [(&connection, "/info"), (&clone, "/feedback")] {
        handle
            .request(Request::new("GET", uri, Protocol::Http11), LIMIT)
            .await
            .expect("answered");
    }
    // A header the caller set itself is left alone.
    let own = Request::new("GET", "/own", Protocol::Http11).with_header("X-Apple-Client-Name", "x");
    connection.request(own, LIMIT).await.expect("answered");

    let heads = tokio::time::timeout(LIMIT, device).await.unwrap().unwrap();
    assert!(
        heads[0].contains("\r\nX-Apple-Client-Name: Kitchen remote\r\n"),
        "{}",
        heads[0]
    );
    assert!(
        heads[1].contains("\r\nX-Apple-Client-Name: Kitchen remote\r\n"),
        "{}",
        heads[1]
    );
    assert_eq!(
        heads[2].matches("X-Apple-Client-Name").count(),
        1,
        "{}",
        heads[2]
    );
    assert!(
        heads[2].contains("X-Apple-Client-Name: x\r\n"),
        "{}",
        heads[2]
    );
}

#[tokio::test]
async fn unnamed_connection_sends_no_client_name() {
    let listener = TcpListener::bind((LOCALHOST, 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let device = tokio::spawn(peer(listener, 1));
    let connection = ControlConnection::connect(LOCALHOST, port)
        .await
        .expect("connect");
    connection
        .request(Request::new("GET", "/info", Protocol::Http11), LIMIT)
        .await
        .expect("answered");
    let heads = tokio::time::timeout(LIMIT, device).await.unwrap().unwrap();
    assert!(!heads[0].contains("X-Apple-Client-Name"), "{}", heads[0]);
}
