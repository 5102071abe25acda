//! pyatv 0.18.0's `atvremote` as the client of the in-process fake device: pairing with
//! PIN 1111, encrypted sessions, what plays, commands, volume, power, artwork and push
//! updates. Skipped without the pyatv venv (ATV_PYTHON), except under CI.

mod support;

use std::process::Stdio;
use std::time::Duration;

use atv_core::{InputAction, PowerState, RepeatState, ShuffleState};
use atv_fake::mrp::pairing::PYATV_CLIENT_CREDENTIALS;
use atv_fake::{FakeDevice, RunningFake};
use atv_mrp::protobuf::PlaybackState;
use support::{Atvremote, RUN_TIMEOUT};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const WAIT: Duration = Duration::from_secs(10);

async fn demo() -> RunningFake {
    FakeDevice::builder()
        .mrp()
        .demo()
        .accept_pyatv_test_credentials()
        .start()
        .await
        .expect("fake device starts")
}

fn port(fake: &RunningFake) -> u16 {
    fake.ports().mrp.expect("MRP port")
}

#[tokio::test]
async fn pyatv_pairs_with_pin_1111_and_reads_what_plays() {
    let Some(atvremote) = Atvremote::find() else {
        return;
    };
    let fake = FakeDevice::builder().mrp().demo().start().await.unwrap();
    let (port, id) = (port(&fake), fake.identifier().to_owned());

    let (run, credentials) = atvremote.pair(port, &id, "1111").await;
    run.assert_prints(&["Enter PIN on screen", "Pairing seems to have succeeded"]);
    let credentials = credentials.expect("credentials printed");
    assert_eq!(fake.state().paired_clients(), 1);

    let run = atvremote
        .run(port, &id, Some(&credentials), &["playing"], "")
        .await;
    assert!(run.success, "{}", run.stderr);
    run.assert_prints(&[
        "Media type: Music",
        "Device state: Playing",
        "Title: music",
        "Artist: artist",
        "Album: album",
        "Genre: genre",
        "Repeat: Off",
        "Shuffle: Off",
    ]);
    assert!(fake.state().has_authenticated());
    fake.shutdown().await;
}

#[tokio::test]
async fn pyatv_pairing_with_a_wrong_pin_fails() {
    let Some(atvremote) = Atvremote::find() else {
        return;
    };
    let fake = FakeDevice::builder().mrp().start().await.unwrap();
    let (run, credentials) = atvremote.pair(port(&fake), fake.identifier(), "1234").await;
    assert!(credentials.is_none(), "{}", run.stdout);
    assert!(!run.stdout.contains("succeeded"), "{}", run.stdout);
    assert_eq!(fake.state().paired_clients(), 0);

    // Credentials the device does not know are refused too.
    let unknown = PYATV_CLIENT_CREDENTIALS;
    let run = atvremote
        .run(
            port(&fake),
            fake.identifier(),
            Some(unknown),
            &["playing"],
            "",
        )
        .await;
    // pyatv does not read the error in M4; it fails once the device hangs up.
    assert!(!run.success, "{}", run.stdout);
    assert!(!fake.state().has_authenticated());
    fake.shutdown().await;
}

#[tokio::test]
async fn pyatv_without_credentials_sees_an_idle_device() {
    let Some(atvremote) = Atvremote::find() else {
        return;
    };
    let fake = FakeDevice::builder().mrp().start().await.unwrap();
    let run = atvremote
        .run(port(&fake), fake.identifier(), None, &["playing"], "")
        .await;
    assert!(run.success, "{}", run.stderr);
    run.assert_prints(&["Media type: Unknown", "Device state: Idle"]);
    assert!(!fake.state().has_authenticated());
    fake.shutdown().await;
}

