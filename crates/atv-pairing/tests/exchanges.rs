//! Our clients against our servers: complete exchanges, and every way a peer can
//! misbehave ending in the right error on both sides.

use atv_pairing::legacy::{
    LegacySetupClient, LegacySetupServer, LegacyVerifyClient, LegacyVerifyServer,
};
use atv_pairing::pair_setup::{Paired, SetupOutcome};
use atv_pairing::pair_verify::VerifiedClient;
use atv_pairing::session_keys::{self, KeyLabels};
use atv_pairing::{
    Credentials, DeviceErrorCode, Error, HapCredentials, HapFrameCodec, LegacyCredentials,
    LongTermKey, MemoryPairingStore, PairSetupClient, PairSetupServer, PairVerifyClient,
    PairVerifyServer, PairingStore, Reply, ServerIdentity, SharedSecret, Status, Tag, Tlv8,
    TransientClient,
};
use bytes::BytesMut;
use rand::SeedableRng;
use rand::rngs::StdRng;
use tokio_util::codec::{Decoder, Encoder};

fn identity(seed: u8) -> ServerIdentity {
    ServerIdentity {
        key: LongTermKey::from_seed([seed; 32]),
        identifier: format!("device-{seed}").into_bytes(),
    }
}

fn done<T: std::fmt::Debug>(reply: Reply<T>) -> (Vec<u8>, T) {
    match reply.status {
        Status::Done(value) => (reply.message, value),
        other => panic!("expected the exchange to finish, got {other:?}"),
    }
}

fn failed<T: std::fmt::Debug>(reply: &Reply<T>) -> &Error {
    match &reply.status {
        Status::Failed(e) => e,
        other => panic!("expected a failure, got {other:?}"),
    }
}

fn pair(
    rng: &mut StdRng,
    server: &mut PairSetupServer,
    store: &mut MemoryPairingStore,
) -> (Paired, SetupOutcome) {
    let client = PairSetupClient::with_rng(rng).with_m5_item(Tag::NAME, b"opack name".to_vec());
    let (client, m1) = client.start();
    let m2 = server.handle(&m1, store).message;
    let (client, m3) = client.handle_m2(&m2).unwrap().submit_pin("1234").unwrap();
    let m4 = server.handle(&m3, store).message;
    let (client, m5) = client.handle_m4(&m4).unwrap();
    let (m6, outcome) = done(server.handle(&m5, store));
    (client.handle_m6(&m6).unwrap(), outcome)
}

fn verify(
    rng: &mut StdRng,
    credentials: HapCredentials,
    server: &mut PairVerifyServer,
    store: &MemoryPairingStore,
) -> (SharedSecret, VerifiedClient) {
    let (client, m1) = PairVerifyClient::with_rng(credentials, rng).start();
    let (client, m3) = client
        .handle_m2(&server.handle(&m1, store).message)
        .unwrap();
    let (m4, verified) = done(server.handle(&m3, store));
    (client.handle_m4(&m4).unwrap(), verified)
}

#[test]
fn pair_verify_and_talk_for_every_protocol() {
    let mut rng = StdRng::seed_from_u64(1);
    let mut store = MemoryPairingStore::new();
    let mut setup = PairSetupServer::with_rng(identity(1), "1234", &mut rng)
        .with_m6_item(Tag(0x11), vec![0xe0]);
    let (paired, outcome) = pair(&mut rng, &mut setup, &mut store);
    let creds = paired.credentials;
    assert_eq!(creds.atv_id, b"device-1");
    assert_eq!(creds.ltpk, identity(1).key.public_key());
    assert_eq!(paired.device_info.get(Tag(0x11)), Some(&[0xe0][..]));
    let SetupOutcome::Paired(client) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(client.identifier, creds.client_id);
    assert_eq!(client.extra.get(Tag::NAME), Some(&b"opack name"[..]));
    assert_eq!(
        store.client_key(&creds.client_id),
        Some(creds.client_key().public_key())
    );

    // Credentials survive their string form.
    let text = Credentials::Hap(creds.clone()).to_string();
    let Credentials::Hap(creds) = text.parse().unwrap() else {
        panic!()
    };

    let labels: [KeyLabels<'_>; 5] = [
        session_keys::MRP,
        session_keys::COMPANION,
        session_keys::AIRPLAY_CONTROL,
        session_keys::AIRPLAY_EVENTS,
        session_keys::airplay_data_stream("DataStream-Salt42"),
    ];
    for labels in labels {
        let mut server = PairVerifyServer::with_rng(identity(1), &mut rng);
        let (secret, verified) = verify(&mut rng, creds.clone(), &mut server, &store);
        assert_eq!(verified.identifier, creds.client_id);
        assert_eq!(secret, verified.shared_secret);

        let mut ours = HapFrameCodec::new(&secret.session_keys(labels));
        let mut theirs =
            HapFrameCodec::new(&verified.shared_secret.session_keys(labels.for_server()));
        for size in [0usize, 1, 1024, 1025, 5000] {
            let data: Vec<u8> = (0..size).map(|i| i as u8).collect();
            let mut wire = BytesMut::new();
            ours.encode(&data[..], &mut wire).unwrap();
            let mut got = Vec::new();
            while let Some(frame) = theirs.decode(&mut wire).unwrap() {
                got.extend_from_slice(&frame);
            }
            assert_eq!(got, data);
        }
    }
}

