//! OPACK tag bytes, shared by the encoder and the decoder.

pub(crate) const TRUE: u8 = 0x01;
pub(crate) const FALSE: u8 = 0x02;
pub(crate) const TERMINATOR: u8 = 0x03;
pub(crate) const NULL: u8 = 0x04;
pub(crate) const UUID: u8 = 0x05;
pub(crate) const DATE: u8 = 0x06;
pub(crate) const MINUS_ONE: u8 = 0x07;
/// `SMALL_INT + n` is the integer `n`, for `n` up to [`SMALL_INT_MAX`].
pub(crate) const SMALL_INT: u8 = 0x08;
pub(crate) const SMALL_INT_MAX: i64 = 39;
/// `SIZED_INT + k` is an integer in `2^k` bytes, `k` from 0 to 4.
pub(crate) const SIZED_INT: u8 = 0x30;
pub(crate) const FLOAT32: u8 = 0x35;
pub(crate) const FLOAT64: u8 = 0x36;
/// `SHORT_STRING + n` is a string of `n` bytes, for `n` up to [`SHORT_MAX`].
pub(crate) const SHORT_STRING: u8 = 0x40;
/// `LONG_STRING + k` (k from 1 to 4) is a string with a `2^(k-1)`-byte length.
pub(crate) const LONG_STRING: u8 = 0x60;
pub(crate) const NUL_TERMINATED_STRING: u8 = 0x6F;
/// `SHORT_DATA + n` is data of `n` bytes, for `n` up to [`SHORT_MAX`].
pub(crate) const SHORT_DATA: u8 = 0x70;
/// `LONG_DATA + k` (k from 1 to 4) is data with a `2^(k-1)`-byte length.
pub(crate) const LONG_DATA: u8 = 0x90;
/// Longest string or data whose length fits in the tag.
pub(crate) const SHORT_MAX: usize = 32;
/// `SHORT_REFERENCE + i` refers to object `i`, for `i` up to [`SHORT_REFERENCE_MAX`].
pub(crate) const SHORT_REFERENCE: u8 = 0xA0;
pub(crate) const SHORT_REFERENCE_MAX: usize = 32;
/// `LONG_REFERENCE + k` (k from 1 to 4) refers by a `2^(k-1)`-byte index.
pub(crate) const LONG_REFERENCE: u8 = 0xC0;
/// `ARRAY + n` is an array of `n` items, `n` below [`ENDLESS`].
pub(crate) const ARRAY: u8 = 0xD0;
/// `DICT + n` is a dictionary of `n` pairs, `n` below [`ENDLESS`].
pub(crate) const DICT: u8 = 0xE0;
/// The count nibble of an array or dictionary that runs up to a [`TERMINATOR`].
pub(crate) const ENDLESS: u8 = 0x0F;

/// Width in bytes of the length or index that follows a `LONG_*` tag with low part `k`
/// (1 to 4): 1, 2, 4 or 8.
pub(crate) const fn length_width(k: u8) -> usize {
    1 << (k - 1)
}
