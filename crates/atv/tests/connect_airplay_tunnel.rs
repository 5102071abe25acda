//! The AirPlay 2 remote-control tunnel end to end, against atv's fake Apple TV with only
//! AirPlay enabled (as tvOS 15 and later: no MRP port): `atv::pair` over AirPlay with the
//! fake's PIN, then `atv::connect` sets up MRP through the tunnel and the facade reads
//! what plays and presses a button. In-process, real sockets on 127.0.0.1.
#![cfg(all(feature = "airplay", feature = "mrp"))]

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Duration;

use atv::core::{InputAction, MemoryStorage, Storage};
use atv::{
    ConnectOptions, DeviceConfig, PairOptions, Properties, Protocol, Service, connect, pair,
};
use atv_fake::FakeDevice;
use atv_fake::airplay::AirPlayConfig;
use atv_fake::airplay::txt::airplay_txt;

const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
/// The PIN atv's fake device pairs with.
const PIN: u32 = 1111;
/// How long the fake may take to show a change.
const WAIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn pair_over_airplay_then_control_through_the_tunnel() {
    let body = async {
        let fake = FakeDevice::builder()
            .airplay()
            .demo()
            .bind_address(LOCALHOST)
            .start()
            .await
            .unwrap();
        let port = fake.ports().airplay.expect("AirPlay enabled");
        assert_eq!(
            fake.ports().mrp,
            None,
            "no MRP port: MRP only through the tunnel"
        );
        let properties: Properties = airplay_txt(&AirPlayConfig::new("Fake"))
            .into_iter()
            .collect();
        let mut config = DeviceConfig::new(LOCALHOST, "Fake");
        config.add_service(Service::new(
            Some(fake.identifier().to_owned()),
            Protocol::AirPlay,
            port,
            properties,
        ));
        let storage: Arc<dyn Storage> = Arc::new(MemoryStorage::new());

        let options = PairOptions::default().storage(Arc::clone(&storage));
        let mut handler = pair(&config, Protocol::AirPlay, options)
            .await
            .expect("pair");
        handler.begin().await.expect("begin pairing");
        handler.pin(PIN);
        handler.finish().await.expect("finish pairing");
        handler.close().await.expect("close pairing");
        let stored = storage.get_settings(&config).await.unwrap();
        assert!(stored.protocols.airplay.credentials.is_some());

        let options = ConnectOptions::default().storage(Arc::clone(&storage));
        let atv = connect(&config, options).await.expect("connect");
        // The fake announces unified AirPlay and no `_raop._tcp`: RAOP is implied on the
        // AirPlay port, as pyatv adds it.
        assert!(config.get_service(Protocol::Raop).is_none());
        let raop = atv
            .config()
            .get_service(Protocol::Raop)
            .expect("implied RAOP");
        assert_eq!(Some(raop.port), fake.ports().airplay);
        assert!(
            atv.protocols().contains(&Protocol::Mrp),
            "{:?}",
            atv.protocols()
        );

        let playing = atv.metadata().playing().await.expect("playing");
        let expected = fake.state().playing().expect("the demo plays");
        assert_eq!(playing.title, expected.title);
        assert!(playing.title.is_some());

        atv.remote_control()
            .up(InputAction::SingleTap)
            .await
            .expect("up");
        assert!(
            fake.state()
                .wait_until(WAIT, |s| s.last_button_pressed().as_deref() == Some("up"))
                .await,
            "the fake never saw up: {:?}",
            fake.state().last_button_pressed()
        );
        atv.close().await;
        fake.shutdown().await;
    };
    tokio::time::timeout(Duration::from_secs(60), body)
        .await
        .expect("test took too long");
}
