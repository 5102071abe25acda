//! `cargo xtask bench push`: how many push updates a second a client absorbs, atv's
//! library against pyatv's, from one fake MRP device pushing as fast as it can.
//!
//! Each run starts a client process (atv's `bench-worker push-client`, pyatv's script),
//! which connects, installs a push listener and starts updates; then the device
//! renames its playing item UPDATES times in a row (each a full now-playing state,
//! `SetStateMessage`, that changes the title, so every one reaches the listener) and
//! then once more to an end marker. The device pauses whenever 512 updates wait to be
//! sent, so it pushes exactly as fast as the client takes them.

use super::BenchOptions;
use super::fake_host::FakeHost;
use super::figures::{Unit, compare};
use super::machine::Machine;
use super::process::Runner;
use super::push_run::{self, PushRun};
use super::section::Section;
use super::table::Table;
use super::{pyatv, release_build};

/// The Python script counting pyatv's updates.
const PYATV_SCRIPT: &str = include_str!("pyatv_push_client.py");
/// The identifier the script gives the manual service.
pub(super) const IDENTIFIER: &str = "6D797FD3-3538-427E-A47B-A32FC6CF3A69";

/// Runs the benchmark and writes its section of BENCHMARKS.md.
pub(super) fn run(options: &BenchOptions) -> Result<(), String> {
    let binaries = release_build::build()?;
    let python = pyatv::python()?;
    let versions = pyatv::versions(&python)?;
    let runner = Runner::new()?;
    let machine = Machine::describe();
    let mut host = FakeHost::start(&binaries.worker, 1)?;
    let port = host.ports[0].to_string();
    let limit = options.updates / 200 + 120;
    let limit_arg = limit.to_string();
    let process_limit = std::time::Duration::from_secs(limit + 60);
    let credentials = host.credentials.clone();

    let (mut atv, mut py): (Vec<PushRun>, Vec<PushRun>) = (Vec::new(), Vec::new());
    for round in 1..=options.runs {
        eprintln!("xtask bench push: round {round}/{}", options.runs);
        atv.push(push_run::drive(
            &runner,
            &mut host,
            &binaries.worker,
            ["push-client", &limit_arg, &credentials, &port],
            process_limit,
            |host| host.burst(options.updates),
        )?);
        py.push(push_run::drive(
            &runner,
            &mut host,
            &python,
            [
                "-c",
                PYATV_SCRIPT,
                &limit_arg,
                &credentials,
                IDENTIFIER,
                &port,
            ],
            process_limit,
            |host| host.burst(options.updates),
        )?);
    }
    drop(host);

    let rates = |runs: &[PushRun]| runs.iter().map(PushRun::rate).collect::<Vec<_>>();
    let rss = |runs: &[PushRun]| {
        runs.iter()
            .filter_map(|r| r.process.peak_rss_kib.map(|k| k as f64))
            .collect::<Vec<_>>()
    };
    let cpu_per_update = |runs: &[PushRun]| {
        runs.iter()
            .filter_map(|r| {
                let cpu = r.process.cpu_seconds?;
                (r.received > 0).then(|| cpu / r.received as f64)
            })
            .collect::<Vec<_>>()
    };
    let mut table = Table::new(&["Measurement", "atv", "pyatv 0.18.0", "atv / pyatv"]);
    table.row(compare(
        "updates absorbed per second".into(),
        &rates(&atv),
        &rates(&py),
        Unit::PerSecond,
    ));
    if runner.measures_rss() {
        table.row(compare(
            "client process CPU time per update (connect included)".into(),
            &cpu_per_update(&atv),
            &cpu_per_update(&py),
            Unit::Microseconds,
        ));
        table.row(compare(
            "client process peak RSS".into(),
            &rss(&atv),
            &rss(&py),
            Unit::Kibibytes,
        ));
    }
    table.row(vec![
        "updates lost (all runs)".into(),
        lost(&atv),
        lost(&py),
        String::new(),
    ]);
    Section {
        key: "push",
        title: "Push-update throughput",
        machine,
        versions,
        figures: format!(
            "{} runs of each, {} updates a run; figures are medians with (min–max)",
            options.runs, options.updates
        ),
        table,
        notes: vec![
            "One fake MRP device of atv-fake on 127.0.0.1 (`bench-worker fakes 1`, a \
             multi-threaded tokio runtime) renames its playing item `bench 1`, `bench \
             2`, … as fast as the client takes the updates (it pauses while 512 wait to \
             be sent), then `bench end`. Each update is a full now-playing state \
             (`SetStateMessage`), encrypted, that changes the title, so each one reaches \
             the push listener of either library (both report only changes)."
                .into(),
            "Clients: a fresh process per run, `atv::connect` + `push_updater()` with a \
             listener (bench-worker, release build, current-thread tokio runtime) and \
             `pyatv.connect` + `push_updater.listener` (Python script). Updates absorbed \
             per second = updates counted / seconds from the first counted update to the \
             end marker. CPU time and peak RSS (GNU time) are the whole client process's, \
             connecting and closing included."
                .into(),
            "Lost = updates pushed minus updates the listener saw.".into(),
            format!(
                "Reproduce: `cargo xtask bench push --runs {} --updates {}` (no root \
                 needed).",
                options.runs, options.updates
            ),
        ],
    }
    .write()
}

/// `LOST of SENT` over all runs.
fn lost(runs: &[PushRun]) -> String {
    let lost: u64 = runs.iter().map(PushRun::lost).sum();
    let sent: u64 = runs.iter().map(|r| r.sent.updates).sum();
    let incomplete = runs.iter().filter(|r| r.complete == 0).count();
    if incomplete > 0 {
        format!("{lost} of {sent} ({incomplete} runs without end marker)")
    } else {
        format!("{lost} of {sent}")
    }
}
