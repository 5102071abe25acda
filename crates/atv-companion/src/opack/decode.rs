//! OPACK decoding.

use super::tag;
use super::value::{IntWidth, SizedInt, Value};
use crate::CodecError;

/// Deepest nesting of arrays and dictionaries [`decode`] accepts. Companion messages
/// nest a handful of levels.
pub const MAX_DEPTH: usize = 64;

/// Most bytes of encoded objects that back-references may copy in one [`decode`]; more
/// is refused as a memory attack (a 1-byte reference can repeat a long string).
pub const MAX_REFERENCED_BYTES: usize = 16 * 1024 * 1024;

/// Decodes one OPACK object from the start of `data`.
///
/// Returns the value and the number of bytes it took; anything after it is left alone
/// (pyatv ignores it too). Malformed data is an error, never a panic: lengths the data
/// claims are checked against what is there before anything is allocated, nesting is
/// limited to [`MAX_DEPTH`] and copies through back-references to
/// [`MAX_REFERENCED_BYTES`].
pub fn decode(data: &[u8]) -> Result<(Value, usize), CodecError> {
    let mut decoder = Decoder {
        data,
        pos: 0,
        table: Vec::with_capacity(16),
        referenced: 0,
    };
    let value = decoder.value(0)?;
    Ok((value, decoder.pos))
}

struct Decoder<'a> {
    data: &'a [u8],
    pos: usize,
    /// Start offset of every numbered object, in order; a back-reference decodes the
    /// object at its offset again.
    table: Vec<usize>,
    /// Bytes copied through back-references so far.
    referenced: usize,
}

impl Decoder<'_> {
    /// Decodes the object at `self.pos`, inside `depth` arrays and dictionaries.
    fn value(&mut self, depth: usize) -> Result<Value, CodecError> {
        let start = self.pos;
        let tag = *self
            .data
            .get(start)
            .ok_or(CodecError::OpackTruncated { offset: start })?;
        match tag {
            tag::TERMINATOR => Err(CodecError::OpackUnexpectedTerminator { offset: start }),
            0xA0..=0xC0 => {
                self.pos += 1;
                self.reference(u64::from(tag - tag::SHORT_REFERENCE), start)
            }
            0xC1..=0xC4 => {
                let mut reader = Reader::new(self.data, start);
                let index = reader.uint(tag::length_width(tag - tag::LONG_REFERENCE))?;
                self.pos = reader.pos;
                self.reference(index, start)
            }
            0xD0..=0xDF => self.array(tag & 0x0F, depth, start),
            0xE0..=0xEF => self.dict(tag & 0x0F, depth, start),
            _ => {
                let (value, end) = scalar(self.data, start)?;
                self.pos = end;
                if end - start > 1 {
                    self.table.push(start);
                }
                Ok(value)
            }
        }
    }

    fn reference(&mut self, index: u64, offset: usize) -> Result<Value, CodecError> {
        let entry = usize::try_from(index)
            .ok()
            .and_then(|i| self.table.get(i).copied())
            .ok_or(CodecError::OpackBadReference {
                index,
                known: self.table.len(),
                offset,
            })?;
        let (value, end) = scalar(self.data, entry)?;
        self.referenced = self.referenced.saturating_add(end - entry);
        if self.referenced > MAX_REFERENCED_BYTES {
            return Err(CodecError::OpackExpansionTooLarge {
                limit: MAX_REFERENCED_BYTES,
            });
        }
        Ok(value)
    }

    /// Enters the array or dictionary whose tag is at `start`.
    fn enter(&mut self, depth: usize, start: usize) -> Result<(), CodecError> {
        if depth >= MAX_DEPTH {
            return Err(CodecError::OpackTooDeep {
                limit: MAX_DEPTH,
                offset: start,
            });
        }
        self.pos = start + 1;
        Ok(())
    }

    /// In a collection of unknown length (starting at `start`): consumes the terminator
    /// if it comes next.
    fn at_terminator(&mut self, start: usize) -> Result<bool, CodecError> {
        match self.data.get(self.pos) {
            None => Err(CodecError::OpackTruncated { offset: start }),
            Some(&tag::TERMINATOR) => {
                self.pos += 1;
                Ok(true)
            }
            Some(_) => Ok(false),
        }
    }

    fn array(&mut self, count: u8, depth: usize, start: usize) -> Result<Value, CodecError> {
        self.enter(depth, start)?;
        let mut items = Vec::new();
        if count == tag::ENDLESS {
            while !self.at_terminator(start)? {
                items.push(self.value(depth + 1)?);
            }
        } else {
            items.reserve_exact(usize::from(count));
            for _ in 0..count {
                items.push(self.value(depth + 1)?);
            }
        }
        Ok(Value::Array(items))
    }

    fn dict(&mut self, count: u8, depth: usize, start: usize) -> Result<Value, CodecError> {
        self.enter(depth, start)?;
        let mut entries = Vec::new();
        if count == tag::ENDLESS {
            while !self.at_terminator(start)? {
                let key = self.value(depth + 1)?;
                entries.push((key, self.value(depth + 1)?));
            }
        } else {
            entries.reserve_exact(usize::from(count));
            for _ in 0..count {
                let key = self.value(depth + 1)?;
                entries.push((key, self.value(depth + 1)?));
            }
        }
        Ok(Value::Dict(entries))
    }
}

