//! Bad packets: the decoder returns an error or skips records, never panics; whatever it
//! accepts survives encode → decode unchanged. Includes a deterministic randomized run
//! (mutations of real packets plus generated packets) so it runs in every `cargo test`.

use std::net::Ipv4Addr;
use std::path::PathBuf;

use atv_mdns::decode::decode;
use atv_mdns::encode::encode;
use atv_mdns::message::{Name, Packet, Question, Record, RecordData, RecordType};
use atv_mdns::service_table::ServiceTable;

fn data(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read(path).expect("vector present")
}

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n.max(1)).unwrap()).unwrap()
    }
    fn byte(&mut self) -> u8 {
        self.next().to_le_bytes()[0]
    }
}

/// Decodes, and if accepted checks the round trip and that assembling services works.
fn check(bytes: &[u8]) {
    let Ok(decoded) = decode(bytes) else {
        return;
    };
    let mut table = ServiceTable::new();
    table.add_packet(&decoded.packet);
    let _ = table.services();
    let Ok(encoded) = encode(&decoded.packet) else {
        return;
    };
    let again = decode(&encoded).expect("our own encoding parses");
    assert_eq!(again.skipped_records, 0);
    assert_eq!(again.packet, decoded.packet);
}

fn vectors() -> Vec<Vec<u8>> {
    [
        "zeroconf_appletv_reply_0.bin",
        "zeroconf_appletv_reply_1.bin",
        "zeroconf_appletv_reply_2.bin",
        "pyatv_fake_awake_reply_0.bin",
        "pyatv_fake_sleep_proxy_reply_1.bin",
        "pyatv_query_0.bin",
    ]
    .iter()
    .map(|f| data(f))
    .collect()
}

#[test]
fn every_truncation_is_handled() {
    for packet in vectors() {
        for len in 0..packet.len() {
            let prefix = &packet[..len];
            match decode(prefix) {
                Err(_) => {}
                Ok(decoded) => {
                    // Records cut off are counted, never invented.
                    let full = decode(&packet).unwrap().packet;
                    let kept = decoded.packet.answers.len()
                        + decoded.packet.authorities.len()
                        + decoded.packet.additionals.len();
                    let all = full.answers.len() + full.authorities.len() + full.additionals.len();
                    assert_eq!(kept + decoded.skipped_records, all);
                }
            }
            check(prefix);
        }
    }
}

