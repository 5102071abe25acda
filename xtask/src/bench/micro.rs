//! `cargo xtask bench micro`: runs the codecs' criterion benchmarks (protobuf framing,
//! TLV8, HAP pairing and frames, DNS, OPACK) and summarises their medians.
//!
//! Each crate's benches run through `cargo bench` with shorter warm-up and measurement
//! times than criterion's defaults; the medians are read from criterion's
//! `estimates.json` files under the target directory.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::BenchOptions;
use super::machine::Machine;
use super::section::Section;
use super::table::Table;
use crate::venv::workspace_root;

/// The crates with criterion benchmarks, and what they measure.
const CRATES: [(&str, &str); 4] = [
    ("atv-mrp", "MRP protobuf framing (varint length + message)"),
    (
        "atv-pairing",
        "TLV8, HAP pair-setup/pair-verify per side, HAP frames",
    ),
    ("atv-mdns", "DNS messages of an Apple TV's mDNS answer"),
    ("atv-companion", "OPACK"),
];

/// Criterion options: seconds of warm-up and of measurement per benchmark.
const CRITERION_ARGS: [&str; 5] = ["--warm-up-time", "1", "--measurement-time", "3", "--noplot"];

/// One benchmark's result.
#[derive(Debug, Clone, PartialEq)]
struct Estimate {
    id: String,
    median_ns: f64,
    bytes: Option<u64>,
}

/// Runs the benchmarks and writes their section of BENCHMARKS.md.
pub(super) fn run(_options: &BenchOptions) -> Result<(), String> {
    let machine = Machine::describe();
    let criterion_dir = target_dir().join("criterion");
    let mut estimates = Vec::new();
    for (krate, _) in CRATES {
        let (targets, benches) = bench_names(krate)?;
        eprintln!("xtask bench micro: cargo bench -p {krate}");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut command = Command::new(cargo);
        command
            .current_dir(workspace_root())
            .args(["bench", "-p", krate]);
        for target in &targets {
            command.args(["--bench", target]);
        }
        let status = command
            .arg("--")
            .args(CRITERION_ARGS)
            .status()
            .map_err(|e| format!("cannot run cargo bench: {e}"))?;
        if !status.success() {
            return Err(format!("cargo bench -p {krate} failed ({status})"));
        }
        let mut found = read_estimates(&criterion_dir)?;
        found.retain(|e| benches.iter().any(|b| e.id.starts_with(b.as_str())));
        estimates.extend(found);
    }
    estimates.sort_by(|a, b| a.id.cmp(&b.id));
    estimates.dedup_by(|a, b| a.id == b.id);

    let mut table = Table::new(&["Benchmark (group/function)", "median", "throughput"]);
    for estimate in &estimates {
        table.row(vec![
            format!("`{}`", estimate.id),
            show_time(estimate.median_ns),
            estimate.bytes.map_or_else(String::new, |bytes| {
                format!(
                    "{:.0} MiB/s",
                    bytes as f64 / (estimate.median_ns * 1e-9) / (1024.0 * 1024.0)
                )
            }),
        ]);
    }
    let crates: Vec<String> = CRATES
        .iter()
        .map(|(krate, what)| format!("{krate} ({what})"))
        .collect();
    Section {
        key: "micro",
        title: "Codec micro-benchmarks (criterion)",
        machine,
        versions: String::new(),
        figures: "Criterion's median per iteration (1 s warm-up, 3 s measurement)".into(),
        table,
        notes: vec![
            format!("Benches in `crates/*/benches/`: {}.", crates.join("; ")),
            "Pure codecs, no I/O: each iteration encodes or decodes one message in memory. \
             Pairing rows time one side's own calls in a full exchange (`iter_custom`)."
                .into(),
            "Reproduce: `cargo xtask bench micro`, or `cargo bench -p CRATE` for criterion's \
             full report."
                .into(),
        ],
    }
    .write()
}

/// Cargo's target directory (as `release_build` finds it).
fn target_dir() -> PathBuf {
    let dir = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| "target".into(), PathBuf::from);
    workspace_root().join(dir)
}

/// A crate's bench targets (the files in its `benches/`) and the criterion group names
/// they define (`benchmark_group("NAME")` or `benchmark_group(format!("NAME…`), so
/// that only this run's results are read back.
fn bench_names(krate: &str) -> Result<(Vec<String>, Vec<String>), String> {
    let dir = workspace_root().join("crates").join(krate).join("benches");
    let entries =
        std::fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let (mut targets, mut groups) = (Vec::new(), Vec::new());
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "rs")
            && let Some(stem) = path.file_stem()
        {
            targets.push(stem.to_string_lossy().into_owned());
            groups.extend(group_names(
                &std::fs::read_to_string(&path).unwrap_or_default(),
            ));
        }
    }
    targets.sort();
    Ok((targets, groups))
}

/// The literal prefixes of `benchmark_group(...)` names in a bench's source.
fn group_names(source: &str) -> Vec<String> {
    source
        .match_indices("benchmark_group(")
        .filter_map(|(at, call)| {
            let rest = &source[at + call.len()..];
            let rest = rest.strip_prefix("format!(").unwrap_or(rest);
            let rest = rest.strip_prefix('"')?;
            let name: String = rest.chars().take_while(|&c| c != '"' && c != '{').collect();
            (!name.is_empty()).then_some(name)
        })
        .collect()
}

/// Every `*/new/estimates.json` (with its `benchmark.json`) under criterion's directory.
fn read_estimates(dir: &Path) -> Result<Vec<Estimate>, String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n == "new") {
                    if let Some(estimate) = read_one(&path) {
                        found.push(estimate);
                    }
                } else if path
                    .file_name()
                    .is_some_and(|n| n != "base" && n != "report")
                {
                    stack.push(path);
                }
            }
        }
    }
    Ok(found)
}

fn read_one(dir: &Path) -> Option<Estimate> {
    let read = |name: &str| -> Option<serde_json::Value> {
        serde_json::from_str(&std::fs::read_to_string(dir.join(name)).ok()?).ok()
    };
    let benchmark = read("benchmark.json")?;
    let estimates = read("estimates.json")?;
    Some(Estimate {
        id: benchmark["full_id"].as_str()?.to_owned(),
        median_ns: estimates["median"]["point_estimate"].as_f64()?,
        bytes: benchmark["throughput"]["Bytes"].as_u64(),
    })
}

/// Nanoseconds as ns, µs or ms.
fn show_time(ns: f64) -> String {
    if ns < 1_000.0 {
        format!("{ns:.1} ns")
    } else if ns < 1_000_000.0 {
        format!("{:.2} µs", ns / 1_000.0)
    } else {
        format!("{:.2} ms", ns / 1_000_000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_names_from_source() {
        let source =
            r#"c.benchmark_group("mrp_framing"); c.benchmark_group(format!("tlv8_{name}"));"#;
        assert_eq!(group_names(source), vec!["mrp_framing", "tlv8_"]);
    }

    #[test]
    fn times() {
        assert_eq!(show_time(12.34), "12.3 ns");
        assert_eq!(show_time(12_340.0), "12.34 µs");
        assert_eq!(show_time(12_340_000.0), "12.34 ms");
    }
}
