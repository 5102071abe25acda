//! What can go wrong in the Companion codecs: OPACK and the frame layer.

/// An error from decoding OPACK data or from splitting the stream into frames.
///
/// Everything here comes from bytes a peer sent (or from a payload too large to send);
/// none of it is a reason to panic. A bad OPACK payload spoils only that message; a frame
/// error leaves the stream position unknown, so the connection must be dropped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CodecError {
    /// The OPACK data ends in the middle of an object.
    #[error(
        "OPACK data ends inside an object (at byte {offset}): the message is incomplete or \
         corrupt and was dropped"
    )]
    OpackTruncated {
        /// Where the object that could not be completed starts.
        offset: usize,
    },

    /// A byte that starts no OPACK object.
    #[error(
        "unknown OPACK tag 0x{tag:02x} at byte {offset}: the message was dropped; if a real \
         device sent it, please report it with a capture"
    )]
    OpackUnknownTag {
        /// The offending byte.
        tag: u8,
        /// Its position in the data.
        offset: usize,
    },

    /// The terminator byte (0x03) where an object was expected: it may only end an
    /// array or dictionary of unknown length, and only between entries.
    #[error("unexpected OPACK terminator at byte {offset}: the message is corrupt and was dropped")]
    OpackUnexpectedTerminator {
        /// Position of the terminator.
        offset: usize,
    },

    /// A string whose bytes are not UTF-8.
    #[error("OPACK string at byte {offset} is not valid UTF-8: the message was dropped")]
    OpackInvalidUtf8 {
        /// Where the string object starts.
        offset: usize,
    },

    /// A back-reference to an object that does not come before it.
    #[error(
        "OPACK back-reference at byte {offset} points to object {index}, but only {known} \
         objects precede it: the message is corrupt and was dropped"
    )]
    OpackBadReference {
        /// The index the reference asked for.
        index: u64,
        /// How many objects could be referred to at that point.
        known: usize,
        /// Position of the reference.
        offset: usize,
    },

    /// Arrays and dictionaries nested deeper than the decoder allows.
    #[error(
        "OPACK data nests deeper than {limit} levels (at byte {offset}): no Companion message \
         does that; the message was dropped"
    )]
    OpackTooDeep {
        /// The nesting limit.
        limit: usize,
        /// Where the level over the limit starts.
        offset: usize,
    },

    /// Back-references would copy more data than the decoder allows, the sign of a
    /// message built to exhaust memory.
    #[error(
        "OPACK back-references expand to more than {limit} bytes: the message was dropped to \
         protect memory"
    )]
    OpackExpansionTooLarge {
        /// The limit on bytes copied through back-references.
        limit: usize,
    },

    /// A frame payload longer than the length field or the configured limit allows.
    #[error(
        "Companion frame payload of {length} bytes exceeds the limit of {max} bytes; \
         reconnect (and split large data if sending)"
    )]
    FrameTooLarge {
        /// The payload length announced or asked for.
        length: usize,
        /// The limit in force.
        max: usize,
    },

    /// The stream ended in the middle of a frame.
    #[error("Companion connection closed in the middle of a frame ({buffered} bytes left over)")]
    FrameTruncated {
        /// Bytes received of the incomplete frame (header included).
        buffered: usize,
    },

    /// Reading from or writing to the socket failed (only from the frame codec, which
    /// tokio's `Framed` drives over a socket).
    #[error("Companion connection I/O failed: {0}")]
    Io(#[from] std::io::Error),
}
