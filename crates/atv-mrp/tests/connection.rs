//! The connection task against an in-process peer (one end of an in-memory pipe):
//! replies matched by identifier and by type, timeouts, the cap on waiting requests,
//! unsolicited messages to the observer then to subscribers, closing and dropping,
//! and the end reported exactly once (closed when the peer ends the stream cleanly, lost
//! on a reset or malformed data).

use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use tokio::io::DuplexStream;
use tokio_util::codec::Framed;

use atv_core::interface::DeviceListener;
use atv_mrp::framing::MessageCodec;
use atv_mrp::message_builders::MessageBuilder;
use atv_mrp::protobuf::{MessageType, ProtocolMessage};
use atv_mrp::{CloseReason, ConnectionOptions, MessageObserver, MrpConnection, MrpError};

type Peer = Framed<DuplexStream, MessageCodec>;

fn connect(options: ConnectionOptions) -> (MrpConnection, Peer) {
    let (ours, theirs) = tokio::io::duplex(1 << 16);
    (
        MrpConnection::from_stream(ours, options),
        Framed::new(theirs, MessageCodec::new()),
    )
}

fn message(message_type: MessageType, identifier: Option<&str>) -> ProtocolMessage {
    ProtocolMessage {
        r#type: Some(message_type as i32),
        identifier: identifier.map(str::to_owned),
        ..Default::default()
    }
}

async fn next(peer: &mut Peer) -> ProtocolMessage {
    tokio::time::timeout(Duration::from_secs(5), peer.next())
        .await
        .expect("the client sent nothing")
        .expect("the client closed")
        .expect("the client sent a bad frame")
}

