//! Parsing and encoding a typical Apple TV answer packet (python-zeroconf's real reply to
//! pyatv's first query: four PTR answers, SRV/TXT/NSEC/A additionals, 1295 bytes).

use std::hint::black_box;

use atv_mdns::decode::decode;
use atv_mdns::encode::encode;
use atv_mdns::service_table::ServiceTable;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const REPLY: &[u8] = include_bytes!("../tests/data/zeroconf_appletv_reply_0.bin");

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("apple_tv_answer");
    group.throughput(Throughput::Bytes(REPLY.len() as u64));
    group.bench_function("decode", |b| b.iter(|| decode(black_box(REPLY))));
    let packet = decode(REPLY).expect("vector parses").packet;
    group.bench_function("encode", |b| b.iter(|| encode(black_box(&packet))));
    group.bench_function("decode_and_assemble_services", |b| {
        b.iter(|| {
            let decoded = decode(black_box(REPLY)).expect("vector parses");
            let mut table = ServiceTable::new();
            table.add_packet(&decoded.packet);
            table.services()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
