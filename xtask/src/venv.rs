//! The Python venv holding pyatv 0.18.0 for interop tests, under target/pyatv-venv.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root (parent of xtask/).
pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask/ sits in the workspace root")
        .to_path_buf()
}

/// Creates the venv if needed and installs the pinned requirements when they changed.
/// Returns the venv's python.
pub(crate) fn ensure() -> Result<PathBuf, String> {
    let root = workspace_root();
    let requirements = root.join("tests/pyatv-requirements.txt");
    let venv = root.join("target/pyatv-venv");
    let python = venv.join("bin/python");
    let stamp = venv.join("installed-requirements.txt");

    let wanted = fs::read_to_string(&requirements)
        .map_err(|e| format!("cannot read {}: {e}", requirements.display()))?;
    if python.exists() && fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(python);
    }

    if !python.exists() {
        let host_python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        eprintln!("xtask: creating {} with {host_python}", venv.display());
        run(Command::new(&host_python).args(["-m", "venv"]).arg(&venv))?;
    }
    eprintln!("xtask: installing pinned pyatv requirements");
    run(Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r"])
        .arg(&requirements))?;
    fs::write(&stamp, wanted).map_err(|e| format!("cannot write {}: {e}", stamp.display()))?;
    Ok(python)
}

fn run(command: &mut Command) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed ({status})"))
    }
}
