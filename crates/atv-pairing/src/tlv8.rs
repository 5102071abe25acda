//! TLV8, the type-length-value encoding of HomeKit pairing messages.
//!
//! Each item is one type byte, one length byte and up to 255 value bytes. A longer value is
//! sent as consecutive items of the same type, which a reader joins again. Items of types
//! this crate does not know are kept, in order.

use std::fmt;

use crate::error::{Error, Result};

/// The type byte of a TLV8 item.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag(pub u8);

impl Tag {
    /// Pairing method (see [`Method`]).
    pub const METHOD: Self = Self(0x00);
    /// Pairing identifier of the sender.
    pub const IDENTIFIER: Self = Self(0x01);
    /// SRP salt.
    pub const SALT: Self = Self(0x02);
    /// SRP or Curve25519 public key, or Ed25519 long-term public key.
    pub const PUBLIC_KEY: Self = Self(0x03);
    /// SRP proof.
    pub const PROOF: Self = Self(0x04);
    /// Encrypted sub-TLV with its authentication tag.
    pub const ENCRYPTED_DATA: Self = Self(0x05);
    /// State number (M1, M2, ...); pyatv calls it SeqNo.
    pub const STATE: Self = Self(0x06);
    /// Error code (see [`DeviceErrorCode`](crate::DeviceErrorCode)).
    pub const ERROR: Self = Self(0x07);
    /// Seconds to wait before retrying.
    pub const RETRY_DELAY: Self = Self(0x08);
    /// X.509 certificate.
    pub const CERTIFICATE: Self = Self(0x09);
    /// Ed25519 signature.
    pub const SIGNATURE: Self = Self(0x0a);
    /// Permissions of a pairing.
    pub const PERMISSIONS: Self = Self(0x0b);
    /// Fragment of a larger message.
    pub const FRAGMENT_DATA: Self = Self(0x0c);
    /// Last fragment of a larger message.
    pub const FRAGMENT_LAST: Self = Self(0x0d);
    /// Apple extension: OPACK-encoded information about the sender (e.g. its name).
    pub const NAME: Self = Self(0x11);
    /// Pairing flags (see [`Flags`]).
    pub const FLAGS: Self = Self(0x13);
    /// Separator between items of a list.
    pub const SEPARATOR: Self = Self(0xff);

    /// The HomeKit name of this type, if it has one.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0x00 => "Method",
            0x01 => "Identifier",
            0x02 => "Salt",
            0x03 => "PublicKey",
            0x04 => "Proof",
            0x05 => "EncryptedData",
            0x06 => "State",
            0x07 => "Error",
            0x08 => "RetryDelay",
            0x09 => "Certificate",
            0x0a => "Signature",
            0x0b => "Permissions",
            0x0c => "FragmentData",
            0x0d => "FragmentLast",
            0x11 => "Name",
            0x13 => "Flags",
            0xff => "Separator",
            _ => return None,
        })
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "0x{:02x}", self.0),
        }
    }
}

/// Values of the [`Tag::METHOD`] item.
pub struct Method;

impl Method {
    /// Pair-setup (what Apple TVs and HomePods expect, also for transient pairing).
    pub const PAIR_SETUP: u8 = 0x00;
    /// Pair-setup with MFi authentication.
    pub const PAIR_SETUP_WITH_AUTH: u8 = 0x01;
    /// Pair-verify.
    pub const PAIR_VERIFY: u8 = 0x02;
    /// Add a pairing.
    pub const ADD_PAIRING: u8 = 0x03;
    /// Remove a pairing.
    pub const REMOVE_PAIRING: u8 = 0x04;
    /// List pairings.
    pub const LIST_PAIRINGS: u8 = 0x05;
}

/// Bits of the [`Tag::FLAGS`] item.
pub struct Flags;

impl Flags {
    /// Transient pairing: stop after M4 and use the SRP key for the session.
    pub const TRANSIENT: u8 = 0x10;
}

/// An ordered list of TLV8 items, values already joined.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Tlv8 {
    items: Vec<(Tag, Vec<u8>)>,
}

