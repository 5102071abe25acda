//! Deterministic randomized checks that no peer input makes this crate panic: random and
//! mutated bytes go into every decoder and into every step of every state machine. (The
//! cargo-fuzz targets in fuzz/ explore the decoders further.)

use atv_pairing::frame_codec::FrameOpener;
use atv_pairing::legacy::{
    ClientProof, LegacySetupClient, LegacySetupServer, LegacyVerifyClient, LegacyVerifyServer,
    PinRequest, SealedKey, SetupChallenge,
};
use atv_pairing::{
    Credentials, HapCredentials, LegacyCredentials, LongTermKey, MemoryPairingStore,
    PairSetupClient, PairSetupServer, PairVerifyClient, PairVerifyServer, ServerIdentity, Tag,
    Tlv8, TransientClient,
};
use bytes::BytesMut;
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};

/// Random bytes, a mutation of `valid`, or a TLV8 message with a plausible state and
/// random other items.
fn garble(rng: &mut StdRng, valid: &[u8]) -> Vec<u8> {
    match rng.gen_range(0..5) {
        0 => {
            let mut out = vec![0u8; rng.gen_range(0..600)];
            rng.fill_bytes(&mut out);
            out
        }
        1 if !valid.is_empty() => {
            let mut out = valid.to_vec();
            for _ in 0..rng.gen_range(1..4) {
                let at = rng.gen_range(0..out.len());
                out[at] ^= 1 << rng.gen_range(0..8);
            }
            out
        }
        2 => valid[..rng.gen_range(0..=valid.len())].to_vec(),
        _ => {
            let mut tlv = Tlv8::new().with(Tag::STATE, vec![rng.gen_range(0..8)]);
            for _ in 0..rng.gen_range(0..5) {
                let tag = [
                    Tag::PUBLIC_KEY,
                    Tag::PROOF,
                    Tag::SALT,
                    Tag::ENCRYPTED_DATA,
                    Tag::ERROR,
                    Tag::FLAGS,
                    Tag::IDENTIFIER,
                ][rng.gen_range(0..7)];
                let mut value = vec![0u8; [0, 1, 16, 32, 64, 384, 500][rng.gen_range(0..7)]];
                rng.fill_bytes(&mut value);
                tlv.push(tag, value);
            }
            tlv.encode()
        }
    }
}

#[test]
fn tlv8_decoding_never_panics_and_round_trips() {
    let mut rng = StdRng::seed_from_u64(11);
    for _ in 0..20_000 {
        let mut bytes = vec![0u8; rng.gen_range(0..700)];
        rng.fill_bytes(&mut bytes);
        if let Ok(tlv) = Tlv8::decode(&bytes) {
            assert_eq!(Tlv8::decode(&tlv.encode()).unwrap(), tlv);
        }
    }
}

#[test]
fn frame_decoding_never_panics() {
    let mut rng = StdRng::seed_from_u64(12);
    for _ in 0..5_000 {
        let mut opener = FrameOpener::new(&[5; 32]);
        let mut bytes = vec![0u8; rng.gen_range(0..3000)];
        rng.fill_bytes(&mut bytes);
        if rng.gen_bool(0.5) && bytes.len() >= 2 {
            let len = rng.gen_range(0..1100u16);
            bytes[..2].copy_from_slice(&len.to_le_bytes());
        }
        let _ = opener.open(&bytes);
        let mut buf = BytesMut::from(&bytes[..]);
        while let Ok(Some(_)) = opener.open_from(&mut buf) {}
    }
}

#[test]
fn credentials_parsing_never_panics() {
    let mut rng = StdRng::seed_from_u64(13);
    let alphabet = b"0123456789abcdefABCDEF::xyz \n";
    for _ in 0..20_000 {
        let text: String = (0..rng.gen_range(0..200))
            .map(|_| alphabet[rng.gen_range(0..alphabet.len())] as char)
            .collect();
        if let Ok(creds) = text.parse::<Credentials>() {
            assert_eq!(creds.to_string().parse::<Credentials>().unwrap(), creds);
        }
    }
}

fn identity() -> ServerIdentity {
    ServerIdentity {
        key: LongTermKey::from_seed([1; 32]),
        identifier: b"device".to_vec(),
    }
}

