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
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(&requirements))?;
    fs::write(&stamp, wanted).map_err(|e| format!("cannot write {}: {e}", stamp.display()))?;
    Ok(python)
}

/// Where pyatv's source distribution is unpacked: it ships pyatv's test fakes
/// (tests/fake_device, tests/fake_udns.py) that the wheel lacks.
pub(crate) fn sdist_dir() -> PathBuf {
    workspace_root().join("target/pyatv-src")
}

/// Downloads and unpacks pyatv's sdist (the version pinned in the requirements) unless
/// already there. Returns the unpacked source directory.
pub(crate) fn ensure_sdist(python: &Path) -> Result<PathBuf, String> {
    const VERSION: &str = "0.18.0";
    let parent = sdist_dir();
    let source = parent.join(format!("pyatv-{VERSION}"));
    if source.join("tests/fake_device").is_dir() {
        return Ok(source);
    }
    eprintln!("xtask: fetching pyatv {VERSION} source distribution");
    fs::create_dir_all(&parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    run(Command::new(python)
        .args([
            "-m",
            "pip",
            "download",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args(["--no-deps", "--no-binary", ":all:", "-d"])
        .arg(&parent)
        .arg(format!("pyatv=={VERSION}")))?;
    let archive = parent.join(format!("pyatv-{VERSION}.tar.gz"));
    run(Command::new(python)
        .args([
            "-c",
            "import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2], filter='data')",
        ])
        .arg(&archive)
        .arg(&parent))?;
    if source.join("tests/fake_device").is_dir() {
        Ok(source)
    } else {
        Err(format!(
            "{} has no tests/fake_device after unpacking",
            source.display()
        ))
    }
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
