//! Our legacy AirPlay client replays a pairing captured from a real Apple TV: with the
//! same seed and PIN it must send exactly the bytes the device accepted, and it must read
//! the device's answers (its proof, its sealed public key and its verify signature).

use std::collections::HashMap;

use atv_pairing::legacy::{
    ClientProof, LegacySetupClient, LegacyVerifyClient, PinRequest, SealedKey, ServerProof,
    SetupChallenge,
};
use atv_pairing::{Error, LegacyCredentials};

struct Capture(HashMap<String, Vec<u8>>);

impl Capture {
    fn load() -> Self {
        let text = include_str!("fixtures/legacy_airplay_session.txt");
        let map = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| {
                let (name, hex_body) = l.split_once(' ').unwrap();
                (name.to_owned(), hex::decode(hex_body).unwrap())
            })
            .collect();
        Self(map)
    }

    fn raw(&self, name: &str) -> &[u8] {
        &self.0[name]
    }

    fn plist(&self, name: &str) -> plist::Dictionary {
        plist::from_bytes(self.raw(name)).unwrap()
    }

    fn data(&self, name: &str, key: &str) -> Vec<u8> {
        self.plist(name)[key].as_data().unwrap().to_vec()
    }

    fn string(&self, name: &str, key: &str) -> String {
        self.plist(name)[key].as_string().unwrap().to_owned()
    }
}

fn credentials() -> LegacyCredentials {
    LegacyCredentials {
        client_id: hex::decode("75FBEEC773CFC563").unwrap(),
        seed: hex::decode("8F06696F2542D70DF59286C761695C485F815BE3D152849E1361282D46AB1493")
            .unwrap()
            .try_into()
            .unwrap(),
    }
}

#[test]
fn client_reproduces_a_real_pairing() {
    let cap = Capture::load();
    let (client, request) = LegacySetupClient::new(credentials(), "2271").start();
    assert_eq!(
        request,
        PinRequest {
            method: cap.string("setup1_request", "method"),
            user: cap.string("setup1_request", "user")
        }
    );

    let challenge = SetupChallenge {
        pk: cap.data("setup1_response", "pk"),
        salt: cap.data("setup1_response", "salt"),
    };
    let (client, proof) = client.handle_challenge(&challenge).unwrap();
    assert_eq!(
        proof,
        ClientProof {
            pk: cap.data("setup2_request", "pk"),
            proof: cap.data("setup2_request", "proof")
        }
    );

    let device_proof = ServerProof {
        proof: cap.data("setup2_response", "proof"),
    };
    let (done, sealed) = client.handle_proof(&device_proof).unwrap();
    assert_eq!(
        sealed,
        SealedKey {
            epk: cap.data("setup3_request", "epk"),
            auth_tag: cap.data("setup3_request", "authTag")
        }
    );
    let device_answer = SealedKey {
        epk: cap.data("setup3_response", "epk"),
        auth_tag: cap.data("setup3_response", "authTag"),
    };
    let device_key = done.open_device_key(&device_answer).unwrap();
    assert_eq!(done.credentials(), &credentials());

    // Verification, checking the device's signature with the key it sent during setup.
    let (client, body) = LegacyVerifyClient::new(&credentials()).start();
    assert_eq!(body, cap.raw("verify1_request"));
    let finish = client
        .handle_reply(cap.raw("verify1_response"), Some(&device_key))
        .unwrap();
    assert_eq!(finish, cap.raw("verify2_request"));
}

#[test]
fn tampered_device_answers_are_rejected() {
    let cap = Capture::load();
    let challenge = SetupChallenge {
        pk: cap.data("setup1_response", "pk"),
        salt: cap.data("setup1_response", "salt"),
    };

    // A wrong PIN shows as a wrong device proof.
    let (client, _) = LegacySetupClient::new(credentials(), "2272").start();
    let (client, _) = client.handle_challenge(&challenge).unwrap();
    let device_proof = ServerProof {
        proof: cap.data("setup2_response", "proof"),
    };
    assert!(matches!(
        client.handle_proof(&device_proof),
        Err(Error::BadProof)
    ));

    let (client, _) = LegacySetupClient::new(credentials(), "2271").start();
    let (client, _) = client.handle_challenge(&challenge).unwrap();
    let (done, _) = client.handle_proof(&device_proof).unwrap();
    let mut answer = SealedKey {
        epk: cap.data("setup3_response", "epk"),
        auth_tag: cap.data("setup3_response", "authTag"),
    };
    answer.epk[0] ^= 1;
    assert!(matches!(
        done.open_device_key(&answer),
        Err(Error::DecryptFailed { .. })
    ));

    // A verify reply signed by another key, or cut short.
    let (client, _) = LegacyVerifyClient::new(&credentials()).start();
    let other_key = [9u8; 32];
    let err = client
        .handle_reply(cap.raw("verify1_response"), Some(&other_key))
        .unwrap_err();
    assert!(matches!(err, Error::BadSignature { .. }), "{err:?}");
    let (client, _) = LegacyVerifyClient::new(&credentials()).start();
    assert!(
        client
            .handle_reply(&cap.raw("verify1_response")[..20], None)
            .is_err()
    );
}