#[test]
fn hap_state_machines_survive_garbage() {
    let mut rng = StdRng::seed_from_u64(14);
    let mut store = MemoryPairingStore::new();

    // A valid transcript to mutate.
    let mut server = PairSetupServer::with_rng(identity(), "1234", &mut rng);
    let (client, m1) = PairSetupClient::with_rng(&mut rng).start();
    let m2 = server.handle(&m1, &mut store).message;
    let (client, m3) = client.handle_m2(&m2).unwrap().submit_pin("1234").unwrap();
    let m4 = server.handle(&m3, &mut store).message;
    let (client, m5) = client.handle_m4(&m4).unwrap();
    let m6 = server.handle(&m5, &mut store).message;
    let creds: HapCredentials = client.handle_m6(&m6).unwrap().credentials;
    let mut vserver = PairVerifyServer::with_rng(identity(), &mut rng);
    let (vclient, v1) = PairVerifyClient::with_rng(creds.clone(), &mut rng).start();
    let v2 = vserver.handle(&v1, &store).message;
    let (_, v3) = vclient.handle_m2(&v2).unwrap();
    let v4 = vserver.handle(&v3, &store).message;

    // SRP makes pair-setup steps slow in debug builds, so those get fewer rounds.
    for round in 0..24 {
        let (c, _) = PairSetupClient::with_rng(&mut rng).start();
        if let Ok(pin_step) = c.handle_m2(&garble(&mut rng, &m2)) {
            let _ = pin_step.submit_pin("1234");
        }
        let (c, _) = PairSetupClient::with_rng(&mut rng).start();
        let (c, _) = c.handle_m2(&m2).unwrap().submit_pin("1234").unwrap();
        if let Ok((c, _)) = c.handle_m4(&garble(&mut rng, &m4)) {
            let _ = c.handle_m6(&garble(&mut rng, &m6));
        }
        let (c, _) = TransientClient::with_rng(&mut rng).start();
        let _ = c.handle_m2(&garble(&mut rng, &m2));

        let mut s = PairSetupServer::with_rng(identity(), "1234", &mut rng);
        let request = match round % 3 {
            0 => garble(&mut rng, &m1),
            1 => garble(&mut rng, &m3),
            _ => garble(&mut rng, &m5),
        };
        let _ = s.handle(&request, &mut store);
        let _ = s.handle(&garble(&mut rng, &m3), &mut store);
    }
    for _ in 0..300 {
        let (c, _) = PairVerifyClient::with_rng(creds.clone(), &mut rng).start();
        if let Ok((c, _)) = c.handle_m2(&garble(&mut rng, &v2)) {
            let _ = c.handle_m4(&garble(&mut rng, &v4));
        }
        let mut s = PairVerifyServer::with_rng(identity(), &mut rng);
        let _ = s.handle(&garble(&mut rng, &v1), &store);
        let _ = s.handle(&garble(&mut rng, &v3), &store);
    }
}

#[test]
fn legacy_state_machines_survive_garbage() {
    let mut rng = StdRng::seed_from_u64(15);
    let device = LongTermKey::from_seed([2; 32]);
    let mut store = MemoryPairingStore::new();
    let creds = LegacyCredentials::generate(&mut rng);
    let random = |rng: &mut StdRng, max: usize| {
        let mut out = vec![0u8; rng.gen_range(0..max)];
        rng.fill_bytes(&mut out);
        out
    };
    for _ in 0..20 {
        let mut setup = LegacySetupServer::with_rng(device.clone(), "1", &mut rng);
        let _ = setup.handle_pin_request(&PinRequest {
            method: "pin".into(),
            user: "X".into(),
        });
        let _ = setup.handle_proof(&ClientProof {
            pk: random(&mut rng, 300),
            proof: random(&mut rng, 30),
        });
        let _ = setup.handle_key(
            &SealedKey {
                epk: random(&mut rng, 40),
                auth_tag: random(&mut rng, 20),
            },
            &mut store,
        );
        let (c, _) = LegacySetupClient::new(creds.clone(), "1").start();
        let _ = c.handle_challenge(&SetupChallenge {
            pk: random(&mut rng, 300),
            salt: random(&mut rng, 20),
        });
    }
    for _ in 0..500 {
        let (c, _) = LegacyVerifyClient::new(&creds).start();
        let _ = c.handle_reply(&random(&mut rng, 120), Some(&[3; 32]));
        let mut v = LegacyVerifyServer::with_rng(device.clone(), &mut rng);
        let mut body = random(&mut rng, 80);
        if body.len() >= 4 && rng.gen_bool(0.5) {
            body[..4].copy_from_slice(&[1, 0, 0, 0]);
        }
        let _ = v.handle_start(&body, &store);
        let _ = v.handle_finish(&random(&mut rng, 80));
    }
}
