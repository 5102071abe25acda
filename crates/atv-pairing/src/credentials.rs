//! Credentials in pyatv's string form, so that a device paired with one works with the
//! other.
//!
//! The form is four hex fields joined by ':' — `ltpk:ltsk:atv_id:client_id`: the device's
//! Ed25519 public key, our Ed25519 seed, the device's pairing identifier and ours. Legacy
//! AirPlay credentials leave the first and third fields empty (`:seed::client_id`) and are
//! also accepted in their older two-field form `client_id:seed`; transient pairing is
//! written as the hex of "transient" followed by three empty fields. Printing gives what
//! pyatv prints (lower-case hex, four fields).

use std::fmt;
use std::str::FromStr;

use rand::{CryptoRng, RngCore};

use crate::error::{Error, Result};
use crate::identity::LongTermKey;

const TRANSIENT_MARKER: &[u8] = b"transient";

/// Credentials from HomeKit pair-setup. Debug output hides the secret key.
#[derive(Clone, PartialEq, Eq)]
pub struct HapCredentials {
    /// The device's Ed25519 long-term public key.
    pub ltpk: [u8; 32],
    /// Our Ed25519 long-term key seed (secret).
    pub ltsk: [u8; 32],
    /// The device's pairing identifier.
    pub atv_id: Vec<u8>,
    /// Our pairing identifier.
    pub client_id: Vec<u8>,
}

impl HapCredentials {
    /// Our long-term signing key.
    pub fn client_key(&self) -> LongTermKey {
        LongTermKey::from_seed(self.ltsk)
    }
}

impl fmt::Debug for HapCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HapCredentials")
            .field("ltpk", &hex::encode(self.ltpk))
            .field("atv_id", &String::from_utf8_lossy(&self.atv_id))
            .field("client_id", &String::from_utf8_lossy(&self.client_id))
            .finish_non_exhaustive()
    }
}

/// Credentials from legacy AirPlay pairing: our identifier and Ed25519 seed. Debug output
/// hides the seed.
#[derive(Clone, PartialEq, Eq)]
pub struct LegacyCredentials {
    /// Our identifier (8 random bytes; sent upper-case hex as the SRP user name).
    pub client_id: Vec<u8>,
    /// Our Ed25519 seed, which legacy pairing also uses as SRP and X25519 private key.
    pub seed: [u8; 32],
}

impl LegacyCredentials {
    /// New random credentials to pair with (8-byte identifier, 32-byte seed).
    pub fn generate<R: RngCore + CryptoRng>(rng: &mut R) -> Self {
        let mut client_id = vec![0u8; 8];
        rng.fill_bytes(&mut client_id);
        let mut seed = [0u8; 32];
        rng.fill_bytes(&mut seed);
        Self { client_id, seed }
    }
}

impl fmt::Debug for LegacyCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LegacyCredentials")
            .field("client_id", &hex::encode_upper(&self.client_id))
            .finish_non_exhaustive()
    }
}

/// Any credentials pyatv can store for a HAP-style protocol.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credentials {
    /// From HomeKit pair-setup.
    Hap(HapCredentials),
    /// From legacy AirPlay pairing.
    Legacy(LegacyCredentials),
    /// Transient pairing: nothing is stored, pairing happens again on every connection.
    Transient,
}

fn invalid(reason: impl Into<String>) -> Error {
    Error::InvalidCredentials {
        reason: reason.into(),
    }
}

fn decode_field(value: &str, name: &str) -> Result<Vec<u8>> {
    hex::decode(value).map_err(|e| invalid(format!("the {name} field is not hex ({e})")))
}

fn key_field(value: Vec<u8>, name: &str) -> Result<[u8; 32]> {
    let len = value.len();
    value
        .try_into()
        .map_err(|_| invalid(format!("the {name} field has {len} bytes, not 32")))
}

impl FromStr for Credentials {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let fields: Vec<&str> = s.trim().split(':').collect();
        match fields[..] {
            [client_id, seed] => Ok(Self::Legacy(LegacyCredentials {
                client_id: decode_field(client_id, "client_id")?,
                seed: key_field(decode_field(seed, "seed")?, "seed")?,
            })),
            [ltpk, ltsk, atv_id, client_id] => {
                let ltpk = decode_field(ltpk, "ltpk")?;
                let ltsk = decode_field(ltsk, "ltsk")?;
                let atv_id = decode_field(atv_id, "atv_id")?;
                let client_id = decode_field(client_id, "client_id")?;
                classify(ltpk, ltsk, atv_id, client_id)
            }
            _ => Err(invalid(format!(
                "expected 4 hex fields separated by ':' (ltpk:ltsk:atv_id:client_id), got {}",
                fields.len()
            ))),
        }
    }
}