#[tokio::test]
async fn replies_are_matched_by_identifier_in_any_order() {
    let (connection, mut peer) = connect(ConnectionOptions::default());
    let first = tokio::spawn({
        let c = connection.clone();
        async move { c.request(message(MessageType::GenericMessage, None)).await }
    });
    let request_a = next(&mut peer).await;
    let second = tokio::spawn({
        let c = connection.clone();
        async move {
            c.request(message(MessageType::GetKeyboardSessionMessage, None))
                .await
        }
    });
    let request_b = next(&mut peer).await;
    let (id_a, id_b) = (request_a.identifier.unwrap(), request_b.identifier.unwrap());
    assert_ne!(id_a, id_b);
    assert_eq!(id_a, id_a.to_uppercase());
    // Answer the second first.
    peer.send(message(MessageType::KeyboardMessage, Some(&id_b)))
        .await
        .unwrap();
    peer.send(message(MessageType::UnknownMessage, Some(&id_a)))
        .await
        .unwrap();
    let reply_b = second.await.unwrap().unwrap();
    let reply_a = first.await.unwrap().unwrap();
    assert_eq!(reply_b.r#type, Some(MessageType::KeyboardMessage as i32));
    assert_eq!(reply_a.identifier.as_deref(), Some(id_a.as_str()));
}

#[tokio::test]
async fn pairing_replies_are_matched_by_type() {
    let (connection, mut peer) = connect(ConnectionOptions::default());
    let mut updates = connection.subscribe();
    let waiting = tokio::spawn({
        let c = connection.clone();
        async move {
            c.request_by_type(MessageBuilder::new().crypto_pairing(vec![0, 1, 0].into(), true))
                .await
        }
    });
    let request = next(&mut peer).await;
    assert_eq!(request.identifier, None);
    // A pairing message with some identifier is not the answer; one without is.
    peer.send(message(MessageType::CryptoPairingMessage, Some("X")))
        .await
        .unwrap();
    peer.send(message(MessageType::CryptoPairingMessage, None))
        .await
        .unwrap();
    let reply = waiting.await.unwrap().unwrap();
    assert_eq!(reply.identifier, None);
    let unsolicited = updates.recv().await.unwrap();
    assert_eq!(unsolicited.identifier.as_deref(), Some("X"));
}

#[tokio::test(start_paused = true)]
async fn requests_time_out() {
    let (connection, mut peer) = connect(ConnectionOptions {
        request_timeout: Duration::from_secs(5),
        ..ConnectionOptions::default()
    });
    let waiting = tokio::spawn({
        let c = connection.clone();
        async move { c.request(message(MessageType::GenericMessage, None)).await }
    });
    let request = next(&mut peer).await;
    let error = waiting.await.unwrap().unwrap_err();
    assert!(matches!(error, MrpError::RequestTimeout { .. }), "{error}");
    assert!(error.to_string().contains("GenericMessage"), "{error}");
    // A late reply is just an unsolicited message; the connection lives on.
    let mut updates = connection.subscribe();
    peer.send(message(
        MessageType::UnknownMessage,
        request.identifier.as_deref(),
    ))
    .await
    .unwrap();
    assert!(updates.recv().await.is_ok());
    assert!(!connection.is_closed());
}

#[tokio::test]
async fn too_many_waiting_requests_are_refused() {
    let (connection, mut peer) = connect(ConnectionOptions {
        max_in_flight: 2,
        ..ConnectionOptions::default()
    });
    let mut waiting = Vec::new();
    for _ in 0..2 {
        let c = connection.clone();
        waiting.push(tokio::spawn(async move {
            c.request(message(MessageType::GenericMessage, None)).await
        }));
        next(&mut peer).await;
    }
    let error = connection
        .request(message(MessageType::GenericMessage, None))
        .await
        .unwrap_err();
    assert!(matches!(error, MrpError::Busy { limit: 2 }), "{error}");
    // Callers that give up free their place.
    for task in waiting {
        task.abort();
        let _ = task.await;
    }
    let again = tokio::spawn({
        let c = connection.clone();
        async move { c.request(message(MessageType::GenericMessage, None)).await }
    });
    let request = next(&mut peer).await;
    peer.send(message(
        MessageType::UnknownMessage,
        request.identifier.as_deref(),
    ))
    .await
    .unwrap();
    again.await.unwrap().unwrap();
}

/// Records messages as the observer sees them, and what subscribers had then.
struct Recorder {
    seen: Mutex<Vec<String>>,
}

impl MessageObserver for Recorder {
    fn message_received(&self, message: &ProtocolMessage) {
        let id = message.unique_identifier.clone().unwrap_or_default();
        self.seen.lock().unwrap().push(id);
    }
}

#[tokio::test]
async fn observer_sees_unsolicited_messages_before_later_replies() {
    let recorder = Arc::new(Recorder {
        seen: Mutex::new(Vec::new()),
    });
    let (connection, mut peer) = connect(ConnectionOptions {
        observer: Some(recorder.clone()),
        ..ConnectionOptions::default()
    });
    let mut updates = connection.subscribe();
    let waiting = tokio::spawn({
        let c = connection.clone();
        async move { c.request(message(MessageType::GenericMessage, None)).await }
    });
    let request = next(&mut peer).await;
    for n in 0..3 {
        let mut update = message(MessageType::SetStateMessage, None);
        update.unique_identifier = Some(format!("u{n}"));
        peer.send(update).await.unwrap();
    }
    peer.send(message(
        MessageType::UnknownMessage,
        request.identifier.as_deref(),
    ))
    .await
    .unwrap();
    waiting.await.unwrap().unwrap();
    // By the time the reply arrived, the observer had seen everything sent before it.
    assert_eq!(*recorder.seen.lock().unwrap(), ["u0", "u1", "u2"]);
    for n in 0..3 {
        let update = updates.recv().await.unwrap();
        assert_eq!(
            update.unique_identifier.as_deref(),
            Some(format!("u{n}").as_str())
        );
    }
}

#[derive(Default)]
struct Events(Mutex<Vec<String>>);

impl DeviceListener for Events {
    fn connection_lost(&self, error: &atv_core::Error) {
        self.0.lock().unwrap().push(format!("lost: {error}"));
    }

    fn connection_closed(&self) {
        self.0.lock().unwrap().push("closed".into());
    }
}

/// Sets a recording listener; the connection holds it weakly, so the caller keeps the
/// second value alive.
fn listen(connection: &MrpConnection) -> (Arc<Events>, Arc<dyn DeviceListener>) {
    let events = Arc::new(Events::default());
    let listener: Arc<dyn DeviceListener> = events.clone();
    let weak: Weak<dyn DeviceListener> = Arc::downgrade(&listener);
    connection.set_listener(Some(weak));
    (events, listener)
}

#[tokio::test]
async fn close_fails_waiters_and_reports_closed_once() {
    let (connection, mut peer) = connect(ConnectionOptions::default());
    let (events, _listener) = listen(&connection);
    let waiting = tokio::spawn({
        let c = connection.clone();
        async move { c.request(message(MessageType::GenericMessage, None)).await }
    });
    next(&mut peer).await;
    connection.close().await;
    assert!(matches!(waiting.await.unwrap(), Err(MrpError::Closed)));
    connection.close().await;
    assert_eq!(connection.closed().await, CloseReason::Requested);
    assert_eq!(*events.0.lock().unwrap(), ["closed"]);
    // The peer sees the end of the stream.
    assert!(peer.next().await.is_none());
}

#[tokio::test]
async fn peer_closing_cleanly_is_reported_closed_once() {
    let (connection, mut peer) = connect(ConnectionOptions::default());
    let (events, _listener) = listen(&connection);
    let waiting = tokio::spawn({
        let c = connection.clone();
        async move { c.request(message(MessageType::GenericMessage, None)).await }
    });
    next(&mut peer).await;
    // End of stream without an error: closed, as pyatv reports it.
    drop(peer);
    assert_eq!(connection.closed().await, CloseReason::ClosedByDevice);
    // The request waiting for a reply fails, saying why.
    let error = waiting.await.unwrap().unwrap_err();
    assert!(matches!(error, MrpError::ConnectionLost { .. }), "{error}");
    assert!(
        error.to_string().contains("closed the connection"),
        "{error}"
    );
    connection.close().await;
    assert_eq!(*events.0.lock().unwrap(), ["closed"]);
    // A listener set afterwards still hears about it, once.
    let (late, _late_listener) = listen(&connection);
    assert_eq!(*late.0.lock().unwrap(), ["closed"]);
}

/// A connection over real TCP sockets: ours, and the peer's end.
async fn tcp_connect() -> (MrpConnection, tokio::net::TcpStream) {
    let listener = tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0))
        .await
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    let (connection, accepted) = tokio::join!(
        MrpConnection::connect(
            std::net::Ipv4Addr::LOCALHOST.into(),
            port,
            Duration::from_secs(5)
        ),
        listener.accept()
    );
    (connection.unwrap(), accepted.unwrap().0)
}

