//! `cargo xtask bench oneshot`: one-shot CLI commands, atv's `atvremote` against
//! pyatv's, each a fresh process connecting to one fake MRP device and asking what
//! plays (`--manual ... playing`).
//!
//! The device is one of bench-worker's fake devices on 127.0.0.1, playing the demo
//! music and accepting the fixed credentials of pyatv's tests, which both tools are
//! given with `--mrp-credentials`. After one untimed warm-up run of each tool, every
//! round runs `true` (to show what launching costs), then atv's and pyatv's tool.

use std::ffi::OsString;
use std::path::Path;
use std::time::Duration;

use super::BenchOptions;
use super::fake_host::FakeHost;
use super::figures::{Unit, compare};
use super::machine::Machine;
use super::process::{Runner, Timed};
use super::section::Section;
use super::stats::Summary;
use super::table::Table;
use super::{pyatv, release_build};

/// Longest a single run may take before it is killed.
const LIMIT: Duration = Duration::from_secs(60);
/// What the demo music is called: a run must print it.
const DEMO_TITLE: &str = "Title: music";
/// The identifier given with `--id` (the fake device does not check it).
const IDENTIFIER: &str = "6D797FD3-3538-427E-A47B-A32FC6CF3A69";

/// Wall time, peak RSS and CPU samples of one tool.
#[derive(Debug, Default)]
struct Samples {
    wall: Vec<f64>,
    rss: Vec<f64>,
    cpu: Vec<f64>,
}

impl Samples {
    fn add(&mut self, run: &Timed) {
        self.wall.push(run.wall.as_secs_f64());
        self.rss.extend(run.peak_rss_kib.map(|kib| kib as f64));
        self.cpu.extend(run.cpu_seconds);
    }
}

/// Runs the benchmark and writes its section of BENCHMARKS.md.
pub(super) fn run(options: &BenchOptions) -> Result<(), String> {
    let binaries = release_build::build()?;
    let python = pyatv::python()?;
    let versions = pyatv::versions(&python)?;
    let pyatv_remote = pyatv::tool(&python, "atvremote")?;
    let runner = Runner::new()?;
    let machine = Machine::describe();
    let host = FakeHost::start(&binaries.worker, 1)?;
    let port = host.ports[0].to_string();
    let storage = runner.scratch().join("storage.conf");
    let args: Vec<OsString> = vec![
        "--storage-filename".into(),
        storage.into(),
        "--manual".into(),
        "--address".into(),
        "127.0.0.1".into(),
        "--port".into(),
        port.into(),
        "--protocol".into(),
        "mrp".into(),
        "--mrp-credentials".into(),
        host.credentials.clone().into(),
        "--id".into(),
        IDENTIFIER.into(),
        "playing".into(),
    ];
    let tools = [binaries.atvremote.as_path(), pyatv_remote.as_path()];
    for program in tools {
        check(program, &runner.run(None, program, &args, LIMIT)?)?;
    }
    let (mut atv, mut py, mut launch) = (Samples::default(), Samples::default(), Vec::new());
    for round in 1..=options.runs {
        eprintln!("xtask bench oneshot: round {round}/{}", options.runs);
        launch.push(
            runner
                .run(None, Path::new("true"), [""; 0], LIMIT)?
                .wall
                .as_secs_f64(),
        );
        for (program, samples) in tools.into_iter().zip([&mut atv, &mut py]) {
            let run = runner.run(None, program, &args, LIMIT)?;
            check(program, &run)?;
            samples.add(&run);
        }
    }
    drop(host);

    let title = "`atvremote --manual … playing`";
    let mut table = Table::new(&["Measurement", "atv", "pyatv 0.18.0", "atv / pyatv"]);
    table.row(compare(
        format!("{title}: wall time"),
        &atv.wall,
        &py.wall,
        Unit::Seconds,
    ));
    if runner.measures_rss() {
        table.row(compare(
            format!("{title}: peak RSS"),
            &atv.rss,
            &py.rss,
            Unit::Kibibytes,
        ));
        table.row(compare(
            format!("{title}: CPU time (user + system)"),
            &atv.cpu,
            &py.cpu,
            Unit::Seconds,
        ));
    }
    let overhead =
        Summary::of(&launch).map_or_else(|| "unmeasured".into(), |s| Unit::Seconds.show(s.median));
    Section {
        key: "oneshot",
        title: "One-shot command: connect and ask what plays",
        machine,
        versions,
        figures: format!(
            "{} runs of each; figures are medians with (min–max)",
            options.runs
        ),
        table,
        notes: vec![
            "Each run is a fresh process: `atvremote --storage-filename TMP --manual \
             --address 127.0.0.1 --port P --protocol mrp --mrp-credentials C --id ID \
             playing`, atv's release build against pyatv 0.18.0's script from its venv. \
             It starts, connects over TCP, runs pair-verify, sets up encryption and the \
             MRP session, asks what plays, prints it and exits."
                .into(),
            "The device is one fake MRP device of atv-fake (hosted by `bench-worker \
             fakes 1`) on 127.0.0.1, playing the demo music; C is the fixed pair of \
             credentials pyatv's own tests use, which the fake accepts. Each run's output \
             must show the demo's title."
                .into(),
            format!(
                "Wall time runs from spawning /usr/bin/time to the tool's exit; launching \
                 `true` the same way takes {overhead} (median). Peak RSS is GNU time's `%M`, \
                 CPU time its `%U` + `%S` (10 ms resolution: 0.0 means below it). One untimed warm-up run of each tool came first, \
                 then rounds alternating the tools."
            ),
            format!(
                "Reproduce: `cargo xtask bench oneshot --runs {}` (no root needed).",
                options.runs
            ),
        ],
    }
    .write()
}

/// Fails unless a run printed the demo's title.
fn check(program: &Path, run: &Timed) -> Result<(), String> {
    if run.stdout.contains(DEMO_TITLE) {
        Ok(())
    } else {
        Err(format!(
            "{} did not print {DEMO_TITLE:?}; it printed:\n{}",
            program.display(),
            run.stdout
        ))
    }
}
