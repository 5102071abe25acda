//! The fake device's AirPlay 2 side on the wire, driven by atv's own codecs and pairing
//! client: `/info` from the `atvfake --airplay` binary, refusal before pairing, and a
//! whole remote-control session as iOS opens one (signed seed, `updateInfo` on the event
//! channel, DataStream frames, feedback, `TEARDOWN`).

use std::process::Stdio;
use std::time::Duration;

use atv_airplay::datastream::{
    DataStreamFrame, decode_frame, decode_mrp_payload, encode_mrp_payload, split_mrp_messages,
};
use atv_airplay::wire::{Protocol, Request, Response, decode_request, decode_response};
use atv_fake::FakeDevice;
use atv_mrp::framing::{decode_message, encode_message};
use atv_mrp::message_builders::MessageBuilder;
use atv_mrp::protobuf::{MessageType, ProtocolMessage};
use atv_pairing::session_keys::{
    AIRPLAY_CONTROL, AIRPLAY_EVENTS, airplay_data_stream, airplay_data_stream_salt,
};
use atv_pairing::transient::TransientClient;
use atv_pairing::{HapFrameCodec, PairSetupClient, PairVerifyClient, SessionKeys};
use bytes::BytesMut;
use futures::{SinkExt, StreamExt};
use plist::{Dictionary, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::Command;
use tokio_util::codec::Framed;

const WAIT: Duration = Duration::from_secs(10);
const BPLIST: &str = "application/x-apple-binary-plist";

/// A client end of the control connection, encrypted once `keys` are set.
struct Control {
    stream: TcpStream,
    raw: BytesMut,
    plain: BytesMut,
    codec: Option<HapFrameCodec>,
    cseq: u32,
}

impl Control {
    async fn connect(port: u16) -> Self {
        Self {
            stream: TcpStream::connect(("127.0.0.1", port)).await.unwrap(),
            raw: BytesMut::new(),
            plain: BytesMut::new(),
            codec: None,
            cseq: 0,
        }
    }

    async fn exchange(&mut self, request: Request) -> Response {
        self.cseq += 1;
        let request = request.with_header("CSeq", self.cseq.to_string());
        let mut plain = BytesMut::new();
        request.encode(&mut plain);
        let bytes = match &mut self.codec {
            Some(codec) => codec.sealer.seal(&plain).unwrap(),
            None => plain.to_vec(),
        };
        self.stream.write_all(&bytes).await.unwrap();
        tokio::time::timeout(WAIT, async {
            loop {
                if let Some(response) = decode_response(&mut self.plain).unwrap() {
                    return response;
                }
                let read = self.stream.read_buf(&mut self.raw).await.unwrap();
                assert!(read > 0, "the device closed the control connection");
                match &mut self.codec {
                    Some(codec) => {
                        while let Some(plain) = codec.opener.open_from(&mut self.raw).unwrap() {
                            self.plain.extend_from_slice(&plain);
                        }
                    }
                    None => self.plain.extend_from_slice(&self.raw.split()),
                }
            }
        })
        .await
        .expect("a response in time")
    }

    async fn post(&mut self, path: &str, body: Vec<u8>) -> Vec<u8> {
        let request = Request::new("POST", path, Protocol::Http11)
            .with_header("X-Apple-HKP", "3")
            .with_body("application/octet-stream", body);
        let response = self.exchange(request).await;
        assert_eq!(response.status, 200, "{path}: {response:?}");
        response.body.to_vec()
    }

    async fn setup(&mut self, body: Dictionary) -> Dictionary {
        let response = self
            .exchange(rtsp("SETUP").with_body(BPLIST, plist(body)))
            .await;
        assert_eq!(response.status, 200, "{response:?}");
        dictionary(&response.body)
    }
}

fn rtsp(method: &str) -> Request {
    Request::new(method, "rtsp://127.0.0.1/1234", Protocol::Rtsp10)
}

fn plist(dictionary: Dictionary) -> Vec<u8> {
    let mut out = Vec::new();
    Value::Dictionary(dictionary)
        .to_writer_binary(&mut out)
        .unwrap();
    out
}

fn dictionary(bytes: &[u8]) -> Dictionary {
    Value::from_reader(std::io::Cursor::new(bytes))
        .unwrap()
        .into_dictionary()
        .expect("a dictionary")
}

fn port_of(dictionary: &Dictionary, key: &str) -> u16 {
    let port = dictionary.get(key).and_then(Value::as_unsigned_integer);
    u16::try_from(port.expect("a port")).unwrap()
}

#[tokio::test]
async fn atvfake_airplay_answers_info() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_atvfake"))
        .args(["--airplay", "--name", "Info Fake"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("atvfake starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(WAIT, lines.next_line())
        .await
        .expect("ports line in time")
        .unwrap()
        .expect("a ports line");
    let ports: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert!(ports.get("mrp").is_none(), "{line}");
    let port = u16::try_from(ports["airplay"].as_u64().expect("an airplay port")).unwrap();

    let mut control = Control::connect(port).await;
    let response = control
        .exchange(Request::new("GET", "/info", Protocol::Http11))
        .await;
    assert_eq!(response.status, 200);
    assert_eq!(response.headers.get("Content-Type"), Some(BPLIST));
    assert_eq!(response.cseq(), Some(1));
    let info = dictionary(&response.body);
    assert_eq!(
        info.get("name").and_then(Value::as_string),
        Some("Info Fake")
    );
    assert_eq!(
        info.get("deviceID").and_then(Value::as_string),
        Some("40:CB:C0:12:34:56")
    );
    drop(child.stdin.take());
    let status = tokio::time::timeout(WAIT, child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success());
}

#[tokio::test]
async fn sessions_need_pairing_first() {
    let fake = FakeDevice::builder().airplay().start().await.unwrap();
    let mut control = Control::connect(fake.ports().airplay.unwrap()).await;
    let mut body = Dictionary::new();
    body.insert("isRemoteControlOnly".into(), Value::Boolean(true));
    let response = control
        .exchange(rtsp("SETUP").with_body(BPLIST, plist(body)))
        .await;
    assert_eq!(response.status, 470);
    assert_eq!(response.protocol, Protocol::Rtsp10);
    let response = control.exchange(rtsp("RECORD")).await;
    assert_eq!(response.status, 470);
    fake.shutdown().await;
}

/// Reads DataStream frames off a data stream connection.
struct DataStream {
    framed: Framed<TcpStream, HapFrameCodec>,
    plain: BytesMut,
}

impl DataStream {
    async fn send(&mut self, frame: &DataStreamFrame) {
        let mut plain = BytesMut::new();
        frame.encode(&mut plain);
        self.framed.send(plain.freeze()).await.unwrap();
    }

    /// The next frame, or `None` once the device closed the stream.
    async fn next(&mut self) -> Option<DataStreamFrame> {
        tokio::time::timeout(WAIT, async {
            loop {
                if let Some(frame) = decode_frame(&mut self.plain).unwrap() {
                    return Some(frame);
                }
                match self.framed.next().await {
                    Some(Ok(plain)) => self.plain.extend_from_slice(&plain),
                    Some(Err(_)) | None => return None,
                }
            }
        })
        .await
        .expect("a frame (or the end) in time")
    }
}

fn mrp_messages(frame: &DataStreamFrame) -> Vec<ProtocolMessage> {
    let data = decode_mrp_payload(&frame.payload)
        .unwrap()
        .expect("MRP data");
    split_mrp_messages(&data)
        .unwrap()
        .into_iter()
        .map(|bytes| decode_message(bytes).unwrap())
        .collect()
}

#[tokio::test]
async fn a_remote_control_session_as_ios_opens_it() {
    let fake = FakeDevice::builder()
        .airplay()
        .demo()
        .name("Session Fake")
        .start()
        .await
        .unwrap();
    let mut control = Control::connect(fake.ports().airplay.unwrap()).await;

    // Pair-setup with the PIN, then pair-verify; the connection is encrypted after.
    control.post("/pair-pin-start", Vec::new()).await;
    let (client, m1) = PairSetupClient::new().start();
    let m2 = control.post("/pair-setup", m1).await;
    let (client, m3) = client.handle_m2(&m2).unwrap().submit_pin("1111").unwrap();
    let m4 = control.post("/pair-setup", m3).await;
    let (client, m5) = client.handle_m4(&m4).unwrap();
    let m6 = control.post("/pair-setup", m5).await;
    let credentials = client.handle_m6(&m6).unwrap().credentials;
    let (client, m1) = PairVerifyClient::new(credentials).start();
    let m2 = control.post("/pair-verify", m1).await;
    let (client, m3) = client.handle_m2(&m2).unwrap();
    let m4 = control.post("/pair-verify", m3).await;
    let secret = client.handle_m4(&m4).unwrap();
    control.codec = Some(HapFrameCodec::new(&secret.session_keys(AIRPLAY_CONTROL)));

    // The event channel.
    let mut body = Dictionary::new();
    body.insert("isRemoteControlOnly".into(), Value::Boolean(true));
    body.insert("timingProtocol".into(), Value::String("None".into()));
    let answer = control.setup(body).await;
    let event_port = port_of(&answer, "eventPort");
    let events = TcpStream::connect(("127.0.0.1", event_port)).await.unwrap();
    let mut events = Framed::new(
        events,
        HapFrameCodec::new(&secret.session_keys(AIRPLAY_EVENTS)),
    );

    let response = control.exchange(rtsp("RECORD")).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.headers.get("Audio-Latency"), Some("0"));

    // After RECORD the device sends updateInfo on the event channel.
    let mut plain = BytesMut::new();
    let update = tokio::time::timeout(WAIT, async {
        loop {
            if let Some(request) = decode_request(&mut plain).unwrap() {
                return request;
            }
            let chunk = events.next().await.expect("event channel open").unwrap();
            plain.extend_from_slice(&chunk);
        }
    })
    .await
    .expect("updateInfo in time");
    assert_eq!(
        (update.method.as_str(), update.uri.as_str()),
        ("POST", "/command")
    );
    let update = dictionary(&update.body);
    assert_eq!(
        update.get("type").and_then(Value::as_string),
        Some("updateInfo")
    );
    let name = update
        .get("value")
        .and_then(Value::as_dictionary)
        .and_then(|value| value.get("name"))
        .and_then(Value::as_string);
    assert_eq!(name, Some("Session Fake"));

    // The data stream, with a seed written as iOS writes it (signed).
    let seed: i64 = -3_431_997_079_003_895_594;
    let mut stream = Dictionary::new();
    stream.insert("type".into(), Value::Integer(130u64.into()));
    stream.insert("controlType".into(), Value::Integer(2u64.into()));
    stream.insert("seed".into(), Value::Integer(seed.into()));
    stream.insert("wantsDedicatedSocket".into(), Value::Boolean(true));
    let mut body = Dictionary::new();
    body.insert(
        "streams".into(),
        Value::Array(vec![Value::Dictionary(stream)]),
    );
    let answer = control.setup(body).await;
    let stream = answer
        .get("streams")
        .and_then(Value::as_array)
        .and_then(|streams| streams.first())
        .and_then(Value::as_dictionary)
        .expect("one stream");
    assert_eq!(
        stream.get("type").and_then(Value::as_unsigned_integer),
        Some(130)
    );
    let data_port = port_of(stream, "dataPort");
    let salt = airplay_data_stream_salt(seed as u64);
    assert_eq!(salt, "DataStream-Salt15014746994705656022");
    let keys: SessionKeys = secret.session_keys(airplay_data_stream(&salt));
    let data = TcpStream::connect(("127.0.0.1", data_port)).await.unwrap();
    let mut data = DataStream {
        framed: Framed::new(data, HapFrameCodec::new(&keys)),
        plain: BytesMut::new(),
    };

    // MRP inside: device information, answered to the request's identifier.
    let mut builder = MessageBuilder::new();
    let mut request = builder.envelope(MessageType::DeviceInfoMessage);
    request.identifier = Some("device-info-1".into());
    let seqno = 0x1_2345_6789;
    data.send(&DataStreamFrame::sync_comm(
        seqno,
        encode_mrp_payload(&[encode_message(&request)]),
    ))
    .await;
    let mut replied = false;
    let mut device_info = None;
    while !(replied && device_info.is_some()) {
        let frame = data.next().await.expect("data stream open");
        if frame.is_reply() {
            assert_eq!(frame.seqno, seqno);
            replied = true;
            continue;
        }
        assert!(frame.is_sync());
        // Answer as a client does.
        data.send(&DataStreamFrame::reply(frame.seqno)).await;
        for message in mrp_messages(&frame) {
            if message.identifier.as_deref() == Some("device-info-1") {
                device_info = message.device_info_message;
            }
        }
    }
    let device_info = device_info.expect("device information");
    assert_eq!(device_info.name, "Session Fake");
    assert_eq!(device_info.system_build_version.as_deref(), Some("19M65"));
    assert_eq!(fake.state().connected_clients(), 1);

    // Feedback keeps the session alive; TEARDOWN ends its channels.
    let response = control
        .exchange(Request::new("POST", "/feedback", Protocol::Rtsp10))
        .await;
    assert_eq!(response.status, 200);
    let streams = dictionary(&response.body);
    assert_eq!(
        streams
            .get("streams")
            .and_then(Value::as_array)
            .map(Vec::len),
        Some(0)
    );
    let response = control.exchange(rtsp("TEARDOWN")).await;
    assert_eq!(response.status, 200);
    while data.next().await.is_some() {}
    fake.shutdown().await;
}

#[tokio::test]
async fn transient_pairing_encrypts_the_control_connection() {
    let fake = FakeDevice::builder().airplay().start().await.unwrap();
    let mut control = Control::connect(fake.ports().airplay.unwrap()).await;
    control.post("/pair-pin-start", Vec::new()).await;
    let (client, m1) = TransientClient::new().start();
    let m2 = control.post("/pair-setup", m1).await;
    let (client, m3) = client.handle_m2(&m2).unwrap();
    let m4 = control.post("/pair-setup", m3).await;
    let secret = client.handle_m4(&m4).unwrap();
    control.codec = Some(HapFrameCodec::new(&secret.session_keys(AIRPLAY_CONTROL)));

    // Encrypted from here: a session may start, and nothing was stored.
    let mut body = Dictionary::new();
    body.insert("isRemoteControlOnly".into(), Value::Boolean(true));
    let answer = control.setup(body).await;
    assert!(port_of(&answer, "eventPort") > 0);
    assert_eq!(fake.state().paired_clients(), 0);
    fake.shutdown().await;
}
