//! Deterministic random input never panics the framing or the decoder, and whatever
//! decodes re-encodes to a stable form. (The fuzz target in fuzz/ explores further.)

use atv_mrp::framing::{FrameCodec, MessageCodec, encode_frame, encode_message};
use atv_mrp::message_builders::{ClientDescription, MessageBuilder};
use atv_mrp::protobuf::{Command, ProtocolMessage};
use bytes::{Bytes, BytesMut};
use prost::Message;
use tokio_util::codec::Decoder;

/// xorshift64*: small, fast and the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let mut build = MessageBuilder::with_ids(|| "5A4C3B2A-1F0E-4D3C-8B7A-695847362514".into());
    let client = ClientDescription {
        name: "Fuzz".into(),
        os_build: "18M60".into(),
        pairing_identifier: "ID".into(),
    };
    [
        build.device_information(&client, false),
        build.command(Command::Play, None),
        build.seek_to_position(1.5),
        build.send_hid_event(1, 0x8b, true),
        build.add_output_devices(&["A", "B"]),
        build.crypto_pairing(Bytes::from_static(&[0, 1, 0, 6, 1, 1]), true),
    ]
    .iter()
    .map(|m| encode_message(m).to_vec())
    .collect()
}

fn mutate(rng: &mut Rng, mut data: Vec<u8>) -> Vec<u8> {
    for _ in 0..=rng.below(4) {
        match rng.below(5) {
            0 if !data.is_empty() => {
                let at = rng.below(data.len());
                data[at] ^= 1 << rng.below(8);
            }
            1 if !data.is_empty() => {
                let at = rng.below(data.len());
                data[at] = rng.next() as u8;
            }
            2 => {
                let at = rng.below(data.len() + 1);
                let len = rng.below(8);
                let insert = rng.bytes(len);
                data.splice(at..at, insert);
            }
            3 if !data.is_empty() => {
                let at = rng.below(data.len());
                data.truncate(at);
            }
            _ => {
                let from = rng.below(data.len() + 1);
                let tail = data[from..].to_vec();
                data.extend_from_slice(&tail);
            }
        }
    }
    data
}

/// Decodes a payload; if it decodes, its encoding must be stable.
fn check_payload(payload: &[u8]) -> bool {
    let Ok(message) = ProtocolMessage::decode(payload) else {
        return false;
    };
    let once = message.encode_to_vec();
    let again = ProtocolMessage::decode(&once[..])
        .expect("atv's own encoding decodes")
        .encode_to_vec();
    assert_eq!(once, again, "re-encoding is not stable for {payload:02x?}");
    true
}

/// Runs a byte stream through the frame and message codecs in random-sized pieces.
fn check_stream(rng: &mut Rng, stream: &[u8]) {
    let mut frames = FrameCodec::with_max_frame_len(4096);
    let mut messages = MessageCodec::with_max_frame_len(4096);
    let (mut a, mut b) = (BytesMut::new(), BytesMut::new());
    let mut rest = stream;
    let (mut frames_ok, mut messages_ok) = (true, true);
    while !rest.is_empty() {
        let take = 1 + rng.below(rest.len().min(64));
        a.extend_from_slice(&rest[..take]);
        b.extend_from_slice(&rest[..take]);
        rest = &rest[take..];
        while frames_ok {
            match frames.decode(&mut a) {
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(_) => frames_ok = false,
            }
        }
        while messages_ok {
            match messages.decode(&mut b) {
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(_) => messages_ok = false,
            }
        }
    }
    if frames_ok {
        let _ = frames.decode_eof(&mut a);
    }
    if messages_ok {
        let _ = messages.decode_eof(&mut b);
    }
}

#[test]
fn random_and_mutated_input_never_panics() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let seeds = seeds();
    let mut decoded = 0;
    for round in 0..20_000 {
        let payload = if round % 4 == 0 {
            let len = rng.below(256);
            rng.bytes(len)
        } else {
            let seed = seeds[rng.below(seeds.len())].clone();
            mutate(&mut rng, seed)
        };
        if check_payload(&payload) {
            decoded += 1;
        }

        // Framed: valid frames around the payload, or the raw bytes as a stream.
        let mut stream = BytesMut::new();
        if round % 2 == 0 {
            encode_frame(&payload, &mut stream);
            encode_frame(&seeds[0], &mut stream);
        } else {
            stream.extend_from_slice(&payload);
        }
        check_stream(&mut rng, &stream);
    }
    // Both outcomes must have been exercised for the test to mean anything.
    assert!(decoded > 1_000, "only {decoded} inputs decoded");
    assert!(
        decoded < 20_000,
        "every input decoded: mutations are not biting"
    );
    println!("{decoded} of 20000 inputs decoded");
}
