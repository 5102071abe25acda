//! Feeds arbitrary bytes to the MRP framing and protobuf decoding, as a stream (split at a
//! point the input chooses) and as one frame payload. Nothing may panic, and whatever
//! decodes must re-encode to a stable form: encode(decode(encode(m))) == encode(m).
#![no_main]

use atv_mrp::framing::{FrameCodec, MessageCodec, decode_message, encode_message};
use bytes::{Bytes, BytesMut};
use libfuzzer_sys::fuzz_target;
use tokio_util::codec::Decoder;

fn check_round_trip(message: &atv_mrp::protobuf::ProtocolMessage) {
    let once = encode_message(message);
    let decoded = decode_message(once.clone()).expect("atv's own encoding decodes");
    assert_eq!(encode_message(&decoded), once, "re-encoding is not stable");
}

fuzz_target!(|data: &[u8]| {
    // The whole input as one frame payload.
    if let Ok(message) = decode_message(Bytes::copy_from_slice(data)) {
        check_round_trip(&message);
    }

    // The input as a stream, delivered in two pieces split where its first byte says.
    let split = data.first().map_or(0, |&b| usize::from(b)).min(data.len());
    let (first, second) = data.split_at(split);
    let mut codec = MessageCodec::with_max_frame_len(1 << 20);
    let mut frames = FrameCodec::with_max_frame_len(1 << 20);
    let mut buf = BytesMut::new();
    let mut raw = BytesMut::new();
    for piece in [first, second] {
        buf.extend_from_slice(piece);
        raw.extend_from_slice(piece);
        while let Ok(Some(message)) = codec.decode(&mut buf) {
            check_round_trip(&message);
        }
        while let Ok(Some(_frame)) = frames.decode(&mut raw) {}
    }
    let _ = codec.decode_eof(&mut buf);
    let _ = frames.decode_eof(&mut raw);
});