#[test]
fn wrong_pin_fails_on_both_sides() {
    let mut rng = StdRng::seed_from_u64(2);
    let mut store = MemoryPairingStore::new();
    let mut server = PairSetupServer::with_rng(identity(2), "1234", &mut rng);
    let (client, m1) = PairSetupClient::with_rng(&mut rng).start();
    let m2 = server.handle(&m1, &mut store).message;
    let (client, m3) = client.handle_m2(&m2).unwrap().submit_pin("4321").unwrap();
    let reply = server.handle(&m3, &mut store);
    assert!(matches!(failed(&reply), Error::BadProof));
    let err = client.handle_m4(&reply.message).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Device {
                code: DeviceErrorCode::AUTHENTICATION,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("check the PIN"), "{err}");
    assert!(store.is_empty());
    // The failed server answers nothing but a new M1.
    assert!(matches!(
        failed(&server.handle(&m3, &mut store)),
        Error::Finished
    ));
}

#[test]
fn out_of_order_messages_are_errors() {
    let mut rng = StdRng::seed_from_u64(3);
    let mut store = MemoryPairingStore::new();
    let mut server = PairSetupServer::with_rng(identity(3), "1234", &mut rng);
    let (client, m1) = PairSetupClient::with_rng(&mut rng).start();
    let m2 = server.handle(&m1, &mut store).message;

    // The client fed its own M1, or an M4 too early.
    let (early, _) = PairSetupClient::with_rng(&mut rng).start();
    let err = early.handle_m2(&m1).unwrap_err();
    assert!(
        matches!(
            err,
            Error::UnexpectedMessage {
                expected: 2,
                got: Some(1),
                ..
            }
        ),
        "{err:?}"
    );
    let m4_like = Tlv8::new().with(Tag::STATE, vec![4]).encode();
    assert!(matches!(
        client.handle_m2(&m4_like),
        Err(Error::UnexpectedMessage { got: Some(4), .. })
    ));

    // The server sent M3 before M1, and M5 where M3 belongs.
    let mut fresh = PairSetupServer::with_rng(identity(3), "1234", &mut rng);
    let reply = fresh.handle(&Tlv8::new().with(Tag::STATE, vec![3]).encode(), &mut store);
    assert!(matches!(
        failed(&reply),
        Error::UnexpectedMessage {
            expected: 1,
            got: Some(3),
            ..
        }
    ));
    let answer = Tlv8::decode(&reply.message).unwrap();
    assert_eq!(answer.get(Tag::STATE), Some(&[2][..]));
    assert_eq!(answer.get(Tag::ERROR), Some(&[1][..]));
    let reply = server.handle(&Tlv8::new().with(Tag::STATE, vec![5]).encode(), &mut store);
    assert!(matches!(
        failed(&reply),
        Error::UnexpectedMessage { expected: 3, .. }
    ));

    // A client whose M2 lacks the salt.
    let (client, _) = PairSetupClient::with_rng(&mut rng).start();
    let no_salt = Tlv8::decode(&m2)
        .unwrap()
        .iter()
        .filter(|(t, _)| *t != Tag::SALT)
        .map(|(t, v)| (t, v.to_vec()))
        .collect::<Tlv8>();
    let err = client.handle_m2(&no_salt.encode()).unwrap_err();
    assert!(
        matches!(err, Error::MissingField { field: "Salt", .. }),
        "{err:?}"
    );
}

