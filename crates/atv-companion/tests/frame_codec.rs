//! The Companion frame codec: header layout, partial input, several frames at once,
//! limits, and unknown frame types.

mod support;

use atv_companion::CodecError;
use atv_companion::frame::{
    Frame, FrameCodec, FrameType, HEADER_LEN, MAX_PAYLOAD_LEN, header, parse_header,
};
use atv_companion::opack::{self, Value};
use bytes::BytesMut;
use support::Rng;
use tokio_util::codec::{Decoder, Encoder};

fn encoded(frames: &[Frame]) -> BytesMut {
    let mut codec = FrameCodec::new();
    let mut out = BytesMut::new();
    for frame in frames {
        codec.encode(frame, &mut out).expect("encode");
    }
    out
}

#[test]
fn frame_types_have_pyatvs_numbers() {
    let known = [
        (0x00, FrameType::Unknown),
        (0x01, FrameType::NoOp),
        (0x03, FrameType::PsStart),
        (0x04, FrameType::PsNext),
        (0x05, FrameType::PvStart),
        (0x06, FrameType::PvNext),
        (0x07, FrameType::UOpack),
        (0x08, FrameType::EOpack),
        (0x09, FrameType::POpack),
        (0x0A, FrameType::PaReq),
        (0x0B, FrameType::PaRsp),
        (0x10, FrameType::SessionStartRequest),
        (0x11, FrameType::SessionStartResponse),
        (0x12, FrameType::SessionData),
        (0x20, FrameType::FamilyIdentityRequest),
        (0x21, FrameType::FamilyIdentityResponse),
        (0x22, FrameType::FamilyIdentityUpdate),
    ];
    for (byte, frame_type) in known {
        assert_eq!(FrameType::from(byte), frame_type);
        assert_eq!(u8::from(frame_type), byte);
    }
    let others = (0..=u8::MAX)
        .filter(|b| matches!(FrameType::from(*b), FrameType::Other(_)))
        .count();
    assert_eq!(others, 256 - known.len());
}

#[test]
fn header_is_type_then_three_byte_big_endian_length() {
    let frame = Frame::new(FrameType::EOpack, vec![0xAA; 0x0102]);
    let bytes = encoded(&[frame]);
    assert_eq!(&bytes[..HEADER_LEN], &[0x08, 0x00, 0x01, 0x02]);
    assert_eq!(bytes.len(), HEADER_LEN + 0x0102);
    assert_eq!(
        header(FrameType::PsStart, 0xAB_CDEF).unwrap(),
        [0x03, 0xAB, 0xCD, 0xEF]
    );
    assert_eq!(
        parse_header([0x22, 0xFF, 0xFF, 0xFF]),
        (FrameType::FamilyIdentityUpdate, MAX_PAYLOAD_LEN)
    );
}

#[test]
fn opack_request_round_trips_through_a_frame() {
    let request: Value = [
        ("_i", Value::from("_launchApp")),
        ("_t", Value::from(2)),
        ("_x", Value::from(40_000)),
        (
            "_c",
            [("_bundleID", "com.apple.TVSettings")]
                .into_iter()
                .collect(),
        ),
    ]
    .into_iter()
    .collect();
    let frame = Frame::new(FrameType::EOpack, opack::encode(&request));
    let mut bytes = encoded(std::slice::from_ref(&frame));
    let decoded = FrameCodec::new().decode(&mut bytes).unwrap().unwrap();
    assert_eq!(decoded, frame);
    assert!(bytes.is_empty());
    let (value, _) = opack::decode(&decoded.payload).unwrap();
    assert_eq!(value, request);
}

#[test]
fn byte_by_byte_and_all_at_once_give_the_same_frames() {
    let mut rng = Rng::new(9);
    let frames: Vec<Frame> = (0..50)
        .map(|_| {
            let len = *rng.pick(&[0, 1, 3, 19, 255, 256, 4000]);
            Frame::new(FrameType::from(rng.next_u64() as u8), rng.bytes(len))
        })
        .collect();
    let stream = encoded(&frames);

    // All at once.
    let mut codec = FrameCodec::new();
    let mut buffer = stream.clone();
    let mut got = Vec::new();
    while let Some(frame) = codec.decode(&mut buffer).unwrap() {
        got.push(frame);
    }
    assert_eq!(got, frames);
    assert!(buffer.is_empty());

    // One byte at a time, and in random chunks.
    for chunked in [false, true] {
        let mut buffer = BytesMut::new();
        let mut got = Vec::new();
        let mut rest = &stream[..];
        while !rest.is_empty() {
            let take = if chunked {
                1 + rng.below(rest.len().min(700))
            } else {
                1
            };
            buffer.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            while let Some(frame) = codec.decode(&mut buffer).unwrap() {
                got.push(frame);
            }
        }
        assert_eq!(got, frames);
        assert!(codec.decode_eof(&mut buffer).unwrap().is_none());
    }
}

