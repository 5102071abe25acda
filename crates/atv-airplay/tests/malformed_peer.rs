//! The control connection against misbehaving peers on real sockets: garbage instead of
//! HTTP, a peer that never answers, a peer that hangs up. Each is an error for the
//! caller, never a panic or a hang.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use atv_airplay::wire::{Protocol, Request};
use atv_airplay::{AirPlayError, ControlConnection};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

async fn peer(reply: &'static [u8], hang_up: bool) -> u16 {
    let listener = TcpListener::bind((LOCALHOST, 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 1024];
        let _ = socket.read(&mut buf).await;
        socket.write_all(reply).await.unwrap();
        if hang_up {
            return;
        }
        // Keep the socket open until the client goes away.
        let _ = socket.read(&mut buf).await;
    });
    port
}

fn get_info() -> Request {
    Request::new("GET", "/info", Protocol::Http11)
}

#[tokio::test]
async fn garbage_is_a_wire_error() {
    let port = peer(b"SSH-2.0-OpenSSH_9.0\r\nnonsense\r\n\r\n", false).await;
    let connection = ControlConnection::connect(LOCALHOST, port).await.unwrap();
    let error = connection
        .request(get_info(), Duration::from_secs(10))
        .await
        .expect_err("garbage must fail");
    assert!(matches!(error, AirPlayError::Closed { .. }), "{error}");
    assert!(error.to_string().contains("malformed"), "{error}");
    assert!(connection.is_closed());
}

#[tokio::test]
async fn oversize_body_is_refused() {
    let port = peer(
        b"HTTP/1.1 200 OK\r\nContent-Length: 999999999999\r\n\r\n",
        false,
    )
    .await;
    let connection = ControlConnection::connect(LOCALHOST, port).await.unwrap();
    let error = connection
        .request(get_info(), Duration::from_secs(10))
        .await
        .expect_err("oversize body must fail");
    assert!(error.to_string().contains("exceeds"), "{error}");
}

#[tokio::test]
async fn silent_peer_times_out_and_closes() {
    let port = peer(b"", false).await;
    let connection = ControlConnection::connect(LOCALHOST, port).await.unwrap();
    let error = connection
        .request(get_info(), Duration::from_millis(200))
        .await
        .expect_err("no answer must time out");
    assert!(matches!(error, AirPlayError::Timeout { .. }), "{error}");
    connection.close().await;
    assert!(connection.is_closed());
    let error = connection
        .request(get_info(), Duration::from_secs(1))
        .await
        .expect_err("closed connection");
    assert!(matches!(error, AirPlayError::Closed { .. }), "{error}");
}

#[tokio::test]
async fn hang_up_fails_waiting_requests() {
    let port = peer(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", true).await;
    let connection = ControlConnection::connect(LOCALHOST, port).await.unwrap();
    let error = connection
        .request(get_info(), Duration::from_secs(10))
        .await
        .expect_err("truncated response must fail");
    assert!(matches!(error, AirPlayError::Closed { .. }), "{error}");
    assert!(
        error.to_string().contains("closed by the device"),
        "{error}"
    );
}

#[tokio::test]
async fn refused_connection_is_a_connect_error() {
    let listener = TcpListener::bind((LOCALHOST, 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let error = ControlConnection::connect(LOCALHOST, port)
        .await
        .expect_err("nobody listens");
    assert!(matches!(error, AirPlayError::Connect { .. }), "{error}");
}
