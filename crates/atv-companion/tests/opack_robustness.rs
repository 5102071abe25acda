//! OPACK on hostile and random input: never a panic, bounded work, and encode/decode
//! agree with each other. Deterministic (fixed seeds), so a failure reproduces.

mod support;

use atv_companion::CodecError;
use atv_companion::opack::{self, MAX_DEPTH, MAX_REFERENCED_BYTES, Value};
use support::{Rng, Space};

const ANY: Space = Space {
    pyatv: false,
    max_depth: 5,
};

/// If `bytes` decode, the value re-encodes to something that decodes to it again.
#[track_caller]
fn check(bytes: &[u8]) {
    if let Ok((value, used)) = opack::decode(bytes) {
        assert!(used <= bytes.len() && used > 0);
        let again = opack::encode(&value);
        let (decoded, again_used) = opack::decode(&again).expect("our own encoding decodes");
        assert_eq!(decoded, value);
        assert_eq!(again_used, again.len());
    }
}

#[test]
fn random_values_round_trip() {
    let mut rng = Rng::new(1);
    for _ in 0..600 {
        let value = support::value(&mut rng, ANY, 0);
        let bytes = opack::encode(&value);
        let (decoded, used) = opack::decode(&bytes).expect("decode our encoding");
        assert_eq!(decoded, value);
        assert_eq!(used, bytes.len());
        // Encoding is a function of the value.
        assert_eq!(opack::encode(&decoded), bytes);
    }
}

#[test]
fn every_strict_prefix_is_truncated() {
    let mut rng = Rng::new(2);
    for _ in 0..150 {
        let value = support::value(&mut rng, ANY, 0);
        let bytes = opack::encode(&value);
        if bytes.len() > 5000 {
            continue;
        }
        for end in 0..bytes.len() {
            assert!(
                matches!(
                    opack::decode(&bytes[..end]),
                    Err(CodecError::OpackTruncated { .. })
                ),
                "prefix of {end} bytes"
            );
        }
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng::new(3);
    for _ in 0..100_000 {
        let len = rng.below(40);
        let mut bytes = rng.bytes(len);
        // Bias towards collection and reference tags, which nest and point.
        for b in bytes.iter_mut() {
            if rng.chance(30) {
                *b = *rng.pick(&[0xdf, 0xef, 0xd3, 0xe2, 0xa0, 0xa1, 0xc1, 0x03, 0x41, 0x30]);
            }
        }
        check(&bytes);
    }
}

#[test]
fn mutated_encodings_never_panic() {
    let mut rng = Rng::new(4);
    for _ in 0..3000 {
        let value = support::value(&mut rng, ANY, 0);
        let mut bytes = opack::encode(&value);
        if bytes.is_empty() || bytes.len() > 4000 {
            continue;
        }
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(bytes.len());
            match rng.below(4) {
                0 => bytes[at] = rng.next_u64() as u8,
                1 => bytes[at] ^= 1 << rng.below(8),
                2 => bytes.insert(at, rng.next_u64() as u8),
                _ => {
                    bytes.remove(at);
                }
            }
            if bytes.is_empty() {
                break;
            }
        }
        check(&bytes);
    }
}

#[test]
fn deep_nesting_is_refused() {
    let deep = vec![0xd1; 100_000];
    assert!(matches!(
        opack::decode(&deep),
        Err(CodecError::OpackTooDeep {
            limit: MAX_DEPTH,
            ..
        })
    ));
    let deep = vec![0xef; 100_000];
    assert!(matches!(
        opack::decode(&deep),
        Err(CodecError::OpackTooDeep { .. })
    ));
    // Exactly the limit is fine.
    let mut ok = vec![0xd1; MAX_DEPTH];
    ok.push(0x08);
    assert!(opack::decode(&ok).is_ok());
    let mut over = vec![0xd1; MAX_DEPTH + 1];
    over.push(0x08);
    assert!(opack::decode(&over).is_err());
}

#[test]
fn claimed_lengths_do_not_allocate() {
    // Lengths up to 2^64-1 with nothing behind them: errors, at once.
    for tag in [0x61u8, 0x62, 0x63, 0x64, 0x91, 0x92, 0x93, 0x94] {
        let mut bytes = vec![tag];
        bytes.extend([0xff; 8]);
        assert!(matches!(
            opack::decode(&bytes),
            Err(CodecError::OpackTruncated { offset: 0 })
        ));
    }
    // A reference index far past the table.
    let bytes = b"\xd1\xc4\xff\xff\xff\xff\xff\xff\xff\xff";
    assert!(matches!(
        opack::decode(bytes),
        Err(CodecError::OpackBadReference { known: 0, .. })
    ));
    // An endless array never terminated.
    assert!(matches!(
        opack::decode(&[0xdf; 3]),
        Err(CodecError::OpackTruncated { .. })
    ));
}

#[test]
fn reference_expansion_is_bounded() {
    // A 1 MiB string repeated by one-byte references: 17 copies pass the limit.
    let string_len = 1 << 20;
    let mut bytes = vec![0xdf, 0x63];
    bytes.extend((string_len as u32).to_le_bytes());
    bytes.extend(std::iter::repeat_n(b'a', string_len));
    bytes.extend([0xa0; 17]);
    bytes.push(0x03);
    assert!(matches!(
        opack::decode(&bytes),
        Err(CodecError::OpackExpansionTooLarge {
            limit: MAX_REFERENCED_BYTES
        })
    ));
    // Fewer copies are fine.
    let fewer = [&bytes[..bytes.len() - 18], &[0xa0; 10][..], &[0x03][..]].concat();
    let (value, _) = opack::decode(&fewer).expect("ten copies");
    assert_eq!(value.as_array().map(<[Value]>::len), Some(11));
}

#[test]
fn terminators_and_references_in_the_wrong_place() {
    for bytes in [
        &b"\x03"[..],
        b"\xd2\x08\x03",
        b"\xe1\x41\x61\x03",
        b"\xef\x41\x61\x03",
        b"\xa0",
        b"\xd2\x41\x61\xa1",
        b"\xd2\xd1\x08\xa0",
    ] {
        assert!(opack::decode(bytes).is_err(), "{bytes:02x?}");
    }
    // Invalid UTF-8 in a string.
    assert!(matches!(
        opack::decode(b"\x42\xc3\x28"),
        Err(CodecError::OpackInvalidUtf8 { offset: 0 })
    ));
    // Tags that start nothing.
    for tag in [
        0x00u8, 0x37, 0x3f, 0x65, 0x6e, 0x95, 0x9f, 0xc5, 0xcf, 0xf0, 0xff,
    ] {
        assert!(
            matches!(
                opack::decode(&[tag, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
                Err(CodecError::OpackUnknownTag { .. })
            ),
            "tag {tag:02x}"
        );
    }
}
