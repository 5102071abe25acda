//! Framing and decoding: split and coalesced frames, limits, malformed input, and the
//! codec driving a real loopback TCP connection.

use std::io::Write;
use std::net::TcpStream as StdTcpStream;
use std::time::Duration;

use atv_mrp::framing::{
    DEFAULT_MAX_FRAME_LEN, FrameCodec, FramingError, MessageCodec, decode_frame, decode_message,
    encode_frame, encode_message,
};
use atv_mrp::message_builders::{ClientDescription, MessageBuilder};
use atv_mrp::protobuf::{Command, ProtocolMessage};
use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use tokio_util::codec::{Decoder, Encoder, FramedRead};

fn sample_messages() -> Vec<ProtocolMessage> {
    let mut counter = 0u32;
    let mut build = MessageBuilder::with_ids(move || {
        counter += 1;
        format!("ID-{counter}")
    });
    let client = ClientDescription {
        name: "Test".into(),
        os_build: "18M60".into(),
        pairing_identifier: "PAIRING".into(),
    };
    vec![
        build.device_information(&client, false),
        build.set_connection_state(),
        build.heartbeat(),
        build.command(Command::Play, None),
        build.send_hid_event(1, 0x8b, true),
        // Over 127 bytes of payload, so the prefix takes two bytes.
        build.crypto_pairing(Bytes::from(vec![0x5a; 300]), true),
        // Over 16 KiB, so the prefix takes three bytes.
        build.crypto_pairing(Bytes::from(vec![0xa5; 20_000]), false),
    ]
}

fn encode_all(messages: &[ProtocolMessage]) -> BytesMut {
    let mut codec = MessageCodec::new();
    let mut buf = BytesMut::new();
    for message in messages {
        codec.encode(message, &mut buf).expect("encode");
    }
    buf
}

/// Decodes everything in `stream`, fed `chunk` bytes at a time.
fn decode_in_chunks(stream: &[u8], chunk: usize) -> Vec<ProtocolMessage> {
    let mut codec = MessageCodec::new();
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    for piece in stream.chunks(chunk) {
        buf.extend_from_slice(piece);
        while let Some(message) = codec.decode(&mut buf).expect("valid stream") {
            out.push(message);
        }
    }
    assert_eq!(codec.decode_eof(&mut buf).expect("clean end"), None);
    out
}

#[test]
fn many_frames_in_one_buffer() {
    let messages = sample_messages();
    let stream = encode_all(&messages);
    assert_eq!(decode_in_chunks(&stream, stream.len()), messages);
}

#[test]
fn frames_split_at_every_size() {
    let messages = sample_messages();
    let stream = encode_all(&messages);
    for chunk in [1, 2, 3, 7, 64, 1000, 4096] {
        assert_eq!(
            decode_in_chunks(&stream, chunk),
            messages,
            "chunk size {chunk}"
        );
    }
}

#[test]
fn incomplete_frame_waits_then_completes() {
    let mut buf = BytesMut::new();
    encode_frame(&[1, 2, 3, 4], &mut buf);
    let whole = buf.clone();
    let mut partial = BytesMut::from(&whole[..3]);
    assert_eq!(decode_frame(&mut partial, 16).unwrap(), None);
    assert_eq!(
        partial.len(),
        3,
        "an incomplete frame is left in the buffer"
    );
    partial.extend_from_slice(&whole[3..]);
    assert_eq!(
        &decode_frame(&mut partial, 16).unwrap().unwrap()[..],
        &[1, 2, 3, 4]
    );
}

#[test]
fn oversize_frame_is_rejected_from_its_prefix() {
    let mut codec = FrameCodec::with_max_frame_len(1000);
    // Prefix for 1001 bytes, none of which have arrived.
    let mut buf = BytesMut::from(&[0xe9, 0x07][..]);
    match codec.decode(&mut buf) {
        Err(FramingError::FrameTooLarge { length, max }) => {
            assert_eq!((length, max), (1001, 1000));
        }
        other => panic!("expected FrameTooLarge, got {other:?}"),
    }
    // Exactly at the limit is fine.
    let mut buf = BytesMut::new();
    encode_frame(&[0u8; 1000], &mut buf);
    assert_eq!(codec.decode(&mut buf).unwrap().map(|f| f.len()), Some(1000));
    // The default limit.
    let mut huge = BytesMut::new();
    prost::encoding::encode_varint(DEFAULT_MAX_FRAME_LEN as u64 + 1, &mut huge);
    assert!(matches!(
        MessageCodec::new().decode(&mut huge),
        Err(FramingError::FrameTooLarge { .. })
    ));
}

#[test]
fn varint_overflow_is_an_error() {
    let mut codec = FrameCodec::with_max_frame_len(usize::MAX);
    let mut endless = BytesMut::from(&[0xff; 11][..]);
    assert!(matches!(
        codec.decode(&mut endless),
        Err(FramingError::InvalidLengthPrefix)
    ));
    let mut too_big =
        BytesMut::from(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f][..]);
    assert!(matches!(
        codec.decode(&mut too_big),
        Err(FramingError::InvalidLengthPrefix)
    ));
    // u64::MAX itself parses but cannot be a frame of any allowed size.
    let mut max = BytesMut::from(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01][..]);
    assert!(matches!(
        FrameCodec::new().decode(&mut max),
        Err(FramingError::FrameTooLarge { .. })
    ));
}

