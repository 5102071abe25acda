//! ChaCha20-Poly1305 as the pairing messages and encrypted sessions use it.
//!
//! Pairing messages encrypt their sub-TLV with a fixed 8-byte label as nonce ("PS-Msg05",
//! "PV-Msg02", ...) behind 4 zero bytes. Sessions count: each direction has its own key
//! and a 64-bit counter that starts at 0 and goes up by one per message. HAP, MRP and
//! AirPlay put the counter little-endian after 4 zero bytes; Companion writes it as a
//! 12-byte little-endian number, i.e. the counter first and the zeros last.

use std::fmt;

use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};

use crate::error::{Error, Result};
use crate::session_keys::SessionKeys;

/// Length of the Poly1305 authentication tag appended to each ciphertext.
pub const TAG_LEN: usize = 16;

/// Where the message counter sits in the 12-byte nonce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NonceLayout {
    /// 4 zero bytes, then the counter little-endian: HAP framing, MRP, AirPlay.
    ZeroPrefixed,
    /// The counter little-endian, then 4 zero bytes: Companion.
    CounterFirst,
}

impl NonceLayout {
    fn nonce(self, counter: u64) -> [u8; 12] {
        let mut nonce = [0u8; 12];
        let at = match self {
            Self::ZeroPrefixed => 4,
            Self::CounterFirst => 0,
        };
        nonce[at..at + 8].copy_from_slice(&counter.to_le_bytes());
        nonce
    }
}

fn key(bytes: &[u8; 32]) -> LessSafeKey {
    // ChaCha20-Poly1305 keys are 32 bytes, which the type guarantees.
    let unbound = UnboundKey::new(&CHACHA20_POLY1305, bytes)
        .unwrap_or_else(|_| unreachable!("32-byte keys are valid ChaCha20-Poly1305 keys"));
    LessSafeKey::new(unbound)
}

fn label_nonce(label: &[u8; 8]) -> Nonce {
    let mut nonce = [0u8; 12];
    nonce[4..].copy_from_slice(label);
    Nonce::assume_unique_for_key(nonce)
}

/// Encrypts a pairing sub-TLV under a one-time key with an 8-byte label as nonce.
pub(crate) fn seal_with_label(key_bytes: &[u8; 32], label: &[u8; 8], plaintext: &[u8]) -> Vec<u8> {
    let mut buf = plaintext.to_vec();
    // Sealing only fails for inputs beyond ChaCha20's 256 GiB limit.
    let _ = key(key_bytes).seal_in_place_append_tag(label_nonce(label), Aad::empty(), &mut buf);
    buf
}

/// Decrypts a pairing sub-TLV sealed by [`seal_with_label`].
pub(crate) fn open_with_label(
    key_bytes: &[u8; 32],
    label: &[u8; 8],
    sealed: &[u8],
    what: &'static str,
) -> Result<Vec<u8>> {
    let mut buf = sealed.to_vec();
    let len = key(key_bytes)
        .open_in_place(label_nonce(label), Aad::empty(), &mut buf)
        .map_err(|_| Error::DecryptFailed { what })?
        .len();
    buf.truncate(len);
    Ok(buf)
}

/// ChaCha20-Poly1305 for one direction of a session: a key and its message counter.
pub struct DirectionCipher {
    key: LessSafeKey,
    counter: u64,
    layout: NonceLayout,
}

impl DirectionCipher {
    /// A cipher whose counter starts at 0.
    pub fn new(key_bytes: &[u8; 32], layout: NonceLayout) -> Self {
        Self {
            key: key(key_bytes),
            counter: 0,
            layout,
        }
    }

    /// The counter the next message will use.
    pub fn counter(&self) -> u64 {
        self.counter
    }

    /// The nonce the next message will use (RAOP puts its last 8 bytes in audio packets).
    pub fn next_nonce(&self) -> [u8; 12] {
        self.layout.nonce(self.counter)
    }

    fn take_nonce(&mut self) -> Result<Nonce> {
        let nonce = self.layout.nonce(self.counter);
        self.counter = self.counter.checked_add(1).ok_or(Error::NonceExhausted)?;
        Ok(Nonce::assume_unique_for_key(nonce))
    }

    /// Encrypts `buf` in place and appends the tag.
    pub fn seal_in_place(&mut self, buf: &mut Vec<u8>, aad: &[u8]) -> Result<()> {
        let nonce = self.take_nonce()?;
        self.key
            .seal_in_place_append_tag(nonce, Aad::from(aad), buf)
            .map_err(|_| Error::NonceExhausted)
    }

