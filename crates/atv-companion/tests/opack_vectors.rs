//! OPACK against fixed byte vectors: those pyatv's test suite publishes (tests/support/
//! test_opack.py in pyatv 0.18.0), checked in both directions, and a few from its
//! protocol documentation and Apple's tag table.

use atv_companion::CodecError;
use atv_companion::opack::{self, IntWidth, SizedInt, Value};

const UUID: [u8; 16] = [
    0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78,
];

fn s(text: &str) -> Value {
    Value::from(text)
}

fn sized(value: u128, width: IntWidth) -> Value {
    Value::SizedInt(SizedInt::new(value, width).unwrap())
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// `value` encodes to `bytes`, and `bytes` decode to `value`, using all of them.
#[track_caller]
fn both_ways(value: &Value, bytes: &[u8]) {
    assert_eq!(opack::encode(value), bytes, "encoding {value:?}");
    decodes_to(bytes, value);
}

#[track_caller]
fn decodes_to(bytes: &[u8], value: &Value) {
    let (decoded, used) = opack::decode(bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(&decoded, value);
    assert_eq!(used, bytes.len());
}

#[test]
fn booleans_and_null() {
    both_ways(&Value::Bool(true), b"\x01");
    both_ways(&Value::Bool(false), b"\x02");
    both_ways(&Value::Null, b"\x04");
}

#[test]
fn uuid() {
    both_ways(&Value::Uuid(UUID), &cat(&[b"\x05", &UUID]));
}

#[test]
fn small_integers() {
    both_ways(&Value::Int(0), b"\x08");
    both_ways(&Value::Int(0xF), b"\x17");
    both_ways(&Value::Int(0x27), b"\x2f");
}

#[test]
fn larger_integers() {
    both_ways(&Value::Int(0x28), b"\x30\x28");
    both_ways(&Value::Int(0x1FF), b"\x31\xff\x01");
    both_ways(&Value::Int(0x1FF_FFFF), b"\x32\xff\xff\xff\x01");
    both_ways(
        &Value::Int(0x1FF_FFFF_FFFF_FFFF),
        b"\x33\xff\xff\xff\xff\xff\xff\xff\x01",
    );
}

#[test]
fn sized_integers_keep_their_width() {
    both_ways(&sized(1, IntWidth::One), b"\x30\x01");
    both_ways(&sized(1, IntWidth::Two), b"\x31\x01\x00");
    both_ways(&sized(1, IntWidth::Four), b"\x32\x01\x00\x00\x00");
    both_ways(
        &sized(1, IntWidth::Eight),
        b"\x33\x01\x00\x00\x00\x00\x00\x00\x00",
    );
}

#[test]
fn floats() {
    both_ways(&Value::Float(1.0), b"\x36\x00\x00\x00\x00\x00\x00\xf0\x3f");
    // A 4-byte float reads as the same number.
    decodes_to(b"\x35\x00\x00\x80\x3f", &Value::Float(1.0));
}

#[test]
fn short_strings() {
    both_ways(&s("a"), b"\x41\x61");
    both_ways(&s("abc"), b"\x43\x61\x62\x63");
    both_ways(&s(&"a".repeat(0x20)), &cat(&[b"\x60", &[0x61; 0x20]]));
}

#[test]
fn longer_strings() {
    both_ways(&s(&"a".repeat(33)), &cat(&[b"\x61\x21", &[0x61; 33]]));
    both_ways(&s(&"a".repeat(256)), &cat(&[b"\x62\x00\x01", &[0x61; 256]]));
}

#[test]
fn short_data() {
    both_ways(&Value::Data(vec![0xac]), b"\x71\xac");
    both_ways(&Value::Data(vec![0x12, 0x34, 0x56]), b"\x73\x12\x34\x56");
    both_ways(
        &Value::Data(vec![0xad; 0x20]),
        &cat(&[b"\x90", &[0xad; 0x20]]),
    );
}

#[test]
fn longer_data() {
    both_ways(
        &Value::Data(vec![0x61; 33]),
        &cat(&[b"\x91\x21", &[0x61; 33]]),
    );
    both_ways(
        &Value::Data(vec![0x61; 256]),
        &cat(&[b"\x92\x00\x01", &[0x61; 256]]),
    );
    both_ways(
        &Value::Data(vec![0x61; 65536]),
        &cat(&[b"\x93\x00\x00\x01\x00", &[0x61; 65536]]),
    );
}

#[test]
fn arrays() {
    both_ways(&Value::Array(vec![]), b"\xd0");
    both_ways(
        &Value::Array(vec![Value::Int(1), s("test"), Value::Bool(false)]),
        b"\xd3\x09\x44\x74\x65\x73\x74\x02",
    );
    both_ways(
        &Value::Array(vec![Value::Array(vec![Value::Bool(true)])]),
        b"\xd1\xd1\x01",
    );
}

#[test]
fn endless_arrays() {
    // Fifteen items: the endless form, repeats as back-references.
    both_ways(
        &Value::Array(vec![s("a"); 15]),
        &cat(&[b"\xdf\x41\x61", &[0xa0; 14], b"\x03"]),
    );
    let a = cat(&[b"\xdf\x41\x61", &[0xa0; 15], b"\x03"]);
    let b = cat(&[b"\xdf\x41\x62", &[0xa1; 15], b"\x03"]);
    decodes_to(&a, &Value::Array(vec![s("a"); 16]));
    decodes_to(
        &cat(&[b"\xd2", &a, &b]),
        &Value::Array(vec![
            Value::Array(vec![s("a"); 16]),
            Value::Array(vec![s("b"); 16]),
        ]),
    );
}

#[test]
fn dicts() {
    both_ways(&Value::Dict(vec![]), b"\xe0");
    both_ways(
        &Value::Dict(vec![
            (s("a"), Value::Int(12)),
            (Value::Bool(false), Value::Null),
        ]),
        b"\xe2\x41\x61\x14\x02\x04",
    );
    both_ways(
        &Value::Dict(vec![(
            Value::Bool(true),
            Value::Dict(vec![(s("a"), Value::Int(2))]),
        )]),
        b"\xe1\x01\xe1\x41\x61\x0a",
    );
}

#[test]
fn endless_dict() {
    // "a" -> "b", "c" -> "d", ... "}" -> "~": fifteen pairs.
    let value = Value::Dict(
        (97u8..127)
            .step_by(2)
            .map(|c| {
                (
                    s(&char::from(c).to_string()),
                    s(&char::from(c + 1).to_string()),
                )
            })
            .collect(),
    );
    let mut bytes = vec![0xef];
    for c in 97u8..127 {
        bytes.extend([0x41, c]);
    }
    bytes.push(0x03);
    both_ways(&value, &bytes);
}

#[test]
fn back_references() {
    both_ways(&Value::Array(vec![s("a"), s("a")]), b"\xd2\x41\x61\xa0");
    both_ways(
        &Value::Array(vec![s("foo"), s("bar"), s("foo"), s("bar")]),
        b"\xd4\x43\x66\x6f\x6f\x43\x62\x61\x72\xa0\xa1",
    );
    both_ways(
        &Value::Dict(vec![
            (s("a"), s("b")),
            (s("c"), Value::Dict(vec![(s("d"), s("a"))])),
            (s("d"), Value::Bool(true)),
        ]),
        b"\xe3\x41\x61\x41\x62\x41\x63\xe1\x41\x64\xa0\xa3\x01",
    );
}

#[test]
fn back_references_with_index_bytes() {
    // The data objects for the characters 0 to 256 in UTF-8, twice: the second time as
    // references 0xA0..=0xC0, then 0xC1 with one index byte, then 0xC2 with two.
    let items: Vec<Value> = (0u32..257)
        .map(|c| Value::Data(char::from_u32(c).unwrap().to_string().into_bytes()))
        .collect();
    let mut bytes = vec![0xdf];
    for c in 0u32..257 {
        let utf8 = char::from_u32(c).unwrap().to_string().into_bytes();
        bytes.push(0x70 + utf8.len() as u8);
        bytes.extend(utf8);
    }
    bytes.extend(0xa0..=0xc0);
    for index in 0x21..=0xff {
        bytes.extend([0xc1, index]);
    }
    bytes.extend([0xc2, 0x00, 0x01, 0x03]);
    both_ways(&Value::Array([items.clone(), items].concat()), &bytes);
}

#[test]
fn references_with_wider_indices() {
    let expected = Value::Array(vec![
        sized(1, IntWidth::One),
        sized(2, IntWidth::One),
        sized(2, IntWidth::One),
    ]);
    decodes_to(b"\xdf\x30\x01\x30\x02\xc1\x01\x03", &expected);
    decodes_to(b"\xdf\x30\x01\x30\x02\xc2\x01\x00\x03", &expected);
    // pyatv's unpacker tests read 0xC3 and 0xC4 with 3 and 4 index bytes, but its packer
    // writes them with 4 and 8, as Apple's tag table has it; we read what is written.
    decodes_to(b"\xdf\x30\x01\x30\x02\xc3\x01\x00\x00\x00\x03", &expected);
    decodes_to(
        b"\xdf\x30\x01\x30\x02\xc4\x01\x00\x00\x00\x00\x00\x00\x00\x03",
        &expected,
    );
    // The 3-byte form pyatv's unpacker expects takes the terminator as an index byte.
    assert!(matches!(
        opack::decode(b"\xdf\x30\x01\x30\x02\xc3\x01\x00\x00\x03"),
        Err(CodecError::OpackBadReference { .. })
    ));
}

#[test]
fn unknown_tag_is_an_error() {
    assert!(matches!(
        opack::decode(b"\x00"),
        Err(CodecError::OpackUnknownTag { tag: 0, offset: 0 })
    ));
}

#[test]
fn date() {
    // pyatv reads this as the integer 1; it is the date whose float has the bits 1.
    decodes_to(
        b"\x06\x01\x00\x00\x00\x00\x00\x00\x00",
        &Value::Date(f64::from_bits(1)),
    );
    both_ways(
        &Value::Date(7.3e8),
        &cat(&[b"\x06", &7.3e8f64.to_le_bytes()]),
    );
}

#[test]
fn system_info_round_trips() {
    // The _systemInfo request of pyatv's golden test.
    let uuid = [
        0x17, 0xed, 0x16, 0x0a, 0x81, 0xf8, 0x44, 0x88, 0x96, 0x2c, 0x6b, 0x1a, 0x83, 0xeb, 0x00,
        0x81,
    ];
    let siri: Value = [
        ("collectorElectionVersion", Value::Float(1.0)),
        (
            "deviceCapabilities",
            [("seymourEnabled", 1), ("voiceTriggerEnabled", 2)]
                .into_iter()
                .collect(),
        ),
        ("sharedDataProtoBuf", Value::Data(vec![0x08; 512])),
    ]
    .into_iter()
    .collect();
    let services: Value = [
        "com.apple.LiveAudio",
        "com.apple.siri.wakeup",
        "com.apple.Seymour",
        "com.apple.announce",
        "com.apple.coreduet.sync",
        "com.apple.SeymourSession",
    ]
    .into_iter()
    .map(Value::from)
    .collect();
    let content: Value = [
        ("_pubID", s("AA:BB:CC:DD:EE:FF")),
        ("_sv", s("230.1")),
        ("_bf", Value::Int(0)),
        ("_siriInfo", siri),
        ("_stA", services),
        ("_i", s("6c62fca18b11")),
        ("_clFl", Value::Int(128)),
        ("_idsID", s("44E14ABC-DDDD-4188-B661-11BAAAF6ECDE")),
        ("_hkUID", Value::Array(vec![Value::Uuid(uuid)])),
        ("_dC", s("1")),
        ("_sf", Value::Int(256)),
        ("model", s("iPhone10,6")),
        ("name", s("iPhone")),
    ]
    .into_iter()
    .collect();
    let message: Value = [
        ("_i", s("_systemInfo")),
        ("_x", Value::Int(1_254_122_577)),
        ("_btHP", Value::Bool(false)),
        ("_c", content),
        ("_t", Value::Int(2)),
    ]
    .into_iter()
    .collect();
    let bytes = opack::encode(&message);
    decodes_to(&bytes, &message);
    // "_i" repeats inside "_c": written as a reference to the first object.
    assert!(bytes.windows(2).any(|w| w == [0xa0, 0x40 + 12]));
}

#[test]
fn documented_examples() {
    // From the pointer section of pyatv's protocol documentation.
    both_ways(
        &Value::Dict(vec![
            (s("a"), Value::Bool(false)),
            (s("b"), s("test")),
            (s("c"), s("test")),
        ]),
        b"\xe3\x41\x61\x02\x41\x62\x44\x74\x65\x73\x74\x41\x63\xa2",
    );
    // The endless array example.
    decodes_to(b"\xdf\x41\x61\x03", &Value::Array(vec![s("a")]));
}

#[test]
fn forms_pyatv_lacks() {
    // -1 has its own tag, other negative numbers take 8 bytes.
    both_ways(&Value::Int(-1), b"\x07");
    both_ways(&Value::Int(-2), b"\x33\xfe\xff\xff\xff\xff\xff\xff\xff");
    both_ways(
        &Value::Int(i64::MIN),
        b"\x33\x00\x00\x00\x00\x00\x00\x00\x80",
    );
    // All ones in 8 bytes is not how -1 is written, so it keeps its width.
    both_ways(
        &sized(u128::from(u64::MAX), IntWidth::Eight),
        b"\x33\xff\xff\xff\xff\xff\xff\xff\xff",
    );
    // Sixteen-byte integers.
    let mut bytes = vec![0x34, 0x02];
    bytes.extend([0; 15]);
    both_ways(&sized(2, IntWidth::Sixteen), &bytes);
    // A string ended by a zero byte.
    decodes_to(b"\x6f\x66\x6f\x6f\x00", &s("foo"));
    decodes_to(
        b"\xd2\x6f\x66\x6f\x6f\x00\xa0",
        &Value::Array(vec![s("foo"); 2]),
    );
    // Strings of 64 KiB and more have a 4-byte length (pyatv writes 3 bytes).
    let long = "b".repeat(65_536);
    both_ways(&s(&long), &cat(&[b"\x63\x00\x00\x01\x00", long.as_bytes()]));
    // Empty strings and data are not numbered: the reference is to "x".
    decodes_to(
        b"\xd3\x40\x41\x78\xa0",
        &Value::Array(vec![s(""), s("x"), s("x")]),
    );
    decodes_to(
        b"\xd3\x70\x41\x78\xa0",
        &Value::Array(vec![Value::Data(vec![]), s("x"), s("x")]),
    );
}

#[test]
fn trailing_bytes_are_left() {
    assert_eq!(opack::decode(b"\x41\x61\xff\xff").unwrap(), (s("a"), 2));
}

#[test]
fn many_objects_use_the_same_rules() {
    // Past a few dozen numbered objects the encoder indexes them differently; the
    // output must not change: the second half is all back-references.
    let strings: Vec<Value> = (0..100).map(|i| s(&format!("key{i}"))).collect();
    let value = Value::Array([strings.clone(), strings].concat());
    let bytes = opack::encode(&value);
    let mut tail = vec![];
    tail.extend(0xa0..=0xc0);
    for index in 33..100 {
        tail.extend([0xc1, index]);
    }
    tail.push(0x03);
    assert!(bytes.ends_with(&tail));
    decodes_to(&bytes, &value);

    // A float equal to one of 100 earlier integers stops numbering: "q" is then written
    // twice in full, as pyatv's unpacker would not number the float.
    let mut items: Vec<Value> = (40..140).map(Value::Int).collect();
    items.extend([Value::Float(100.0), s("q"), s("q")]);
    let value = Value::Array(items);
    let bytes = opack::encode(&value);
    assert!(bytes.ends_with(b"\x41\x71\x41\x71\x03"));
    decodes_to(&bytes, &value);
    // Without the float, "q" repeats by reference.
    let mut items: Vec<Value> = (40..140).map(Value::Int).collect();
    items.extend([s("q"), s("q")]);
    assert!(opack::encode(&Value::Array(items)).ends_with(b"\x41\x71\xc1\x64\x03"));
}
