//! What a received Companion frame becomes: any payload of any frame type is sorted
//! without panicking, and a text-input archive (`_tiD`, a binary plist from the device)
//! is read without panicking.

#![no_main]

use atv_companion::frame::FrameType;
use atv_companion::keyed_archiver::text_input_state;
use atv_companion::message::{Inbound, classify, response_error};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&frame_type, payload)) = data.split_first() else {
        return;
    };
    if let Ok(Inbound::Response { body, .. }) = classify(FrameType::from_byte(frame_type), payload)
    {
        let _ = response_error(&body);
    }
    let _ = text_input_state(payload);
});
