//! The connection task over an in-memory pipe, with the test playing the device:
//! responses matched by transaction id even out of order, device errors, timeouts,
//! events, malformed frames, and the end of the connection reported once.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use atv_companion::frame::{Frame, FrameCodec, FrameType};
use atv_companion::message::dict;
use atv_companion::opack::{self, Value};
use atv_companion::{CompanionConnection, CompanionError, ConnectionOptions};
use atv_core::interface::DeviceListener;
use futures::{SinkExt, StreamExt};
use tokio::io::DuplexStream;
use tokio_util::codec::Framed;

type Device = Framed<DuplexStream, FrameCodec>;

fn pipe(options: ConnectionOptions) -> (CompanionConnection, Device) {
    let (ours, theirs) = tokio::io::duplex(64 * 1024);
    (
        CompanionConnection::from_stream(ours, options),
        Framed::new(theirs, FrameCodec::new()),
    )
}

async fn receive(device: &mut Device) -> Value {
    let frame = tokio::time::timeout(Duration::from_secs(5), device.next())
        .await
        .expect("a frame in time")
        .expect("a frame")
        .expect("a valid frame");
    assert_eq!(frame.frame_type, FrameType::EOpack);
    opack::decode(&frame.payload).expect("OPACK").0
}

async fn send(device: &mut Device, body: &Value) {
    device
        .send(Frame::new(FrameType::EOpack, opack::encode(body)))
        .await
        .expect("send to the client");
}

fn response(request: &Value, content: Value) -> Value {
    dict([
        ("_i", request.get("_i").cloned().unwrap_or(Value::Null)),
        ("_x", request.get("_x").cloned().unwrap_or(Value::Null)),
        ("_t", Value::Int(3)),
        ("_c", content),
    ])
}

#[derive(Default)]
struct Ends {
    lost: AtomicUsize,
    closed: AtomicUsize,
}

impl DeviceListener for Ends {
    fn connection_lost(&self, _error: &atv_core::Error) {
        self.lost.fetch_add(1, Ordering::SeqCst);
    }
    fn connection_closed(&self) {
        self.closed.fetch_add(1, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn responses_match_by_transaction_id_in_any_order() {
    let (connection, mut device) = pipe(ConnectionOptions::default());
    let first = tokio::spawn({
        let connection = connection.clone();
        async move { connection.request("first", dict([])).await }
    });
    let a = receive(&mut device).await;
    let second = tokio::spawn({
        let connection = connection.clone();
        async move { connection.request("second", dict([])).await }
    });
    let b = receive(&mut device).await;
    assert_eq!(a.get("_t").and_then(Value::as_int), Some(2));
    let xa = a.get("_x").and_then(Value::as_int).unwrap();
    let xb = b.get("_x").and_then(Value::as_int).unwrap();
    assert_eq!(xb, xa + 1);

    // Answer the second first, and an event between them.
    send(&mut device, &response(&b, dict([("n", Value::Int(2))]))).await;
    let mut events = connection.subscribe();
    send(
        &mut device,
        &dict([
            ("_i", Value::from("SystemStatus")),
            ("_t", Value::Int(1)),
            ("_c", dict([("state", Value::Int(1))])),
        ]),
    )
    .await;
    send(&mut device, &response(&a, dict([("n", Value::Int(1))]))).await;
    let second = second.await.unwrap().unwrap();
    let first = first.await.unwrap().unwrap();
    assert_eq!(
        first
            .get("_c")
            .and_then(|c| c.get("n"))
            .and_then(Value::as_int),
        Some(1)
    );
    assert_eq!(
        second
            .get("_c")
            .and_then(|c| c.get("n"))
            .and_then(Value::as_int),
        Some(2)
    );
    let event = events.recv().await.unwrap();
    assert_eq!(event.name, "SystemStatus");
}

#[tokio::test]
async fn device_errors_and_timeouts_reach_the_caller() {
    let options = ConnectionOptions {
        request_timeout: Duration::from_millis(200),
        ..ConnectionOptions::default()
    };
    let (connection, mut device) = pipe(options);
    let failing = tokio::spawn({
        let connection = connection.clone();
        async move { connection.request("FetchAttentionState", dict([])).await }
    });
    let request = receive(&mut device).await;
    send(
        &mut device,
        &dict([
            ("_i", Value::from("FetchAttentionState")),
            ("_x", request.get("_x").cloned().unwrap()),
            ("_t", Value::Int(3)),
            ("_ec", Value::Int(58822)),
            ("_em", Value::from("No request handler")),
        ]),
    )
    .await;
    match failing.await.unwrap() {
        Err(CompanionError::Command { message, code, .. }) => {
            assert_eq!(message, "No request handler");
            assert_eq!(code, Some(58822));
        }
        other => panic!("{other:?}"),
    }

    let unanswered = connection.request("_tiStop", dict([])).await;
    assert!(
        matches!(unanswered, Err(CompanionError::RequestTimeout { .. })),
        "{unanswered:?}"
    );
    // A late response to it is dropped; the connection goes on.
    let late = receive(&mut device).await;
    send(&mut device, &response(&late, dict([]))).await;
    let next = tokio::spawn({
        let connection = connection.clone();
        async move { connection.request("_hidC", dict([])).await }
    });
    let request = receive(&mut device).await;
    send(&mut device, &response(&request, dict([]))).await;
    assert!(next.await.unwrap().is_ok());
}

#[tokio::test]
async fn bad_opack_is_skipped_but_a_bad_frame_ends_the_connection_once() {
    let (connection, mut device) = pipe(ConnectionOptions {
        max_payload_len: 1024,
        ..ConnectionOptions::default()
    });
    let ends = Arc::new(Ends::default());
    let listener: Arc<dyn DeviceListener> = ends.clone();
    connection.set_listener(Some(Arc::downgrade(&listener)));

    let pending = tokio::spawn({
        let connection = connection.clone();
        async move { connection.request("_systemInfo", dict([])).await }
    });
    let request = receive(&mut device).await;
    // Garbage OPACK in a well-formed frame: skipped.
    device
        .send(Frame::new(FrameType::EOpack, vec![0xE1, 0x99]))
        .await
        .unwrap();
    send(&mut device, &response(&request, dict([]))).await;
    assert!(pending.await.unwrap().is_ok());

    // A frame longer than allowed: the stream is lost.
    let waiting = tokio::spawn({
        let connection = connection.clone();
        async move { connection.request("_touchStart", dict([])).await }
    });
    let _ = receive(&mut device).await;
    device
        .send(Frame::new(FrameType::EOpack, vec![0; 2000]))
        .await
        .unwrap();
    assert!(matches!(
        waiting.await.unwrap(),
        Err(CompanionError::ConnectionLost { .. })
    ));
    connection.closed().await;
    assert_eq!(ends.lost.load(Ordering::SeqCst), 1);
    connection.close().await;
    connection.set_listener(Some(Arc::downgrade(&listener)));
    assert_eq!(
        ends.lost.load(Ordering::SeqCst),
        2,
        "a new listener hears once too"
    );
    assert_eq!(ends.closed.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn close_is_reported_as_closed() {
    let (connection, _device) = pipe(ConnectionOptions::default());
    let ends = Arc::new(Ends::default());
    let listener: Arc<dyn DeviceListener> = ends.clone();
    connection.set_listener(Some(Arc::downgrade(&listener)));
    connection.close().await;
    assert!(connection.is_closed());
    assert_eq!(ends.closed.load(Ordering::SeqCst), 1);
    assert!(matches!(
        connection.send_event("_interest", dict([])).await,
        Err(CompanionError::Closed)
    ));
}