fn classify(
    ltpk: Vec<u8>,
    ltsk: Vec<u8>,
    atv_id: Vec<u8>,
    client_id: Vec<u8>,
) -> Result<Credentials> {
    if ltpk == TRANSIENT_MARKER {
        return Ok(Credentials::Transient);
    }
    match (
        ltpk.is_empty(),
        ltsk.is_empty(),
        atv_id.is_empty(),
        client_id.is_empty(),
    ) {
        (true, true, true, true) => Err(invalid("all four fields are empty")),
        (true, false, true, false) => Ok(Credentials::Legacy(LegacyCredentials {
            client_id,
            seed: key_field(ltsk, "ltsk")?,
        })),
        (false, false, false, false) => Ok(Credentials::Hap(HapCredentials {
            ltpk: key_field(ltpk, "ltpk")?,
            ltsk: key_field(ltsk, "ltsk")?,
            atv_id,
            client_id,
        })),
        _ => Err(invalid(
            "some fields are empty: HAP credentials need all four, legacy ones ltsk and client_id",
        )),
    }
}

impl fmt::Display for Credentials {
    /// pyatv's form. It contains the secret key: store it, never log it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Hap(c) => write!(
                f,
                "{}:{}:{}:{}",
                hex::encode(c.ltpk),
                hex::encode(c.ltsk),
                hex::encode(&c.atv_id),
                hex::encode(&c.client_id)
            ),
            Self::Legacy(c) => write!(f, ":{}::{}", hex::encode(c.seed), hex::encode(&c.client_id)),
            Self::Transient => write!(f, "{}:::", hex::encode(TRANSIENT_MARKER)),
        }
    }
}

impl FromStr for HapCredentials {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.parse()? {
            Credentials::Hap(c) => Ok(c),
            _ => Err(invalid(
                "these are not HAP credentials (legacy AirPlay or transient)",
            )),
        }
    }
}

impl fmt::Display for HapCredentials {
    /// pyatv's form. It contains the secret key: store it, never log it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&Credentials::Hap(self.clone()), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // pyatv's fake device client credentials (upper-case, as pyatv's source spells them).
    const PYATV_CLIENT: &str = "E734EA6C2B6257DE72355E472AA05A4C487E6B463C029ED306DF2F01B5636B58:\
        80FD8265B0748DA90BC5C5294DABE394D3D47199994AE96AC73EE45C783537B1:\
        35443739374644332D333533382D343237452D413437422D41333246433643463341364\
        1:34443739374644332D333533382D343237452D413437422D413332464336434633413641";

    #[test]
    fn hap_credentials_parse_and_print_lower_case() {
        let creds: Credentials = PYATV_CLIENT.parse().unwrap();
        let Credentials::Hap(hap) = &creds else {
            panic!("not HAP: {creds:?}")
        };
        assert_eq!(hap.atv_id, b"5D797FD3-3538-427E-A47B-A32FC6CF3A6A");
        assert_eq!(hap.client_id, b"4D797FD3-3538-427E-A47B-A32FC6CF3A6A");
        assert_eq!(creds.to_string(), PYATV_CLIENT.to_lowercase());
        assert_eq!(creds.to_string().parse::<Credentials>().unwrap(), creds);
    }

    #[test]
    fn legacy_forms() {
        let two: Credentials =
            "75FBEEC773CFC563:8F06696F2542D70DF59286C761695C485F815BE3D152849E1361282D46AB1493"
                .parse()
                .unwrap();
        let printed = two.to_string();
        assert_eq!(
            printed,
            ":8f06696f2542d70df59286c761695c485f815be3d152849e1361282d46ab1493::75fbeec773cfc563"
        );
        assert_eq!(printed.parse::<Credentials>().unwrap(), two);
    }

    #[test]
    fn transient_form() {
        let t: Credentials = "7472616e7369656e74:::".parse().unwrap();
        assert_eq!(t, Credentials::Transient);
        assert_eq!(t.to_string(), "7472616e7369656e74:::");
    }

    #[test]
    fn malformed_strings_say_why() {
        let cases = [
            ("", "got 1"),
            ("a:b:c", "got 3"),
            (":::", "all four fields are empty"),
            ("zz:00:00:00", "ltpk field is not hex"),
            ("0:00:00:00", "ltpk field is not hex"),
            ("00:00:00:00", "ltpk field has 1 bytes"),
            ("00::00:00", "some fields are empty"),
            ("01:0203", "seed field has 2 bytes"),
        ];
        for (input, expected) in cases {
            let err = input.parse::<Credentials>().unwrap_err().to_string();
            assert!(err.contains(expected), "{input:?}: {err}");
        }
    }

    #[test]
    fn debug_hides_secrets() {
        let creds: HapCredentials = PYATV_CLIENT.parse().unwrap();
        let shown = format!("{creds:?} {:?}", Credentials::Hap(creds.clone()));
        assert!(!shown.to_lowercase().contains("80fd8265"), "{shown}");
        let legacy = LegacyCredentials {
            client_id: vec![1; 8],
            seed: [0xab; 32],
        };
        assert!(!format!("{legacy:?}").contains("abab"));
    }
}