    /// Encrypts `plaintext`, returning ciphertext and tag.
    pub fn seal(&mut self, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>> {
        let mut buf = Vec::with_capacity(plaintext.len() + TAG_LEN);
        buf.extend_from_slice(plaintext);
        self.seal_in_place(&mut buf, aad)?;
        Ok(buf)
    }

    /// Decrypts ciphertext-and-tag in place, returning the plaintext part of `buf`. The
    /// counter advances even when authentication fails, as the peer's did.
    pub fn open_in_place<'b>(&mut self, buf: &'b mut [u8], aad: &[u8]) -> Result<&'b mut [u8]> {
        let nonce = self.take_nonce()?;
        self.key
            .open_in_place(nonce, Aad::from(aad), buf)
            .map_err(|_| Error::DecryptFailed {
                what: "an encrypted message",
            })
    }

    /// Decrypts ciphertext-and-tag, returning the plaintext.
    pub fn open(&mut self, sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>> {
        let mut buf = sealed.to_vec();
        let len = self.open_in_place(&mut buf, aad)?.len();
        buf.truncate(len);
        Ok(buf)
    }
}

impl fmt::Debug for DirectionCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DirectionCipher")
            .field("counter", &self.counter)
            .field("layout", &self.layout)
            .finish_non_exhaustive()
    }
}

/// Both directions of an encrypted session: encrypt with the output key, decrypt with the
/// input key, one counter each.
#[derive(Debug)]
pub struct SessionCipher {
    /// What this side sends.
    pub output: DirectionCipher,
    /// What this side receives.
    pub input: DirectionCipher,
}

impl SessionCipher {
    /// A session cipher from derived keys.
    pub fn new(keys: &SessionKeys, layout: NonceLayout) -> Self {
        Self {
            output: DirectionCipher::new(&keys.output, layout),
            input: DirectionCipher::new(&keys.input, layout),
        }
    }

    /// Encrypts an outgoing message.
    pub fn encrypt(&mut self, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>> {
        self.output.seal(plaintext, aad)
    }

    /// Decrypts an incoming message.
    pub fn decrypt(&mut self, sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>> {
        self.input.open(sealed, aad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonce_layouts() {
        let counter = 0x0102_0304_0506_0708;
        assert_eq!(
            NonceLayout::ZeroPrefixed.nonce(counter),
            [0, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1]
        );
        assert_eq!(
            NonceLayout::CounterFirst.nonce(counter),
            [8, 7, 6, 5, 4, 3, 2, 1, 0, 0, 0, 0]
        );
    }

    /// RFC 8439 section 2.8.2: its nonce is 07000000 4041424344454647, i.e. the constant
    /// 7 followed by an 8-byte value, so it is checked through the ring key directly.
    #[test]
    fn rfc8439_aead_vector() {
        let key_bytes: [u8; 32] = core::array::from_fn(|i| 0x80 + i as u8);
        let nonce: [u8; 12] = [7, 0, 0, 0, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47];
        let aad = hex::decode("50515253c0c1c2c3c4c5c6c7").unwrap();
        let mut buf = b"Ladies and Gentlemen of the class of '99: If I could offer you only one \
tip for the future, sunscreen would be it."
            .to_vec();
        key(&key_bytes)
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(&aad),
                &mut buf,
            )
            .unwrap();
        assert_eq!(
            hex::encode(&buf[buf.len() - TAG_LEN..]),
            "1ae10b594f09e26a7e902ecbd0600691"
        );
        assert_eq!(hex::encode(&buf[..16]), "d31a8d34648e60db7b86afbc53ef7ec2");
    }

    #[test]
    fn counters_advance_per_direction() {
        let keys = SessionKeys {
            output: [1; 32],
            input: [2; 32],
        };
        let mirrored = SessionKeys {
            output: [2; 32],
            input: [1; 32],
        };
        let mut a = SessionCipher::new(&keys, NonceLayout::CounterFirst);
        let mut b = SessionCipher::new(&mirrored, NonceLayout::CounterFirst);
        for i in 0..3u8 {
            let sealed = a.encrypt(&[i; 5], b"hdr").unwrap();
            assert_eq!(b.decrypt(&sealed, b"hdr").unwrap(), vec![i; 5]);
        }
        assert_eq!(a.output.counter(), 3);
        assert_eq!(b.input.counter(), 3);
        assert_eq!(b.output.counter(), 0);
        let sealed = a.encrypt(b"x", b"").unwrap();
        assert!(b.decrypt(&sealed, b"other aad").is_err());
        // A failed message still used up its nonce, as it did on the sender.
        let next = a.encrypt(b"y", b"").unwrap();
        assert_eq!(b.decrypt(&next, b"").unwrap(), b"y");
    }

    #[test]
    fn labelled_messages_round_trip() {
        let sealed = seal_with_label(&[9; 32], b"PS-Msg05", b"inner tlv");
        assert_eq!(
            open_with_label(&[9; 32], b"PS-Msg05", &sealed, "t").unwrap(),
            b"inner tlv"
        );
        assert!(open_with_label(&[9; 32], b"PS-Msg06", &sealed, "t").is_err());
        assert!(open_with_label(&[9; 32], b"PS-Msg05", &sealed[..10], "t").is_err());
    }
}
