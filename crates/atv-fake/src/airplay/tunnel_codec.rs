//! The data stream's framing as one `tokio_util` codec: HAP-encrypted frames (at most
//! 1024 bytes of plaintext each) whose plaintext is a stream of DataStream frames.

use atv_airplay::datastream::{DataStreamFrame, decode_frame};
use atv_airplay::wire::CodecError;
use atv_pairing::frame_codec::{FrameOpener, FrameSealer};
use atv_pairing::{HapFrameCodec, SessionKeys};
use bytes::BytesMut;
use tokio_util::codec::{Decoder, Encoder};

use crate::error::Error;

/// Decrypts, then splits DataStream frames; frames, then encrypts.
#[derive(Debug)]
pub(crate) struct TunnelCodec {
    sealer: FrameSealer,
    opener: FrameOpener,
    /// Decrypted bytes not yet making up a whole DataStream frame.
    plain: BytesMut,
}

impl TunnelCodec {
    /// A codec with the device's keys of the data stream.
    pub(crate) fn new(keys: &SessionKeys) -> Self {
        let (sealer, opener) = HapFrameCodec::new(keys).split();
        Self {
            sealer,
            opener,
            plain: BytesMut::new(),
        }
    }
}

impl Decoder for TunnelCodec {
    type Item = DataStreamFrame;
    type Error = Error;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<DataStreamFrame>, Error> {
        while let Some(plain) = self
            .opener
            .open_from(src)
            .map_err(|_| Error::DecryptFailed)?
        {
            self.plain.extend_from_slice(&plain);
        }
        decode_frame(&mut self.plain).map_err(|error| Error::AirPlay(CodecError::from(error)))
    }
}

impl Encoder<&DataStreamFrame> for TunnelCodec {
    type Error = Error;

    fn encode(&mut self, frame: &DataStreamFrame, dst: &mut BytesMut) -> Result<(), Error> {
        let mut plain = BytesMut::new();
        frame.encode(&mut plain);
        self.sealer
            .seal_into(&plain, dst)
            .map_err(|_| Error::EncryptFailed)
    }
}

#[cfg(test)]
mod tests {
    use atv_airplay::datastream::encode_mrp_payload;

    use super::*;

    #[test]
    fn frames_survive_encryption_in_pieces() {
        let device = SessionKeys {
            output: [1; 32],
            input: [2; 32],
        };
        let client = SessionKeys {
            output: [2; 32],
            input: [1; 32],
        };
        let mut device_codec = TunnelCodec::new(&device);
        let mut client_codec = TunnelCodec::new(&client);
        // Larger than one HAP frame, so it is split in several.
        let payload = encode_mrp_payload(&[vec![0x08u8; 3000]]);
        let frame = DataStreamFrame::sync_comm(0x1_2345_6789, payload);
        let mut wire = BytesMut::new();
        client_codec.encode(&frame, &mut wire).unwrap();
        client_codec
            .encode(&DataStreamFrame::reply(7), &mut wire)
            .unwrap();

        // Delivered a few bytes at a time.
        let mut received = Vec::new();
        let mut src = BytesMut::new();
        for chunk in wire.chunks(100) {
            src.extend_from_slice(chunk);
            while let Some(frame) = device_codec.decode(&mut src).unwrap() {
                received.push(frame);
            }
        }
        assert_eq!(received, vec![frame, DataStreamFrame::reply(7)]);
    }

    #[test]
    fn tampered_frame_is_an_error() {
        let keys = SessionKeys {
            output: [1; 32],
            input: [1; 32],
        };
        let mut codec = TunnelCodec::new(&keys);
        let mut wire = BytesMut::new();
        codec.encode(&DataStreamFrame::reply(1), &mut wire).unwrap();
        if let Some(byte) = wire.get_mut(5) {
            *byte ^= 1;
        }
        let mut codec = TunnelCodec::new(&keys);
        assert!(matches!(codec.decode(&mut wire), Err(Error::DecryptFailed)));
    }
}
