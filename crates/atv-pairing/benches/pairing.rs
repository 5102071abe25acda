//! CPU time of pair-setup and pair-verify per side, and HAP framing throughput.
//!
//! Each exchange runs in full, but only the time spent inside the measured side's calls is
//! counted (`iter_custom`), so "client" and "server" figures are that side's own cost.

use std::hint::black_box;
use std::time::{Duration, Instant};

use atv_pairing::frame_codec::{FrameOpener, FrameSealer};
use atv_pairing::{
    HapCredentials, LongTermKey, MemoryPairingStore, PairSetupClient, PairSetupServer,
    PairVerifyClient, PairVerifyServer, ServerIdentity,
};
use bytes::BytesMut;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn identity() -> ServerIdentity {
    ServerIdentity {
        key: LongTermKey::from_seed([1; 32]),
        identifier: b"bench-device".to_vec(),
    }
}

/// One pair-setup; returns (client time, server time, credentials).
fn pair_setup_once(store: &mut MemoryPairingStore) -> (Duration, Duration, HapCredentials) {
    let mut server = PairSetupServer::new(identity(), "1234");
    let (mut c, mut s) = (Duration::ZERO, Duration::ZERO);

    let t = Instant::now();
    let (client, m1) = PairSetupClient::new().start();
    c += t.elapsed();
    let t = Instant::now();
    let m2 = server.handle(&m1, store).message;
    s += t.elapsed();
    let t = Instant::now();
    let (client, m3) = client.handle_m2(&m2).unwrap().submit_pin("1234").unwrap();
    c += t.elapsed();
    let t = Instant::now();
    let m4 = server.handle(&m3, store).message;
    s += t.elapsed();
    let t = Instant::now();
    let (client, m5) = client.handle_m4(&m4).unwrap();
    c += t.elapsed();
    let t = Instant::now();
    let m6 = server.handle(&m5, store).message;
    s += t.elapsed();
    let t = Instant::now();
    let creds = client.handle_m6(&m6).unwrap().credentials;
    c += t.elapsed();
    (c, s, creds)
}

/// One pair-verify; returns (client time, server time).
fn pair_verify_once(
    creds: &HapCredentials,
    server: &mut PairVerifyServer,
    store: &MemoryPairingStore,
) -> (Duration, Duration) {
    let (mut c, mut s) = (Duration::ZERO, Duration::ZERO);
    let t = Instant::now();
    let (client, m1) = PairVerifyClient::new(creds.clone()).start();
    c += t.elapsed();
    let t = Instant::now();
    let m2 = server.handle(&m1, store).message;
    s += t.elapsed();
    let t = Instant::now();
    let (client, m3) = client.handle_m2(&m2).unwrap();
    c += t.elapsed();
    let t = Instant::now();
    let m4 = server.handle(&m3, store).message;
    s += t.elapsed();
    let t = Instant::now();
    black_box(client.handle_m4(&m4).unwrap());
    c += t.elapsed();
    (c, s)
}

fn pairing(c: &mut Criterion) {
    let mut group = c.benchmark_group("pair_setup");
    group.sample_size(10);
    for (name, client_side) in [("client", true), ("server", false)] {
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut store = MemoryPairingStore::new();
                (0..iters)
                    .map(|_| {
                        let (c, s, _) = pair_setup_once(&mut store);
                        if client_side { c } else { s }
                    })
                    .sum()
            })
        });
    }
    group.finish();

    let mut store = MemoryPairingStore::new();
    let (_, _, creds) = pair_setup_once(&mut store);
    let mut group = c.benchmark_group("pair_verify");
    for (name, client_side) in [("client", true), ("server", false)] {
        group.bench_function(name, |b| {
            let mut server = PairVerifyServer::new(identity());
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| {
                        let (c, s) = pair_verify_once(&creds, &mut server, &store);
                        if client_side { c } else { s }
                    })
                    .sum()
            })
        });
    }
    group.finish();
}

fn framing(c: &mut Criterion) {
    const SIZE: usize = 64 * 1024;
    let data = vec![0x5au8; SIZE];
    let mut group = c.benchmark_group("hap_framing");
    group.throughput(Throughput::Bytes(SIZE as u64));
    group.bench_function("seal_64KiB", |b| {
        let mut sealer = FrameSealer::new(&[7; 32]);
        let mut out = BytesMut::with_capacity(SIZE + 2048);
        b.iter(|| {
            out.clear();
            sealer.seal_into(black_box(&data), &mut out).unwrap();
        })
    });
    group.bench_function("open_64KiB", |b| {
        // Frames sealed in advance, each opened with the matching counter.
        let mut sealer = FrameSealer::new(&[7; 32]);
        let mut opener = FrameOpener::new(&[7; 32]);
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let mut wire = BytesMut::new();
                sealer.seal_into(&data, &mut wire).unwrap();
                let t = Instant::now();
                while let Some(frame) = opener.open_from(&mut wire).unwrap() {
                    black_box(frame);
                }
                total += t.elapsed();
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, pairing, framing);
criterion_main!(benches);
