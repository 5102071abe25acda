//! OPACK round trip: whatever decodes must encode to bytes that decode to the same value,
//! and encoding that value again must give the same bytes.

#![no_main]

use atv_companion::opack;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok((value, used)) = opack::decode(data) else {
        return;
    };
    assert!(used <= data.len());
    let encoded = opack::encode(&value);
    let (again, again_used) = opack::decode(&encoded).expect("our own encoding decodes");
    assert_eq!(again_used, encoded.len());
    assert_eq!(again, value);
    assert_eq!(opack::encode(&again), encoded);
});
