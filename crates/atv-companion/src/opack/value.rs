//! The OPACK data model: [`Value`] and its integer helpers.

use std::hash::{Hash, Hasher};

use super::tag;

/// Size on the wire of an integer written with an explicit width (tags `30`–`34`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IntWidth {
    /// One byte (tag `30`).
    One,
    /// Two bytes (tag `31`).
    Two,
    /// Four bytes (tag `32`).
    Four,
    /// Eight bytes (tag `33`).
    Eight,
    /// Sixteen bytes (tag `34`).
    Sixteen,
}

impl IntWidth {
    /// Number of bytes the integer takes after its tag.
    pub const fn bytes(self) -> usize {
        1 << self.exponent()
    }

    /// Largest value the width holds.
    pub const fn max_value(self) -> u128 {
        match self {
            Self::Sixteen => u128::MAX,
            _ => (1u128 << (8 * self.bytes())) - 1,
        }
    }

    /// The smallest width that holds `value`.
    pub const fn for_value(value: u128) -> Self {
        if value <= u8::MAX as u128 {
            Self::One
        } else if value <= u16::MAX as u128 {
            Self::Two
        } else if value <= u32::MAX as u128 {
            Self::Four
        } else if value <= u64::MAX as u128 {
            Self::Eight
        } else {
            Self::Sixteen
        }
    }

    /// The width [`Value::Int`] writes `i` in: `None` for the one-byte forms (-1 to 39).
    pub(crate) const fn natural(i: i64) -> Option<Self> {
        match i {
            -1..=tag::SMALL_INT_MAX => None,
            // 40 on: SMALL_INT_MAX + 1.
            40..=0xFF => Some(Self::One),
            0x100..=0xFFFF => Some(Self::Two),
            0x1_0000..=0xFFFF_FFFF => Some(Self::Four),
            // Larger, or negative: two's complement in 8 bytes.
            _ => Some(Self::Eight),
        }
    }

    /// `k` such that the width is `2^k` bytes; the tag is `0x30 + k`.
    pub(crate) const fn exponent(self) -> u8 {
        match self {
            Self::One => 0,
            Self::Two => 1,
            Self::Four => 2,
            Self::Eight => 3,
            Self::Sixteen => 4,
        }
    }

    pub(crate) const fn from_exponent(exponent: u8) -> Option<Self> {
        match exponent {
            0 => Some(Self::One),
            1 => Some(Self::Two),
            2 => Some(Self::Four),
            3 => Some(Self::Eight),
            4 => Some(Self::Sixteen),
            _ => None,
        }
    }
}

/// An integer that keeps its width on the wire.
///
/// The value is the unsigned reading of the little-endian bytes; [`SizedInt::to_i64`]
/// reads the 8-byte form as two's complement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SizedInt {
    // Two halves rather than a u128, which would double the alignment of `Value`.
    low: u64,
    high: u64,
    width: IntWidth,
}

impl SizedInt {
    /// An integer of `value` written in `width` bytes; `None` if it does not fit.
    pub const fn new(value: u128, width: IntWidth) -> Option<Self> {
        if value > width.max_value() {
            return None;
        }
        Some(Self {
            low: value as u64,
            high: (value >> 64) as u64,
            width,
        })
    }

    /// `value` cut to `width` bytes (for values read from that many bytes).
    pub(super) const fn truncating(value: u128, width: IntWidth) -> Self {
        let value = value & width.max_value();
        Self {
            low: value as u64,
            high: (value >> 64) as u64,
            width,
        }
    }

    /// The value, read as unsigned.
    pub const fn value(self) -> u128 {
        ((self.high as u128) << 64) | self.low as u128
    }

    /// Its width on the wire.
    pub const fn width(self) -> IntWidth {
        self.width
    }

    /// The [`Value::Int`] written with the same bytes, if there is one (the width is the
    /// smallest for the value).
    pub(crate) fn as_plain_int(self) -> Option<i64> {
        if self.width == IntWidth::Sixteen {
            return None;
        }
        // Exact for up to 4 bytes, two's complement for 8.
        let i = self.low as i64;
        (IntWidth::natural(i) == Some(self.width)).then_some(i)
    }

    /// The value as an `i64`: the 8-byte form is two's complement (Apple writes negative
    /// numbers that way); the 16-byte form only if it is below 2^63.
    pub fn to_i64(self) -> Option<i64> {
        match self.width {
            IntWidth::Eight => Some(self.low as i64),
            _ => i64::try_from(self.value()).ok(),
        }
    }
}

