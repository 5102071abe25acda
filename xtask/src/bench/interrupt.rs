//! Cleaning up when a benchmark is interrupted (Ctrl-C, SIGTERM, SIGHUP), where guards'
//! `Drop` never runs.
//!
//! [`install`] blocks those signals in the calling thread, and so in every thread it
//! starts later, and starts a thread that waits for them. Children are unaffected (they
//! start with no signal blocked). On a signal that thread kills the process groups,
//! deletes the network namespaces and removes the temp directories registered here, then
//! exits with 128 + the signal.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, MutexGuard, PoisonError};

use nix::sys::signal::{SigSet, Signal, killpg};
use nix::unistd::Pid;

/// What to remove if interrupted.
struct Registry {
    namespaces: Vec<String>,
    groups: Vec<Pid>,
    dirs: Vec<PathBuf>,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    namespaces: Vec::new(),
    groups: Vec::new(),
    dirs: Vec::new(),
});

fn registry() -> MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Blocks SIGINT, SIGTERM and SIGHUP and starts the thread that handles them. Call it
/// before starting any other thread.
pub(crate) fn install() -> Result<(), String> {
    let mut signals = SigSet::empty();
    for signal in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP] {
        signals.add(signal);
    }
    signals
        .thread_block()
        .map_err(|e| format!("cannot block signals: {e}"))?;
    std::thread::Builder::new()
        .name("bench-interrupt".into())
        .spawn(move || {
            if let Ok(signal) = signals.wait() {
                clean_up_and_exit(signal);
            }
        })
        .map(drop)
        .map_err(|e| format!("cannot start the signal thread: {e}"))
}

fn clean_up_and_exit(signal: Signal) -> ! {
    eprintln!("xtask bench: {signal}, cleaning up");
    let registry = registry();
    for &group in &registry.groups {
        let _ = killpg(group, Signal::SIGKILL);
    }
    for name in &registry.namespaces {
        let _ = Command::new("ip")
            .args(["netns", "del", name])
            .stdin(Stdio::null())
            .status();
    }
    for dir in &registry.dirs {
        let _ = std::fs::remove_dir_all(dir);
    }
    std::process::exit(128 + signal as i32)
}

/// Registers a network namespace to delete if interrupted.
pub(crate) fn track_namespace(name: &str) {
    registry().namespaces.push(name.to_owned());
}

/// Forgets a namespace (its owner deletes it).
pub(crate) fn untrack_namespace(name: &str) {
    registry().namespaces.retain(|n| n != name);
}

/// Registers a process group to kill if interrupted.
pub(crate) fn track_group(group: Pid) {
    registry().groups.push(group);
}

/// Forgets a process group (its leader has been reaped).
pub(crate) fn untrack_group(group: Pid) {
    registry().groups.retain(|&g| g != group);
}

/// Registers a temp directory to remove if interrupted.
pub(crate) fn track_dir(dir: &Path) {
    registry().dirs.push(dir.to_owned());
}

/// Forgets a temp directory (its owner removes it).
pub(crate) fn untrack_dir(dir: &Path) {
    registry().dirs.retain(|d| d != dir);
}
