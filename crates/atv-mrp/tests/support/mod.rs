//! Helpers shared by the integration tests that run pyatv's Python code.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A script in `tests/python/`.
pub(crate) fn python_script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/python")
        .join(name)
}

/// Runs a script from `tests/python/` with the pyatv venv's Python. Returns `None` (after
/// `atv_tests::pyatv_python` printed why) when there is no venv outside CI.
pub(crate) fn run_pyatv_script(script: &str, args: &[&std::ffi::OsStr]) -> Option<ScriptOutput> {
    let python = atv_tests::pyatv_python()?;
    let output = Command::new(&python)
        .arg(python_script(script))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    Some(ScriptOutput {
        success: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

/// What a script printed and whether it exited with 0.
pub(crate) struct ScriptOutput {
    pub(crate) success: bool,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl ScriptOutput {
    /// Panics with the script's output unless it succeeded.
    pub(crate) fn assert_success(&self, what: &str) {
        assert!(
            self.success,
            "{what} failed\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
    }
}
