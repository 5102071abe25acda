//! The optional HAP encryption of an AirPlay socket: plain until pair-verify, then
//! ChaCha20-Poly1305 frames (atv-pairing's framing) in both directions.

use bytes::BytesMut;

use atv_pairing::SessionKeys;
use atv_pairing::frame_codec::{FrameOpener, FrameSealer};

use crate::error::{AirPlayError, Result};

/// Turns plaintext into what goes on the socket and back.
#[derive(Debug, Default)]
pub(crate) struct HapChannel {
    keys: Option<(FrameSealer, FrameOpener)>,
}

impl HapChannel {
    /// A channel encrypted with `keys` from the start (event and data channels).
    pub(crate) fn encrypted(keys: &SessionKeys) -> Self {
        let mut channel = Self::default();
        channel.enable(keys);
        channel
    }

    /// Encrypts everything from now on.
    pub(crate) fn enable(&mut self, keys: &SessionKeys) {
        self.keys = Some((
            FrameSealer::new(&keys.output),
            FrameOpener::new(&keys.input),
        ));
    }

    /// Appends `plain` to `out`, encrypted when enabled.
    pub(crate) fn seal(&mut self, plain: &[u8], out: &mut BytesMut) -> Result<()> {
        match &mut self.keys {
            Some((sealer, _)) => sealer
                .seal_into(plain, out)
                .map_err(AirPlayError::Encryption),
            None => {
                out.extend_from_slice(plain);
                Ok(())
            }
        }
    }

    /// Moves what can be read from `raw` (socket bytes) into `plain`.
    pub(crate) fn open(&mut self, raw: &mut BytesMut, plain: &mut BytesMut) -> Result<()> {
        match &mut self.keys {
            Some((_, opener)) => {
                while let Some(frame) = opener.open_from(raw).map_err(AirPlayError::Encryption)? {
                    plain.extend_from_slice(&frame);
                }
            }
            None => plain.extend_from_slice(&raw.split()),
        }
        Ok(())
    }
}
