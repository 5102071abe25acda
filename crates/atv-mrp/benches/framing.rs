//! Framing + protobuf decode (and encode) of a typical now-playing SetStateMessage, the
//! message a device sends most often while something plays.

use atv_mrp::framing::{MessageCodec, encode_message};
use atv_mrp::protobuf::{
    Command, CommandInfo, ContentItem, ContentItemMetadata, MediaType, MessageType,
    NowPlayingClient, NowPlayingPlayer, PlaybackQueue, PlaybackState, PlayerPath, ProtocolMessage,
    SetStateMessage, SupportedCommands,
};
use bytes::BytesMut;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use tokio_util::codec::{Decoder, Encoder};

/// A SetStateMessage shaped like the ones an Apple TV sends for a music track.
fn now_playing_state() -> ProtocolMessage {
    let commands = [
        Command::Play,
        Command::Pause,
        Command::TogglePlayPause,
        Command::Stop,
        Command::NextTrack,
        Command::PreviousTrack,
        Command::SkipForward,
        Command::SkipBackward,
        Command::SeekToPlaybackPosition,
        Command::ChangeRepeatMode,
        Command::ChangeShuffleMode,
        Command::LikeTrack,
        Command::DislikeTrack,
        Command::AddNowPlayingItemToLibrary,
    ];
    let metadata = ContentItemMetadata {
        title: Some("Never Gonna Give You Up".into()),
        track_artist_name: Some("Rick Astley".into()),
        album_name: Some("Whenever You Need Somebody".into()),
        genre: Some("Pop".into()),
        duration: Some(213.5),
        elapsed_time: Some(42.25),
        elapsed_time_timestamp: Some(7.3e8),
        playback_rate: Some(1.0),
        default_playback_rate: Some(1.0),
        media_type: Some(MediaType::Audio as i32),
        artwork_available: Some(true),
        artwork_mime_type: Some("image/jpeg".into()),
        artwork_identifier: Some("7F1B2E0C-6A3D-4C55-9B0E-3D2A1C0B9F8E".into()),
        content_identifier: Some("1558533900".into()),
        itunes_store_identifier: Some(1_558_534_271),
        track_number: Some(1),
        total_track_count: Some(10),
        is_playable: Some(true),
        ..Default::default()
    };
    ProtocolMessage {
        r#type: Some(MessageType::SetStateMessage as i32),
        error_code: Some(0),
        unique_identifier: Some("2D6AF2C4-2B7E-4C6E-8F2B-6E8A5B0B3C1D".into()),
        set_state_message: Some(Box::new(SetStateMessage {
            playback_state: Some(PlaybackState::Playing as i32),
            display_name: Some("Music".into()),
            supported_commands: Some(SupportedCommands {
                supported_commands: commands
                    .iter()
                    .map(|&command| CommandInfo {
                        command: Some(command as i32),
                        enabled: Some(true),
                        ..Default::default()
                    })
                    .collect(),
            }),
            playback_queue: Some(PlaybackQueue {
                location: Some(0),
                content_items: vec![ContentItem {
                    identifier: Some("4A3B2C1D".into()),
                    metadata: Some(metadata),
                    ..Default::default()
                }],
                ..Default::default()
            }),
            player_path: Some(PlayerPath {
                origin: None,
                client: Some(NowPlayingClient {
                    process_identifier: Some(123),
                    bundle_identifier: Some("com.apple.TVMusic".into()),
                    display_name: Some("Music".into()),
                    ..Default::default()
                }),
                player: Some(NowPlayingPlayer {
                    identifier: Some("MediaRemote-DefaultPlayer".into()),
                    display_name: Some("Default Player".into()),
                    ..Default::default()
                }),
            }),
            ..Default::default()
        })),
        ..Default::default()
    }
}

fn bench(c: &mut Criterion) {
    let message = now_playing_state();
    let mut framed = BytesMut::new();
    MessageCodec::new()
        .encode(&message, &mut framed)
        .expect("encoding into BytesMut cannot fail");
    let frame = framed.freeze();
    println!(
        "SetStateMessage frame: {} bytes (payload {})",
        frame.len(),
        encode_message(&message).len()
    );

    let mut group = c.benchmark_group("mrp_framing");
    group.throughput(Throughput::Bytes(frame.len() as u64));
    group.bench_function("decode_set_state", |b| {
        let mut codec = MessageCodec::new();
        b.iter(|| {
            let mut src = BytesMut::from(&frame[..]);
            let decoded = codec.decode(&mut src).expect("valid frame");
            black_box(decoded)
        });
    });
    group.bench_function("encode_set_state", |b| {
        let mut codec = MessageCodec::new();
        let mut dst = BytesMut::with_capacity(frame.len());
        b.iter(|| {
            dst.clear();
            codec
                .encode(&message, &mut dst)
                .expect("encoding cannot fail");
            black_box(dst.len())
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