#[test]
fn pointer_loops_in_records_stop_parsing() {
    // Header: one answer; its owner name is a pointer to itself (offset 12).
    let mut packet = vec![0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 1];
    packet.extend_from_slice(b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x78\x00\x04\x0a\x00\x00\x01");
    packet.extend_from_slice(b"\x01a\x00\x00\x01\x00\x01\x00\x00\x00\x78\x00\x04\x0a\x00\x00\x02");
    let decoded = decode(&packet).unwrap();
    assert!(decoded.packet.answers.is_empty());
    assert!(decoded.packet.additionals.is_empty());
    assert_eq!(decoded.skipped_records, 2);

    // Two names pointing at each other inside RDATA: the PTR is skipped, the A after it
    // is kept.
    let mut packet = vec![0, 0, 0x84, 0, 0, 0, 0, 2, 0, 0, 0, 0];
    packet.extend_from_slice(b"\x01a\x00\x00\x0c\x00\x01\x00\x00\x00\x78\x00\x02\xc0\x19");
    packet.extend_from_slice(b"\x01b\x00\x00\x01\x00\x01\x00\x00\x00\x78\x00\x04\x0a\x00\x00\x02");
    let decoded = decode(&packet).unwrap();
    assert_eq!(decoded.skipped_records, 1);
    assert_eq!(
        decoded.packet.answers[0].data,
        RecordData::A(Ipv4Addr::new(10, 0, 0, 2))
    );
}

#[test]
fn empty_txt_among_good_records_keeps_them() {
    // Take zeroconf's reply and empty the RDATA of its first TXT record, shrinking the
    // packet: a device sending zero-length TXT must not hide its other records.
    let original = decode(&data("zeroconf_appletv_reply_0.bin"))
        .unwrap()
        .packet;
    let mut packet = original.clone();
    let txt = packet
        .additionals
        .iter_mut()
        .find(|r| matches!(r.data, RecordData::Txt(_)))
        .unwrap();
    txt.data = RecordData::Txt(Vec::new());
    let bytes = encode(&packet).unwrap();
    let decoded = decode(&bytes).unwrap();
    assert_eq!(decoded.skipped_records, 0);
    let mut table = ServiceTable::new();
    table.add_packet(&decoded.packet);
    let services = table.services();
    assert_eq!(services.len(), 4);
    let airplay = services
        .iter()
        .find(|s| s.service_type == "_airplay._tcp.local")
        .unwrap();
    assert!(airplay.properties.is_empty());
    assert_eq!(airplay.port, 7000);
    for other in ["_companion-link._tcp.local", "_mediaremotetv._tcp.local"] {
        let service = services.iter().find(|s| s.service_type == other).unwrap();
        assert!(!service.properties.is_empty(), "{other}");
    }
    // hickory's whole-message decoder gives up on such a packet.
    assert!(hickory_proto::op::Message::from_vec(&bytes).is_err());
}

#[test]
fn absurd_counts_and_garbage() {
    let mut packet = vec![
        0, 0, 0x84, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    ];
    assert!(
        decode(&packet).is_err(),
        "65535 questions announced, none there"
    );
    packet[4] = 0;
    packet[5] = 0;
    let decoded = decode(&packet).unwrap();
    assert_eq!(decoded.skipped_records, 3 * 65535);
    for len in 0..64 {
        check(&vec![0xc0; len]);
        check(&vec![0xff; len]);
        check(&vec![0x00; len]);
    }
}

#[test]
fn record_types_survive_the_u16_round_trip() {
    for code in 0..=u16::MAX {
        assert_eq!(u16::from(RecordType::from(code)), code);
    }
}

#[test]
fn randomized_mutations_never_panic() {
    let mut rng = Rng(0x5eed_a7f0_0d15_ea5e);
    let vectors = vectors();
    for round in 0..20_000 {
        let mut packet = vectors[round % vectors.len()].clone();
        for _ in 0..=rng.below(8) {
            if packet.is_empty() {
                break;
            }
            let at = rng.below(packet.len());
            match rng.below(6) {
                0 => packet[at] = rng.byte(),
                1 => packet[at] ^= 1 << rng.below(8),
                2 => packet.truncate(at),
                3 => {
                    let byte = rng.byte();
                    packet.insert(at, byte);
                }
                4 => {
                    // A compression pointer to a random place.
                    let target = u16::try_from(rng.below(packet.len())).unwrap();
                    let pointer = (0xc000 | target).to_be_bytes();
                    packet[at] = pointer[0];
                    if let Some(next) = packet.get_mut(at + 1) {
                        *next = pointer[1];
                    }
                }
                _ => {
                    // A header count set to something large.
                    let field = 4 + 2 * rng.below(4);
                    if packet.len() > field + 1 {
                        packet[field] = rng.byte();
                        packet[field + 1] = rng.byte();
                    }
                }
            }
        }
        check(&packet);
    }
}

fn random_name(rng: &mut Rng) -> Name {
    const LABELS: [&[u8]; 8] = [
        b"local",
        b"_airplay",
        b"_tcp",
        b"Living Room",
        b"K\xc3\xbcche",
        b"a.b",
        b"_udp",
        b"Apple\xc2\xa0TV",
    ];
    let count = 1 + rng.below(4);
    let labels: Vec<&[u8]> = (0..count)
        .map(|_| LABELS[rng.below(LABELS.len())])
        .collect();
    Name::from_labels(labels).unwrap()
}

fn random_data(rng: &mut Rng) -> RecordData {
    match rng.below(7) {
        0 => RecordData::A(Ipv4Addr::from(
            rng.next().to_le_bytes()[..4]
                .try_into()
                .map(u32::from_le_bytes)
                .unwrap(),
        )),
        1 => RecordData::Aaaa(u128::from(rng.next()).into()),
        2 => RecordData::Ptr(random_name(rng)),
        3 => RecordData::Srv {
            priority: 0,
            weight: 0,
            port: u16::from(rng.byte()) << 8 | u16::from(rng.byte()),
            target: random_name(rng),
        },
        4 => RecordData::Txt(
            (0..rng.below(4))
                .map(|_| (0..rng.below(300).min(255)).map(|_| rng.byte()).collect())
                .collect(),
        ),
        5 => RecordData::Other {
            record_type: 47,
            data: (0..rng.below(20)).map(|_| rng.byte()).collect(),
        },
        _ => RecordData::Txt(Vec::new()),
    }
}

#[test]
fn randomized_generated_packets_round_trip() {
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    for _ in 0..3_000 {
        let records = |rng: &mut Rng| -> Vec<Record> {
            (0..rng.below(6))
                .map(|_| Record {
                    name: random_name(rng),
                    class: 1,
                    cache_flush: rng.below(2) == 0,
                    ttl: u32::from(rng.byte()),
                    data: random_data(rng),
                })
                .collect()
        };
        let packet = Packet {
            id: u16::from(rng.byte()),
            flags: 0x8400,
            questions: (0..rng.below(4))
                .map(|_| Question::new(random_name(&mut rng), RecordType::PTR, rng.below(2) == 0))
                .collect(),
            answers: records(&mut rng),
            authorities: records(&mut rng),
            additionals: records(&mut rng),
        };
        let bytes = encode(&packet).unwrap();
        let decoded = decode(&bytes).unwrap();
        assert_eq!(decoded.skipped_records, 0);
        assert_eq!(decoded.packet, packet);
        check(&bytes);
    }
}
