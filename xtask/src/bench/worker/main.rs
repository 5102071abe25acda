//! bench-worker: the parts of `cargo xtask bench` that link the atv library, built in
//! release mode and started by xtask inside a network namespace.
//!
//! - `bench-worker respond`: publishes the fake devices of `fake_network.rs` over mDNS
//!   from the current network namespace, prints `ready` once its sockets are bound, and
//!   withdraws them and exits when its standard input closes.
//! - `bench-worker scan-latency ID RUNS PAUSE_MS`: calls `atv::scan` for identifier ID
//!   once to warm up, then RUNS times with PAUSE_MS between calls, and prints one line
//!   per timed call: the seconds from the call to its result, and the number of devices
//!   returned.
//! - `bench-worker fakes N`: hosts N fake MRP devices and pushes updates on command
//!   (see `fakes.rs`).
//! - `bench-worker push-client LIMIT_S CREDENTIALS PORT...`: connects to fake devices and
//!   counts the push updates they deliver (see `push_client.rs`).
//! - `bench-worker pair-timing PORT RUNS CREDENTIALS`: times pair-setup and connect
//!   (pair-verify) against a fake device (see `pair_timing.rs`).

#[path = "../fake_network.rs"]
mod fake_network;

mod devices;
mod fakes;
mod latency;
mod pair_timing;
mod push_client;
mod respond;

use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["respond"] => block_on(respond::run()),
        ["scan-latency", identifier, runs, pause_ms] => match (runs.parse(), pause_ms.parse()) {
            (Ok(runs), Ok(pause_ms)) => block_on(latency::run(
                (*identifier).to_owned(),
                runs,
                Duration::from_millis(pause_ms),
            )),
            _ => Err(format!("RUNS and PAUSE_MS must be whole numbers: {args:?}")),
        },
        ["fakes", count] => match count.parse() {
            Ok(count) => block_on_threads(fakes::run(count)),
            Err(_) => Err(format!("N must be a whole number: {args:?}")),
        },
        ["push-client", limit, credentials, ports @ ..] => {
            match (limit.parse(), ports.iter().map(|p| p.parse()).collect()) {
                (Ok(limit), Ok(ports)) => block_on(push_client::run(
                    Duration::from_secs(limit),
                    (*credentials).to_owned(),
                    ports,
                )),
                _ => Err(format!("LIMIT_S and PORTs must be whole numbers: {args:?}")),
            }
        }
        ["pair-timing", port, runs, credentials] => match (port.parse(), runs.parse()) {
            (Ok(port), Ok(runs)) => {
                block_on(pair_timing::run(port, runs, (*credentials).to_owned()))
            }
            _ => Err(format!("PORT and RUNS must be whole numbers: {args:?}")),
        },
        _ => Err(format!(
            "usage: bench-worker <respond | scan-latency ID RUNS PAUSE_MS | fakes N | \
             push-client LIMIT_S CREDENTIALS PORT... | pair-timing PORT RUNS CREDENTIALS>, \
             got {args:?}"
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("bench-worker: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Drives `future` on a current-thread tokio runtime.
fn block_on<F: Future<Output = Result<(), String>>>(future: F) -> Result<(), String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a tokio runtime: {e}"))?
        .block_on(future)
}

/// Drives `future` on a multi-threaded tokio runtime (the fake devices' host, so that
/// pushing never waits for one core).
fn block_on_threads<F: Future<Output = Result<(), String>>>(future: F) -> Result<(), String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a tokio runtime: {e}"))?
        .block_on(future)
}
