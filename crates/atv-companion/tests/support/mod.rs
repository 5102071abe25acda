//! Shared by the OPACK tests: a small deterministic random source and a generator of
//! varied values.

#![allow(dead_code, unreachable_pub)]

use atv_companion::opack::{IntWidth, SizedInt, Value};

/// SplitMix64: deterministic, good enough to vary test data, no dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next_u64() as u8).collect()
    }
}

/// Which values the generator may produce.
#[derive(Clone, Copy)]
pub struct Space {
    /// Only what pyatv's unpacker can read back: no -1 (tag 07, which it does not know),
    /// no string of 64 KiB or more (it reads their length differently), dictionary keys
    /// only strings, non-negative integers, data and UUIDs, and unique as Python sees them.
    pub pyatv: bool,
    /// Deepest nesting.
    pub max_depth: usize,
}

const STRINGS: &[&str] = &[
    "_i",
    "_x",
    "_t",
    "_c",
    "_systemInfo",
    "com.apple.TVRemote",
    "a",
    "",
    "ä",
    "日本語テキスト",
    "exactly thirty-two bytes long!!!",
    "thirty-three bytes long, one more",
];

const INTS: &[i64] = &[
    0,
    1,
    39,
    40,
    255,
    256,
    65_535,
    65_536,
    4_294_967_295,
    4_294_967_296,
    i64::MAX,
    -2,
    -1_000_000,
    i64::MIN,
];

const FLOATS: &[f64] = &[
    0.0,
    -0.0,
    1.0,
    40.0,
    300.0,
    1.5,
    -2.25,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
    f64::MIN_POSITIVE,
    1e300,
];

pub fn value(rng: &mut Rng, space: Space, depth: usize) -> Value {
    let collections = if depth < space.max_depth { 2 } else { 0 };
    match rng.below(11 + collections) {
        0 => Value::Null,
        1 => Value::Bool(rng.chance(50)),
        2 => Value::Uuid(rng.bytes(16).try_into().unwrap()),
        3 => Value::Date(*rng.pick(&[0.0, 7.3e8, -1.5, f64::from_bits(5)])),
        4 | 5 => int(rng, space),
        6 => sized_int(rng),
        7 => Value::Float(if rng.chance(60) {
            *rng.pick(FLOATS)
        } else {
            f64::from_bits(rng.next_u64())
        }),
        8 | 9 => Value::String(string(rng, space)),
        10 => Value::Data(data(rng)),
        11 => {
            let len = length(rng);
            Value::Array((0..len).map(|_| value(rng, space, depth + 1)).collect())
        }
        _ => dict(rng, space, depth),
    }
}

fn int(rng: &mut Rng, space: Space) -> Value {
    let i = if rng.chance(50) {
        *rng.pick(INTS)
    } else {
        let bits = rng.below(64);
        (rng.next_u64() >> bits) as i64
    };
    if space.pyatv && i == -1 {
        return Value::Int(7);
    }
    if !space.pyatv && rng.chance(5) {
        return Value::Int(-1);
    }
    Value::Int(i)
}

fn sized_int(rng: &mut Rng) -> Value {
    let width = *rng.pick(&[
        IntWidth::One,
        IntWidth::Two,
        IntWidth::Four,
        IntWidth::Eight,
        IntWidth::Sixteen,
    ]);
    let raw = (u128::from(rng.next_u64()) << 64) | u128::from(rng.next_u64());
    let value = if rng.chance(40) {
        raw % 50
    } else {
        raw & width.max_value()
    };
    Value::SizedInt(SizedInt::new(value, width).unwrap())
}

fn length(rng: &mut Rng) -> usize {
    match rng.below(10) {
        0..=6 => rng.below(5),
        7 | 8 => rng.below(15),
        _ => 14 + rng.below(10),
    }
}

fn string(rng: &mut Rng, space: Space) -> String {
    if rng.chance(50) {
        return rng.pick(STRINGS).to_string();
    }
    let len = match rng.below(20) {
        0..=13 => rng.below(33),
        14..=17 => 33 + rng.below(300),
        18 => 256 + rng.below(70_000),
        _ => 65_536 + rng.below(10),
    };
    let mut s = String::new();
    while s.len() < len {
        let c = match rng.below(4) {
            0 => char::from_u32(0x80 + rng.below(0x700) as u32),
            1 => char::from_u32(0x1F600 + rng.below(0x50) as u32),
            _ => char::from_u32(0x20 + rng.below(0x5F) as u32),
        };
        s.extend(c);
    }
    if space.pyatv {
        while s.len() > 0xFFFF {
            s.pop();
        }
    }
    s
}

fn data(rng: &mut Rng) -> Vec<u8> {
    if rng.chance(40) {
        return rng.pick(&[&b""[..], b"\x00", b"\xff\xfe", b"_pd"]).to_vec();
    }
    let len = match rng.below(20) {
        0..=14 => rng.below(33),
        15..=18 => 33 + rng.below(600),
        _ => 65_536 + rng.below(300),
    };
    rng.bytes(len)
}

fn dict(rng: &mut Rng, space: Space, depth: usize) -> Value {
    let len = length(rng);
    let mut entries: Vec<(Value, Value)> = Vec::new();
    while entries.len() < len {
        let key = if space.pyatv {
            match rng.below(10) {
                0..=6 => Value::String(string(rng, space)),
                7 => Value::Int(rng.below(100_000) as i64),
                8 => Value::Data(data(rng)),
                _ => Value::Uuid(rng.bytes(16).try_into().unwrap()),
            }
        } else {
            value(rng, space, depth + 1)
        };
        if space.pyatv && entries.iter().any(|(k, _)| *k == key) {
            continue;
        }
        entries.push((key, value(rng, space, depth + 1)));
    }
    Value::Dict(entries)
}
