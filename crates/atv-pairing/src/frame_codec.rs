//! The HAP encrypted framing that a connection switches to after pair-verify (AirPlay 2
//! control, event and data channels).
//!
//! Each frame is a 2-byte little-endian plaintext length (at most 1024), the ciphertext,
//! and a 16-byte Poly1305 tag; the length bytes are the AAD. Each direction numbers its
//! frames with a 64-bit counter in the nonce ([`NonceLayout::ZeroPrefixed`]). Use
//! [`HapFrameCodec`] as a `tokio_util` codec, or its `seal`/`open` methods directly.

use bytes::{BufMut, Bytes, BytesMut};
use tokio_util::codec::{Decoder, Encoder};

use crate::error::{Error, Result};
use crate::session_cipher::{DirectionCipher, NonceLayout, TAG_LEN};
use crate::session_keys::SessionKeys;

/// The most plaintext one frame carries.
pub const MAX_FRAME_PLAINTEXT: usize = 1024;

const LEN_BYTES: usize = 2;

/// Encrypts outgoing data into frames.
#[derive(Debug)]
pub struct FrameSealer {
    cipher: DirectionCipher,
}

impl FrameSealer {
    /// A sealer with the key this side sends with.
    pub fn new(output_key: &[u8; 32]) -> Self {
        Self {
            cipher: DirectionCipher::new(output_key, NonceLayout::ZeroPrefixed),
        }
    }

    /// Appends `plaintext` to `out` as frames of at most [`MAX_FRAME_PLAINTEXT`] bytes.
    /// Empty input produces no frame.
    pub fn seal_into(&mut self, plaintext: &[u8], out: &mut BytesMut) -> Result<()> {
        out.reserve(plaintext.len() + plaintext.len().div_ceil(MAX_FRAME_PLAINTEXT) * 18);
        for chunk in plaintext.chunks(MAX_FRAME_PLAINTEXT) {
            // A chunk is at most 1024 bytes, which fits the 2-byte length.
            let len = (chunk.len() as u16).to_le_bytes();
            let mut frame = Vec::with_capacity(chunk.len() + TAG_LEN);
            frame.extend_from_slice(chunk);
            self.cipher.seal_in_place(&mut frame, &len)?;
            out.put_slice(&len);
            out.put_slice(&frame);
        }
        Ok(())
    }

    /// `plaintext` as frames.
    pub fn seal(&mut self, plaintext: &[u8]) -> Result<Vec<u8>> {
        let mut out = BytesMut::new();
        self.seal_into(plaintext, &mut out)?;
        Ok(out.to_vec())
    }
}

/// Decrypts incoming frames.
#[derive(Debug)]
pub struct FrameOpener {
    cipher: DirectionCipher,
}

impl FrameOpener {
    /// An opener with the key this side receives with.
    pub fn new(input_key: &[u8; 32]) -> Self {
        Self {
            cipher: DirectionCipher::new(input_key, NonceLayout::ZeroPrefixed),
        }
    }

    /// Opens the first frame of `input`: `Ok(None)` when it is not complete yet, else its
    /// plaintext and the number of bytes it took.
    pub fn open(&mut self, input: &[u8]) -> Result<Option<(Vec<u8>, usize)>> {
        let Some(total) = frame_len(input)? else {
            return Ok(None);
        };
        let (len, body) = input.split_at(LEN_BYTES);
        let Some(sealed) = body.get(..total - LEN_BYTES) else {
            return Ok(None);
        };
        let mut buf = sealed.to_vec();
        let plain = self.cipher.open_in_place(&mut buf, len)?.len();
        buf.truncate(plain);
        Ok(Some((buf, total)))
    }

    /// Takes one complete frame off the front of `src` and returns its plaintext.
    pub fn open_from(&mut self, src: &mut BytesMut) -> Result<Option<BytesMut>> {
        let Some(total) = frame_len(src)? else {
            return Ok(None);
        };
        if src.len() < total {
            src.reserve(total - src.len());
            return Ok(None);
        }
        let mut frame = src.split_to(total);
        let len = frame.split_to(LEN_BYTES);
        let plain = self.cipher.open_in_place(&mut frame, &len)?.len();
        frame.truncate(plain);
        Ok(Some(frame))
    }
}

/// The full length of the frame at the front of `input` (length bytes, ciphertext and
/// tag), once the length bytes are there.
fn frame_len(input: &[u8]) -> Result<Option<usize>> {
    let Some(&[lo, hi]) = input.get(..LEN_BYTES) else {
        return Ok(None);
    };
    let len = usize::from(u16::from_le_bytes([lo, hi]));
    if len > MAX_FRAME_PLAINTEXT {
        return Err(Error::FrameTooLong {
            len,
            max: MAX_FRAME_PLAINTEXT,
        });
    }
    Ok(Some(LEN_BYTES + len + TAG_LEN))
}