/// Decodes the object at `start`, which is not an array, dictionary or back-reference;
/// returns it and the offset just past it.
fn scalar(data: &[u8], start: usize) -> Result<(Value, usize), CodecError> {
    let mut r = Reader::new(data, start);
    let tag = r.tag;
    let value = match tag {
        tag::TRUE => Value::Bool(true),
        tag::FALSE => Value::Bool(false),
        tag::NULL => Value::Null,
        tag::UUID => Value::Uuid(r.array()?),
        tag::DATE => Value::Date(f64::from_le_bytes(r.array()?)),
        tag::MINUS_ONE => Value::Int(-1),
        0x08..=0x2F => Value::Int(i64::from(tag - tag::SMALL_INT)),
        0x30..=0x34 => {
            let width = IntWidth::from_exponent(tag - tag::SIZED_INT)
                .ok_or(CodecError::OpackUnknownTag { tag, offset: start })?;
            let mut bytes = [0; 16];
            bytes[..width.bytes()].copy_from_slice(r.take(width.bytes() as u64)?);
            int_value(u128::from_le_bytes(bytes), width)
        }
        tag::FLOAT32 => Value::Float(f64::from(f32::from_le_bytes(r.array()?))),
        tag::FLOAT64 => Value::Float(f64::from_le_bytes(r.array()?)),
        0x40..=0x60 => r.string(u64::from(tag - tag::SHORT_STRING))?,
        0x61..=0x64 => {
            let len = r.uint(tag::length_width(tag - tag::LONG_STRING))?;
            r.string(len)?
        }
        tag::NUL_TERMINATED_STRING => {
            let rest = data.get(r.pos..).unwrap_or_default();
            let len = rest
                .iter()
                .position(|&b| b == 0)
                .ok_or(CodecError::OpackTruncated { offset: start })?;
            let value = r.string(len as u64)?;
            r.pos += 1;
            value
        }
        0x70..=0x90 => Value::Data(r.take(u64::from(tag - tag::SHORT_DATA))?.to_vec()),
        0x91..=0x94 => {
            let len = r.uint(tag::length_width(tag - tag::LONG_DATA))?;
            Value::Data(r.take(len)?.to_vec())
        }
        _ => return Err(CodecError::OpackUnknownTag { tag, offset: start }),
    };
    Ok((value, r.pos))
}

/// The value of an integer read in `width` bytes: [`Value::Int`] when that is how an
/// `Int` would be written, otherwise a [`Value::SizedInt`] that keeps the width.
fn int_value(raw: u128, width: IntWidth) -> Value {
    let sized = SizedInt::truncating(raw, width);
    match sized.as_plain_int() {
        Some(i) => Value::Int(i),
        None => Value::SizedInt(sized),
    }
}

/// Reads the parts of one object; every read is checked against the end of the data.
struct Reader<'a> {
    data: &'a [u8],
    /// Where the object starts (for errors).
    start: usize,
    tag: u8,
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader past the tag at `start` (which the caller has seen exists).
    fn new(data: &'a [u8], start: usize) -> Self {
        Self {
            data,
            start,
            tag: data.get(start).copied().unwrap_or_default(),
            pos: start + 1,
        }
    }

    fn take(&mut self, len: u64) -> Result<&'a [u8], CodecError> {
        let rest = self.data.get(self.pos..).unwrap_or_default();
        let bytes = usize::try_from(len)
            .ok()
            .and_then(|len| rest.get(..len))
            .ok_or(CodecError::OpackTruncated { offset: self.start })?;
        self.pos += bytes.len();
        Ok(bytes)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], CodecError> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N as u64)?);
        Ok(out)
    }

    /// A little-endian unsigned number of `width` bytes (at most 8).
    fn uint(&mut self, width: usize) -> Result<u64, CodecError> {
        let mut bytes = [0; 8];
        bytes[..width].copy_from_slice(self.take(width as u64)?);
        Ok(u64::from_le_bytes(bytes))
    }

    fn string(&mut self, len: u64) -> Result<Value, CodecError> {
        let offset = self.start;
        let bytes = self.take(len)?;
        let s = std::str::from_utf8(bytes).map_err(|_| CodecError::OpackInvalidUtf8 { offset })?;
        Ok(Value::String(s.to_owned()))
    }
}
