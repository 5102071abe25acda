//! HKDF-SHA512 and the session keys each protocol derives from a pairing's shared secret.
//!
//! After pair-verify (or transient pair-setup) both sides hold a shared secret; each
//! protocol turns it into one key per direction with HKDF-SHA512, a salt and two info
//! strings. [`KeyLabels`] holds those strings; the constants below are the ones the
//! protocols use, written from the client's side ([`KeyLabels::for_server`] swaps them).

use std::fmt;

use ring::hkdf;

/// HKDF-SHA512 with a 32-byte output: what every HomeKit key derivation uses.
pub fn hkdf_sha512(secret: &[u8], salt: &[u8], info: &[u8]) -> [u8; 32] {
    struct Len32;
    impl hkdf::KeyType for Len32 {
        fn len(&self) -> usize {
            32
        }
    }
    let mut out = [0u8; 32];
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA512, salt).extract(secret);
    // Expanding to 32 bytes is far below HKDF-SHA512's limit of 255 * 64 bytes, and
    // `fill` is only given a buffer of the length the key type states.
    if let Ok(okm) = prk.expand(&[info], Len32) {
        let _ = okm.fill(&mut out);
    }
    out
}

/// Salt and info strings for one connection's keys, from the point of view of one side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyLabels<'a> {
    /// HKDF salt.
    pub salt: &'a str,
    /// HKDF info of the key this side encrypts with.
    pub output_info: &'a str,
    /// HKDF info of the key this side decrypts with.
    pub input_info: &'a str,
}

impl<'a> KeyLabels<'a> {
    /// The same labels seen from the other end of the connection.
    pub fn for_server(self) -> Self {
        Self {
            salt: self.salt,
            output_info: self.input_info,
            input_info: self.output_info,
        }
    }
}

/// MRP (Media Remote Protocol over TCP), as its client sees it.
pub const MRP: KeyLabels<'static> = KeyLabels {
    salt: "MediaRemote-Salt",
    output_info: "MediaRemote-Write-Encryption-Key",
    input_info: "MediaRemote-Read-Encryption-Key",
};

/// Companion link, as its client sees it (the salt is empty).
pub const COMPANION: KeyLabels<'static> = KeyLabels {
    salt: "",
    output_info: "ClientEncrypt-main",
    input_info: "ServerEncrypt-main",
};

/// AirPlay 2 control connection (RTSP/HTTP), as its client sees it.
pub const AIRPLAY_CONTROL: KeyLabels<'static> = KeyLabels {
    salt: "Control-Salt",
    output_info: "Control-Write-Encryption-Key",
    input_info: "Control-Read-Encryption-Key",
};

/// AirPlay 2 event channel, as its client sees it. The receiver opens this connection, so
/// the client encrypts with the "Read" key and decrypts with the "Write" key.
pub const AIRPLAY_EVENTS: KeyLabels<'static> = KeyLabels {
    salt: "Events-Salt",
    output_info: "Events-Read-Encryption-Key",
    input_info: "Events-Write-Encryption-Key",
};

/// Prefix of the AirPlay 2 data stream salt; see [`airplay_data_stream_salt`].
pub const AIRPLAY_DATA_STREAM_SALT_PREFIX: &str = "DataStream-Salt";

/// The AirPlay 2 data stream salt: the prefix followed by the decimal `seed` the client
/// sent in its SETUP request.
pub fn airplay_data_stream_salt(seed: u64) -> String {
    format!("{AIRPLAY_DATA_STREAM_SALT_PREFIX}{seed}")
}

/// AirPlay 2 data stream (the channel that tunnels MRP), as its client sees it, given the
/// salt from [`airplay_data_stream_salt`].
pub fn airplay_data_stream(salt: &str) -> KeyLabels<'_> {
    KeyLabels {
        salt,
        output_info: "DataStream-Output-Encryption-Key",
        input_info: "DataStream-Input-Encryption-Key",
    }
}

/// One key per direction for an encrypted connection. Debug output hides the keys.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionKeys {
    /// Key for what this side sends.
    pub output: [u8; 32],
    /// Key for what this side receives.
    pub input: [u8; 32],
}

impl SessionKeys {
    /// Derives both keys from a shared secret with HKDF-SHA512.
    pub fn derive(shared_secret: &[u8], salt: &str, output_info: &str, input_info: &str) -> Self {
        Self {
            output: hkdf_sha512(shared_secret, salt.as_bytes(), output_info.as_bytes()),
            input: hkdf_sha512(shared_secret, salt.as_bytes(), input_info.as_bytes()),
        }
    }

    /// Derives both keys for a connection described by `labels`.
    pub fn for_labels(shared_secret: &[u8], labels: KeyLabels<'_>) -> Self {
        Self::derive(
            shared_secret,
            labels.salt,
            labels.output_info,
            labels.input_info,
        )
    }
}

impl fmt::Debug for SessionKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionKeys").finish_non_exhaustive()
    }
}

/// The secret both sides share after pair-verify or transient pair-setup; the input to
/// [`SessionKeys`]. Debug output hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct SharedSecret(Vec<u8>);

impl SharedSecret {
    pub(crate) fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// The raw secret.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Keys for a connection described by `labels`.
    pub fn session_keys(&self, labels: KeyLabels<'_>) -> SessionKeys {
        SessionKeys::for_labels(&self.0, labels)
    }
}

impl fmt::Debug for SharedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SharedSecret({} bytes)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 5869 test case 1 inputs run through HKDF-SHA512 (the RFC only lists SHA-256 and
    /// SHA-1 outputs); the expected value is what Python's `cryptography` HKDF gives.
    #[test]
    fn hkdf_sha512_known_answer() {
        let ikm = [0x0bu8; 22];
        let salt: Vec<u8> = (0x00u8..=0x0c).collect();
        let info: Vec<u8> = (0xf0u8..=0xf9).collect();
        let okm = hkdf_sha512(&ikm, &salt, &info);
        assert_eq!(
            hex::encode(okm),
            "832390086cda71fb47625bb5ceb168e4c8e26a1a16ed34d9fc7fe92c14815793"
        );
    }

    #[test]
    fn server_labels_mirror_client_labels() {
        let secret = [42u8; 32];
        let client = SessionKeys::for_labels(&secret, MRP);
        let server = SessionKeys::for_labels(&secret, MRP.for_server());
        assert_eq!(client.output, server.input);
        assert_eq!(client.input, server.output);
        assert_ne!(client.output, client.input);
        assert_eq!(format!("{client:?}"), "SessionKeys { .. }");
    }

    #[test]
    fn data_stream_salt_appends_the_seed() {
        assert_eq!(airplay_data_stream_salt(1234), "DataStream-Salt1234");
        assert_eq!(
            airplay_data_stream("x").output_info,
            "DataStream-Output-Encryption-Key"
        );
    }
}
