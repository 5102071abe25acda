//! A peer that sends garbage over a real socket: the connection fails (or skips the
//! bad message) with an error, waiting requests get that error, and nothing panics.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use bytes::BytesMut;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use atv_mrp::framing::encode_frame;
use atv_mrp::message_builders::MessageBuilder;
use atv_mrp::protobuf::{MessageType, ProtocolMessage};
use atv_mrp::{CloseReason, MrpClient, MrpClientConfig, MrpConnection, MrpError};
use prost::Message;

const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const LIMIT: Duration = Duration::from_secs(10);

/// A listener and a connection to it, with the peer's end of the socket.
async fn pair() -> (MrpConnection, TcpStream) {
    let listener = TcpListener::bind((LOCALHOST, 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (connection, accepted) = tokio::join!(
        MrpConnection::connect(LOCALHOST, port, LIMIT),
        listener.accept()
    );
    (connection.unwrap(), accepted.unwrap().0)
}

/// Reads one frame the client sent and decodes it.
async fn read_message(peer: &mut TcpStream) -> ProtocolMessage {
    let mut buf = BytesMut::new();
    loop {
        if let Some(frame) = atv_mrp::framing::decode_frame(&mut buf, 1 << 20).unwrap() {
            return ProtocolMessage::decode(frame).unwrap();
        }
        let mut chunk = [0u8; 4096];
        let n = peer.read(&mut chunk).await.unwrap();
        assert!(n > 0, "client closed");
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn reply_to(request: &ProtocolMessage) -> Vec<u8> {
    let reply = ProtocolMessage {
        r#type: Some(MessageType::GenericMessage as i32),
        identifier: request.identifier.clone(),
        ..Default::default()
    };
    let mut out = BytesMut::new();
    encode_frame(&reply.encode_to_vec(), &mut out);
    out.to_vec()
}

async fn lost_reason(connection: &MrpConnection) -> String {
    match tokio::time::timeout(LIMIT, connection.closed())
        .await
        .unwrap()
    {
        CloseReason::Lost(reason) => reason,
        other => panic!("{other:?}, not lost"),
    }
}

#[tokio::test]
async fn invalid_length_prefix_fails_the_connection_and_its_requests() {
    let (connection, mut peer) = pair().await;
    let waiting = {
        let connection = connection.clone();
        tokio::spawn(async move { connection.request(MessageBuilder::new().heartbeat()).await })
    };
    let request = read_message(&mut peer).await;
    assert!(request.identifier.is_some());
    // Eleven continuation bytes: no varint is that long.
    peer.write_all(&[0xff; 11]).await.unwrap();
    let reason = lost_reason(&connection).await;
    assert!(reason.contains("length prefix"), "{reason}");
    let error = waiting.await.unwrap().unwrap_err();
    assert!(matches!(error, MrpError::ConnectionLost { .. }), "{error}");
    // Later use fails the same way.
    let error = connection
        .send(MessageBuilder::new().heartbeat())
        .await
        .unwrap_err();
    assert!(matches!(error, MrpError::ConnectionLost { .. }), "{error}");
}

#[tokio::test]
async fn oversized_frame_fails_the_connection() {
    let (connection, mut peer) = pair().await;
    let mut prefix = BytesMut::new();
    prost::encoding::encode_varint(1 << 40, &mut prefix);
    peer.write_all(&prefix).await.unwrap();
    let reason = lost_reason(&connection).await;
    assert!(reason.contains("exceeds"), "{reason}");
}

#[tokio::test]
async fn undecodable_message_is_skipped() {
    let (connection, mut peer) = pair().await;
    let mut updates = connection.subscribe();
    let waiting = {
        let connection = connection.clone();
        tokio::spawn(async move { connection.request(MessageBuilder::new().heartbeat()).await })
    };
    let request = read_message(&mut peer).await;
    // A well-framed frame that is not protobuf (field 0, truncated bytes), then the reply.
    let mut garbage = BytesMut::new();
    encode_frame(&[0x00, 0xff, 0xff, 0x0a, 0x7f], &mut garbage);
    peer.write_all(&garbage).await.unwrap();
    peer.write_all(&reply_to(&request)).await.unwrap();
    let reply = tokio::time::timeout(LIMIT, waiting)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(reply.identifier, request.identifier);
    assert!(!connection.is_closed());
    assert!(updates.try_recv().is_err(), "the garbage was not broadcast");
}

#[tokio::test]
async fn truncated_frame_at_close_is_an_error() {
    let (connection, mut peer) = pair().await;
    // Announces 10 bytes, sends 3, closes.
    peer.write_all(&[10, 1, 2, 3]).await.unwrap();
    drop(peer);
    let reason = lost_reason(&connection).await;
    assert!(reason.contains("middle of a frame"), "{reason}");
}

#[tokio::test]
async fn random_garbage_never_panics() {
    // Deterministic pseudo-random bytes in many chunk shapes.
    let mut seed: u32 = 0x1234_5678;
    for round in 0..40 {
        let (connection, mut peer) = pair().await;
        let mut bytes = Vec::new();
        for _ in 0..(64 + round * 16) {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            bytes.push(seed.to_le_bytes()[0]);
        }
        let _ = peer.write_all(&bytes).await;
        drop(peer);
        // Either way the connection ends, with an error, without a panic.
        let reason = tokio::time::timeout(LIMIT, connection.closed())
            .await
            .unwrap();
        assert!(
            matches!(reason, CloseReason::Lost(_)),
            "round {round}: {reason:?}"
        );
    }
}

#[tokio::test]
async fn client_start_against_a_garbage_peer_is_an_error() {
    let listener = TcpListener::bind((LOCALHOST, 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 1024];
        let _ = socket.read(&mut buf).await;
        let _ = socket.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
        // Keep the socket open until the client gives up.
        let _ = socket.read(&mut buf).await;
    });
    let error = MrpClient::connect_to(MrpClientConfig::new(LOCALHOST, port))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            MrpError::ConnectionLost { .. } | MrpError::RequestTimeout { .. }
        ),
        "{error}"
    );
    peer.abort();
}

#[tokio::test]
async fn wrong_credentials_form_is_rejected_before_connecting() {
    let error = MrpClient::connect_to(MrpClientConfig {
        credentials: Some("30:31:32:33".into()),
        ..MrpClientConfig::new(LOCALHOST, 9)
    })
    .await
    .unwrap_err();
    assert!(matches!(error, MrpError::InvalidCredentials(_)), "{error}");
    let core: atv_core::Error = error.into();
    assert!(matches!(core, atv_core::Error::InvalidCredentials(_)));
}
