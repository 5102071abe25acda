//! Metadata against atv's own fake device, in-process over real sockets: every field of
//! what plays, the hash, the playing app, artwork with its size and caching, and push
//! updates as the fake's state changes.

#[allow(dead_code)]
mod atv_fake_support;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::mpsc;

use atv_core::interface::{Features, Metadata, PushListener, PushUpdater};
use atv_core::{
    App, DeviceState, FeatureName, FeatureState, MediaType, Playing, RepeatState, ShuffleState,
};
use atv_fake::PlayingState;
use atv_fake::playing::APP_NAME;

use atv_fake_support::{PLAYER, WAIT, connected, pause_at, playing, wait_playing, within_limit};

#[tokio::test]
async fn music_fields() {
    within_limit(async {
        let (fake, client) = connected().await;
        let now = playing(&client).await;
        assert_eq!(now.device_state, DeviceState::Playing);
        assert_eq!(now.media_type, MediaType::Music);

        pause_at(fake.state(), 22.0);
        let now = wait_playing(&client, "paused", |p| p.device_state == DeviceState::Paused).await;
        assert_eq!(now.media_type, MediaType::Music);
        assert_eq!(now.title.as_deref(), Some("music"));
        assert_eq!(now.artist.as_deref(), Some("artist"));
        assert_eq!(now.album.as_deref(), Some("album"));
        assert_eq!(now.genre.as_deref(), Some("genre"));
        assert_eq!(now.total_time, Some(49));
        assert_eq!(now.position, Some(22));
        assert_eq!(now.shuffle, Some(ShuffleState::Off));
        assert_eq!(now.repeat, Some(RepeatState::Off));
        assert_eq!(now.series_name, None);
        assert_eq!(now.season_number, None);
        assert_eq!(now.episode_number, None);
        assert_eq!(now.content_identifier, None);
        assert_eq!(now.itunes_store_identifier, None);
        client.close().await;
        fake.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn position_advances_while_playing_and_stays_within_the_length() {
    within_limit(async {
        let (fake, client) = connected().await;
        let state = fake.state();
        // Playing since 5 s ago from 10 s: now at 15 s (16 s when a second passes while
        // the test runs).
        state.play(
            PLAYER,
            PlayingState {
                title: Some("from ten".into()),
                position: Some(10.0),
                position_at: Some(SystemTime::now() - Duration::from_secs(5)),
                ..PlayingState::example_music(false)
            },
        );
        let now = wait_playing(&client, "playing from 10 s", |p| {
            p.title.as_deref() == Some("from ten")
        })
        .await;
        assert!(
            now.position == Some(15) || now.position == Some(16),
            "{now:?}"
        );
        // The same while paused: no advance.
        state.play(
            PLAYER,
            PlayingState {
                title: Some("paused at ten".into()),
                position: Some(10.0),
                position_at: Some(SystemTime::now() - Duration::from_secs(5)),
                ..PlayingState::example_music(true)
            },
        );
        let now = wait_playing(&client, "paused at 10 s", |p| {
            p.title.as_deref() == Some("paused at ten")
        })
        .await;
        assert_eq!(now.position, Some(10));
        // Playing since long ago: at the end, not beyond.
        state.play(
            PLAYER,
            PlayingState {
                title: Some("long ago".into()),
                position_at: Some(SystemTime::now() - Duration::from_secs(1000)),
                ..PlayingState::example_music(false)
            },
        );
        let now = wait_playing(&client, "long ago", |p| {
            p.title.as_deref() == Some("long ago")
        })
        .await;
        assert_eq!(now.position, Some(49));
        client.close().await;
        fake.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn video_tv_loading_and_idle() {
    within_limit(async {
        let (fake, client) = connected().await;
        let state = fake.state();
        state.play(
            PLAYER,
            PlayingState {
                content_identifier: Some("cid-42".into()),
                itunes_store_identifier: Some(1_234_567),
                ..PlayingState::example_video(true)
            },
        );
        let now = wait_playing(&client, "a video", |p| p.title.as_deref() == Some("dummy")).await;
        assert_eq!(now.media_type, MediaType::Video);
        assert_eq!(now.device_state, DeviceState::Paused);
        assert_eq!(now.total_time, Some(123));
        assert_eq!(now.position, Some(3));
        assert_eq!(now.artist, None);
        assert_eq!(now.content_identifier.as_deref(), Some("cid-42"));
        assert_eq!(now.itunes_store_identifier, Some(1_234_567));

        state.example_tv(true);
        let now = wait_playing(&client, "a TV episode", |p| p.series_name.is_some()).await;
        assert_eq!(now.series_name.as_deref(), Some("tvshow"));
        assert_eq!(now.season_number, Some(12));
        assert_eq!(now.episode_number, Some(3));
        assert_eq!(now.position, Some(5));
        assert_eq!(now.content_identifier, None);

        state.media_is_loading();
        wait_playing(&client, "loading", |p| {
            p.device_state == DeviceState::Loading
        })
        .await;

        state.nothing_playing();
        let now = wait_playing(&client, "idle", |p| p.device_state == DeviceState::Idle).await;
        assert_eq!(now.title, None);
        client.close().await;
        fake.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn hash_is_stable_for_equal_content_and_changes_with_it() {
    within_limit(async {
        let (fake, client) = connected().await;
        let state = fake.state();
        pause_at(state, 10.0);
        let first = wait_playing(&client, "paused", |p| p.position == Some(10)).await;
        let hash = first.hash();
        assert_eq!(hash.len(), 64, "a SHA-256 in hex: {hash}");
        assert_eq!(playing(&client).await.hash(), hash);

        // Position and play state are no part of the content.
        pause_at(state, 30.0);
        let moved = wait_playing(&client, "moved", |p| p.position == Some(30)).await;
        assert_eq!(moved.hash(), hash);

        // Equal content played anew: the same hash.
        state.example_music(true);
        let again = wait_playing(&client, "music again", |p| p.position == Some(22)).await;
        assert_eq!(again.hash(), hash);

        state.change_state(|p| p.title = Some("other".into()));
        let other = wait_playing(&client, "new title", |p| {
            p.title.as_deref() == Some("other")
        })
        .await;
        assert_ne!(other.hash(), hash);
        state.change_state(|p| p.total_time = Some(50.0));
        let longer = wait_playing(&client, "new length", |p| p.total_time == Some(50)).await;
        assert_ne!(longer.hash(), other.hash());
        state.change_state(|p| p.title = Some("music".into()));
        state.change_state(|p| p.total_time = Some(49.0));
        let back = wait_playing(&client, "old content", |p| p.total_time == Some(49)).await;
        assert_eq!(back.hash(), hash);

        // A content item identifier is the hash.
        state.change_state(|p| p.identifier = Some("item-1".into()));
        let identified = wait_playing(&client, "an identifier", |p| p.hash() == "item-1").await;
        assert_eq!(identified.title.as_deref(), Some("music"));
        client.close().await;
        fake.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn metadata_changes_merge_into_the_item() {
    within_limit(async {
        let (fake, client) = connected().await;
        let state = fake.state();
        state.change_state(|p| p.identifier = Some("item-1".into()));
        wait_playing(&client, "an identifier", |p| p.hash() == "item-1").await;
        state.change_metadata(PlayingState {
            identifier: Some("item-1".into()),
            title: Some("merged".into()),
            total_time: Some(99.0),
            ..PlayingState::default()
        });
        let now = wait_playing(&client, "merged", |p| p.title.as_deref() == Some("merged")).await;
        assert_eq!(now.artist.as_deref(), Some("artist"));
        assert_eq!(now.total_time, Some(99));
        assert_eq!(state.playing().unwrap().title.as_deref(), Some("merged"));
        client.close().await;
        fake.shutdown().await;
    })
    .await;
}

/// Bundle identifier of a second app.
const VIDEO_APP: &str = "com.example.video";

#[tokio::test]
async fn the_playing_app() {
    within_limit(async {
        let (fake, client) = connected().await;
        let metadata = client.metadata();
        assert_eq!(metadata.app().unwrap(), Some(App::new(None, PLAYER)));
        assert_eq!(
            client.features().get_feature(FeatureName::App).state,
            FeatureState::Available
        );

        // Another app plays, with a display name. (A name is taken when the client first
        // hears of an app; later ones come in client updates, as with pyatv.)
        let state = fake.state();
        state.play(VIDEO_APP, PlayingState::example_video(false));
        wait_playing(&client, "a video", |p| p.title.as_deref() == Some("dummy")).await;
        assert_eq!(
            metadata.app().unwrap(),
            Some(App::new(Some(APP_NAME.into()), VIDEO_APP))
        );

        state.update_client(Some("Renamed"));
        atv_fake_support::wait_for("the app renamed", || {
            metadata.app().unwrap().and_then(|a| a.name).as_deref() == Some("Renamed")
        })
        .await;

        // Back to the first app.
        state.set_active_player(Some(PLAYER));
        atv_fake_support::wait_for("the first app", || {
            metadata.app().unwrap() == Some(App::new(None, PLAYER))
        })
        .await;
        assert_eq!(playing(&client).await.title.as_deref(), Some("music"));

        state.nothing_playing();
        // Nothing plays: the device names an empty client, which pyatv (and so atv)
        // reports as an app without identifier.
        atv_fake_support::wait_for("no app", || {
            metadata
                .app()
                .unwrap()
                .is_none_or(|app| app.identifier.is_empty() && app.name.is_none())
        })
        .await;
        client.close().await;
        fake.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn artwork_with_size_and_caching() {
    within_limit(async {
        let (fake, client) = connected().await;
        let metadata = client.metadata();
        let artwork_state = || client.features().get_feature(FeatureName::Artwork).state;
        assert_eq!(metadata.artwork(None, None).await.unwrap(), None);
        assert_eq!(metadata.artwork_id().unwrap(), "");
        assert_eq!(artwork_state(), FeatureState::Unavailable);

        let state = fake.state();
        state.set_artwork(b"PNGDATA", "image/png", "art1");
        state.change_state(|p| {
            p.artwork_width = Some(111);
            p.artwork_height = Some(222);
        });
        atv_fake_support::wait_for("artwork announced", || {
            metadata.artwork_id().unwrap() == "art1"
        })
        .await;
        assert_eq!(artwork_state(), FeatureState::Available);
        let artwork = metadata
            .artwork(Some(512), None)
            .await
            .unwrap()
            .expect("artwork");
        assert_eq!(artwork.bytes, b"PNGDATA");
        assert_eq!(artwork.mimetype, "image/png");
        assert_eq!((artwork.width, artwork.height), (111, 222));

        // Same identifier, other bytes: the cached artwork comes back.
        state.set_artwork(b"OTHER", "image/png", "art1");
        atv_fake_support::sync(&client).await;
        let cached = metadata.artwork(Some(512), None).await.unwrap().unwrap();
        assert_eq!(cached.bytes, b"PNGDATA");

        // A new identifier is fetched anew, with the device's default size.
        state.change_state(|p| {
            p.artwork_width = None;
            p.artwork_height = None;
        });
        state.set_artwork(b"JPEGDATA", "image/jpeg", "art2");
        atv_fake_support::wait_for("artwork changed", || {
            metadata.artwork_id().unwrap() == "art2"
        })
        .await;
        let new = metadata
            .artwork(Some(100), Some(100))
            .await
            .unwrap()
            .expect("new artwork");
        assert_eq!(new.bytes, b"JPEGDATA");
        assert_eq!(new.mimetype, "image/jpeg");
        assert_eq!((new.width, new.height), (456, 789));
        client.close().await;
        fake.shutdown().await;
    })
    .await;
}

struct PushEvents(mpsc::UnboundedSender<Result<Playing, String>>);

impl PushListener for PushEvents {
    fn playstatus_update(&self, playing: &Playing) {
        let _ = self.0.send(Ok(playing.clone()));
    }

    fn playstatus_error(&self, error: &atv_core::Error) {
        let _ = self.0.send(Err(error.to_string()));
    }
}

async fn next_push(updates: &mut mpsc::UnboundedReceiver<Result<Playing, String>>) -> Playing {
    tokio::time::timeout(WAIT, updates.recv())
        .await
        .expect("a push update in time")
        .expect("listener alive")
        .expect("no push error")
}

#[tokio::test]
async fn push_updates_follow_every_change() {
    within_limit(async {
        let (fake, client) = connected().await;
        let state = fake.state();
        pause_at(state, 22.0);
        wait_playing(&client, "paused", |p| p.device_state == DeviceState::Paused).await;

        let push = client.push_updater();
        assert!(push.start(0).is_err(), "no listener set yet");
        let (tx, mut updates) = mpsc::unbounded_channel();
        let listener: Arc<dyn PushListener> = Arc::new(PushEvents(tx));
        push.set_listener(Some(Arc::downgrade(&listener)));
        push.start(0).unwrap();
        assert!(push.active());
        // What plays now comes first.
        let first = next_push(&mut updates).await;
        assert_eq!(first.title.as_deref(), Some("music"));
        assert_eq!(first.device_state, DeviceState::Paused);

        // Several changes in a row: each one is reported, in order.
        for n in 0..10 {
            state.change_state(|p| p.title = Some(format!("title {n}")));
        }
        for n in 0..10 {
            let update = next_push(&mut updates).await;
            assert_eq!(update.title, Some(format!("title {n}")), "update {n}");
            assert_eq!(update.artist.as_deref(), Some("artist"));
        }

        // A change of play state.
        state.change_state(|p| {
            p.playback_state = Some(atv_mrp::protobuf::PlaybackState::Playing);
            p.playback_rate = Some(1.0);
        });
        assert_eq!(
            next_push(&mut updates).await.device_state,
            DeviceState::Playing
        );
        // Another item altogether.
        state.example_video(true);
        let update = loop {
            let update = next_push(&mut updates).await;
            if update.media_type == MediaType::Video {
                break update;
            }
        };
        assert_eq!(update.title.as_deref(), Some("dummy"));
        assert_eq!(update.device_state, DeviceState::Paused);
        atv_fake_support::sync(&client).await;
        while updates.try_recv().is_ok() {}

        // Nothing once stopped.
        push.stop();
        assert!(!push.active());
        state.change_state(|p| p.title = Some("unseen".into()));
        atv_fake_support::sync(&client).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(updates.try_recv().is_err(), "no updates once stopped");
        client.close().await;
        fake.shutdown().await;
    })
    .await;
}