/// One OPACK object.
///
/// Two values are equal when they are written with the same bytes: floats and dates
/// compare by their bits (so `NaN == NaN` and `0.0 != -0.0`), a [`Value::SizedInt`]
/// equals a [`Value::Int`] only if its width is the smallest for the number (compare
/// numbers with [`Value::as_int`]), and dictionaries compare in order. That makes `Value`
/// usable as a map key (`Eq` and `Hash`).
#[derive(Debug, Clone)]
pub enum Value {
    /// Null (tag `04`).
    Null,
    /// True or false (tags `01`, `02`).
    Bool(bool),
    /// A UUID, its 16 bytes in network order (tag `05`).
    Uuid([u8; 16]),
    /// A date: seconds since 2001-01-01 00:00 UTC (Core Foundation's absolute time, tag
    /// `06`). pyatv reads this tag as the raw 64-bit integer and cannot write it.
    Date(f64),
    /// An integer, written in the smallest form that holds it.
    Int(i64),
    /// An integer written in a given width, for what the smallest form would not
    /// reproduce: the decoder returns this for a width larger than needed, or an 8-byte
    /// value of 2^64-1, and encoding writes it back in the same width.
    SizedInt(SizedInt),
    /// A floating-point number; written as an 8-byte float, read from either size.
    Float(f64),
    /// A UTF-8 string.
    String(String),
    /// Raw bytes.
    Data(Vec<u8>),
    /// An array.
    Array(Vec<Self>),
    /// A dictionary: keys may be any value; the order is kept.
    Dict(Vec<(Self, Self)>),
}

impl Value {
    /// The value stored under the string `key`, if this is a dictionary that has it (the
    /// first, should the key repeat).
    pub fn get(&self, key: &str) -> Option<&Self> {
        self.as_dict()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    /// The value stored under the string `key`, mutably.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Self> {
        match self {
            Self::Dict(entries) => entries
                .iter_mut()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// True for [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number as an `i64`, from [`Value::Int`] or [`Value::SizedInt`] (see
    /// [`SizedInt::to_i64`]).
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Self::Int(i) => Some(*i),
            Self::SizedInt(s) => s.to_i64(),
            _ => None,
        }
    }

