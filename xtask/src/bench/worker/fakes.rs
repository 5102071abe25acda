//! `bench-worker fakes N`: hosts N fake MRP devices in this process and, on command,
//! makes every one of them push now-playing updates to its subscribed clients.
//!
//! Every device accepts the fixed client credentials of pyatv's tests, which both atv's
//! and pyatv's clients take. It prints `ready CREDENTIALS PORT...` once every device
//! listens, then reads commands, one per
//! line, from standard input, answering each with one line:
//!
//! - `reset`: names every device's playing item `idle`; answers `reset`.
//! - `wait-subscribed SECONDS`: waits until every device has a client subscribed to
//!   updates; answers `subscribed`, or `timeout K` when only K devices had one in time.
//! - `burst COUNT`: every device pushes COUNT updates as fast as its clients take them,
//!   then an end marker; answers `sent TOTAL SECONDS`.
//! - `stream SECONDS RATE`: every device pushes RATE updates a second for SECONDS, then
//!   an end marker; answers `sent TOTAL SECONDS`.
//!
//! An update renames the playing item `bench N` (N counting from 1 on each device), so
//! that each one changes what plays and reaches a client's push listener; the end
//! marker is `bench end`. The end of standard input shuts the devices down.

use std::io::Write;
use std::time::{Duration, Instant};

use atv_fake::{FakeDevice, FakeState, RunningFake};
use tokio::io::{AsyncBufReadExt, BufReader};

/// A device pushes while fewer state events than this wait to be forwarded, and pauses
/// when it reaches it (the fake resynchronises a connection 1024 events behind).
const BACKLOG_HIGH: usize = 512;
/// How long a pushing device waits for its clients to catch up before looking again.
const BACKLOG_PAUSE: Duration = Duration::from_millis(1);

/// Starts `count` devices and serves commands until standard input closes.
pub(crate) async fn run(count: usize) -> Result<(), String> {
    let mut fakes = Vec::with_capacity(count);
    for _ in 0..count {
        let fake = FakeDevice::builder()
            .mrp()
            .demo()
            .accept_pyatv_test_credentials()
            .start()
            .await
            .map_err(|e| format!("a fake device cannot start: {e}"))?;
        fakes.push(fake);
    }
    let ports: Vec<String> = fakes
        .iter()
        .filter_map(|f| f.ports().mrp)
        .map(|p| p.to_string())
        .collect();
    say(&format!(
        "ready {} {}",
        atv_fake::mrp::pairing::PYATV_CLIENT_CREDENTIALS,
        ports.join(" ")
    ))?;

    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    while let Some(line) = lines
        .next_line()
        .await
        .map_err(|e| format!("cannot read a command: {e}"))?
    {
        let words: Vec<&str> = line.split_whitespace().collect();
        let answer = match words.as_slice() {
            ["reset"] => {
                for fake in &fakes {
                    rename(fake.state(), "idle");
                }
                "reset".to_owned()
            }
            ["wait-subscribed", seconds] => {
                wait_subscribed(&fakes, Duration::from_secs(number(seconds)?)).await
            }
            ["burst", count] => push_all(&fakes, Load::Burst(number(count)?)).await,
            ["stream", seconds, rate] => {
                let load = Load::Stream {
                    duration: Duration::from_secs(number(seconds)?),
                    rate: number(rate)?,
                };
                push_all(&fakes, load).await
            }
            _ => return Err(format!("unknown command {line:?}")),
        };
        say(&answer)?;
    }
    for fake in fakes {
        fake.shutdown().await;
    }
    Ok(())
}

fn number(word: &str) -> Result<u64, String> {
    word.parse()
        .map_err(|_| format!("{word:?} is not a whole number"))
}

/// Prints one line and flushes it.
fn say(line: &str) -> Result<(), String> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}")
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("cannot write to xtask: {e}"))
}

async fn wait_subscribed(fakes: &[RunningFake], limit: Duration) -> String {
    let deadline = Instant::now() + limit;
    loop {
        let ready = fakes
            .iter()
            .filter(|f| f.state().subscribed_clients() > 0)
            .count();
        if ready == fakes.len() {
            return "subscribed".into();
        }
        if Instant::now() >= deadline {
            return format!("timeout {ready}");
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// How the devices push.
#[derive(Debug, Clone, Copy)]
enum Load {
    /// This many updates each, as fast as the clients take them.
    Burst(u64),
    /// This many updates a second each, for this long.
    Stream { duration: Duration, rate: u64 },
}

/// Every device pushes `load` at once (one task each); answers with the total sent.
async fn push_all(fakes: &[RunningFake], load: Load) -> String {
    let started = Instant::now();
    let tasks: Vec<_> = fakes
        .iter()
        .map(|f| tokio::spawn(push(f.state().clone(), load)))
        .collect();
    let mut total = 0;
    for task in tasks {
        total += task.await.unwrap_or(0);
    }
    format!("sent {total} {:.6}", started.elapsed().as_secs_f64())
}

/// One device's updates, then the end marker; returns how many updates (not counting
/// the marker) it pushed.
async fn push(state: FakeState, load: Load) -> u64 {
    let mut sent = 0;
    match load {
        Load::Burst(count) => {
            while sent < count {
                while state.pending_events() >= BACKLOG_HIGH {
                    tokio::time::sleep(BACKLOG_PAUSE).await;
                }
                sent += 1;
                rename(&state, &format!("bench {sent}"));
            }
        }
        Load::Stream { duration, rate } => {
            let rate = rate.max(1);
            let total = rate.saturating_mul(duration.as_secs());
            let period = Duration::from_secs(1) / u32::try_from(rate).unwrap_or(u32::MAX);
            let mut ticks = tokio::time::interval(period);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
            while sent < total {
                ticks.tick().await;
                sent += 1;
                rename(&state, &format!("bench {sent}"));
            }
        }
    }
    while state.pending_events() >= BACKLOG_HIGH {
        tokio::time::sleep(BACKLOG_PAUSE).await;
    }
    rename(&state, "bench end");
    sent
}

/// Renames the playing item (one full player state update to every client).
fn rename(state: &FakeState, title: &str) {
    state.change_state(|playing| playing.title = Some(title.to_owned()));
}
