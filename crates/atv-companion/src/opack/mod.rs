//! OPACK, the binary serialization Apple's CoreUtils uses for Companion messages.
//!
//! Every object starts with a tag byte; small objects are the tag alone. Numbers and
//! lengths are little-endian.
//!
//! | Tag | Object |
//! | --- | ------ |
//! | `01` / `02` | true / false |
//! | `03` | ends an array or dictionary of unknown length |
//! | `04` | null |
//! | `05` | UUID, 16 bytes in network order |
//! | `06` | date: 8-byte float, seconds since 2001-01-01 |
//! | `07` | the integer -1 |
//! | `08`–`2F` | the integers 0 to 39 |
//! | `30`–`34` | integer in 1, 2, 4, 8 or 16 bytes |
//! | `35` / `36` | 4-byte / 8-byte float |
//! | `40`–`60` | string of 0 to 32 bytes |
//! | `61`–`64` | string with a 1, 2, 4 or 8-byte length |
//! | `6F` | string ended by a zero byte |
//! | `70`–`90` | data of 0 to 32 bytes |
//! | `91`–`94` | data with a 1, 2, 4 or 8-byte length |
//! | `A0`–`C0` | back-reference to object 0 to 32 |
//! | `C1`–`C4` | back-reference with a 1, 2, 4 or 8-byte index |
//! | `D0`–`DE` | array of 0 to 14 items |
//! | `DF` | array of items up to a `03` |
//! | `E0`–`EE` | dictionary of 0 to 14 key/value pairs |
//! | `EF` | dictionary of pairs up to a `03` |
//!
//! # Back-references
//!
//! Every object whose encoding is longer than one byte, except arrays and dictionaries,
//! gets the next index in a table as it is read (a back-reference itself adds nothing);
//! a back-reference repeats the object at that index. [`encode`] writes each repeated
//! object as a back-reference, as pyatv's packer does.
//!
//! # Agreement with pyatv and with Apple's devices
//!
//! [`encode`] writes the same bytes as pyatv's packer wherever that packer's output means
//! the same thing to pyatv's own unpacker and to Apple's decoder. Where it would not, our
//! bytes differ so that both decode them correctly:
//!
//! - pyatv's packer also numbers arrays and dictionaries, so its back-references after a
//!   nested collection point to the wrong object for every decoder (pyatv's included);
//!   we number only what decoders number.
//! - pyatv's unpacker numbers the first empty string or data (which its packer and Apple
//!   skip), and skips any value equal in Python to one it already has (an integer and a
//!   float of the same value, say), which Apple's decoder numbers. After such an object
//!   the tables disagree, so [`encode`] stops adding to its table there and writes later
//!   new objects in full; back-references to earlier objects stay valid.
//! - Back-references are limited to two-byte indices, so the `C3`/`C4` forms (whose index
//!   width pyatv's packer and unpacker disagree on) never appear in our output.
//!
//! [`decode`] follows the tag table above, which is what Apple's devices and pyatv's
//! packer write. pyatv differs in places it cannot meet in Companion traffic: its
//! unpacker reads `C3`/`C4` back-references with 3/4-byte indices, and it writes and reads
//! strings of 64 KiB or more (`63`/`64`) with 3/4-byte lengths.
//!
//! Integers: [`Value::Int`] is written in the smallest form (the same as pyatv), negative
//! numbers other than -1 in the 8-byte form as two's complement. The 1, 2 and 4-byte forms
//! are read unsigned, as pyatv reads them. A width that is not the smallest for the value
//! is kept as a [`Value::SizedInt`], so re-encoding gives the same bytes. Floats are
//! always written as 8-byte floats (as pyatv does); a 4-byte float reads as the same
//! value in [`Value::Float`].

mod decode;
mod encode;
mod seen;
mod tag;
mod value;

pub use decode::{MAX_DEPTH, MAX_REFERENCED_BYTES, decode};
pub use encode::{encode, encode_into};
pub use value::{IntWidth, SizedInt, Value};
