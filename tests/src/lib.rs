//! Support shared by atv's end-to-end and interop tests: where pyatv lives, and whether
//! a test that needs it must run or may be skipped.

use std::path::PathBuf;

pub mod netns;
pub mod pyatv_fake;
pub mod pyatv_fake_airplay;
pub mod pyatv_fake_companion;
pub mod pyatv_fake_mrp;

/// The workspace root (the directory holding the top-level Cargo.toml).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace root")
        .to_path_buf()
}

/// True when running under CI (`CI=true`): tests that would otherwise be skipped for a
/// missing peer must fail instead, so CI can never pass vacuously.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// The Python interpreter of the venv holding pyatv 0.18.0 and its pinned dependencies.
///
/// Taken from `ATV_PYTHON`, else `target/pyatv-venv/bin/python` (what `cargo xtask test`
/// creates). Returns `None` when neither exists; under CI that is a failure.
pub fn pyatv_python() -> Option<PathBuf> {
    let candidate = std::env::var_os("ATV_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/pyatv-venv/bin/python"));
    if candidate.exists() {
        return Some(candidate);
    }
    assert!(
        !in_ci(),
        "pyatv venv missing at {} under CI: `cargo xtask test` must create it",
        candidate.display()
    );
    eprintln!(
        "skipped: no pyatv venv at {} (run `cargo xtask test`, or set ATV_PYTHON)",
        candidate.display()
    );
    None
}

/// pyatv 0.18.0's unpacked source distribution, which carries pyatv's test fakes
/// (`tests/fake_device`, `tests/fake_udns.py`) that the wheel lacks.
///
/// Taken from `ATV_PYATV_SRC`, else `target/pyatv-src/pyatv-0.18.0` (what `cargo xtask
/// test` unpacks). Returns `None` when missing; under CI that is a failure.
pub fn pyatv_source() -> Option<PathBuf> {
    let candidate = std::env::var_os("ATV_PYATV_SRC")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/pyatv-src/pyatv-0.18.0"));
    if candidate.join("tests/fake_device").is_dir() {
        return Some(candidate);
    }
    assert!(
        !in_ci(),
        "pyatv sdist missing at {} under CI: `cargo xtask test` must unpack it",
        candidate.display()
    );
    eprintln!(
        "skipped: no pyatv sdist at {} (run `cargo xtask test`, or set ATV_PYATV_SRC)",
        candidate.display()
    );
    None
}