#[test]
fn stream_ending_mid_frame_is_truncated() {
    let mut buf = BytesMut::new();
    encode_frame(&[9; 10], &mut buf);
    buf.truncate(6);
    let mut codec = MessageCodec::new();
    assert!(codec.decode(&mut buf).unwrap().is_none());
    assert!(matches!(
        codec.decode_eof(&mut buf),
        Err(FramingError::Truncated { buffered: 6 })
    ));
    // A half-received prefix too.
    let mut prefix_only = BytesMut::from(&[0x80][..]);
    assert!(matches!(
        FrameCodec::new().decode_eof(&mut prefix_only),
        Err(FramingError::Truncated { buffered: 1 })
    ));
}

#[test]
fn garbage_payloads_are_decode_errors() {
    let cases: &[(&str, &[u8])] = &[
        ("invalid wire type 7", &[0x0f]),
        ("field number zero", &[0x00, 0x01]),
        ("truncated varint", &[0x08, 0xff]),
        ("length past the end", &[0x12, 0x05, b'a']),
        ("type field sent as bytes", &[0x0a, 0x01, 0x01]),
        ("string field with invalid UTF-8", &[0x12, 0x02, 0xc3, 0x28]),
        ("payload sent as a varint", &[0xa0, 0x01, 0x01]),
        (
            "malformed field inside a payload",
            &[0xa2, 0x01, 0x02, 0x0a, 0x05],
        ),
    ];
    for (what, payload) in cases {
        let mut buf = BytesMut::new();
        encode_frame(payload, &mut buf);
        match MessageCodec::new().decode(&mut buf) {
            Err(FramingError::Decode(_)) => {}
            other => panic!("{what}: expected a decode error, got {other:?}"),
        }
    }
}

#[test]
fn unknown_fields_are_skipped() {
    // type = 15 (device info), then fields atv does not model: 200 (varint),
    // 300 (bytes), 400 (fixed32), 500 (fixed64); then unique_identifier (85).
    let mut payload = vec![0x08, 0x0f];
    payload.extend_from_slice(&[0xc0, 0x0c, 0x2a]);
    payload.extend_from_slice(&[0xe2, 0x12, 0x03, 1, 2, 3]);
    payload.extend_from_slice(&[0x85, 0x19, 1, 2, 3, 4]);
    payload.extend_from_slice(&[0xa1, 0x1f, 1, 2, 3, 4, 5, 6, 7, 8]);
    payload.extend_from_slice(&[0xaa, 0x05, 0x02, b'I', b'D']);
    let message = decode_message(Bytes::from(payload)).expect("unknown fields are skipped");
    assert_eq!(message.r#type, Some(15));
    assert_eq!(message.unique_identifier.as_deref(), Some("ID"));
}

#[test]
fn unknown_enum_values_are_kept() {
    // type = 999, error_code = 12345: not in the enums, still decoded.
    let payload = vec![0x08, 0xe7, 0x07, 0x20, 0xb9, 0x60];
    let message = decode_message(Bytes::from(payload)).expect("decodes");
    assert_eq!(message.r#type, Some(999));
    assert_eq!(message.error_code, Some(12345));
    assert_eq!(
        message.r#type(),
        atv_mrp::protobuf::MessageType::UnknownMessage
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    // DeviceInfoMessage.grouped_devices (field 28) nested 10 000 deep inside
    // ProtocolMessage.device_info_message (field 20).
    let mut inner: Vec<u8> = Vec::new();
    for _ in 0..10_000 {
        let mut outer = vec![0xe2, 0x01];
        prost::encoding::encode_varint(inner.len() as u64, &mut outer);
        outer.extend_from_slice(&inner);
        inner = outer;
    }
    let mut payload = vec![0xa2, 0x01];
    prost::encoding::encode_varint(inner.len() as u64, &mut payload);
    payload.extend_from_slice(&inner);
    assert!(decode_message(Bytes::from(payload)).is_err());
}

#[test]
fn encoded_message_matches_plain_functions() {
    for message in sample_messages() {
        let mut via_codec = BytesMut::new();
        MessageCodec::new()
            .encode(&message, &mut via_codec)
            .unwrap();
        let mut via_functions = BytesMut::new();
        encode_frame(&encode_message(&message), &mut via_functions);
        assert_eq!(via_codec, via_functions);
        let payload = decode_frame(&mut via_functions, DEFAULT_MAX_FRAME_LEN)
            .unwrap()
            .unwrap();
        assert_eq!(decode_message(payload.freeze()).unwrap(), message);
    }
}

/// The codec over a real TCP connection on loopback, with the writer sending the stream in
/// small, delayed pieces so frames arrive split across reads.
#[test]
fn codec_over_loopback_tcp() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        let messages = sample_messages();
        let stream = encode_all(&messages).freeze();

        let writer = std::thread::spawn(move || {
            let mut socket = StdTcpStream::connect(address).expect("connect");
            socket.set_nodelay(true).expect("nodelay");
            for piece in stream.chunks(997) {
                socket.write_all(piece).expect("write");
                std::thread::sleep(Duration::from_millis(1));
            }
            // Dropping the socket closes it: the reader then sees a clean end.
        });

        let (socket, _) = tokio::time::timeout(Duration::from_secs(10), listener.accept())
            .await
            .expect("accept in time")
            .expect("accept");
        let mut frames = FramedRead::new(socket, MessageCodec::new());
        let mut received = Vec::new();
        loop {
            let next = tokio::time::timeout(Duration::from_secs(10), frames.next())
                .await
                .expect("a frame or the end in time");
            match next {
                Some(message) => received.push(message.expect("valid frame")),
                None => break,
            }
        }
        writer.join().expect("writer thread");
        assert_eq!(received, messages);
    });
}