/// Both directions of the HAP framing, usable as a `tokio_util` codec. Each decoded item
/// is the plaintext of one frame; callers that need whole messages buffer them.
#[derive(Debug)]
pub struct HapFrameCodec {
    /// Outgoing direction.
    pub sealer: FrameSealer,
    /// Incoming direction.
    pub opener: FrameOpener,
}

impl HapFrameCodec {
    /// A codec from the keys pair-verify derived.
    pub fn new(keys: &SessionKeys) -> Self {
        Self {
            sealer: FrameSealer::new(&keys.output),
            opener: FrameOpener::new(&keys.input),
        }
    }

    /// Splits the codec for a connection whose read and write halves live apart.
    pub fn split(self) -> (FrameSealer, FrameOpener) {
        (self.sealer, self.opener)
    }
}

impl Encoder<&[u8]> for FrameSealer {
    type Error = Error;

    fn encode(&mut self, item: &[u8], dst: &mut BytesMut) -> Result<()> {
        self.seal_into(item, dst)
    }
}

impl Encoder<Bytes> for FrameSealer {
    type Error = Error;

    fn encode(&mut self, item: Bytes, dst: &mut BytesMut) -> Result<()> {
        self.seal_into(&item, dst)
    }
}

impl Decoder for FrameOpener {
    type Item = BytesMut;
    type Error = Error;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<BytesMut>> {
        self.open_from(src)
    }
}

impl Encoder<&[u8]> for HapFrameCodec {
    type Error = Error;

    fn encode(&mut self, item: &[u8], dst: &mut BytesMut) -> Result<()> {
        self.sealer.seal_into(item, dst)
    }
}

impl Encoder<Bytes> for HapFrameCodec {
    type Error = Error;

    fn encode(&mut self, item: Bytes, dst: &mut BytesMut) -> Result<()> {
        self.sealer.seal_into(&item, dst)
    }
}

impl Decoder for HapFrameCodec {
    type Item = BytesMut;
    type Error = Error;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<BytesMut>> {
        self.opener.open_from(src)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair() -> (HapFrameCodec, HapFrameCodec) {
        let keys = SessionKeys {
            output: [3; 32],
            input: [4; 32],
        };
        let mirrored = SessionKeys {
            output: [4; 32],
            input: [3; 32],
        };
        (HapFrameCodec::new(&keys), HapFrameCodec::new(&mirrored))
    }

    #[test]
    fn large_writes_split_into_1024_byte_frames() {
        let (mut a, mut b) = pair();
        let data: Vec<u8> = (0..2500u32).map(|i| i as u8).collect();
        let mut wire = BytesMut::new();
        a.encode(&data[..], &mut wire).unwrap();
        assert_eq!(wire.len(), 2500 + 3 * (2 + 16));
        assert_eq!(&wire[..2], &1024u16.to_le_bytes());

        let mut got = Vec::new();
        let mut sizes = Vec::new();
        while let Some(frame) = b.decode(&mut wire).unwrap() {
            sizes.push(frame.len());
            got.extend_from_slice(&frame);
        }
        assert_eq!(sizes, vec![1024, 1024, 452]);
        assert_eq!(got, data);
        assert!(wire.is_empty());
    }

    #[test]
    fn partial_frames_wait_for_more_bytes() {
        let (mut a, mut b) = pair();
        let wire = a.sealer.seal(b"hello").unwrap();
        let mut buf = BytesMut::new();
        for byte in &wire[..wire.len() - 1] {
            buf.put_u8(*byte);
            assert!(b.decode(&mut buf).unwrap().is_none());
        }
        buf.put_u8(wire[wire.len() - 1]);
        assert_eq!(&b.decode(&mut buf).unwrap().unwrap()[..], b"hello");
    }

    #[test]
    fn oversized_and_tampered_frames_are_errors() {
        let (mut a, mut b) = pair();
        let mut buf = BytesMut::from(&[0x01, 0x04][..]);
        assert!(matches!(
            b.decode(&mut buf),
            Err(Error::FrameTooLong { len: 1025, .. })
        ));

        let mut wire = a.sealer.seal(b"hello").unwrap();
        wire[3] ^= 1;
        assert!(matches!(
            b.opener.open(&wire),
            Err(Error::DecryptFailed { .. })
        ));

        // The length bytes are authenticated too.
        let (mut a, mut b) = pair();
        let mut wire = a.sealer.seal(&[0u8; 20]).unwrap();
        wire[0] = 4;
        assert!(b.opener.open(&wire).is_err());
    }

    #[test]
    fn open_reports_consumed_bytes() {
        let (mut a, mut b) = pair();
        let mut wire = a.sealer.seal(b"one").unwrap();
        wire.extend(a.sealer.seal(b"two").unwrap());
        let (first, used) = b.opener.open(&wire).unwrap().unwrap();
        assert_eq!(first, b"one");
        let (second, _) = b.opener.open(&wire[used..]).unwrap().unwrap();
        assert_eq!(second, b"two");
    }
}