#[tokio::test]
async fn peer_closing_a_tcp_socket_is_reported_closed_once() {
    let (connection, peer) = tcp_connect().await;
    let (events, _listener) = listen(&connection);
    drop(peer);
    let reason = tokio::time::timeout(Duration::from_secs(5), connection.closed())
        .await
        .unwrap();
    assert_eq!(reason, CloseReason::ClosedByDevice);
    connection.close().await;
    assert_eq!(*events.0.lock().unwrap(), ["closed"]);
}

#[tokio::test]
async fn peer_resetting_a_tcp_socket_is_reported_lost_once() {
    let (connection, peer) = tcp_connect().await;
    let (events, _listener) = listen(&connection);
    // A zero linger time makes the close a reset (RST), not an end of stream.
    peer.set_zero_linger().unwrap();
    drop(peer);
    let reason = tokio::time::timeout(Duration::from_secs(5), connection.closed())
        .await
        .unwrap();
    assert!(matches!(reason, CloseReason::Lost(_)), "{reason:?}");
    let error = connection
        .request(message(MessageType::GenericMessage, None))
        .await
        .unwrap_err();
    assert!(matches!(error, MrpError::ConnectionLost { .. }), "{error}");
    connection.close().await;
    let seen = events.0.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(seen[0].starts_with("lost: "), "{seen:?}");
}

#[tokio::test]
async fn peer_ending_in_the_middle_of_a_frame_is_reported_lost_once() {
    let (connection, peer) = connect(ConnectionOptions::default());
    let (events, _listener) = listen(&connection);
    let mut raw = peer.into_inner();
    // A length prefix of 100 bytes, then 3 of them, then the end of the stream.
    tokio::io::AsyncWriteExt::write_all(&mut raw, &[100, 1, 2, 3])
        .await
        .unwrap();
    drop(raw);
    let reason = connection.closed().await;
    assert!(matches!(reason, CloseReason::Lost(_)), "{reason:?}");
    let seen = events.0.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(seen[0].starts_with("lost: "), "{seen:?}");
}

#[tokio::test]
async fn dropping_every_handle_closes() {
    let (connection, mut peer) = connect(ConnectionOptions::default());
    let weak = connection.downgrade();
    let updates = connection.subscribe();
    drop(connection);
    assert!(peer.next().await.is_none(), "the socket was closed");
    assert_eq!(weak.closed().await, CloseReason::Requested);
    assert!(weak.upgrade().is_none());
    drop(updates);
}

#[tokio::test]
async fn failing_reports_lost() {
    let (connection, _peer) = connect(ConnectionOptions::default());
    let (events, _listener) = listen(&connection);
    connection.fail("heartbeat failed").await;
    assert_eq!(
        connection.closed().await,
        CloseReason::Lost("heartbeat failed".into())
    );
    let error = connection
        .request(message(MessageType::GenericMessage, None))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("heartbeat failed"), "{error}");
    assert_eq!(events.0.lock().unwrap().len(), 1);
}
