//! Round-trip fuzzing of the DNS message codec: any input either fails to parse or parses
//! into a packet that our encoder writes and our decoder reads back unchanged; assembling
//! services from it never panics.
#![no_main]

use atv_mdns::decode::decode;
use atv_mdns::encode::encode;
use atv_mdns::service_table::ServiceTable;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(decoded) = decode(data) else {
        return;
    };
    let mut table = ServiceTable::new();
    table.add_packet(&decoded.packet);
    let _ = table.services();
    // Encoding may legitimately fail (e.g. a message that grows past 64 KiB once its
    // names are written out); whatever it writes must read back the same.
    let Ok(bytes) = encode(&decoded.packet) else {
        return;
    };
    let again = decode(&bytes).expect("our own encoding parses");
    assert_eq!(again.skipped_records, 0);
    assert_eq!(again.packet, decoded.packet);
});
