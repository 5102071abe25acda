//! `cargo xtask`: project chores that need more than cargo.
//!
//! - `cargo xtask test [ARGS]`: creates the pyatv venv the interop tests use (once), then
//!   runs the whole workspace test suite with it (extra ARGS go to `cargo test`).
//! - `cargo xtask venv`: only creates/updates the venv (and pyatv's unpacked sdist, whose
//!   test fakes the interop tests run) and prints the venv's Python path.
//! - `cargo xtask bench [scan | oneshot | pair | push | scale | micro] [OPTIONS]`:
//!   measures atv against pyatv 0.18.0 (release build, fake devices) and writes
//!   BENCHMARKS.md; without a subcommand, all of them.
//! - `cargo xtask codegen [--check]`: regenerates the checked-in protobuf code from proto/
//!   (with `--check`, fails if the checked-in code differs).

mod bench;
mod codegen;
mod venv;

use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let result = match args.next().as_deref() {
        Some("test") => run_tests(args.collect()),
        Some("venv") => venv::ensure().and_then(|python| {
            venv::ensure_sdist(&python)?;
            println!("{}", python.display());
            Ok(())
        }),
        Some("codegen") => codegen::run(args.any(|a| a == "--check")),
        Some("bench") => bench::run(args.collect()),
        _ => {
            eprintln!(
                "usage: cargo xtask <test [cargo test args] | venv | bench [NAME] [--runs N ...] | codegen [--check]>"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Runs `cargo test --workspace` with `ATV_PYTHON` pointing at the pyatv venv and
/// `ATV_PYATV_SRC` at pyatv's unpacked sdist.
fn run_tests(extra: Vec<String>) -> Result<(), String> {
    let python = venv::ensure()?;
    let sdist = venv::ensure_sdist(&python)?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(venv::workspace_root())
        .args(["test", "--workspace"])
        .args(extra)
        .env("ATV_PYTHON", &python)
        .env("ATV_PYATV_SRC", &sdist)
        .status()
        .map_err(|e| format!("cannot run cargo test: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo test failed ({status})"))
    }
}
