//! `cargo xtask bench scan`: how fast a scan by identifier completes, atv against pyatv.
//!
//! The four fake devices of [`fake_network`](super::fake_network) are announced from
//! namespace A by bench-worker's responder; everything measured runs in namespace B.
//! After one untimed warm-up run of each, every round runs atv's and pyatv's
//! `atvremote -i ID scan`, then atv's and pyatv's `atvscript scan`, each as a fresh
//! process with default options. Then the libraries: `atv::scan` (bench-worker) and
//! `pyatv.scan` (a Python snippet) for ID, each called RUNS times in one process.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::BenchOptions;
use super::background::Background;
use super::fake_network::{DEVICE_ADDRESSES, WANTED_IDENTIFIER};
use super::machine::Machine;
use super::namespaces::Namespaces;
use super::process::Runner;
use super::release_build;
use super::scan_report::{CliFigures, LibraryFigures, Report};

/// The Python snippet timing `pyatv.scan`.
const PYATV_SNIPPET: &str = include_str!("pyatv_scan_latency.py");

/// The responder announces its records on start, twice, a second apart; measurements
/// begin after that so that no scan is answered by an announcement.
const SETTLE: Duration = Duration::from_millis(2500);
/// Pause between library scans (so that one scan's late answers cannot reach the next).
const LIBRARY_PAUSE_MS: u64 = 250;
/// Longest a single CLI run may take before it is killed.
const CLI_LIMIT: Duration = Duration::from_secs(60);

/// What a CLI run must print for its figures to count.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// `atvremote` scan output with exactly the wanted device.
    WantedDevice,
    /// `atvscript` scan JSON with every fake device.
    AllDevices,
}

/// One CLI measurement: the same arguments given to atv's and pyatv's tool.
struct CliCase {
    title: &'static str,
    atv: PathBuf,
    pyatv: PathBuf,
    args: Vec<OsString>,
    expect: Expect,
    figures: CliFigures,
}

/// Runs the benchmark and writes its section of BENCHMARKS.md.
pub(super) fn run(options: &BenchOptions) -> Result<(), String> {
    let binaries = release_build::build()?;
    let python = super::pyatv::python()?;
    let pyatv_bin = python
        .parent()
        .ok_or_else(|| format!("{} is not in a venv", python.display()))?;
    let runner = Runner::new()?;
    if !runner.measures_rss() {
        eprintln!("xtask bench: no GNU time at /usr/bin/time, so wall time only (no RSS)");
    }
    let storage_file = runner.scratch().join("storage.conf");
    let storage_args = |rest: &[&str]| {
        let mut args: Vec<OsString> =
            vec!["--storage-filename".into(), storage_file.clone().into()];
        args.extend(rest.iter().map(OsString::from));
        args
    };
    let mut cases = [
        CliCase {
            title: "`atvremote -i ID scan`",
            atv: binaries.atvremote.clone(),
            pyatv: pyatv_bin.join("atvremote"),
            args: storage_args(&["-i", WANTED_IDENTIFIER, "scan"]),
            expect: Expect::WantedDevice,
            figures: CliFigures::default(),
        },
        CliCase {
            title: "`atvscript scan`",
            atv: binaries.atvscript.clone(),
            pyatv: pyatv_bin.join("atvscript"),
            args: storage_args(&["scan"]),
            expect: Expect::AllDevices,
            figures: CliFigures::default(),
        },
    ];

    let machine = Machine::describe();
    let namespaces = Namespaces::create()?;
    let responder = Background::start(Some(namespaces.devices()), &binaries.worker, ["respond"])?;
    std::thread::sleep(SETTLE);
    let tools = Some(namespaces.tools());

    let mut launch_overhead = Vec::new();
    for case in &cases {
        for program in [&case.atv, &case.pyatv] {
            let run = runner.run(tools, program, &case.args, CLI_LIMIT)?;
            check(case.expect, program, &run.stdout)?;
        }
    }
    for round in 1..=options.runs {
        eprintln!("xtask bench scan: round {round}/{}", options.runs);
        launch_overhead.push(
            runner
                .run(tools, Path::new("true"), [""; 0], CLI_LIMIT)?
                .wall
                .as_secs_f64(),
        );
        for case in &mut cases {
            for (program, atv) in [(&case.atv, true), (&case.pyatv, false)] {
                let run = runner.run(tools, program, &case.args, CLI_LIMIT)?;
                check(case.expect, program, &run.stdout)?;
                case.figures.add(atv, &run);
            }
        }
    }

    eprintln!("xtask bench scan: library scans");
    let runs = options.runs.to_string();
    let pause = LIBRARY_PAUSE_MS.to_string();
    let library_limit = Duration::from_secs(30 + 10 * u64::try_from(options.runs).unwrap_or(1000));
    let atv_library = runner.run(
        tools,
        &binaries.worker,
        ["scan-latency", WANTED_IDENTIFIER, &runs, &pause],
        library_limit,
    )?;
    let pyatv_library = runner.run(
        tools,
        &python,
        ["-c", PYATV_SNIPPET, WANTED_IDENTIFIER, &runs, &pause],
        library_limit,
    )?;
    let (pyatv_version, pyatv_lines) = pyatv_library
        .stdout
        .split_once('\n')
        .ok_or("the pyatv snippet printed nothing")?;
    let library = LibraryFigures {
        atv: library_times(&atv_library.stdout)?,
        pyatv: library_times(pyatv_lines)?,
    };
    drop(responder);
    drop(namespaces);

    let report = Report {
        machine,
        versions: pyatv_version.trim().to_owned(),
        runs: options.runs,
        measures_rss: runner.measures_rss(),
        launch_overhead,
        cli: cases.iter().map(|c| (c.title, c.figures.clone())).collect(),
        library,
        library_pause_ms: LIBRARY_PAUSE_MS,
    };
    report.write()
}

