//! Credentials are interchangeable with pyatv's: what pyatv's `atvremote pair` produces
//! works in atv's client, and what atv's pairing produces works in `atvremote`. Both
//! against pyatv's fake MRP device on 127.0.0.1.

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use serde_json::json;
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

use atv_core::interface::{Metadata, PairingHandler};
use atv_core::{InfoSettings, Properties, Protocol, Service};
use atv_mrp::{MrpClient, MrpClientConfig, MrpPairingHandler};
use atv_tests::pyatv_fake_mrp::{self as pyatv_fake, FakeMrpDevice, PIN};

const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// Runs pyatv's atvremote against the fake (`--manual`, no scanning) with `args`,
/// feeding `stdin`; returns its stdout.
async fn atvremote(python: &Path, port: u16, args: &[&str], stdin: &str) -> String {
    let port = port.to_string();
    let mut child = Command::new(python)
        .args([
            "-m",
            "pyatv.scripts.atvremote",
            "--manual",
            "--address",
            "127.0.0.1",
        ])
        .args(["--port", &port, "--protocol", "mrp", "--id", "fakeid"])
        // Credentials travel on the command line; pyatv must not write ~/.pyatv.conf.
        .args(["--storage", "none"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("cannot run atvremote");
    let mut input = child.stdin.take().expect("stdin is piped");
    input
        .write_all(stdin.as_bytes())
        .await
        .expect("write stdin");
    drop(input);
    let output = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("atvremote took too long")
        .expect("atvremote failed to run");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "atvremote {args:?} failed\n--- stdout\n{stdout}\n--- stderr\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[tokio::test]
async fn credentials_from_atvremote_work_in_atv() {
    let Some((python, _)) = pyatv_fake::pyatv() else {
        return;
    };
    let Some(mut fake) = FakeMrpDevice::start().await else {
        return;
    };
    fake.call("example_music", json!({"paused": true})).await;
    let output = atvremote(&python, fake.port, &["pair"], &format!("{PIN}\n")).await;
    let credentials = output
        .lines()
        .find_map(|line| line.split("You may now use these credentials: ").nth(1))
        .unwrap_or_else(|| panic!("no credentials in {output:?}"))
        .trim()
        .to_owned();
    // Four hex fields, as pyatv writes them.
    assert_eq!(credentials.split(':').count(), 4, "{credentials}");

    let client = MrpClient::connect_to(MrpClientConfig {
        credentials: Some(credentials),
        ..MrpClientConfig::new(LOCALHOST, fake.port)
    })
    .await
    .expect("connect with atvremote's credentials");
    assert_eq!(fake.state().await["has_authenticated"], true);
    let playing = client.metadata().playing().await.unwrap();
    assert_eq!(playing.title.as_deref(), Some("music"));
    client.close().await;
    fake.stop().await;
}

#[tokio::test]
async fn credentials_from_atv_work_in_atvremote() {
    let Some((python, _)) = pyatv_fake::pyatv() else {
        return;
    };
    let Some(mut fake) = FakeMrpDevice::start().await else {
        return;
    };
    fake.call("example_music", json!({"paused": true})).await;
    let service = Service::new(None, Protocol::Mrp, fake.port, Properties::new());
    let mut handler = MrpPairingHandler::new(LOCALHOST, service, InfoSettings::default());
    handler.begin().await.unwrap();
    handler.pin(PIN);
    handler.finish().await.unwrap();
    let credentials = handler.service().credentials.clone().unwrap();
    handler.close().await.unwrap();

    let output = atvremote(
        &python,
        fake.port,
        &["--mrp-credentials", &credentials, "playing"],
        "",
    )
    .await;
    assert!(output.contains("Title: music"), "{output}");
    assert!(output.contains("Artist: artist"), "{output}");
    assert_eq!(fake.state().await["has_authenticated"], true);
    fake.stop().await;
}
