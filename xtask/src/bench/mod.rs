//! `cargo xtask bench [SUBCOMMAND] [OPTIONS]`: measures atv against pyatv 0.18.0 on fake
//! devices, prints a table of medians and writes it to BENCHMARKS.md. Figures are
//! printed and recorded, never asserted.
//!
//! Every subcommand builds what it runs in release mode first. Subcommands (all of them,
//! in this order, without one):
//!
//! - `scan`: a scan by identifier, the full `atvscript scan`, and the library's scan by
//!   identifier, on fake devices in network namespaces (needs root; see [`scan`]).
//! - `oneshot`: `atvremote --manual … playing` as a fresh process: wall time, peak RSS,
//!   CPU time (see [`oneshot`]).
//! - `pair`: pair-setup and connect (pair-verify) time of the libraries (see [`pair`]).
//! - `push`: push updates a second a client absorbs (see [`push`]).
//! - `scale`: one client, 100 devices, 60 s of updates: RSS, CPU, lost updates (see
//!   [`scale`]).
//! - `micro`: the codecs' criterion benchmarks, summarised (see [`micro`]).
//!
//! Namespaces and processes are removed on every exit path: normally by guards, on
//! Ctrl-C/SIGTERM/SIGHUP by [`interrupt`].

mod background;
mod benchmarks_file;
mod fake_host;
mod fake_network;
mod figures;
mod interrupt;
mod machine;
mod micro;
mod namespaces;
mod oneshot;
mod pair;
mod process;
mod push;
mod push_run;
mod pyatv;
mod release_build;
mod scale;
mod scan;
mod scan_report;
mod section;
mod stats;
mod table;

use std::time::Duration;

/// Runs per measurement when `--runs` is not given.
const DEFAULT_RUNS: usize = 10;
/// Updates per push run when `--updates` is not given.
const DEFAULT_UPDATES: u64 = 10_000;
/// Devices of the scale benchmark when `--devices` is not given.
const DEFAULT_DEVICES: usize = 100;
/// How long the scale benchmark pushes when `--duration` is not given.
const DEFAULT_DURATION: Duration = Duration::from_secs(60);
/// Updates a second per device in the scale benchmark when `--rate` is not given.
const DEFAULT_RATE: u64 = 5;

/// Options the subcommands take (each uses the ones that concern it).
#[derive(Debug, Clone, PartialEq, Eq)]
struct BenchOptions {
    /// Timed runs per measurement.
    runs: usize,
    /// `push`: updates a run.
    updates: u64,
    /// `scale`: devices.
    devices: usize,
    /// `scale`: how long the devices push.
    duration: Duration,
    /// `scale`: updates a second per device.
    rate: u64,
}

impl Default for BenchOptions {
    fn default() -> Self {
        Self {
            runs: DEFAULT_RUNS,
            updates: DEFAULT_UPDATES,
            devices: DEFAULT_DEVICES,
            duration: DEFAULT_DURATION,
            rate: DEFAULT_RATE,
        }
    }
}

const USAGE: &str = "usage: cargo xtask bench [scan | oneshot | pair | push | scale | micro] \
[--runs N] [--updates N] [--devices N] [--duration SECONDS] [--rate N]   (scan needs root)";

/// A benchmark.
type Bench = fn(&BenchOptions) -> Result<(), String>;

/// Every benchmark, in the order `cargo xtask bench` runs them.
const ALL: [(&str, Bench); 6] = [
    ("scan", scan::run),
    ("oneshot", oneshot::run),
    ("pair", pair::run),
    ("push", push::run),
    ("scale", scale::run),
    ("micro", micro::run),
];

/// Entry point of `cargo xtask bench`.
pub(crate) fn run(args: Vec<String>) -> Result<(), String> {
    let (chosen, rest): (Vec<(&str, Bench)>, &[String]) = match args.split_first() {
        Some((first, rest)) if !first.starts_with('-') => {
            let bench = ALL
                .iter()
                .find(|(name, _)| name == first)
                .ok_or_else(|| format!("unknown benchmark {first:?}; {USAGE}"))?;
            (vec![*bench], rest)
        }
        _ => (ALL.to_vec(), &args),
    };
    let options = parse_options(rest)?;
    if chosen.iter().any(|(name, _)| *name == "scan") && !nix::unistd::geteuid().is_root() {
        return Err(
            "the scan benchmark needs root: it creates network namespaces for the fake \
                    devices (run as root, e.g. `sudo -E cargo xtask bench scan`)"
                .into(),
        );
    }
    // Before any thread starts, so that every thread inherits the blocked signals.
    interrupt::install()?;
    for (name, bench) in chosen {
        eprintln!("xtask bench: {name}");
        bench(&options)?;
    }
    Ok(())
}

fn parse_options(args: &[String]) -> Result<BenchOptions, String> {
    let mut options = BenchOptions::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut number = |what: &str| -> Result<u64, String> {
            args.next()
                .and_then(|n| n.parse().ok())
                .filter(|&n| n > 0)
                .ok_or_else(|| format!("{what} needs a whole number above 0"))
        };
        match arg.as_str() {
            "--runs" => options.runs = usize::try_from(number("--runs")?).unwrap_or(usize::MAX),
            "--updates" => options.updates = number("--updates")?,
            "--devices" => {
                options.devices = usize::try_from(number("--devices")?).unwrap_or(usize::MAX);
            }
            "--duration" => options.duration = Duration::from_secs(number("--duration")?),
            "--rate" => options.rate = number("--rate")?,
            other => return Err(format!("unknown option {other:?}; {USAGE}")),
        }
    }
    Ok(options)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|&a| a.to_owned()).collect()
    }

    #[test]
    fn defaults_and_overrides() {
        assert_eq!(parse_options(&[]), Ok(BenchOptions::default()));
        assert_eq!(
            parse_options(&strings(&["--runs", "5", "--duration", "10"])),
            Ok(BenchOptions {
                runs: 5,
                duration: Duration::from_secs(10),
                ..BenchOptions::default()
            })
        );
        assert!(parse_options(&strings(&["--runs", "0"])).is_err());
        assert!(parse_options(&strings(&["--runs"])).is_err());
        assert!(parse_options(&strings(&["--fast"])).is_err());
    }

    #[test]
    fn unknown_benchmark() {
        assert!(run(strings(&["nothing"])).is_err());
    }
}