impl Tlv8 {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses TLV8 bytes, joining consecutive items of the same type.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut items: Vec<(Tag, Vec<u8>)> = Vec::new();
        let mut rest = bytes;
        let mut offset = 0;
        while let [tag, len, tail @ ..] = rest {
            let len = usize::from(*len);
            let (Some(value), Some(after)) = (tail.get(..len), tail.get(len..)) else {
                return Err(Error::MalformedTlv { offset });
            };
            let tag = Tag(*tag);
            match items.last_mut() {
                Some((last, joined)) if *last == tag => joined.extend_from_slice(value),
                _ => items.push((tag, value.to_vec())),
            }
            offset += 2 + len;
            rest = after;
        }
        if rest.is_empty() {
            Ok(Self { items })
        } else {
            Err(Error::MalformedTlv { offset })
        }
    }

    /// Encodes the items, splitting values longer than 255 bytes.
    pub fn encode(&self) -> Vec<u8> {
        let size = self
            .items
            .iter()
            .map(|(_, v)| 2 + v.len() + 2 * (v.len() / 255))
            .sum();
        let mut out = Vec::with_capacity(size);
        for (tag, value) in &self.items {
            if value.is_empty() {
                out.extend_from_slice(&[tag.0, 0]);
            }
            for chunk in value.chunks(255) {
                out.push(tag.0);
                // A chunk is at most 255 bytes long.
                out.push(chunk.len() as u8);
                out.extend_from_slice(chunk);
            }
        }
        out
    }

    /// Appends an item.
    pub fn push(&mut self, tag: Tag, value: impl Into<Vec<u8>>) {
        self.items.push((tag, value.into()));
    }

    /// Appends an item, builder style.
    #[must_use]
    pub fn with(mut self, tag: Tag, value: impl Into<Vec<u8>>) -> Self {
        self.push(tag, value);
        self
    }

    /// The value of the first item of this type.
    pub fn get(&self, tag: Tag) -> Option<&[u8]> {
        self.items
            .iter()
            .find(|(t, _)| *t == tag)
            .map(|(_, v)| v.as_slice())
    }

    /// The first item of this type as a little-endian number (state, error, delay), if it
    /// fits in 64 bits.
    pub fn get_uint(&self, tag: Tag) -> Option<u64> {
        let value = self.get(tag)?;
        if value.len() > 8 {
            return None;
        }
        Some(
            value
                .iter()
                .rev()
                .fold(0u64, |acc, b| (acc << 8) | u64::from(*b)),
        )
    }

    /// All items in order.
    pub fn iter(&self) -> impl Iterator<Item = (Tag, &[u8])> {
        self.items.iter().map(|(t, v)| (*t, v.as_slice()))
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when there are no items.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// Shows types and value lengths only: pairing messages carry proofs and keys.
impl fmt::Debug for Tlv8 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for (tag, value) in &self.items {
            match *tag {
                Tag::METHOD | Tag::STATE | Tag::ERROR | Tag::RETRY_DELAY | Tag::FLAGS => {
                    list.entry(&format_args!("{tag:?}={}", hex::encode(value)))
                }
                _ => list.entry(&format_args!("{tag:?}({} bytes)", value.len())),
            };
        }
        list.finish()
    }
}

impl FromIterator<(Tag, Vec<u8>)> for Tlv8 {
    fn from_iter<I: IntoIterator<Item = (Tag, Vec<u8>)>>(iter: I) -> Self {
        Self {
            items: iter.into_iter().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_and_double_items() {
        let one = Tlv8::new().with(Tag(10), b"123".to_vec());
        assert_eq!(one.encode(), b"\x0a\x03123");
        let two = Tlv8::new()
            .with(Tag(1), b"111".to_vec())
            .with(Tag(4), b"222".to_vec());
        assert_eq!(two.encode(), b"\x01\x03111\x04\x03222");
        assert_eq!(Tlv8::decode(b"\x01\x03111\x04\x03222").unwrap(), two);
    }

    #[test]
    fn long_values_are_split_and_joined() {
        let value = vec![0x31u8; 256];
        let tlv = Tlv8::new().with(Tag::SALT, value.clone());
        let mut expected = vec![2u8, 255];
        expected.extend_from_slice(&[0x31; 255]);
        expected.extend_from_slice(&[2, 1, 0x31]);
        assert_eq!(tlv.encode(), expected);
        assert_eq!(
            Tlv8::decode(&expected).unwrap().get(Tag::SALT),
            Some(&value[..])
        );

        let big = vec![7u8; 255 * 3];
        let encoded = Tlv8::new().with(Tag::PUBLIC_KEY, big.clone()).encode();
        assert_eq!(encoded.len(), 255 * 3 + 6);
        assert_eq!(
            Tlv8::decode(&encoded).unwrap().get(Tag::PUBLIC_KEY),
            Some(&big[..])
        );
    }

    #[test]
    fn unknown_types_and_empty_values_are_kept() {
        let bytes = b"\x06\x01\x02\x1b\x01\x01\xff\x00\x42\x02ab";
        let tlv = Tlv8::decode(bytes).unwrap();
        let tags: Vec<u8> = tlv.iter().map(|(t, _)| t.0).collect();
        assert_eq!(tags, vec![0x06, 0x1b, 0xff, 0x42]);
        assert_eq!(tlv.get(Tag(0x1b)), Some(&[1u8][..]));
        assert_eq!(tlv.get(Tag::SEPARATOR), Some(&[][..]));
        assert_eq!(tlv.encode(), bytes);
    }

    #[test]
    fn truncated_items_are_errors() {
        for bad in [&b"\x06"[..], b"\x06\x02\x01", b"\x06\x01\x01\x03\x05ab"] {
            assert!(
                matches!(Tlv8::decode(bad), Err(Error::MalformedTlv { .. })),
                "{bad:?}"
            );
        }
        assert!(Tlv8::decode(b"").unwrap().is_empty());
    }

    #[test]
    fn numbers_are_little_endian() {
        let tlv = Tlv8::decode(b"\x08\x02\x02\x01\x06\x01\x04").unwrap();
        assert_eq!(tlv.get_uint(Tag::RETRY_DELAY), Some(0x0102));
        assert_eq!(tlv.get_uint(Tag::STATE), Some(4));
        assert_eq!(tlv.get_uint(Tag::ERROR), None);
    }

    #[test]
    fn debug_hides_values() {
        let tlv = Tlv8::new()
            .with(Tag::STATE, vec![3])
            .with(Tag::PROOF, vec![0xab; 64]);
        let shown = format!("{tlv:?}");
        assert_eq!(shown, "[State=03, Proof(64 bytes)]");
    }
}
