//! The codec the connection task runs over its socket: varint framing, then (after
//! pair-verify) ChaCha20-Poly1305, then protobuf.
//!
//! Encryption is switched on inside the codec, so bytes already read from the socket but
//! not yet decoded are decrypted with the new keys: nothing above the codec changes. MRP
//! encrypts each frame's payload on its own, with a per-direction counter behind four
//! zero bytes as nonce and no associated data.

use bytes::{Bytes, BytesMut};
use prost::Message;
use tokio_util::codec::{Decoder, Encoder};

use atv_pairing::{NonceLayout, SessionCipher, SessionKeys};

use crate::error::MrpError;
use crate::framing::{FrameCodec, decode_message, encode_frame};
use crate::protobuf::ProtocolMessage;

/// What one decoded frame turned out to be.
#[derive(Debug)]
pub(crate) enum Inbound {
    /// A message.
    Message(Box<ProtocolMessage>),
    /// A well-framed (and, when encrypted, authentic) frame that is not a valid
    /// `ProtocolMessage`. The stream stays usable, so the connection skips it.
    Undecodable(prost::DecodeError),
}

/// Frames, encrypts and (de)serializes [`ProtocolMessage`]s.
#[derive(Debug, Default)]
pub(crate) struct SessionCodec {
    frames: FrameCodec,
    cipher: Option<SessionCipher>,
}

impl SessionCodec {
    /// A plaintext codec accepting frames up to `max_frame_len` bytes.
    pub(crate) fn new(max_frame_len: usize) -> Self {
        Self {
            frames: FrameCodec::with_max_frame_len(max_frame_len),
            cipher: None,
        }
    }

    /// Encrypts everything from now on, in both directions.
    pub(crate) fn enable_encryption(&mut self, cipher: SessionCipher) {
        self.cipher = Some(cipher);
    }

    /// Whether encryption is on.
    #[cfg(test)]
    pub(crate) fn is_encrypted(&self) -> bool {
        self.cipher.is_some()
    }

    fn open(&mut self, frame: BytesMut) -> Result<Inbound, MrpError> {
        let plain = match &mut self.cipher {
            Some(cipher) => Bytes::from(cipher.decrypt(&frame, &[]).map_err(MrpError::Encryption)?),
            None => frame.freeze(),
        };
        Ok(match decode_message(plain) {
            Ok(message) => Inbound::Message(Box::new(message)),
            Err(crate::framing::FramingError::Decode(error)) => Inbound::Undecodable(error),
            Err(other) => return Err(other.into()),
        })
    }
}

/// The cipher an MRP client uses with keys derived for it.
pub(crate) fn client_cipher(keys: &SessionKeys) -> SessionCipher {
    SessionCipher::new(keys, NonceLayout::ZeroPrefixed)
}

impl Decoder for SessionCodec {
    type Item = Inbound;
    type Error = MrpError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Inbound>, MrpError> {
        match self.frames.decode(src)? {
            Some(frame) => self.open(frame).map(Some),
            None => Ok(None),
        }
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<Inbound>, MrpError> {
        match self.frames.decode_eof(src)? {
            Some(frame) => self.open(frame).map(Some),
            None => Ok(None),
        }
    }
}

impl Encoder<&ProtocolMessage> for SessionCodec {
    type Error = MrpError;

    fn encode(&mut self, message: &ProtocolMessage, dst: &mut BytesMut) -> Result<(), MrpError> {
        let plain = message.encode_to_vec();
        match &mut self.cipher {
            Some(cipher) => {
                let sealed = cipher.encrypt(&plain, &[]).map_err(MrpError::Encryption)?;
                encode_frame(&sealed, dst);
            }
            None => encode_frame(&plain, dst),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protobuf::MessageType;

    fn message(id: &str) -> ProtocolMessage {
        ProtocolMessage {
            r#type: Some(MessageType::GenericMessage as i32),
            identifier: Some(id.into()),
            ..Default::default()
        }
    }

    fn keys() -> (SessionKeys, SessionKeys) {
        let secret = [7u8; 32];
        (
            SessionKeys::for_labels(&secret, atv_pairing::session_keys::MRP),
            SessionKeys::for_labels(&secret, atv_pairing::session_keys::MRP.for_server()),
        )
    }

    fn decoded(codec: &mut SessionCodec, buf: &mut BytesMut) -> ProtocolMessage {
        match codec.decode(buf).unwrap() {
            Some(Inbound::Message(m)) => *m,
            other => panic!("no message: {other:?}"),
        }
    }

    #[test]
    fn plaintext_round_trip() {
        let mut codec = SessionCodec::new(1024);
        let mut buf = BytesMut::new();
        codec.encode(&message("a"), &mut buf).unwrap();
        assert_eq!(decoded(&mut codec, &mut buf), message("a"));
        assert!(!codec.is_encrypted());
    }

    #[test]
    fn encrypted_frames_use_counters_and_mirror_keys() {
        let (client_keys, server_keys) = keys();
        let mut client = SessionCodec::new(1024);
        client.enable_encryption(client_cipher(&client_keys));
        let mut server = SessionCodec::new(1024);
        server.enable_encryption(SessionCipher::new(&server_keys, NonceLayout::ZeroPrefixed));

        let mut wire = BytesMut::new();
        client.encode(&message("one"), &mut wire).unwrap();
        client.encode(&message("two"), &mut wire).unwrap();
        // The payload is ciphertext: the identifier does not show.
        assert!(!wire.windows(3).any(|w| w == b"one"));
        assert_eq!(decoded(&mut server, &mut wire), message("one"));
        assert_eq!(decoded(&mut server, &mut wire), message("two"));

        let mut back = BytesMut::new();
        server.encode(&message("three"), &mut back).unwrap();
        assert_eq!(decoded(&mut client, &mut back), message("three"));
    }

    #[test]
    fn bytes_buffered_before_the_switch_are_decrypted_after_it() {
        let (client_keys, server_keys) = keys();
        let mut server = SessionCodec::new(1024);
        let mut wire = BytesMut::new();
        server.encode(&message("plain"), &mut wire).unwrap();
        server.enable_encryption(SessionCipher::new(&server_keys, NonceLayout::ZeroPrefixed));
        server.encode(&message("sealed"), &mut wire).unwrap();

        let mut client = SessionCodec::new(1024);
        assert_eq!(decoded(&mut client, &mut wire), message("plain"));
        client.enable_encryption(client_cipher(&client_keys));
        assert_eq!(decoded(&mut client, &mut wire), message("sealed"));
    }

    #[test]
    fn tampered_frames_fail_and_garbage_is_reported() {
        let (client_keys, server_keys) = keys();
        let mut server = SessionCodec::new(1024);
        server.enable_encryption(SessionCipher::new(&server_keys, NonceLayout::ZeroPrefixed));
        let mut wire = BytesMut::new();
        server.encode(&message("x"), &mut wire).unwrap();
        let last = wire.len() - 1;
        wire[last] ^= 1;
        let mut client = SessionCodec::new(1024);
        client.enable_encryption(client_cipher(&client_keys));
        assert!(matches!(
            client.decode(&mut wire),
            Err(MrpError::Encryption(_))
        ));

        let mut plain = SessionCodec::new(1024);
        let mut garbage = BytesMut::from(&[3u8, 0xff, 0xff, 0xff][..]);
        assert!(matches!(
            plain.decode(&mut garbage).unwrap(),
            Some(Inbound::Undecodable(_))
        ));
    }
}
