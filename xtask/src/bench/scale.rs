//! `cargo xtask bench scale`: one client process holding connections to many fake MRP
//! devices (100 unless `--devices`), all hosted by one other process, receiving push
//! updates from all of them for a while (60 s unless `--duration`): its peak RSS, CPU
//! time, and the updates lost on the way (there should be none). atv's library and
//! pyatv's, one run each.

use std::time::Duration;

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

/// Runs the benchmark and writes its section of BENCHMARKS.md.
pub(super) fn run(options: &BenchOptions) -> Result<(), String> {
    let binaries = release_build::build()?;
    let python = pyatv::python()?;
    let versions = pyatv::versions(&python)?;
    let runner = Runner::new()?;
    let machine = Machine::describe();
    let mut host = FakeHost::start(&binaries.worker, options.devices)?;
    let ports: Vec<String> = host.ports.iter().map(u16::to_string).collect();
    let limit = options.duration.as_secs() + 120;
    let limit_arg = limit.to_string();
    let process_limit = Duration::from_secs(limit + 180);
    let credentials = host.credentials.clone();
    let (duration, rate) = (options.duration, options.rate);

    eprintln!(
        "xtask bench scale: atv, {} devices for {duration:?}",
        options.devices
    );
    let mut atv_args = vec![
        "push-client".to_owned(),
        limit_arg.clone(),
        credentials.clone(),
    ];
    atv_args.extend(ports.iter().cloned());
    let atv = push_run::drive(
        &runner,
        &mut host,
        &binaries.worker,
        &atv_args,
        process_limit,
        |host| host.stream(duration, rate),
    )?;
    eprintln!(
        "xtask bench scale: pyatv, {} devices for {duration:?}",
        options.devices
    );
    let mut py_args = vec![
        "-c".to_owned(),
        PYATV_SCRIPT.to_owned(),
        limit_arg,
        credentials,
        super::push::IDENTIFIER.to_owned(),
    ];
    py_args.extend(ports.iter().cloned());
    let py = push_run::drive(
        &runner,
        &mut host,
        &python,
        &py_args,
        process_limit,
        |host| host.stream(duration, rate),
    )?;
    drop(host);

    let mut table = Table::new(&["Measurement", "atv", "pyatv 0.18.0", "atv / pyatv"]);
    let one = |f: fn(&PushRun) -> Option<f64>| {
        (
            f(&atv).into_iter().collect::<Vec<_>>(),
            f(&py).into_iter().collect::<Vec<_>>(),
        )
    };
    let (a, p) = one(|r| Some(r.ready_after.as_secs_f64()));
    table.row(compare(
        format!("connect to all {} devices: start to ready", options.devices),
        &a,
        &p,
        Unit::Seconds,
    ));
    if runner.measures_rss() {
        let (a, p) = one(|r| r.process.peak_rss_kib.map(|k| k as f64));
        table.row(compare("client peak RSS".into(), &a, &p, Unit::Kibibytes));
        let (a, p) = one(|r| r.process.cpu_seconds);
        table.row(compare(
            "client CPU time (user + system), whole run".into(),
            &a,
            &p,
            Unit::Seconds,
        ));
        let (a, p) = one(|r| {
            let cpu = r.process.cpu_seconds?;
            Some(100.0 * cpu / r.process.wall.as_secs_f64())
        });
        table.row(compare(
            "client CPU, % of one core over the run".into(),
            &a,
            &p,
            Unit::Percent,
        ));
    }
    table.row(vec![
        "updates sent / received / lost".into(),
        counts(&atv, options.devices),
        counts(&py, options.devices),
        String::new(),
    ]);
    Section {
        key: "scale",
        title: "Scale: one client, many devices",
        machine,
        versions,
        figures: format!(
            "One run of each: {} devices, {} updates a second each for {} s",
            options.devices,
            rate,
            duration.as_secs()
        ),
        table,
        notes: vec![
            format!(
                "One process (`bench-worker fakes {}`, multi-threaded tokio) hosts {} fake \
                 MRP devices of atv-fake on 127.0.0.1, each its own listener, state and \
                 connections. One client process connects to all of them at once, installs \
                 a push listener on each and starts updates: `atv::connect` per device in \
                 one current-thread tokio runtime (bench-worker, release build), or \
                 `pyatv.connect` per device in one asyncio loop (Python script).",
                options.devices, options.devices
            ),
            format!(
                "Once every device has its client subscribed, each device renames its \
                 playing item {rate} times a second for {} s (a full now-playing state \
                 each, so every one reaches the listener), then sends an end marker. The \
                 client counts per update until every end marker arrived; lost = sent − \
                 counted (reported, not asserted). Pushing took the devices {:.1} s \
                 (atv's run) and {:.1} s (pyatv's).",
                duration.as_secs(),
                atv.sent.seconds,
                py.sent.seconds
            ),
            "Peak RSS and CPU time are GNU time's (`%M`, `%U` + `%S`) for the whole client \
             process: connecting, the updates, closing. Connect time is from spawning the \
             client until it printed `ready` (polled every 20 ms)."
                .into(),
            format!(
                "Reproduce: `cargo xtask bench scale --devices {} --duration {} --rate {rate}` \
                 (no root needed).",
                options.devices,
                duration.as_secs()
            ),
        ],
    }
    .write()
}

/// `SENT / RECEIVED / LOST`, noting devices whose end marker never came.
fn counts(run: &PushRun, devices: usize) -> String {
    let text = format!("{} / {} / {}", run.sent.updates, run.received, run.lost());
    let missing = devices.saturating_sub(run.complete);
    if missing == 0 {
        text
    } else {
        format!("{text} ({missing} devices' end marker missing)")
    }
}
