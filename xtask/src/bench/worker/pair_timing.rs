//! `bench-worker pair-timing PORT RUNS CREDENTIALS`: how long atv takes to pair with
//! (pair-setup) and to connect to (pair-verify and MRP start-up) the fake device on
//! 127.0.0.1 PORT.
//!
//! After one untimed warm-up of each, RUNS rounds each print two lines: `setup SECONDS`
//! for `atv::pair` with PIN 1111, from the call to a finished pairing (TCP connect and
//! pair-setup's six messages), and `connect SECONDS` for `atv::connect` with
//! CREDENTIALS, from the call to a ready device (TCP connect, pair-verify, encryption
//! and the MRP start-up exchange). Each pairing and device is closed untimed.

use std::time::{Duration, Instant};

use atv::{ConnectOptions, PairOptions, Protocol};

use crate::push_client::{device_config, say};

/// The PIN atv's fake device pairs with.
const PIN: u32 = 1111;

/// Warms up, then times `runs` pairings and connections.
pub(crate) async fn run(port: u16, runs: usize, credentials: String) -> Result<(), String> {
    pair_setup(port).await?;
    connect(port, &credentials).await?;
    for _ in 0..runs {
        let setup = pair_setup(port).await?;
        say(&format!("setup {:.6}", setup.as_secs_f64()))?;
        let connect = connect(port, &credentials).await?;
        say(&format!("connect {:.6}", connect.as_secs_f64()))?;
    }
    Ok(())
}

async fn pair_setup(port: u16) -> Result<Duration, String> {
    let config = device_config(port, None);
    let started = Instant::now();
    let mut handler = atv::pair(&config, Protocol::Mrp, PairOptions::default())
        .await
        .map_err(|e| format!("atv::pair failed: {e}"))?;
    handler
        .begin()
        .await
        .map_err(|e| format!("pairing does not begin: {e}"))?;
    handler.pin(PIN);
    handler
        .finish()
        .await
        .map_err(|e| format!("pairing does not finish: {e}"))?;
    let elapsed = started.elapsed();
    if !handler.has_paired() {
        return Err("pairing finished without pairing".into());
    }
    let _ = handler.close().await;
    Ok(elapsed)
}

async fn connect(port: u16, credentials: &str) -> Result<Duration, String> {
    let config = device_config(port, Some(credentials.to_owned()));
    let started = Instant::now();
    let device = atv::connect(&config, ConnectOptions::default())
        .await
        .map_err(|e| format!("atv::connect failed: {e}"))?;
    let elapsed = started.elapsed();
    device.close().await;
    Ok(elapsed)
}
