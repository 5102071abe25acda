//! The scan benchmark's figures: the table printed and written to BENCHMARKS.md.

use std::fmt::Write;

use super::benchmarks_file;
use super::fake_network::WANTED_IDENTIFIER;
use super::figures::{Unit, compare};
use super::machine::Machine;
use super::process::Timed;
use super::stats::Summary;
use super::table::Table;
use crate::venv::workspace_root;

/// Samples of one CLI measurement, for both tools: seconds and KiB.
#[derive(Debug, Clone, Default)]
pub(crate) struct CliFigures {
    atv_wall: Vec<f64>,
    atv_rss: Vec<f64>,
    pyatv_wall: Vec<f64>,
    pyatv_rss: Vec<f64>,
}

impl CliFigures {
    /// Records a run of atv's tool (`atv`) or pyatv's.
    pub(crate) fn add(&mut self, atv: bool, run: &Timed) {
        let (wall, rss) = if atv {
            (&mut self.atv_wall, &mut self.atv_rss)
        } else {
            (&mut self.pyatv_wall, &mut self.pyatv_rss)
        };
        wall.push(run.wall.as_secs_f64());
        rss.extend(run.peak_rss_kib.map(|kib| kib as f64));
    }
}

/// Seconds per library scan, for both libraries.
#[derive(Debug, Clone, Default)]
pub(crate) struct LibraryFigures {
    /// `atv::scan`.
    pub(crate) atv: Vec<f64>,
    /// `pyatv.scan`.
    pub(crate) pyatv: Vec<f64>,
}

/// Everything the report says.
#[derive(Debug)]
pub(crate) struct Report {
    /// Where and when.
    pub(crate) machine: Machine,
    /// What the pyatv snippet said about its versions.
    pub(crate) versions: String,
    /// Timed runs of each measurement.
    pub(crate) runs: usize,
    /// Whether peak RSS was measured.
    pub(crate) measures_rss: bool,
    /// Seconds for `true` run the way the tools are.
    pub(crate) launch_overhead: Vec<f64>,
    /// CLI measurements by title.
    pub(crate) cli: Vec<(&'static str, CliFigures)>,
    /// Library measurements.
    pub(crate) library: LibraryFigures,
    /// Pause between library scans.
    pub(crate) library_pause_ms: u64,
}

impl Report {
    /// Prints the table and writes the section to BENCHMARKS.md.
    pub(crate) fn write(&self) -> Result<(), String> {
        let table = self.table().markdown();
        println!("\n{table}");
        let path = workspace_root().join("BENCHMARKS.md");
        benchmarks_file::update(&path, "scan", &self.section(&table))?;
        println!("written to {}", path.display());
        Ok(())
    }

    fn table(&self) -> Table {
        let mut table = Table::new(&["Measurement", "atv", "pyatv 0.18.0", "atv / pyatv"]);
        for (title, figures) in &self.cli {
            table.row(compare(
                format!("{title}: wall time"),
                &figures.atv_wall,
                &figures.pyatv_wall,
                Unit::Seconds,
            ));
            if self.measures_rss {
                table.row(compare(
                    format!("{title}: peak RSS"),
                    &figures.atv_rss,
                    &figures.pyatv_rss,
                    Unit::Kibibytes,
                ));
            }
        }
        table.row(compare(
            "library scan by ID: call to result".into(),
            &self.library.atv,
            &self.library.pyatv,
            Unit::Seconds,
        ));
        table
    }

    fn section(&self, table: &str) -> String {
        let mut text = String::new();
        let _ = writeln!(text, "## Scan by identifier\n");
        let _ = writeln!(
            text,
            "Measured {} on {}; {}. {} runs of each; figures are medians with (min–max).\n",
            self.machine.date, self.machine, self.versions, self.runs
        );
        text.push_str(table);
        let overhead = Summary::of(&self.launch_overhead)
            .map_or_else(|| "unmeasured".into(), |s| Unit::Seconds.show(s.median));
        let rss = if self.measures_rss {
            " Peak RSS is GNU time's maximum resident set size (`%M`)."
        } else {
            " GNU time was not found at /usr/bin/time, so peak RSS was not measured."
        };
        let _ = write!(
            text,
            "
- ID is `{WANTED_IDENTIFIER}`, the AirPlay device id of one of four fake devices (an \
Apple TV 4K on tvOS 17, an Apple TV HD on tvOS 14, a HomePod mini and an AirPort \
Express) that atv-mdns's responder announces, with the services and TXT records real ones \
publish, from network namespace A. Everything measured runs in namespace B, joined to A \
by a veth pair; no packet leaves the machine.
- CLI rows: each run is a fresh process with default options (plus `--storage-filename` \
into a temp dir), started through `ip netns exec` and /usr/bin/time. Wall times run from \
spawning to exit and include that launch: {overhead} (median) for `true` started the same \
way.{rss} One untimed warm-up run of each tool came first, then rounds alternating the \
tools. `atvscript scan` has no early exit: both tools wait their 5 s scan timeout.
- Library row: `atv::scan(ScanOptions::default().identifier(ID).timeout(5 s))` (release \
build) and `pyatv.scan(loop, identifier=ID, timeout=5)`, each called {runs} times in one \
process after an untimed warm-up call, {pause} ms apart, timed from the call to its \
result (socket set-up, queries and the wait for the answer).
- Reproduce (as root, it creates network namespaces): `cargo xtask bench scan --runs \
{runs}`. It builds atv in release mode, uses pyatv from `ATV_PYTHON` or the venv of \
`cargo xtask test`, and rewrites this section.
",
            runs = self.runs,
            pause = self.library_pause_ms,
        );
        text
    }
}
