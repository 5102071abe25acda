//! DataStream frame and payload decoding never panics; frames round-trip.
#![no_main]

use atv_airplay::datastream::{decode_frame, decode_mrp_payload, split_mrp_messages};
use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut buf = BytesMut::from(data);
    while let Ok(Some(frame)) = decode_frame(&mut buf) {
        let mut out = BytesMut::new();
        frame.encode(&mut out);
        assert_eq!(
            decode_frame(&mut out).expect("re-decode"),
            Some(frame.clone())
        );
        if let Ok(Some(data)) = decode_mrp_payload(&frame.payload) {
            let _ = split_mrp_messages(&data);
        }
    }
    let _ = split_mrp_messages(data);
    let _ = decode_mrp_payload(data);
});
