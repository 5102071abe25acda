//! The fake device's Companion port over a real socket, driven frame by frame with
//! atv's Companion codecs and pairing: what happens before pair-verify, error answers,
//! malformed input, and events pushed after a state change.

use std::str::FromStr;
use std::time::Duration;

use atv_companion::frame::{Frame, FrameCodec, FrameType, header};
use atv_companion::opack::{self, Value};
use atv_fake::FakeDevice;
use atv_fake::mrp::pairing::PYATV_CLIENT_CREDENTIALS;
use atv_pairing::session_cipher::TAG_LEN;
use atv_pairing::{Credentials, NonceLayout, PairVerifyClient, SessionCipher, session_keys};
use futures::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_util::codec::Framed;

const WAIT: Duration = Duration::from_secs(10);

struct Client {
    framed: Framed<TcpStream, FrameCodec>,
    cipher: Option<SessionCipher>,
}

fn dict(entries: Vec<(&str, Value)>) -> Value {
    entries.into_iter().collect()
}

impl Client {
    async fn connect(port: u16) -> Self {
        let stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        Self {
            framed: Framed::new(stream, FrameCodec::new()),
            cipher: None,
        }
    }

    async fn send(&mut self, frame_type: FrameType, value: &Value) {
        let plain = opack::encode(value);
        let payload = match &mut self.cipher {
            Some(cipher) => {
                let aad = header(frame_type, plain.len() + TAG_LEN).unwrap();
                cipher.encrypt(&plain, &aad).unwrap()
            }
            None => plain,
        };
        self.framed
            .send(Frame::new(frame_type, payload))
            .await
            .unwrap();
    }

    /// The next frame's value; `None` once the device closed the connection.
    async fn receive(&mut self) -> Option<(FrameType, Value)> {
        let frame = tokio::time::timeout(WAIT, self.framed.next())
            .await
            .expect("a frame in time")?
            .ok()?;
        let plain = match &mut self.cipher {
            Some(cipher) => {
                let aad = header(frame.frame_type, frame.payload.len()).unwrap();
                cipher.decrypt(&frame.payload, &aad).unwrap()
            }
            None => frame.payload.to_vec(),
        };
        Some((frame.frame_type, opack::decode(&plain).unwrap().0))
    }

    async fn verify(&mut self) {
        let Ok(Credentials::Hap(credentials)) = Credentials::from_str(PYATV_CLIENT_CREDENTIALS)
        else {
            panic!("credentials parse");
        };
        let (client, m1) = PairVerifyClient::new(credentials).start();
        self.send(FrameType::PvStart, &dict(vec![("_pd", Value::Data(m1))]))
            .await;
        let (kind, m2) = self.receive().await.unwrap();
        assert_eq!(kind, FrameType::PvNext);
        let m2 = m2.get("_pd").and_then(Value::as_data).unwrap().to_vec();
        let (client, m3) = client.handle_m2(&m2).unwrap();
        self.send(FrameType::PvNext, &dict(vec![("_pd", Value::Data(m3))]))
            .await;
        let (_, m4) = self.receive().await.unwrap();
        let secret = client
            .handle_m4(m4.get("_pd").and_then(Value::as_data).unwrap())
            .unwrap();
        let keys = secret.session_keys(session_keys::COMPANION);
        self.cipher = Some(SessionCipher::new(&keys, NonceLayout::CounterFirst));
    }

    async fn request(&mut self, name: &str, xid: i64, content: Value) -> Value {
        let message = dict(vec![
            ("_i", Value::from(name)),
            ("_t", Value::Int(2)),
            ("_x", Value::Int(xid)),
            ("_c", content),
        ]);
        self.send(FrameType::EOpack, &message).await;
        let (_, reply) = self.receive().await.expect("a reply");
        assert_eq!(reply.get("_x"), Some(&Value::Int(xid)), "{reply:?}");
        reply
    }
}

#[tokio::test]
async fn requests_before_pair_verify_close_the_connection() {
    let fake = FakeDevice::builder().companion().start().await.unwrap();
    let mut client = Client::connect(fake.ports().companion.unwrap()).await;
    let message = dict(vec![("_i", Value::from("FetchUserAccountsEvent"))]);
    client.send(FrameType::EOpack, &message).await;
    assert!(client.receive().await.is_none());
    fake.shutdown().await;
}

#[tokio::test]
async fn errors_events_and_malformed_input() {
    let fake = FakeDevice::builder()
        .companion()
        .accept_pyatv_test_credentials()
        .start()
        .await
        .unwrap();
    let state = fake.state().clone();
    let mut client = Client::connect(fake.ports().companion.unwrap()).await;
    client.verify().await;

    let reply = client.request("NoSuchRequest", 1, dict(vec![])).await;
    assert_eq!(reply.get("_ec"), Some(&Value::Int(58822)), "{reply:?}");
    assert!(reply.get("_em").is_some());

    // A button up with no button down, and a malformed button.
    let up = dict(vec![("_hBtS", Value::Int(2)), ("_hidC", Value::Int(1))]);
    let reply = client.request("_hidC", 2, up).await;
    assert!(reply.get("_em").is_some(), "{reply:?}");
    let reply = client
        .request("_hidC", 3, dict(vec![("_hBtS", Value::Int(1))]))
        .await;
    assert!(reply.get("_em").is_some(), "{reply:?}");

    // A frame that is no OPACK is skipped; the connection goes on.
    let garbage = {
        let cipher = client.cipher.as_mut().unwrap();
        let aad = header(FrameType::EOpack, 1 + TAG_LEN).unwrap();
        cipher.encrypt(&[0xFF], &aad).unwrap()
    };
    client
        .framed
        .send(Frame::new(FrameType::EOpack, garbage))
        .await
        .unwrap();

    // Registering `_iMC` tells the flags at once; changes are pushed.
    let interest = dict(vec![
        ("_i", Value::from("_interest")),
        ("_t", Value::Int(1)),
        ("_x", Value::Int(4)),
        (
            "_c",
            dict(vec![(
                "_regEvents",
                Value::Array(vec!["_iMC".into(), "SystemStatus".into()]),
            )]),
        ),
    ]);
    client.send(FrameType::EOpack, &interest).await;
    let (_, event) = client.receive().await.unwrap();
    assert_eq!(event.get("_i").and_then(Value::as_str), Some("_iMC"));
    assert_eq!(
        event.get("_c").and_then(|c| c.get("_mcF")),
        Some(&Value::Int(0x100))
    );
    state.companion().set_media_control_flags(0x103);
    let (_, event) = client.receive().await.unwrap();
    assert_eq!(
        event.get("_c").and_then(|c| c.get("_mcF")),
        Some(&Value::Int(0x103))
    );

    // Power changes from elsewhere (e.g. MRP) reach the Companion client.
    state.set_powered_on(false);
    let (_, event) = client.receive().await.unwrap();
    assert_eq!(
        event.get("_i").and_then(Value::as_str),
        Some("SystemStatus")
    );
    assert_eq!(
        event.get("_c").and_then(|c| c.get("state")),
        Some(&Value::Int(1))
    );
    let reply = client.request("FetchAttentionState", 5, dict(vec![])).await;
    assert_eq!(
        reply.get("_c").and_then(|c| c.get("state")),
        Some(&Value::Int(1))
    );

    // Unsupported on newer tvOS.
    state.companion().set_attention_state_supported(false);
    let reply = client.request("FetchAttentionState", 6, dict(vec![])).await;
    assert!(reply.get("_em").is_some(), "{reply:?}");

    fake.shutdown().await;
}