#[test]
fn a_new_m1_restarts_the_server() {
    let mut rng = StdRng::seed_from_u64(4);
    let mut store = MemoryPairingStore::new();
    let mut server = PairSetupServer::with_rng(identity(4), "1234", &mut rng);
    let (_, m1) = PairSetupClient::with_rng(&mut rng).start();
    server.handle(&m1, &mut store);
    let (paired, _) = pair(&mut rng, &mut server, &mut store);
    assert_eq!(paired.credentials.atv_id, b"device-4");
}

#[test]
fn tampered_pair_setup_messages() {
    let mut rng = StdRng::seed_from_u64(5);
    let mut store = MemoryPairingStore::new();
    let mut server = PairSetupServer::with_rng(identity(5), "1234", &mut rng);
    let (client, m1) = PairSetupClient::with_rng(&mut rng).start();
    let m2 = server.handle(&m1, &mut store).message;
    let (client, m3) = client.handle_m2(&m2).unwrap().submit_pin("1234").unwrap();
    let m4 = server.handle(&m3, &mut store).message;

    // A forged server proof.
    let mut forged = Tlv8::decode(&m4)
        .unwrap()
        .iter()
        .map(|(t, v)| (t, v.to_vec()))
        .collect::<Vec<_>>();
    forged
        .iter_mut()
        .filter(|(t, _)| *t == Tag::PROOF)
        .for_each(|(_, v)| v[0] ^= 1);
    let forged: Tlv8 = forged.into_iter().collect();
    assert!(matches!(
        client.handle_m4(&forged.encode()),
        Err(Error::BadProof)
    ));

    // Encrypted data changed on the way (M5 to the server).
    let (client, m1) = PairSetupClient::with_rng(&mut rng).start();
    let m2 = server.handle(&m1, &mut store).message;
    let (client, m3) = client.handle_m2(&m2).unwrap().submit_pin("1234").unwrap();
    let m4 = server.handle(&m3, &mut store).message;
    let (_, m5) = client.handle_m4(&m4).unwrap();
    let mut m5 = m5;
    let last = m5.len() - 1;
    m5[last] ^= 0x80;
    let reply = server.handle(&m5, &mut store);
    assert!(matches!(failed(&reply), Error::DecryptFailed { .. }));
    assert_eq!(
        Tlv8::decode(&reply.message).unwrap().get(Tag::ERROR),
        Some(&[2][..])
    );
    assert!(store.is_empty());
}

#[test]
fn pair_verify_rejects_strangers_and_impostors() {
    let mut rng = StdRng::seed_from_u64(6);
    let mut store = MemoryPairingStore::new();
    let mut setup = PairSetupServer::with_rng(identity(6), "1234", &mut rng);
    let (paired, _) = pair(&mut rng, &mut setup, &mut store);
    let creds = paired.credentials;

    // A server that never paired with this client refuses it, and the client hears why.
    let empty = MemoryPairingStore::new();
    let mut server = PairVerifyServer::with_rng(identity(6), &mut rng);
    let (client, m1) = PairVerifyClient::with_rng(creds.clone(), &mut rng).start();
    let (client, m3) = client
        .handle_m2(&server.handle(&m1, &empty).message)
        .unwrap();
    let reply = server.handle(&m3, &empty);
    assert!(matches!(failed(&reply), Error::UnknownClient));
    let err = client.handle_m4(&reply.message).unwrap_err();
    assert!(matches!(
        err,
        Error::Device {
            code: DeviceErrorCode::AUTHENTICATION,
            ..
        }
    ));

    // A client that claims a paired identifier but holds another key.
    let impostor = HapCredentials {
        ltsk: [0x66; 32],
        ..creds.clone()
    };
    let mut server = PairVerifyServer::with_rng(identity(6), &mut rng);
    let (client, m1) = PairVerifyClient::with_rng(impostor, &mut rng).start();
    let (_, m3) = client
        .handle_m2(&server.handle(&m1, &store).message)
        .unwrap();
    assert!(matches!(
        failed(&server.handle(&m3, &store)),
        Error::BadSignature { .. }
    ));

    // A device that is not the one the credentials name, or signs with another key.
    let mut other = PairVerifyServer::with_rng(identity(7), &mut rng);
    let (client, m1) = PairVerifyClient::with_rng(creds.clone(), &mut rng).start();
    assert!(matches!(
        client.handle_m2(&other.handle(&m1, &store).message),
        Err(Error::WrongDevice)
    ));
    let same_name = ServerIdentity {
        key: LongTermKey::from_seed([0x77; 32]),
        identifier: creds.atv_id.clone(),
    };
    let mut other = PairVerifyServer::with_rng(same_name, &mut rng);
    let (client, m1) = PairVerifyClient::with_rng(creds, &mut rng).start();
    let err = client
        .handle_m2(&other.handle(&m1, &store).message)
        .unwrap_err();
    assert!(matches!(err, Error::BadSignature { .. }), "{err:?}");
}

