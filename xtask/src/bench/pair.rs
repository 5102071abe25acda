//! `cargo xtask bench pair`: how long pair-setup (with a PIN) and connecting (which
//! runs pair-verify) take, atv's library against pyatv's, on one fake MRP device.
//!
//! atv's side runs in `bench-worker pair-timing`, pyatv's in a Python script; each
//! warms up once, then times RUNS pairings and connections in one process.

use std::time::Duration;

use super::BenchOptions;
use super::fake_host::FakeHost;
use super::figures::{Unit, compare};
use super::machine::Machine;
use super::process::Runner;
use super::section::Section;
use super::table::Table;
use super::{pyatv, release_build};

/// The Python script timing pyatv.
const PYATV_SCRIPT: &str = include_str!("pyatv_pair_timing.py");
/// The identifier the script gives the manual service.
const IDENTIFIER: &str = "6D797FD3-3538-427E-A47B-A32FC6CF3A69";

/// Seconds per pair-setup and per connect.
#[derive(Debug, Default)]
struct Times {
    setup: Vec<f64>,
    connect: Vec<f64>,
}

/// Runs the benchmark and writes its section of BENCHMARKS.md.
pub(super) fn run(options: &BenchOptions) -> Result<(), String> {
    let binaries = release_build::build()?;
    let python = pyatv::python()?;
    let versions = pyatv::versions(&python)?;
    let runner = Runner::new()?;
    let machine = Machine::describe();
    let host = FakeHost::start(&binaries.worker, 1)?;
    let port = host.ports[0].to_string();
    let runs = options.runs.to_string();
    let limit = Duration::from_secs(60 + 10 * u64::try_from(options.runs).unwrap_or(1000));

    eprintln!("xtask bench pair: atv");
    let atv = runner.run(
        None,
        &binaries.worker,
        ["pair-timing", &port, &runs, &host.credentials],
        limit,
    )?;
    eprintln!("xtask bench pair: pyatv");
    let py = runner.run(
        None,
        &python,
        [
            "-c",
            PYATV_SCRIPT,
            &port,
            &runs,
            &host.credentials,
            IDENTIFIER,
        ],
        limit,
    )?;
    drop(host);
    let (atv, py) = (parse(&atv.stdout)?, parse(&py.stdout)?);

    let mut table = Table::new(&["Measurement", "atv", "pyatv 0.18.0", "atv / pyatv"]);
    table.row(compare(
        "pair-setup with PIN: call to paired".into(),
        &atv.setup,
        &py.setup,
        Unit::Seconds,
    ));
    table.row(compare(
        "connect (pair-verify + MRP start-up): call to ready".into(),
        &atv.connect,
        &py.connect,
        Unit::Seconds,
    ));
    Section {
        key: "pair",
        title: "Pair-setup and pair-verify",
        machine,
        versions,
        figures: format!(
            "{} runs of each; figures are medians with (min–max)",
            options.runs
        ),
        table,
        notes: vec![
            "Library calls against one fake MRP device of atv-fake on 127.0.0.1 \
             (`bench-worker fakes 1`), in one process per library, after one untimed \
             warm-up of each. The device side (atv-fake, Rust) is the same for both."
                .into(),
            "pair-setup: `atv::pair(config, Protocol::Mrp, …)` then `begin`, `pin(1111)`, \
             `finish` (release build), and `pyatv.pair(config, Protocol.MRP, loop)` then \
             the same calls; timed from the call to a finished pairing: TCP connect, the \
             six pair-setup messages with SRP-6a (3072-bit) on both sides, Ed25519 \
             signatures. Closing is not timed."
                .into(),
            "connect: `atv::connect` and `pyatv.connect` with the fixed credentials of \
             pyatv's tests, timed from the call to a ready device: TCP connect, \
             pair-verify (X25519, Ed25519, HKDF), the switch to ChaCha20-Poly1305 and the \
             MRP start-up exchange (device information, connection state, client updates \
             configuration). Pair-verify alone is not exposed by either library's API."
                .into(),
            format!(
                "Reproduce: `cargo xtask bench pair --runs {}` (no root needed).",
                options.runs
            ),
        ],
    }
    .write()
}

/// The `setup SECONDS` and `connect SECONDS` lines.
fn parse(stdout: &str) -> Result<Times, String> {
    let mut times = Times::default();
    for line in stdout.lines().filter(|l| !l.trim().is_empty()) {
        let parsed = line.split_once(' ').and_then(|(what, seconds)| {
            let seconds: f64 = seconds.trim().parse().ok()?;
            match what {
                "setup" => times.setup.push(seconds),
                "connect" => times.connect.push(seconds),
                _ => return None,
            }
            Some(())
        });
        if parsed.is_none() {
            return Err(format!("unexpected timing line {line:?}"));
        }
    }
    if times.setup.is_empty() || times.connect.is_empty() {
        return Err(format!("no timings in {stdout:?}"));
    }
    Ok(times)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timing_lines() {
        let times = parse("setup 0.5\nconnect 0.01\nsetup 0.25\nconnect 0.02\n").unwrap();
        assert_eq!(times.setup, vec![0.5, 0.25]);
        assert_eq!(times.connect, vec![0.01, 0.02]);
        assert!(parse("setup soon\n").is_err());
        assert!(parse("").is_err());
    }
}
