//! The codec the connection task runs over its socket: Companion frames, then (after
//! pair-verify) ChaCha20-Poly1305, then OPACK.
//!
//! Encryption is switched on inside the codec, so bytes already read but not yet
//! decoded are decrypted with the new keys: nothing above notices. Each frame with a
//! payload is sealed on its own; its header (with the length including the tag) is the
//! associated data, and the nonce is the per-direction counter, counter first. Empty
//! payloads stay as they are.

use bytes::BytesMut;
use tokio_util::codec::{Decoder, Encoder};

use atv_pairing::session_cipher::TAG_LEN;
use atv_pairing::{NonceLayout, SessionCipher, SessionKeys};

use crate::CodecError;
use crate::error::CompanionError;
use crate::frame::{Frame, FrameCodec, FrameType, header};
use crate::message::{Inbound, classify};
use crate::opack::{self, Value};

/// What one frame turned out to be.
#[derive(Debug)]
pub(crate) enum Decoded {
    /// A message, sorted.
    Message(Inbound),
    /// An authentic frame whose payload is not valid OPACK; the stream stays usable, so
    /// the connection skips it.
    Undecodable(CodecError),
}

/// Frames, encrypts and (de)serializes Companion messages.
#[derive(Debug)]
pub(crate) struct SessionCodec {
    frames: FrameCodec,
    cipher: Option<SessionCipher>,
}

/// The cipher a Companion client uses with keys derived for it.
pub fn client_cipher(keys: &SessionKeys) -> SessionCipher {
    SessionCipher::new(keys, NonceLayout::CounterFirst)
}

impl SessionCodec {
    /// A plaintext codec accepting payloads up to `max_payload_len` bytes.
    pub(crate) fn new(max_payload_len: usize) -> Self {
        Self {
            frames: FrameCodec::with_max_payload_len(max_payload_len),
            cipher: None,
        }
    }

    /// Encrypts everything from now on, in both directions.
    pub(crate) fn enable_encryption(&mut self, cipher: SessionCipher) {
        self.cipher = Some(cipher);
    }

    fn open(&mut self, frame: Frame) -> Result<Decoded, CompanionError> {
        let plain = match &mut self.cipher {
            Some(cipher) if !frame.payload.is_empty() => {
                let aad = header(frame.frame_type, frame.payload.len())?;
                cipher
                    .decrypt(&frame.payload, &aad)
                    .map_err(CompanionError::Encryption)?
            }
            _ => frame.payload.to_vec(),
        };
        Ok(match classify(frame.frame_type, &plain) {
            Ok(inbound) => Decoded::Message(inbound),
            Err(error) => Decoded::Undecodable(error),
        })
    }
}

impl Decoder for SessionCodec {
    type Item = Decoded;
    type Error = CompanionError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Decoded>, CompanionError> {
        match self.frames.decode(src)? {
            Some(frame) => self.open(frame).map(Some),
            None => Ok(None),
        }
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<Decoded>, CompanionError> {
        match self.frames.decode_eof(src)? {
            Some(frame) => self.open(frame).map(Some),
            None => Ok(None),
        }
    }
}

impl Encoder<(FrameType, &Value)> for SessionCodec {
    type Error = CompanionError;

    fn encode(
        &mut self,
        (frame_type, body): (FrameType, &Value),
        dst: &mut BytesMut,
    ) -> Result<(), CompanionError> {
        let plain = opack::encode(body);
        let payload = match &mut self.cipher {
            Some(cipher) if !plain.is_empty() => {
                let sealed_len = plain.len().saturating_add(TAG_LEN);
                let aad = header(frame_type, sealed_len)?;
                cipher
                    .encrypt(&plain, &aad)
                    .map_err(CompanionError::Encryption)?
            }
            _ => plain,
        };
        self.frames
            .encode(Frame::new(frame_type, payload), dst)
            .map_err(CompanionError::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::dict;
    use atv_pairing::session_keys::COMPANION;

    fn keys() -> (SessionKeys, SessionKeys) {
        let secret = [7u8; 32];
        (
            SessionKeys::for_labels(&secret, COMPANION),
            SessionKeys::for_labels(&secret, COMPANION.for_server()),
        )
    }

    fn body(name: &str) -> Value {
        dict([
            ("_i", Value::from(name)),
            ("_t", Value::Int(1)),
            ("_c", dict([])),
        ])
    }

    fn event(codec: &mut SessionCodec, buf: &mut BytesMut) -> String {
        match codec.decode(buf).unwrap() {
            Some(Decoded::Message(Inbound::Event { name, .. })) => name,
            other => panic!("no event: {other:?}"),
        }
    }

    #[test]
    fn encrypted_frames_carry_the_tag_in_the_header() {
        let (client_keys, server_keys) = keys();
        let mut client = SessionCodec::new(1 << 20);
        client.enable_encryption(client_cipher(&client_keys));
        let mut server = SessionCodec::new(1 << 20);
        server.enable_encryption(SessionCipher::new(&server_keys, NonceLayout::CounterFirst));

        let mut wire = BytesMut::new();
        client
            .encode((FrameType::EOpack, &body("one")), &mut wire)
            .unwrap();
        let plain_len = opack::encode(&body("one")).len();
        assert_eq!(wire.len(), 4 + plain_len + TAG_LEN);
        assert_eq!(usize::from(wire[3]), plain_len + TAG_LEN);
        assert!(!wire.windows(3).any(|w| w == b"one"));
        client
            .encode((FrameType::EOpack, &body("two")), &mut wire)
            .unwrap();
        assert_eq!(event(&mut server, &mut wire), "one");
        assert_eq!(event(&mut server, &mut wire), "two");
    }

    #[test]
    fn switch_applies_to_buffered_bytes_and_tampering_fails() {
        let (client_keys, server_keys) = keys();
        let mut server = SessionCodec::new(1 << 20);
        let mut wire = BytesMut::new();
        server
            .encode((FrameType::EOpack, &body("plain")), &mut wire)
            .unwrap();
        server.enable_encryption(SessionCipher::new(&server_keys, NonceLayout::CounterFirst));
        server
            .encode((FrameType::EOpack, &body("sealed")), &mut wire)
            .unwrap();
        let mut client = SessionCodec::new(1 << 20);
        assert_eq!(event(&mut client, &mut wire), "plain");
        client.enable_encryption(client_cipher(&client_keys));
        assert_eq!(event(&mut client, &mut wire), "sealed");

        server
            .encode((FrameType::EOpack, &body("x")), &mut wire)
            .unwrap();
        let last = wire.len() - 1;
        wire[last] ^= 1;
        assert!(matches!(
            client.decode(&mut wire),
            Err(CompanionError::Encryption(_))
        ));
    }

    #[test]
    fn garbage_opack_is_skipped() {
        let mut codec = SessionCodec::new(1024);
        let mut wire = BytesMut::from(&[0x08, 0, 0, 1, 0xE1][..]);
        assert!(matches!(
            codec.decode(&mut wire).unwrap(),
            Some(Decoded::Undecodable(_))
        ));
    }
}
