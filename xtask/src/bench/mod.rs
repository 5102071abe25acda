//! `cargo xtask bench SUBCOMMAND [--runs N]`: measures atv against pyatv 0.18.0 on fake
//! devices in network namespaces, prints a table of medians and writes it to
//! BENCHMARKS.md. Figures are printed and recorded, never asserted.
//!
//! Every subcommand builds what it runs in release mode first. Subcommands:
//!
//! - `scan`: a scan by identifier, the full `atvscript scan`, and the library's scan by
//!   identifier (see [`scan`]).
//!
//! Needs root (it creates network namespaces). Namespaces and processes are removed on
//! every exit path: normally by guards, on Ctrl-C/SIGTERM/SIGHUP by [`interrupt`].

mod background;
mod benchmarks_file;
mod fake_network;
mod interrupt;
mod machine;
mod namespaces;
mod process;
mod release_build;
mod scan;
mod scan_report;
mod stats;
mod table;

/// Runs per measurement when `--runs` is not given.
const DEFAULT_RUNS: usize = 10;

/// Options every subcommand takes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct BenchOptions {
    /// Timed runs per measurement.
    runs: usize,
}

const USAGE: &str = "usage: cargo xtask bench scan [--runs N]   (needs root)";

/// Entry point of `cargo xtask bench`.
pub(crate) fn run(args: Vec<String>) -> Result<(), String> {
    let Some((subcommand, rest)) = args.split_first() else {
        return Err(USAGE.into());
    };
    let options = parse_options(rest)?;
    let bench: fn(&BenchOptions) -> Result<(), String> = match subcommand.as_str() {
        "scan" => scan::run,
        other => return Err(format!("unknown benchmark {other:?}; {USAGE}")),
    };
    if !nix::unistd::geteuid().is_root() {
        return Err(
            "benchmarks need root: they create network namespaces for the fake \
                    devices (run as root, e.g. `sudo -E cargo xtask bench scan`)"
                .into(),
        );
    }
    // Before any thread starts, so that every thread inherits the blocked signals.
    interrupt::install()?;
    bench(&options)
}

fn parse_options(args: &[String]) -> Result<BenchOptions, String> {
    let mut options = BenchOptions { runs: DEFAULT_RUNS };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => {
                options.runs = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| n > 0)
                    .ok_or("--runs needs a whole number above 0")?;
            }
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
    fn runs_default_and_override() {
        assert_eq!(parse_options(&[]), Ok(BenchOptions { runs: DEFAULT_RUNS }));
        assert_eq!(
            parse_options(&strings(&["--runs", "5"])),
            Ok(BenchOptions { runs: 5 })
        );
        assert!(parse_options(&strings(&["--runs", "0"])).is_err());
        assert!(parse_options(&strings(&["--runs"])).is_err());
        assert!(parse_options(&strings(&["--fast"])).is_err());
    }
}
