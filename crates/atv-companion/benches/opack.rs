//! OPACK encode and decode of typical Companion messages: a small HID button request (the
//! message sent most often) and the larger `_systemInfo` request sent on connect; and the
//! frame codec around the latter.

use std::hint::black_box;

use atv_companion::frame::{Frame, FrameCodec, FrameType};
use atv_companion::opack::{self, Value};
use bytes::BytesMut;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tokio_util::codec::{Decoder, Encoder};

/// A button press: `_hidC` request with the button code and state.
fn hid_request() -> Value {
    [
        ("_i", Value::from("_hidC")),
        (
            "_c",
            [("_hBtS", 1), ("_hidC", 6)].into_iter().collect::<Value>(),
        ),
        ("_t", Value::from(2)),
        ("_x", Value::from(43_210)),
    ]
    .into_iter()
    .collect()
}

/// The `_systemInfo` request a client sends after pair-verify.
fn system_info_request() -> Value {
    let services: Value = [
        "com.apple.LiveAudio",
        "com.apple.siri.wakeup",
        "com.apple.Seymour",
        "com.apple.announce",
        "com.apple.coreduet.sync",
        "com.apple.SeymourSession",
    ]
    .into_iter()
    .map(Value::from)
    .collect();
    let content: Value = [
        ("_pubID", Value::from("AA:BB:CC:DD:EE:FF")),
        ("_sv", Value::from("230.1")),
        ("_bf", Value::from(0)),
        ("_stA", services),
        ("_i", Value::from("6c62fca18b11")),
        ("_clFl", Value::from(128)),
        (
            "_idsID",
            Value::from("44E14ABC-DDDD-4188-B661-11BAAAF6ECDE"),
        ),
        ("_hkUID", Value::Array(vec![Value::Uuid([0x17; 16])])),
        ("_dC", Value::from("1")),
        ("_sf", Value::from(256)),
        ("model", Value::from("iPhone10,6")),
        ("name", Value::from("iPhone")),
    ]
    .into_iter()
    .collect();
    [
        ("_i", Value::from("_systemInfo")),
        ("_x", Value::from(1_254_122_577)),
        ("_btHP", Value::from(false)),
        ("_c", content),
        ("_t", Value::from(2)),
    ]
    .into_iter()
    .collect()
}

fn opack_benches(c: &mut Criterion) {
    for (name, value) in [
        ("hid", hid_request()),
        ("system_info", system_info_request()),
    ] {
        let bytes = opack::encode(&value);
        let mut group = c.benchmark_group(format!("opack_{name}"));
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function("encode", |b| b.iter(|| opack::encode(black_box(&value))));
        group.bench_function("decode", |b| {
            b.iter(|| opack::decode(black_box(&bytes)).expect("decode"))
        });
        group.finish();
    }
}

fn frame_benches(c: &mut Criterion) {
    let payload = opack::encode(&system_info_request());
    let frame = Frame::new(FrameType::EOpack, payload);
    let mut wire = BytesMut::new();
    FrameCodec::new().encode(&frame, &mut wire).expect("encode");
    let mut group = c.benchmark_group("frame_system_info");
    group.throughput(Throughput::Bytes(wire.len() as u64));
    group.bench_function("encode", |b| {
        let mut out = BytesMut::with_capacity(wire.len());
        b.iter(|| {
            out.clear();
            FrameCodec::new()
                .encode(black_box(&frame), &mut out)
                .expect("encode");
        })
    });
    group.bench_function("decode_and_unpack", |b| {
        b.iter(|| {
            let mut input = wire.clone();
            let frame = FrameCodec::new()
                .decode(black_box(&mut input))
                .expect("decode")
                .expect("whole frame");
            opack::decode(&frame.payload).expect("unpack")
        })
    });
    group.finish();
}

criterion_group!(benches, opack_benches, frame_benches);
criterion_main!(benches);
