//! The keys of an AirPlay 2 session's channels, from the device's side.
//!
//! Pair-verify (or transient pair-setup) leaves both ends with a shared secret. The
//! control connection, the event channel and the data stream each derive their own pair
//! of keys from it with HKDF-SHA512; the data stream's salt carries the `seed` the client
//! sent in its `SETUP` request, as an unsigned decimal number.

use atv_pairing::session_keys::{
    AIRPLAY_CONTROL, AIRPLAY_EVENTS, airplay_data_stream, airplay_data_stream_salt,
};
use atv_pairing::{KeyLabels, SessionKeys};

/// Keys of the control connection once pairing is done.
pub(crate) fn control_keys(secret: &[u8]) -> SessionKeys {
    device_keys(secret, AIRPLAY_CONTROL)
}

/// Keys of the event channel.
pub(crate) fn event_keys(secret: &[u8]) -> SessionKeys {
    device_keys(secret, AIRPLAY_EVENTS)
}

/// Keys of the data stream set up with `seed`.
pub(crate) fn data_stream_keys(secret: &[u8], seed: u64) -> SessionKeys {
    let salt = airplay_data_stream_salt(seed);
    device_keys(secret, airplay_data_stream(&salt))
}

/// The labels are written from the client's side; the device uses them mirrored.
fn device_keys(secret: &[u8], client_labels: KeyLabels<'_>) -> SessionKeys {
    SessionKeys::for_labels(secret, client_labels.for_server())
}

/// The `seed` of a stream in a `SETUP` request, as the unsigned number the salt is made
/// of. Senders write it either as a signed 64-bit integer (iOS) or as an unsigned one,
/// which binary property lists store in 16 bytes (pyatv); both mean the same 64 bits.
pub(crate) fn seed(value: &plist::Value) -> Option<u64> {
    let integer = value.as_signed_integer().map(|signed| signed as u64);
    integer.or_else(|| value.as_unsigned_integer())
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values computed with pyatv 0.18.0's own HKDF (`hap_srp.hkdf_expand`) for
    // the secret 00 01 .. 1f and the seed of pyatv's protocol documentation.
    const SECRET: [u8; 32] = {
        let mut secret = [0u8; 32];
        let mut i = 0;
        while i < 32 {
            secret[i] = i as u8;
            i += 1;
        }
        secret
    };
    const SEED: u64 = 15_014_746_994_705_656_022;

    fn hex32(text: &str) -> [u8; 32] {
        hex::decode(text).unwrap().try_into().unwrap()
    }

    #[test]
    fn control_keys_match_pyatv() {
        let keys = control_keys(&SECRET);
        // The client writes with the "Write" key, so the device reads with it.
        assert_eq!(
            keys.input,
            hex32("c3ca130c7033dbe5e7ff7f91d117ead869bac476994c7a48ca170c111136ed96")
        );
        assert_eq!(
            keys.output,
            hex32("c09403ef8aa6c5045cbd8cf9bf3e665b2caed623af2be0e87c8f80f519914d3d")
        );
    }

    #[test]
    fn event_keys_match_pyatv() {
        // The client encrypts with the "Read" key on this channel (it counts as opened
        // by the device), so the device encrypts with the "Write" key.
        let keys = event_keys(&SECRET);
        assert_eq!(
            keys.output,
            hex32("24ee7bb1f775cc08cc23e25bee48afa439250299bc76549e80c0b54d9cc60b61")
        );
        assert_eq!(
            keys.input,
            hex32("77c905af437e45acea18c03d6d5b7791fa9b9da65f3d4d63de8ce7ab3ea3fa5a")
        );
    }

    #[test]
    fn data_stream_keys_match_pyatv() {
        let keys = data_stream_keys(&SECRET, SEED);
        assert_eq!(
            keys.input,
            hex32("5482965d38b4a08968ec716f4cebb181e3ca64bb66bfb60a31031f23f9c15729")
        );
        assert_eq!(
            keys.output,
            hex32("563cb953adb280ee38a14d90ddba034f11a5f84076300b159c025652404fc83e")
        );
    }

    fn seed_of(plist_hex: &str) -> Option<u64> {
        let bytes = hex::decode(plist_hex).unwrap();
        let value = plist::Value::from_reader(std::io::Cursor::new(bytes)).unwrap();
        seed(value.as_dictionary().unwrap().get("seed").unwrap())
    }

    #[test]
    fn seeds_signed_or_unsigned_mean_the_same_bits() {
        // {"seed": 15014746994705656022} and {"seed": -3431997079003895594} as Python's
        // plistlib writes them (a 16-byte integer, and an 8-byte one).
        let unsigned = seed_of(
            "62706c6973743030d101025473656564140000000000000000d05f18d713cb68d6080b1000000000\
             00000101000000000000000300000000000000000000000000000021",
        );
        let signed = seed_of(
            "62706c6973743030d10102547365656413d05f18d713cb68d6080b10000000000000010100000000\
             0000000300000000000000000000000000000019",
        );
        assert_eq!(unsigned, Some(SEED));
        assert_eq!(signed, Some(SEED));
        assert_eq!(seed(&plist::Value::String("1".into())), None);
    }
}
