//! TLV8: decoding never panics, and decode → encode → decode gives the same items.
#![no_main]

use atv_pairing::Tlv8;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(tlv) = Tlv8::decode(data) {
        let encoded = tlv.encode();
        let again = Tlv8::decode(&encoded).expect("our own encoding decodes");
        assert_eq!(again, tlv);
        assert_eq!(again.encode(), encoded);
    }
});
