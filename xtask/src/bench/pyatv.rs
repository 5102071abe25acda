//! pyatv's side: the Python to run it with and its versions.

use std::path::PathBuf;
use std::process::{Command, Stdio};

/// pyatv's Python: `ATV_PYTHON`, else the venv `cargo xtask test` uses (created if
/// needed).
pub(crate) fn python() -> Result<PathBuf, String> {
    match std::env::var_os("ATV_PYTHON") {
        Some(python) => Ok(PathBuf::from(python)),
        None => crate::venv::ensure(),
    }
}

/// A venv tool next to `python` (e.g. `atvremote`).
pub(crate) fn tool(python: &std::path::Path, name: &str) -> Result<PathBuf, String> {
    python
        .parent()
        .map(|bin| bin.join(name))
        .ok_or_else(|| format!("{} is not in a venv", python.display()))
}

/// `pyatv VERSION python VERSION`.
pub(crate) fn versions(python: &std::path::Path) -> Result<String, String> {
    let output = Command::new(python)
        .args([
            "-c",
            "import sys; from pyatv import const; \
             print(f'pyatv {const.__version__} python {sys.version.split()[0]}')",
        ])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    } else {
        Err(format!(
            "{} cannot import pyatv: {}",
            python.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}
