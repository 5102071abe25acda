use bytes::{Bytes, BytesMut};
use tokio_util::codec::{Decoder, Encoder};

use super::*;
use crate::wire::WireError;

/// A SEND_COMMAND_MESSAGE (play) with identifier "ABC", serialized by pyatv 0.18.0.
const MESSAGE: &str = "080112034142432000aa052437314643323939312d353236332d343643302d394633\
412d34373939393243384430304332020801";

/// pyatv 0.18.0's DataStream frame (seqno 0x123456789) carrying MESSAGE twice.
const FRAME: &str = "000000cc73796e630000000000000000636f6d6d00000001234567890000000062706c6973743030d1010256\
706172616d73d1030454646174614f106a34080112034142432000aa052437314643323939312d353236332d\
343643302d394633412d3437393939324338443030433202080134080112034142432000aa05243731464332\
3939312d353236332d343643302d394633412d34373939393243384430304332020801080b12151a00000000\
00000101000000000000000500000000000000000000000000000087";

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn decodes_pyatv_frame() {
    let mut buf = BytesMut::from(&hex(FRAME)[..]);
    buf.extend_from_slice(b"next");
    let frame = decode_frame(&mut buf).unwrap().unwrap();
    assert!(frame.is_sync());
    assert_eq!(frame.command, COMMAND_COMM);
    assert_eq!(frame.seqno, 0x1_2345_6789);
    assert_eq!(&buf[..], b"next");
    let data = decode_mrp_payload(&frame.payload).unwrap().unwrap();
    let messages = split_mrp_messages(&data).unwrap();
    assert_eq!(messages, vec![Bytes::from(hex(MESSAGE)); 2]);
}

#[test]
fn encoded_frame_has_pyatv_header_and_decodable_payload() {
    let message = hex(MESSAGE);
    let frame =
        DataStreamFrame::sync_comm(0x1_2345_6789, encode_mrp_payload(&[&message, &message]));
    let mut out = BytesMut::new();
    frame.encode(&mut out);
    let reference = hex(FRAME);
    // Same header fields (the size differs if the plist writer lays out differently).
    assert_eq!(out[4..32], reference[4..32]);
    assert_eq!(
        u32::from_be_bytes(out[..4].try_into().unwrap()) as usize,
        out.len()
    );
    let back = decode_frame(&mut out).unwrap().unwrap();
    assert_eq!(back, frame);
    let data = decode_mrp_payload(&back.payload).unwrap().unwrap();
    assert_eq!(
        split_mrp_messages(&data).unwrap(),
        vec![Bytes::from(message); 2]
    );
}

#[test]
fn reply_matches_pyatv_layout() {
    let mut out = BytesMut::new();
    DataStreamFrame::reply(0x1_2345_6789).encode(&mut out);
    let expected = hex(
        "0000002072706c790000000000000000000000000000000123456789000000\
00",
    );
    assert_eq!(&out[..], &expected[..]);
    let back = decode_frame(&mut out).unwrap().unwrap();
    assert!(back.is_reply() && !back.is_sync());
    assert!(back.payload.is_empty());
}

#[test]
fn incomplete_frames_wait() {
    let full = hex(FRAME);
    for cut in [0, 1, 31, 32, 100, full.len() - 1] {
        let mut buf = BytesMut::from(&full[..cut]);
        assert_eq!(decode_frame(&mut buf).unwrap(), None, "cut at {cut}");
        assert_eq!(buf.len(), cut);
    }
}

#[test]
fn rejects_bad_sizes() {
    let mut small = BytesMut::from(&[0u8; 32][..]);
    small[3] = 31;
    assert!(matches!(
        decode_frame(&mut small),
        Err(WireError::BadFrameSize { size: 31, .. })
    ));
    let mut large = BytesMut::from(&hex(FRAME)[..]);
    assert!(matches!(
        decode_frame_with(&mut large, 100),
        Err(WireError::BadFrameSize { .. })
    ));
}

#[test]
fn unprefixed_message_is_taken_whole() {
    let message = hex(MESSAGE);
    assert_eq!(
        split_mrp_messages(&message).unwrap(),
        vec![Bytes::from(message)]
    );
}

#[test]
fn rejects_bad_message_lengths() {
    assert_eq!(
        split_mrp_messages(&[0x05, 1, 2]),
        Err(WireError::BadMessageLength)
    );
    assert_eq!(
        split_mrp_messages(&[0xff; 11]),
        Err(WireError::BadMessageLength)
    );
    assert_eq!(split_mrp_messages(&[]).unwrap(), Vec::<Bytes>::new());
}

#[test]
fn payload_errors() {
    assert!(matches!(
        decode_mrp_payload(b"garbage"),
        Err(WireError::BadPayload { .. })
    ));
    // A plist without params.data is valid but carries no messages.
    let mut out = Vec::new();
    plist::Value::Dictionary(plist::Dictionary::new())
        .to_writer_binary(&mut out)
        .unwrap();
    assert_eq!(decode_mrp_payload(&out).unwrap(), None);
    let mut out = Vec::new();
    plist::Value::Integer(3.into())
        .to_writer_binary(&mut out)
        .unwrap();
    assert!(decode_mrp_payload(&out).is_err());
}

#[test]
fn codec_round_trip() {
    let mut codec = DataStreamCodec::new();
    let mut buf = BytesMut::new();
    codec
        .encode(
            DataStreamFrame::sync_comm(1, encode_mrp_payload(&[b"\x08\x01"])),
            &mut buf,
        )
        .unwrap();
    codec.encode(DataStreamFrame::reply(1), &mut buf).unwrap();
    assert!(codec.decode(&mut buf).unwrap().unwrap().is_sync());
    assert!(codec.decode(&mut buf).unwrap().unwrap().is_reply());
    assert_eq!(codec.decode(&mut buf).unwrap(), None);
}
