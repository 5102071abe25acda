//! Frame splitting: any byte stream, fed in two pieces, gives the frames it gives whole,
//! and each frame re-encodes to the bytes it came from.

#![no_main]

use atv_companion::frame::FrameCodec;
use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use tokio_util::codec::{Decoder, Encoder};

fuzz_target!(|data: &[u8]| {
    let Some((&split, stream)) = data.split_first() else {
        return;
    };
    let mut codec = FrameCodec::with_max_payload_len(4096);
    let mut whole = BytesMut::from(stream);
    let mut frames = Vec::new();
    while let Ok(Some(frame)) = codec.decode(&mut whole) {
        frames.push(frame);
    }

    let split = usize::from(split).min(stream.len());
    let mut pieces = BytesMut::from(&stream[..split]);
    let mut again = Vec::new();
    while let Ok(Some(frame)) = codec.decode(&mut pieces) {
        again.push(frame);
    }
    pieces.extend_from_slice(&stream[split..]);
    while let Ok(Some(frame)) = codec.decode(&mut pieces) {
        again.push(frame);
    }
    assert_eq!(again, frames);

    let mut out = BytesMut::new();
    for frame in &frames {
        codec
            .encode(frame, &mut out)
            .expect("a decoded frame encodes");
    }
    assert_eq!(&out[..], &stream[..out.len()]);
});