/// Fails unless a run's output shows that the scan found what it should.
fn check(expect: Expect, program: &Path, stdout: &str) -> Result<(), String> {
    let problem = match expect {
        Expect::WantedDevice => {
            let devices = stdout
                .lines()
                .filter(|l| l.trim_start().starts_with("Address: "))
                .count();
            (devices != 1 || !stdout.contains(WANTED_IDENTIFIER))
                .then(|| format!("expected only the device {WANTED_IDENTIFIER}"))
        }
        Expect::AllDevices => {
            let json: serde_json::Value = serde_json::from_str(stdout.trim())
                .map_err(|e| format!("{} printed no JSON ({e}): {stdout}", program.display()))?;
            let devices = json["devices"].as_array().map_or(0, Vec::len);
            (json["result"] != "success" || devices != DEVICE_ADDRESSES.len()).then(|| {
                format!(
                    "expected all {} devices, got {devices}",
                    DEVICE_ADDRESSES.len()
                )
            })
        }
    };
    match problem {
        None => Ok(()),
        Some(problem) => Err(format!(
            "{}: {problem}; it printed:\n{stdout}",
            program.display()
        )),
    }
}

/// The seconds of each `SECONDS FOUND` line, which must each have found one device.
fn library_times(lines: &str) -> Result<Vec<f64>, String> {
    lines
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let (seconds, found) = line
                .split_once(' ')
                .ok_or_else(|| format!("unexpected library result {line:?}"))?;
            if found.trim() != "1" {
                return Err(format!(
                    "a library scan for {WANTED_IDENTIFIER} returned {found} devices"
                ));
            }
            seconds
                .parse()
                .map_err(|_| format!("unexpected library time {seconds:?}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_lines() {
        assert_eq!(library_times("0.012500 1\n0.5 1\n"), Ok(vec![0.0125, 0.5]));
        assert!(library_times("0.1 0\n").is_err());
        assert!(library_times("soon 1\n").is_err());
    }

    #[test]
    fn atvremote_output_must_show_only_the_wanted_device() {
        let one = format!(
            "       Name: Living Room\n    Address: 10.77.0.21\nIdentifiers:\n - {WANTED_IDENTIFIER}\n"
        );
        assert!(check(Expect::WantedDevice, Path::new("t"), &one).is_ok());
        assert!(
            check(
                Expect::WantedDevice,
                Path::new("t"),
                &format!("{one}\n{one}")
            )
            .is_err()
        );
        assert!(check(Expect::WantedDevice, Path::new("t"), "").is_err());
    }
}
