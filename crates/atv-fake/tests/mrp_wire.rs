//! The fake device over a real socket, driven by a minimal client made of atv-mrp's
//! framing and message builders and atv-pairing's client state machines (no pyatv).

use std::time::Duration;

use atv_fake::mrp::pairing::{PIN, PYATV_SERVER_IDENTIFIER};
use atv_fake::{FakeDevice, RunningFake};
use atv_mrp::framing::{FrameCodec, decode_message, encode_message};
use atv_mrp::message_builders::{ClientDescription, MessageBuilder, UpdateSubscriptions};
use atv_mrp::protobuf::{MessageType, PlaybackState, ProtocolMessage, SendError};
use atv_pairing::{
    HapCredentials, NonceLayout, PairSetupClient, PairVerifyClient, SessionCipher, session_keys,
};
use bytes::Bytes;
use futures::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_util::codec::Framed;

const WAIT: Duration = Duration::from_secs(10);

struct Client {
    framed: Framed<TcpStream, FrameCodec>,
    cipher: Option<SessionCipher>,
    builder: MessageBuilder,
}

impl Client {
    async fn connect(fake: &RunningFake) -> Self {
        let port = fake.ports().mrp.expect("MRP port");
        let stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        Self {
            framed: Framed::new(stream, FrameCodec::new()),
            cipher: None,
            builder: MessageBuilder::new(),
        }
    }

    async fn send(&mut self, message: &ProtocolMessage) {
        let plain = encode_message(message);
        let frame = match &mut self.cipher {
            Some(cipher) => Bytes::from(cipher.encrypt(&plain, &[]).unwrap()),
            None => plain,
        };
        self.framed.send(frame).await.unwrap();
    }

    async fn recv(&mut self) -> ProtocolMessage {
        let frame = tokio::time::timeout(WAIT, self.framed.next())
            .await
            .expect("a message in time")
            .expect("connection open")
            .unwrap();
        let plain = match &mut self.cipher {
            Some(cipher) => Bytes::from(cipher.decrypt(&frame, &[]).unwrap()),
            None => frame.freeze(),
        };
        decode_message(plain).unwrap()
    }