#[tokio::test]
async fn pyatv_commands_change_the_fake() {
    let Some(atvremote) = Atvremote::find() else {
        return;
    };
    let fake = demo().await;
    let state = fake.state().clone();
    let (port, id) = (port(&fake), fake.identifier().to_owned());
    let credentials = Some(PYATV_CLIENT_CREDENTIALS);

    let run = atvremote
        .run(port, &id, credentials, &["up", "volume"], "")
        .await;
    assert!(run.success, "{}", run.stderr);
    run.assert_prints(&["50.0"]);
    assert_eq!(state.last_button_pressed().as_deref(), Some("up"));
    assert_eq!(state.last_button_action(), Some(InputAction::SingleTap));

    let run = atvremote
        .run(
            port,
            &id,
            credentials,
            &[
                "play_pause",
                "set_shuffle=2",
                "set_repeat=1",
                "set_position=10",
                "set_volume=20",
                "volume",
            ],
            "",
        )
        .await;
    assert!(run.success, "{}", run.stderr);
    run.assert_prints(&["20.0"]);
    let playing = state.playing().expect("something plays");
    assert_eq!(playing.playback_state, Some(PlaybackState::Paused));
    assert_eq!(state.last_button_pressed().as_deref(), Some("playpause"));
    assert_eq!(playing.shuffle, Some(ShuffleState::Songs));
    assert_eq!(playing.repeat, Some(RepeatState::Track));
    assert_eq!(playing.position, Some(10.0));
    assert!((state.volume() - 0.2).abs() < 1e-6, "{}", state.volume());

    // What pyatv now reads back.
    let run = atvremote
        .run(port, &id, credentials, &["playing"], "")
        .await;
    run.assert_prints(&[
        "Device state: Paused",
        "Position: 10/49s",
        "Repeat: Track",
        "Shuffle: Songs",
    ]);
    fake.shutdown().await;
}

#[tokio::test]
async fn pyatv_power_output_devices_and_artwork() {
    let Some(atvremote) = Atvremote::find() else {
        return;
    };
    let fake = demo().await;
    let state = fake.state().clone();
    let (port, id) = (port(&fake), fake.identifier().to_owned());
    let credentials = Some(PYATV_CLIENT_CREDENTIALS);

    // Turning off is "home" held, then "select".
    let run = atvremote
        .run(port, &id, credentials, &["turn_off", "power_state"], "")
        .await;
    assert!(run.success, "{}", run.stderr);
    assert_eq!(state.power_state(), PowerState::Off);
    let presses = state.button_presses();
    let last_two: Vec<_> = presses
        .iter()
        .rev()
        .take(2)
        .map(|p| (p.button.as_str(), p.action))
        .collect();
    assert_eq!(
        last_two,
        [
            ("select", Some(InputAction::SingleTap)),
            ("home", Some(InputAction::Hold))
        ]
    );
    run.assert_prints(&["PowerState.Off"]);

    state.set_artwork(b"\x89PNG fake artwork", "image/png", "art-1");
    let run = atvremote
        .run(
            port,
            &id,
            credentials,
            &["turn_on", "add_output_devices=AB12", "artwork_save"],
            "",
        )
        .await;
    assert!(run.success, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(state.power_state(), PowerState::On);
    assert!(state.output_devices().contains(&"AB12".to_owned()));
    let saved = std::fs::read(atvremote.dir().join("artwork.png")).expect("artwork saved");
    assert_eq!(saved, b"\x89PNG fake artwork");
    fake.shutdown().await;
}

#[tokio::test]
async fn pyatv_push_updates_see_state_changes() {
    let Some(atvremote) = Atvremote::find() else {
        return;
    };
    let fake = demo().await;
    let state = fake.state().clone();
    let mut child = atvremote
        .command(
            port(&fake),
            fake.identifier(),
            Some(PYATV_CLIENT_CREDENTIALS),
            &["push_updates"],
        )
        .stderr(Stdio::null())
        .spawn()
        .expect("atvremote starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut wait_for = async |wanted: &str| -> Vec<String> {
        let mut seen = Vec::new();
        loop {
            let line = tokio::time::timeout(RUN_TIMEOUT, lines.next_line())
                .await
                .unwrap_or_else(|_| panic!("no {wanted:?} in time; got {seen:#?}"))
                .expect("stdout readable")
                .unwrap_or_else(|| panic!("atvremote ended before {wanted:?}; got {seen:#?}"));
            let found = line.contains(wanted);
            seen.push(line);
            if found {
                return seen;
            }
        }
    };

    wait_for("Title: music").await;
    state.change_state(|playing| playing.title = Some("pushed title".into()));
    wait_for("Title: pushed title").await;
    state.nothing_playing();
    wait_for("Device state: Idle").await;

    stdin.write_all(b"\n").await.expect("stdin");
    let status = tokio::time::timeout(WAIT, child.wait())
        .await
        .expect("atvremote stops after ENTER")
        .expect("exit status");
    assert!(status.success());
    fake.shutdown().await;
}
