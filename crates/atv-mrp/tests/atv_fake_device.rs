//! Functional tests against atv's own fake Apple TV (crates/atv-fake), run in-process
//! over real sockets on 127.0.0.1: pairing, the encrypted session, device information,
//! heartbeats, connection loss and close, refused credentials. The features have their
//! own files: atv_fake_remote_control.rs, atv_fake_metadata.rs, atv_fake_audio_power.rs.

#[allow(dead_code)]
mod atv_fake_support;

mod recorders;

use recorders::ConnectionEvents;
use std::sync::Arc;
use std::time::Duration;

use atv_core::interface::{DeviceListener, Metadata, PairingHandler, RemoteControl};
use atv_core::{DeviceState, InfoSettings, InputAction, Properties, Protocol, Service};
use atv_fake::FakeDevice;
use atv_fake::mrp::pairing::PYATV_CLIENT_CREDENTIALS;
use atv_mrp::{CloseReason, MrpClient, MrpClientConfig, MrpPairingHandler};

use atv_fake_support::{
    LOCALHOST, WAIT, config, connected, pair, playing, port, start_demo, wait_for, within_limit,
};

#[tokio::test]
async fn pair_connect_encrypted_and_read_device_info() {
    within_limit(async {
        let (fake, client) = connected().await;
        let state = fake.state();
        assert_eq!(state.paired_clients(), 1);
        assert!(state.has_authenticated());
        // The client announced itself as connected, over the encrypted session.
        assert_eq!(state.connection_state(), Some(2));
        assert_eq!(state.connected_clients(), 1);

        let now = playing(&client).await;
        assert_eq!(now.title.as_deref(), Some("music"));
        assert_eq!(now.artist.as_deref(), Some("artist"));
        assert_eq!(now.device_state, DeviceState::Playing);

        let info = client.device_info(&Properties::new());
        assert_eq!(info.raw_model.as_deref(), Some(atv_fake::mrp::DEVICE_MODEL));
        assert_eq!(
            info.build_number.as_deref(),
            Some(atv_fake::mrp::BUILD_NUMBER)
        );
        let message = client.device_info_message().expect("device information");
        assert_eq!(message.name, atv_fake::device::DEFAULT_NAME);
        client.close().await;
        assert!(
            state.wait_until(WAIT, |s| s.connected_clients() == 0).await,
            "the fake still sees the client"
        );
        fake.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn credentials_from_one_pairing_serve_several_connections() {
    within_limit(async {
        let fake = start_demo().await;
        let credentials = pair(port(&fake)).await;
        for _ in 0..2 {
            let client = MrpClient::connect_to(config(port(&fake), Some(credentials.clone())))
                .await
                .expect("connect again");
            assert_eq!(playing(&client).await.title.as_deref(), Some("music"));
            client.close().await;
        }
        assert_eq!(fake.state().paired_clients(), 1);
        fake.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn pyatv_test_credentials_are_accepted_when_preloaded() {
    within_limit(async {
        let fake = FakeDevice::builder()
            .mrp()
            .demo()
            .accept_pyatv_test_credentials()
            .start()
            .await
            .unwrap();
        let client = MrpClient::connect_to(config(
            port(&fake),
            Some(PYATV_CLIENT_CREDENTIALS.to_owned()),
        ))
        .await
        .expect("connect with pyatv's credentials");
        assert!(fake.state().has_authenticated());
        assert_eq!(playing(&client).await.title.as_deref(), Some("music"));
        client.close().await;
        fake.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn unknown_credentials_fail_cleanly() {
    within_limit(async {
        // Credentials from pairing with another device: this one does not know them.
        let other = start_demo().await;
        let foreign = pair(port(&other)).await;
        other.shutdown().await;

        let fake = start_demo().await;
        let error = MrpClient::connect_to(config(port(&fake), Some(foreign)))
            .await
            .expect_err("pair-verify refused");
        assert!(
            matches!(error, atv_mrp::MrpError::Authentication(_)),
            "{error:?}"
        );
        let error = atv_core::Error::from(error);
        assert!(
            matches!(error, atv_core::Error::Authentication(_)),
            "{error:?}"
        );
        let state = fake.state();
        assert!(!state.has_authenticated());
        // Nothing was sent in the clear after the refusal, and the fake let go.
        assert_eq!(state.connection_state(), None);
        assert!(
            state.wait_until(WAIT, |s| s.connected_clients() == 0).await,
            "the refused client is still connected"
        );
        // The device still works for a client that pairs.
        let credentials = pair(port(&fake)).await;
        let client = MrpClient::connect_to(config(port(&fake), Some(credentials)))
            .await
            .unwrap();
        assert_eq!(playing(&client).await.title.as_deref(), Some("music"));
        client.close().await;
        fake.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn malformed_credentials_fail_before_connecting() {
    within_limit(async {
        let fake = start_demo().await;
        let error = MrpClient::connect_to(config(port(&fake), Some("not:credentials".into())))
            .await
            .expect_err("refused");
        let error = atv_core::Error::from(error);
        assert!(
            matches!(error, atv_core::Error::InvalidCredentials(_)),
            "{error:?}"
        );
        assert!(!fake.state().has_authenticated());
        fake.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn wrong_pin_fails_pairing() {
    within_limit(async {
        let fake = FakeDevice::builder()
            .mrp()
            .demo()
            .pin("2468")
            .start()
            .await
            .unwrap();
        let service = Service::new(None, Protocol::Mrp, port(&fake), Properties::new());
        let mut handler = MrpPairingHandler::new(LOCALHOST, service, InfoSettings::default());
        handler.begin().await.unwrap();
        handler.pin(1111);
        let error = handler.finish().await.unwrap_err();
        assert!(matches!(error, atv_core::Error::Pairing(_)), "{error}");
        assert!(!handler.has_paired());
        assert!(handler.service().credentials.is_none());
        handler.close().await.unwrap();
        assert_eq!(fake.state().paired_clients(), 0);

        // The device's own PIN pairs.
        let service = Service::new(None, Protocol::Mrp, port(&fake), Properties::new());
        let mut handler = MrpPairingHandler::new(LOCALHOST, service, InfoSettings::default());
        handler.begin().await.unwrap();
        handler.pin(2468);
        handler.finish().await.unwrap();
        assert!(handler.has_paired());
        handler.close().await.unwrap();
        assert_eq!(fake.state().paired_clients(), 1);
        fake.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn unencrypted_session_without_credentials() {
    within_limit(async {
        let fake = start_demo().await;
        let client = MrpClient::connect_to(config(port(&fake), None))
            .await
            .unwrap();
        assert_eq!(playing(&client).await.title.as_deref(), Some("music"));
        client
            .remote_control()
            .up(InputAction::SingleTap)
            .await
            .unwrap();
        let state = fake.state();
        assert_eq!(state.last_button_pressed().as_deref(), Some("up"));
        assert!(!state.has_authenticated());
        assert_eq!(state.connection_state(), Some(2));
        client.close().await;
        fake.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn heartbeats_are_sent() {
    within_limit(async {
        let fake = start_demo().await;
        let credentials = pair(port(&fake)).await;
        let client = MrpClient::connect_to(MrpClientConfig {
            heartbeat_interval: Some(Duration::from_millis(50)),
            ..config(port(&fake), Some(credentials))
        })
        .await
        .unwrap();
        assert!(
            fake.state()
                .wait_until(WAIT, |s| s.heartbeat_count() >= 3)
                .await,
            "heartbeats: {}",
            fake.state().heartbeat_count()
        );
        client.close().await;
        fake.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn device_going_away_is_reported_closed_exactly_once() {
    within_limit(async {
        let (fake, client) = connected().await;
        let events = Arc::new(ConnectionEvents::default());
        let listener: Arc<dyn DeviceListener> = events.clone();
        client.set_device_listener(Some(Arc::downgrade(&listener)));
        let connection = client.connection().expect("connected");

        // The fake closes its sockets cleanly (end of stream): closed, not lost, as
        // pyatv reports it.
        fake.shutdown().await;
        let reason = tokio::time::timeout(WAIT, connection.closed())
            .await
            .expect("the end noticed in time");
        assert_eq!(reason, CloseReason::ClosedByDevice);
        wait_for("the end reported", || !events.seen().is_empty()).await;
        // Closing afterwards and using the interfaces report nothing more.
        client.close().await;
        let error = client
            .remote_control()
            .up(InputAction::SingleTap)
            .await
            .unwrap_err();
        assert!(matches!(error, atv_core::Error::BlockedState(_)), "{error}");
        client.close().await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(events.seen(), ["closed"]);
    })
    .await;
}

#[tokio::test]
async fn close_is_reported_once_and_the_fake_lets_go() {
    within_limit(async {
        let (fake, client) = connected().await;
        let events = Arc::new(ConnectionEvents::default());
        let listener: Arc<dyn DeviceListener> = events.clone();
        client.set_device_listener(Some(Arc::downgrade(&listener)));
        client.close().await;
        client.close().await;
        assert_eq!(events.seen(), ["closed"]);
        assert!(
            fake.state()
                .wait_until(WAIT, |s| s.connected_clients() == 0)
                .await
        );
        fake.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn dropping_the_client_and_its_interfaces_closes_the_connection() {
    within_limit(async {
        let (fake, client) = connected().await;
        let state = fake.state();
        let metadata = client.metadata();
        drop(client);
        // An interface still holds the session.
        assert_eq!(
            metadata.playing().await.unwrap().title.as_deref(),
            Some("music")
        );
        assert_eq!(state.connected_clients(), 1);
        drop(metadata);
        assert!(
            state.wait_until(WAIT, |s| s.connected_clients() == 0).await,
            "the connection stayed open"
        );
        fake.shutdown().await;
    })
    .await;
}