#[test]
fn transient_pairing_shares_the_srp_key() {
    let mut rng = StdRng::seed_from_u64(8);
    let mut store = MemoryPairingStore::new();
    let mut server = PairSetupServer::with_rng(identity(8), "1234", &mut rng);
    let (client, m1) = TransientClient::with_rng(&mut rng).start();
    let (client, m3) = client
        .handle_m2(&server.handle(&m1, &mut store).message)
        .unwrap();
    let (m4, outcome) = done(server.handle(&m3, &mut store));
    let secret = client.handle_m4(&m4).unwrap();
    let SetupOutcome::Transient(theirs) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(secret, theirs);
    assert_eq!(secret.as_bytes().len(), 64);
    assert!(store.is_empty());
}

#[test]
fn legacy_pairing_and_verification() {
    let mut rng = StdRng::seed_from_u64(9);
    let device = LongTermKey::from_seed([9; 32]);
    let mut store = MemoryPairingStore::new();
    let creds = LegacyCredentials::generate(&mut rng);

    let mut setup = LegacySetupServer::with_rng(device.clone(), "5678", &mut rng);
    let (client, request) = LegacySetupClient::new(creds.clone(), "5678").start();
    let challenge = setup.handle_pin_request(&request).unwrap();
    let (client, proof) = client.handle_challenge(&challenge).unwrap();
    let server_proof = setup.handle_proof(&proof).unwrap();
    let (done, sealed) = client.handle_proof(&server_proof).unwrap();
    let answer = setup.handle_key(&sealed, &mut store).unwrap();
    assert_eq!(done.open_device_key(&answer).unwrap(), device.public_key());
    assert!(store.has_client_key(&LongTermKey::from_seed(creds.seed).public_key()));

    let mut verify = LegacyVerifyServer::with_rng(device.clone(), &mut rng);
    let (client, start) = LegacyVerifyClient::new(&creds).start();
    let reply = verify.handle_start(&start, &store).unwrap();
    let finish = client
        .handle_reply(&reply, Some(&device.public_key()))
        .unwrap();
    verify.handle_finish(&finish).unwrap();

    // A tampered signature, a finish without a start, and a stranger.
    let (client, start) = LegacyVerifyClient::new(&creds).start();
    let reply = verify.handle_start(&start, &store).unwrap();
    let mut finish = client.handle_reply(&reply, None).unwrap();
    finish[10] ^= 1;
    assert!(matches!(
        verify.handle_finish(&finish),
        Err(Error::BadSignature { .. })
    ));
    assert!(matches!(
        verify.handle_finish(&finish),
        Err(Error::UnexpectedMessage { .. })
    ));
    let stranger = LegacyCredentials::generate(&mut rng);
    let (_, start) = LegacyVerifyClient::new(&stranger).start();
    assert!(matches!(
        verify.handle_start(&start, &store),
        Err(Error::UnknownClient)
    ));

    // A wrong PIN, and steps out of order.
    let mut setup = LegacySetupServer::with_rng(device, "5678", &mut rng);
    let (client, request) = LegacySetupClient::new(creds, "0000").start();
    let challenge = setup.handle_pin_request(&request).unwrap();
    let (_, proof) = client.handle_challenge(&challenge).unwrap();
    assert!(matches!(setup.handle_proof(&proof), Err(Error::BadProof)));
    assert!(matches!(
        setup.handle_proof(&proof),
        Err(Error::UnexpectedMessage { .. })
    ));
}