    /// Receives until a message of `kind` arrives; returns it and the kinds skipped.
    async fn recv_until(&mut self, kind: MessageType) -> (ProtocolMessage, Vec<MessageType>) {
        let mut skipped = Vec::new();
        loop {
            let message = self.recv().await;
            let got = MessageType::try_from(message.r#type.unwrap()).unwrap();
            if got == kind {
                return (message, skipped);
            }
            skipped.push(got);
        }
    }

    async fn request(&mut self, mut message: ProtocolMessage, id: &str) -> ProtocolMessage {
        message.identifier = Some(id.to_owned());
        self.send(&message).await;
        loop {
            let reply = self.recv().await;
            if reply.identifier.as_deref() == Some(id) {
                return reply;
            }
        }
    }

    async fn pairing_step(&mut self, tlv: Vec<u8>) -> Vec<u8> {
        let message = self.builder.crypto_pairing(Bytes::from(tlv), true);
        self.send(&message).await;
        let (reply, _) = self.recv_until(MessageType::CryptoPairingMessage).await;
        reply
            .crypto_pairing_message
            .and_then(|inner| inner.pairing_data)
            .unwrap()
            .to_vec()
    }

    async fn device_info(&mut self) -> ProtocolMessage {
        let description = ClientDescription {
            name: "test".into(),
            os_build: "18M60".into(),
            pairing_identifier: "CLIENT".into(),
        };
        let message = self.builder.device_information(&description, false);
        self.request(message, "info").await
    }

    async fn pair(&mut self, pin: &str) -> Option<HapCredentials> {
        let (client, m1) = PairSetupClient::new().start();
        let m2 = self.pairing_step(m1).await;
        let (client, m3) = client.handle_m2(&m2).ok()?.submit_pin(pin).ok()?;
        let m4 = self.pairing_step(m3).await;
        let (client, m5) = client.handle_m4(&m4).ok()?;
        let m6 = self.pairing_step(m5).await;
        Some(client.handle_m6(&m6).ok()?.credentials)
    }

    async fn verify(&mut self, credentials: HapCredentials) {
        let (client, m1) = PairVerifyClient::new(credentials).start();
        let m2 = self.pairing_step(m1).await;
        let (client, m3) = client.handle_m2(&m2).unwrap();
        let m4 = self.pairing_step(m3).await;
        let secret = client.handle_m4(&m4).unwrap();
        let keys = secret.session_keys(session_keys::MRP);
        self.cipher = Some(SessionCipher::new(&keys, NonceLayout::ZeroPrefixed));
    }
}

#[tokio::test]
async fn start_up_exchange_pairing_encryption_and_pushes() {
    let fake = FakeDevice::builder().mrp().demo().start().await.unwrap();
    let state = fake.state().clone();
    let mut client = Client::connect(&fake).await;

    let info = client.device_info().await;
    assert_eq!(info.r#type, Some(MessageType::DeviceInfoMessage as i32));
    let inner = info.device_info_message.unwrap();
    assert_eq!(inner.model_id.as_deref(), Some("AppleTV6,2"));
    assert_eq!(inner.logical_device_count, Some(1));

    assert!(client.pair("0000").await.is_none(), "a wrong PIN must fail");
    assert_eq!(state.paired_clients(), 0);
    let credentials = client.pair(PIN).await.expect("pairing with 1111");
    assert_eq!(credentials.atv_id, PYATV_SERVER_IDENTIFIER.as_bytes());
    assert_eq!(state.paired_clients(), 1);
    client.verify(credentials).await;
    assert!(state.has_authenticated());

    // Encrypted from here on.
    let connected = client.builder.set_connection_state();
    client.send(&connected).await;
    let config = client
        .builder
        .client_updates_config(UpdateSubscriptions::default());
    let mut config = config;
    config.identifier = Some("config".into());
    client.send(&config).await;
    let mut kinds = Vec::new();
    loop {
        let message = client.recv().await;
        if message.identifier.as_deref() == Some("config") {
            assert_eq!(message.r#type, Some(MessageType::UnknownMessage as i32));
            break;
        }
        kinds.push(MessageType::try_from(message.r#type.unwrap()).unwrap());
    }
    assert_eq!(
        kinds,
        [
            MessageType::SetStateMessage,
            MessageType::SetNowPlayingClientMessage,
            MessageType::VolumeControlAvailabilityMessage,
            MessageType::VolumeControlCapabilitiesDidChangeMessage,
            MessageType::VolumeDidChangeMessage,
        ]
    );
    assert_eq!(
        state.connection_state(),
        Some(atv_mrp::protobuf::ConnectionState::Connected as i32)
    );

    let keyboard = client.builder.get_keyboard_session();
    let reply = client.request(keyboard, "kb").await;
    assert_eq!(reply.r#type, Some(MessageType::KeyboardMessage as i32));
    let heartbeat = client.builder.heartbeat();
    client.request(heartbeat, "hb").await;
    assert_eq!(state.heartbeat_count(), 1);

    // A change made by the test reaches the client.
    state.change_state(|playing| playing.title = Some("pushed".into()));
    let (update, _) = client.recv_until(MessageType::SetStateMessage).await;
    let title = update
        .set_state_message
        .unwrap()
        .playback_queue
        .unwrap()
        .content_items[0]
        .metadata
        .clone()
        .unwrap()
        .title;
    assert_eq!(title.as_deref(), Some("pushed"));

    // A command: the new state comes before the answer.
    let pause = client
        .builder
        .command(atv_mrp::protobuf::Command::Pause, None);
    let mut pause = pause;
    pause.identifier = Some("pause".into());
    client.send(&pause).await;
    let (update, _) = client.recv_until(MessageType::SetStateMessage).await;
    assert_eq!(
        update.set_state_message.unwrap().playback_state,
        Some(PlaybackState::Paused as i32)
    );
    let (result, _) = client
        .recv_until(MessageType::SendCommandResultMessage)
        .await;
    assert_eq!(result.identifier.as_deref(), Some("pause"));
    assert_eq!(
        result.send_command_result_message.unwrap().send_error,
        Some(SendError::NoError as i32)
    );
    assert_eq!(state.last_button_pressed().as_deref(), Some("pause"));

    // A key press.
    for down in [true, false] {
        let event = client.builder.send_hid_event(1, 0x8d, down);
        client.send(&event).await;
    }
    assert!(
        state
            .wait_until(WAIT, |s| s.last_button_pressed().as_deref() == Some("down"))
            .await
    );

    assert_eq!(state.connected_clients(), 1);
    drop(client);
    assert!(state.wait_until(WAIT, |s| s.connected_clients() == 0).await);
    fake.shutdown().await;
}

#[tokio::test]
async fn unencrypted_clients_and_shutdown() {
    let fake = FakeDevice::builder().mrp().start().await.unwrap();
    let mut client = Client::connect(&fake).await;
    let info = client.device_info().await;
    assert_eq!(info.identifier.as_deref(), Some("info"));
    // Nothing plays: the playback queue answer is empty.
    let request = client.builder.playback_queue_request(0, -1.0, 400.0);
    let reply = client.request(request, "queue").await;
    assert_eq!(reply.set_state_message.unwrap().playback_queue, None);

    // Shutting down closes the connection.
    let mut framed = client.framed;
    fake.shutdown().await;
    let end = tokio::time::timeout(WAIT, framed.next()).await.unwrap();
    assert!(end.is_none() || end.unwrap().is_err());
}

#[tokio::test]
async fn garbage_closes_only_that_connection() {
    let fake = FakeDevice::builder().mrp().start().await.unwrap();
    let port = fake.ports().mrp.unwrap();
    let mut bad = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    // A length prefix of eleven continuation bytes is not a varint.
    tokio::io::AsyncWriteExt::write_all(&mut bad, &[0xff; 11])
        .await
        .unwrap();
    let mut buffer = [0u8; 16];
    let read = tokio::time::timeout(WAIT, tokio::io::AsyncReadExt::read(&mut bad, &mut buffer))
        .await
        .unwrap();
    assert!(matches!(read, Ok(0) | Err(_)), "closed: {read:?}");

    let mut good = Client::connect(&fake).await;
    good.device_info().await;
    fake.shutdown().await;
}
