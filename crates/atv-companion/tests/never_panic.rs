//! Peer bytes never panic: random and mutated frame payloads through the message
//! classifier, and random and mutated archives through the text-input reader (the
//! fuzz target `message` does the same without bounds).

use atv_companion::frame::FrameType;
use atv_companion::keyed_archiver::{input_text_payload, text_input_state};
use atv_companion::message::Inbound;
use atv_companion::message::{MessageType, classify, dict, message, response_error};
use atv_companion::opack::{self, Value};

/// SplitMix64, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn mutate(rng: &mut Rng, base: &[u8]) -> Vec<u8> {
    let mut bytes = base.to_vec();
    for _ in 0..=rng.below(4) {
        match rng.below(3) {
            0 if !bytes.is_empty() => {
                let at = rng.below(bytes.len());
                bytes[at] = rng.next() as u8;
            }
            1 if !bytes.is_empty() => bytes.truncate(rng.below(bytes.len())),
            _ => bytes.push(rng.next() as u8),
        }
    }
    bytes
}

#[test]
fn classifier_and_archive_reader_survive_anything() {
    let mut rng = Rng(42);
    let request = opack::encode(&message(
        "_hidC",
        MessageType::Response,
        dict([("_hBtS", Value::Int(1)), ("_em", Value::Int(3))]),
        9,
    ));
    let archive = input_text_payload(b"0123456789abcdef", "text");
    let mut responses = 0;
    for round in 0..20_000 {
        let base: &[u8] = if round % 2 == 0 { &request } else { &archive };
        let data = if round % 5 == 0 {
            (0..rng.below(64)).map(|_| rng.next() as u8).collect()
        } else {
            mutate(&mut rng, base)
        };
        let frame_type = FrameType::from_byte(rng.next() as u8 % 12);
        if let Ok(Inbound::Response { body, .. }) = classify(frame_type, &data) {
            responses += 1;
            let _ = response_error(&body);
        }
        let _ = classify(FrameType::EOpack, &data);
        let _ = text_input_state(&data);
    }
    assert!(responses > 0, "mutations should keep some responses valid");
}