    /// The number as a `u64`, if it is a non-negative [`Value::Int`] or a
    /// [`Value::SizedInt`] that fits (the 8-byte form read unsigned).
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Self::Int(i) => u64::try_from(*i).ok(),
            Self::SizedInt(s) => u64::try_from(s.value()).ok(),
            _ => None,
        }
    }

    /// The floating-point number, if this is [`Value::Float`].
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Self::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// The date (seconds since 2001-01-01 UTC), if this is [`Value::Date`].
    pub fn as_date(&self) -> Option<f64> {
        match self {
            Self::Date(d) => Some(*d),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    /// The bytes, if this is [`Value::Data`].
    pub fn as_data(&self) -> Option<&[u8]> {
        match self {
            Self::Data(d) => Some(d),
            _ => None,
        }
    }

    /// The UUID bytes, if this is a UUID.
    pub fn as_uuid(&self) -> Option<&[u8; 16]> {
        match self {
            Self::Uuid(u) => Some(u),
            _ => None,
        }
    }

    /// The items, if this is an array.
    pub fn as_array(&self) -> Option<&[Self]> {
        match self {
            Self::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The key/value pairs, if this is a dictionary.
    pub fn as_dict(&self) -> Option<&[(Self, Self)]> {
        match self {
            Self::Dict(entries) => Some(entries),
            _ => None,
        }
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Null, Self::Null) => true,
            (Self::Bool(a), Self::Bool(b)) => a == b,
            (Self::Uuid(a), Self::Uuid(b)) => a == b,
            (Self::Date(a), Self::Date(b)) | (Self::Float(a), Self::Float(b)) => {
                a.to_bits() == b.to_bits()
            }
            (Self::Int(a), Self::Int(b)) => a == b,
            (Self::SizedInt(a), Self::SizedInt(b)) => a == b,
            (Self::Int(i), Self::SizedInt(s)) | (Self::SizedInt(s), Self::Int(i)) => {
                s.as_plain_int() == Some(*i)
            }
            (Self::String(a), Self::String(b)) => a == b,
            (Self::Data(a), Self::Data(b)) => a == b,
            (Self::Array(a), Self::Array(b)) => a == b,
            (Self::Dict(a), Self::Dict(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for Value {}

impl Hash for Value {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Must agree with `eq`: a SizedInt equal to an Int hashes as that Int.
        match self {
            Self::Null => state.write_u8(0),
            Self::Bool(b) => (1u8, b).hash(state),
            Self::Uuid(u) => (2u8, u).hash(state),
            Self::Date(f) => (3u8, f.to_bits()).hash(state),
            Self::Int(i) => (4u8, i).hash(state),
            Self::SizedInt(s) => match s.as_plain_int() {
                Some(i) => (4u8, i).hash(state),
                None => (5u8, s).hash(state),
            },
            Self::Float(f) => (6u8, f.to_bits()).hash(state),
            Self::String(s) => (7u8, s).hash(state),
            Self::Data(d) => (8u8, d).hash(state),
            Self::Array(items) => (9u8, items).hash(state),
            Self::Dict(entries) => (10u8, entries).hash(state),
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Self::Bool(b)
    }
}

macro_rules! from_small_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(i: $t) -> Self {
                Self::Int(i64::from(i))
            }
        }
    )*};
}
from_small_int!(i8, i16, i32, i64, u8, u16, u32);

impl From<u64> for Value {
    /// A [`Value::Int`], or for values above `i64::MAX` an 8-byte [`Value::SizedInt`].
    fn from(u: u64) -> Self {
        match i64::try_from(u) {
            Ok(i) => Self::Int(i),
            Err(_) => Self::SizedInt(SizedInt {
                low: u,
                high: 0,
                width: IntWidth::Eight,
            }),
        }
    }
}

impl From<SizedInt> for Value {
    fn from(s: SizedInt) -> Self {
        Self::SizedInt(s)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Self {
        Self::Float(f)
    }
}

impl From<f32> for Value {
    fn from(f: f32) -> Self {
        Self::Float(f64::from(f))
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Self::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Self::String(s)
    }
}

impl From<&[u8]> for Value {
    fn from(d: &[u8]) -> Self {
        Self::Data(d.to_vec())
    }
}

impl From<Vec<u8>> for Value {
    fn from(d: Vec<u8>) -> Self {
        Self::Data(d)
    }
}

impl From<Vec<Self>> for Value {
    fn from(items: Vec<Self>) -> Self {
        Self::Array(items)
    }
}

impl From<Vec<(Self, Self)>> for Value {
    fn from(entries: Vec<(Self, Self)>) -> Self {
        Self::Dict(entries)
    }
}

impl<T: Into<Self>> From<Option<T>> for Value {
    /// `None` becomes [`Value::Null`].
    fn from(o: Option<T>) -> Self {
        o.map_or(Self::Null, Into::into)
    }
}

impl FromIterator<Self> for Value {
    /// Collects into an array.
    fn from_iter<I: IntoIterator<Item = Self>>(iter: I) -> Self {
        Self::Array(iter.into_iter().collect())
    }
}

impl<K: Into<Self>, V: Into<Self>> FromIterator<(K, V)> for Value {
    /// Collects pairs into a dictionary, in order.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self::Dict(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use std::hash::BuildHasher;

    use super::*;

    #[test]
    fn value_stays_small() {
        assert!(size_of::<Value>() <= 32);
    }

    #[test]
    fn sized_int_bounds() {
        assert!(SizedInt::new(255, IntWidth::One).is_some());
        assert!(SizedInt::new(256, IntWidth::One).is_none());
        assert!(SizedInt::new(u128::MAX, IntWidth::Sixteen).is_some());
        let minus_two = SizedInt::new(u128::from(u64::MAX - 1), IntWidth::Eight);
        assert_eq!(minus_two.and_then(SizedInt::to_i64), Some(-2));
        let big = SizedInt::new(1 << 64, IntWidth::Sixteen);
        assert_eq!(big.and_then(SizedInt::to_i64), None);
    }

    #[test]
    fn accessors() {
        let v: Value = [("_i", Value::from("_launchApp")), ("_x", Value::from(7))]
            .into_iter()
            .collect();
        assert_eq!(v.get("_i").and_then(Value::as_str), Some("_launchApp"));
        assert_eq!(v.get("_x").and_then(Value::as_int), Some(7));
        assert_eq!(v.get("_t"), None);
        assert_eq!(Value::from(u64::MAX).as_u64(), Some(u64::MAX));
        assert_eq!(Value::from(None::<bool>), Value::Null);
        assert_eq!(Value::Float(f64::NAN), Value::Float(f64::NAN));
        assert_ne!(Value::Float(0.0), Value::Float(-0.0));
        let sized = |n, width| Value::SizedInt(SizedInt::new(n, width).unwrap());
        assert_eq!(sized(300, IntWidth::Two), Value::Int(300));
        assert_ne!(sized(300, IntWidth::Four), Value::Int(300));
        assert_ne!(sized(5, IntWidth::One), Value::Int(5));
        assert_eq!(
            sized(u128::from(u64::MAX - 1), IntWidth::Eight),
            Value::Int(-2)
        );
        assert_ne!(sized(u128::from(u64::MAX), IntWidth::Eight), Value::Int(-1));
        let state = std::collections::hash_map::RandomState::new();
        assert_eq!(
            state.hash_one(sized(300, IntWidth::Two)),
            state.hash_one(Value::Int(300))
        );
    }
}
