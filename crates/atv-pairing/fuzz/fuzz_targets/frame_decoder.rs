//! HAP frame decoder: arbitrary bytes (as one buffer and split at an arbitrary point)
//! never panic; the first byte picks where the input is split.
#![no_main]

use atv_pairing::frame_codec::FrameOpener;
use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((split, data)) = data.split_first() else { return };
    let mut opener = FrameOpener::new(&[0x42; 32]);
    let _ = opener.open(data);

    let mut opener = FrameOpener::new(&[0x42; 32]);
    let at = usize::from(*split).min(data.len());
    let mut buf = BytesMut::from(&data[..at]);
    while let Ok(Some(_)) = opener.open_from(&mut buf) {}
    buf.extend_from_slice(&data[at..]);
    while let Ok(Some(_)) = opener.open_from(&mut buf) {}
});