#[test]
fn unknown_frame_types_are_kept_not_fatal() {
    // Like pyatv, a frame of a type nobody knows is read whole; the next one follows.
    let mut bytes = BytesMut::from(&b"\x7f\x00\x00\x02hi\x08\x00\x00\x01\x08"[..]);
    let mut codec = FrameCodec::new();
    let first = codec.decode(&mut bytes).unwrap().unwrap();
    assert_eq!(first.frame_type, FrameType::Other(0x7f));
    assert_eq!(&first.payload[..], b"hi");
    let second = codec.decode(&mut bytes).unwrap().unwrap();
    assert_eq!(second.frame_type, FrameType::EOpack);
}

#[test]
fn partial_frame_at_end_of_stream_is_an_error() {
    let mut codec = FrameCodec::new();
    let mut bytes = BytesMut::from(&b"\x08\x00\x00\x05abc"[..]);
    assert!(codec.decode(&mut bytes).unwrap().is_none());
    assert!(matches!(
        codec.decode_eof(&mut bytes),
        Err(CodecError::FrameTruncated { buffered: 7 })
    ));
    let mut header_only = BytesMut::from(&b"\x08\x00"[..]);
    assert!(matches!(
        codec.decode_eof(&mut header_only),
        Err(CodecError::FrameTruncated { buffered: 2 })
    ));
}

#[test]
fn oversize_frames_are_refused() {
    // Sending: more than three bytes of length can say.
    let mut codec = FrameCodec::new();
    let mut out = BytesMut::new();
    let big = Frame::new(FrameType::EOpack, vec![0; MAX_PAYLOAD_LEN + 1]);
    assert!(matches!(
        codec.encode(&big, &mut out),
        Err(CodecError::FrameTooLarge { length, max: MAX_PAYLOAD_LEN })
            if length == MAX_PAYLOAD_LEN + 1
    ));
    assert!(out.is_empty());
    assert!(header(FrameType::EOpack, MAX_PAYLOAD_LEN + 1).is_err());
    // The largest payload is fine.
    let largest = Frame::new(FrameType::EOpack, vec![0; MAX_PAYLOAD_LEN]);
    codec.encode(&largest, &mut out).unwrap();
    assert_eq!(&out[..HEADER_LEN], &[0x08, 0xFF, 0xFF, 0xFF]);
    assert_eq!(codec.decode(&mut out).unwrap().unwrap(), largest);

    // Receiving: a lower limit is checked from the header alone, before any payload.
    let mut small = FrameCodec::with_max_payload_len(1024);
    assert_eq!(small.max_payload_len(), 1024);
    let mut bytes = BytesMut::from(&b"\x08\x00\x04\x01"[..]);
    assert!(matches!(
        small.decode(&mut bytes),
        Err(CodecError::FrameTooLarge {
            length: 1025,
            max: 1024
        })
    ));
    assert_eq!(
        FrameCodec::with_max_payload_len(usize::MAX).max_payload_len(),
        MAX_PAYLOAD_LEN
    );
}

#[test]
fn a_claimed_length_does_not_reserve_it_all() {
    let mut codec = FrameCodec::new();
    let mut bytes = BytesMut::from(&b"\x08\xff\xff\xff"[..]);
    assert!(codec.decode(&mut bytes).unwrap().is_none());
    assert!(bytes.capacity() < 1 << 20, "reserved {}", bytes.capacity());
}

#[test]
fn random_streams_never_panic() {
    let mut rng = Rng::new(10);
    let mut codec = FrameCodec::with_max_payload_len(64);
    for _ in 0..20_000 {
        let len = rng.below(30);
        let mut bytes = BytesMut::from(&rng.bytes(len)[..]);
        while let Ok(Some(frame)) = codec.decode(&mut bytes) {
            assert!(frame.payload.len() <= 64);
        }
        let _ = codec.decode_eof(&mut bytes);
    }
}
