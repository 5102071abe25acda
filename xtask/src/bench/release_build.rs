//! Building what the benchmarks run in release mode, and where it ends up.

use std::path::PathBuf;
use std::process::Command;

use crate::venv::workspace_root;

/// The release binaries a benchmark runs.
#[derive(Debug, Clone)]
pub(crate) struct ReleaseBinaries {
    /// atv-cli's `atvremote`.
    pub(crate) atvremote: PathBuf,
    /// atv-cli's `atvscript`.
    pub(crate) atvscript: PathBuf,
    /// xtask's `bench-worker` example (the responder and the library measurements).
    pub(crate) worker: PathBuf,
}

/// Runs `cargo build --release` for atv-cli's binaries and the bench worker.
pub(crate) fn build() -> Result<ReleaseBinaries, String> {
    cargo_build(&["-p", "atv-cli", "--bins"])?;
    cargo_build(&["-p", "xtask", "--example", "bench-worker"])?;
    let release = target_dir().join("release");
    let binaries = ReleaseBinaries {
        atvremote: release.join("atvremote"),
        atvscript: release.join("atvscript"),
        worker: release.join("examples/bench-worker"),
    };
    for path in [&binaries.atvremote, &binaries.atvscript, &binaries.worker] {
        if !path.exists() {
            return Err(format!(
                "the release build did not produce {}",
                path.display()
            ));
        }
    }
    Ok(binaries)
}

fn cargo_build(args: &[&str]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!("xtask bench: cargo build --release {}", args.join(" "));
    let status = Command::new(cargo)
        .current_dir(workspace_root())
        .args(["build", "--release"])
        .args(args)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "cargo build --release {} failed ({status})",
            args.join(" ")
        ))
    }
}

/// Cargo's target directory: `CARGO_TARGET_DIR` (relative to the workspace root unless
/// absolute) or `target/`.
fn target_dir() -> PathBuf {
    let dir = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| "target".into(), PathBuf::from);
    workspace_root().join(dir)
}
