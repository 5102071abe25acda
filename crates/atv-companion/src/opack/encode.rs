//! OPACK encoding.

use super::seen::{ObjectTable, SmallSet};
use super::tag;
use super::value::{IntWidth, SizedInt, Value};

/// Objects past this many in the table are never referred to, so the encoder needs no
/// index wider than two bytes.
const MAX_TABLE: usize = 1 << 16;

/// Encodes `value` as OPACK.
///
/// Repeated objects become back-references (see the [module documentation](super) for
/// how the choices meet pyatv's and Apple's decoders).
pub fn encode(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    encode_into(value, &mut out);
    out
}

/// Appends the OPACK encoding of `value` to `out`.
pub fn encode_into(value: &Value, out: &mut Vec<u8>) {
    Encoder {
        out,
        table: ObjectTable::new(),
        frozen: false,
        numbers: SmallSet::new(),
    }
    .value(value);
}

struct Encoder<'a> {
    out: &'a mut Vec<u8>,
    /// Every numbered object.
    table: ObjectTable,
    /// Set once a decoder's table may differ from ours past this point: from then on
    /// new objects are written in full and not numbered.
    frozen: bool,
    /// The numbers in the table as pyatv's unpacker sees them (it compares by value).
    numbers: SmallSet<PyNumber>,
}

impl Encoder<'_> {
    fn value(&mut self, value: &Value) {
        match value {
            Value::Array(items) => {
                self.out.push(tag::ARRAY + collection_count(items.len()));
                for item in items {
                    self.value(item);
                }
                self.terminate(items.len());
            }
            Value::Dict(entries) => {
                self.out.push(tag::DICT + collection_count(entries.len()));
                for (key, item) in entries {
                    self.value(key);
                    self.value(item);
                }
                self.terminate(entries.len());
            }
            scalar => self.scalar(scalar),
        }
    }

    fn terminate(&mut self, len: usize) {
        if len >= usize::from(tag::ENDLESS) {
            self.out.push(tag::TERMINATOR);
        }
    }

    fn scalar(&mut self, value: &Value) {
        let start = self.out.len();
        write_scalar(value, self.out);
        let (earlier, encoded) = self.out.split_at(start);
        if encoded.len() == 1 {
            // Not numbered by Apple or pyatv's packer, but pyatv's unpacker numbers the
            // first empty string and the first empty data.
            if matches!(value, Value::String(_) | Value::Data(_)) {
                self.frozen = true;
            }
            return;
        }
        if let Some(index) = self.table.find(earlier, encoded) {
            self.out.truncate(start);
            write_reference(index, self.out);
            return;
        }
        if self.frozen {
            return;
        }
        if let Some(number) = PyNumber::of(value)
            && !self.numbers.insert(number)
        {
            // pyatv's unpacker would skip this one; Apple's decoder numbers it.
            self.frozen = true;
            return;
        }
        if self.table.len() >= MAX_TABLE {
            self.frozen = true;
            return;
        }
        let end = self.out.len();
        self.table.insert(self.out, start, end);
    }
}

/// The count nibble for an array or dictionary of `len` entries.
fn collection_count(len: usize) -> u8 {
    // Fits: below ENDLESS, which is 15.
    len.min(usize::from(tag::ENDLESS)) as u8
}

fn write_scalar(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.push(tag::NULL),
        Value::Bool(true) => out.push(tag::TRUE),
        Value::Bool(false) => out.push(tag::FALSE),
        Value::Uuid(uuid) => {
            out.push(tag::UUID);
            out.extend_from_slice(uuid);
        }
        Value::Date(seconds) => {
            out.push(tag::DATE);
            out.extend_from_slice(&seconds.to_le_bytes());
        }
        Value::Int(i) => write_int(*i, out),
        Value::SizedInt(s) => write_sized(*s, out),
        Value::Float(f) => {
            out.push(tag::FLOAT64);
            out.extend_from_slice(&f.to_le_bytes());
        }
        Value::String(s) => write_bytes(tag::SHORT_STRING, tag::LONG_STRING, s.as_bytes(), out),
        Value::Data(d) => write_bytes(tag::SHORT_DATA, tag::LONG_DATA, d, out),
        Value::Array(_) | Value::Dict(_) => unreachable!("collections are not scalars"),
    }
}

fn write_int(i: i64, out: &mut Vec<u8>) {
    match IntWidth::natural(i) {
        None if i == -1 => out.push(tag::MINUS_ONE),
        // 0 to 39: fits the tag.
        None => out.push(tag::SMALL_INT + i as u8),
        Some(width) => {
            out.push(tag::SIZED_INT + width.exponent());
            out.extend_from_slice(&i.to_le_bytes()[..width.bytes()]);
        }
    }
}

fn write_sized(s: SizedInt, out: &mut Vec<u8>) {
    out.push(tag::SIZED_INT + s.width().exponent());
    out.extend_from_slice(&s.value().to_le_bytes()[..s.width().bytes()]);
}

fn write_bytes(short: u8, long: u8, bytes: &[u8], out: &mut Vec<u8>) {
    let len = bytes.len();
    if len <= tag::SHORT_MAX {
        // At most 32: fits the tag.
        out.push(short + len as u8);
    } else {
        let k: u8 = if len <= 0xFF {
            1
        } else if len <= 0xFFFF {
            2
        } else if len <= 0xFFFF_FFFF {
            3
        } else {
            4
        };
        out.push(long + k);
        out.extend_from_slice(&(len as u64).to_le_bytes()[..tag::length_width(k)]);
    }
    out.extend_from_slice(bytes);
}

fn write_reference(index: u32, out: &mut Vec<u8>) {
    // Indices stay below MAX_TABLE, so two bytes suffice.
    let index = index as usize;
    if index <= tag::SHORT_REFERENCE_MAX {
        out.push(tag::SHORT_REFERENCE + index as u8);
    } else if index <= 0xFF {
        out.push(tag::LONG_REFERENCE + 1);
        out.push(index as u8);
    } else {
        out.push(tag::LONG_REFERENCE + 2);
        out.extend_from_slice(&(index as u16).to_le_bytes());
    }
}

/// A numbered object as pyatv's unpacker sees it, for objects Python may find equal
/// although their bytes differ: integers of any width, floats, and dates (which pyatv
/// reads as the integer of their bits). Python compares an integer and a float exactly.
#[derive(Debug, PartialEq, Eq, Hash)]
enum PyNumber {
    /// A whole number.
    Whole { negative: bool, magnitude: u128 },
    /// Any other float, by its bits (equal non-whole floats have equal bits).
    Fraction(u64),
}

impl PyNumber {
    fn of(value: &Value) -> Option<Self> {
        let whole = |magnitude| {
            Some(Self::Whole {
                negative: false,
                magnitude,
            })
        };
        match value {
            // pyatv reads the 8-byte form unsigned.
            Value::Int(i) => whole(u128::from(*i as u64)),
            Value::SizedInt(s) => whole(s.value()),
            Value::Date(d) => whole(u128::from(d.to_bits())),
            // NaN equals nothing, so pyatv always numbers it.
            Value::Float(f) if f.is_nan() => None,
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 2f64.powi(128) => {
                Some(Self::Whole {
                    negative: *f < 0.0,
                    // Whole and below 2^128: exact.
                    magnitude: f.abs() as u128,
                })
            }
            Value::Float(f) => Some(Self::Fraction(f.to_bits())),
            _ => None,
        }
    }
}
