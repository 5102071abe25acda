//! TLV8 encode and decode of pair-setup's largest message (M2: state, a 16-byte salt
//! and a 384-byte SRP public key, which TLV8 splits into 255-byte fragments) and of a
//! small one (M1: method and state).

use std::hint::black_box;

use atv_pairing::tlv8::{Tag, Tlv8};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn m2() -> Tlv8 {
    let salt: Vec<u8> = (0u8..16).collect();
    let public_key: Vec<u8> = (0..384u32).map(|i| (i * 7 % 251) as u8).collect();
    Tlv8::new()
        .with(Tag::STATE, [2])
        .with(Tag::SALT, salt)
        .with(Tag::PUBLIC_KEY, public_key)
}

fn m1() -> Tlv8 {
    Tlv8::new().with(Tag::METHOD, [0]).with(Tag::STATE, [1])
}

fn bench(c: &mut Criterion) {
    for (name, message) in [("pair_setup_m2", m2()), ("pair_setup_m1", m1())] {
        let bytes = message.encode();
        assert!(Tlv8::decode(&bytes).ok().as_ref() == Some(&message));
        let mut group = c.benchmark_group(format!("tlv8_{name}"));
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function("encode", |b| b.iter(|| black_box(&message).encode()));
        group.bench_function("decode", |b| b.iter(|| Tlv8::decode(black_box(&bytes))));
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
