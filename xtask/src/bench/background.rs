//! A long-running helper inside a namespace (the fake devices' responder): started and
//! waited for until it says it is ready, stopped when dropped.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use atv_tests::netns::Netns;
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

use super::interrupt;
use super::process::group_of;

/// How long a helper may take to say it is ready.
const READY_TIMEOUT: Duration = Duration::from_secs(20);
/// How long a helper may take to exit once its standard input is closed.
const STOP_TIMEOUT: Duration = Duration::from_secs(3);

/// A running helper. Dropping it closes its standard input (its signal to stop), then
/// kills its process group if it has not exited within [`STOP_TIMEOUT`].
#[derive(Debug)]
pub(crate) struct Background {
    child: Child,
    group: Pid,
    stdin: Option<ChildStdin>,
}

impl Background {
    /// Starts `program ARGS...` inside `namespace` and waits until it prints `ready`.
    pub(crate) fn start<I, S>(namespace: &Netns, program: &Path, args: I) -> Result<Self, String>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut child = namespace
            .command(program)
            .args(args)
            .env_remove("RUST_LOG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
        let group = group_of(&child);
        interrupt::track_group(group);
        let stdin = child.stdin.take();
        let stdout = child.stdout.take();
        // From here on, dropping `helper` stops the child.
        let helper = Self {
            child,
            group,
            stdin,
        };

        let (line_tx, line_rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            if let Some(stdout) = stdout {
                let _ = BufReader::new(stdout).read_line(&mut line);
            }
            let _ = line_tx.send(line);
        });
        match line_rx.recv_timeout(READY_TIMEOUT) {
            Ok(line) if line.trim() == "ready" => Ok(helper),
            Ok(line) => Err(format!(
                "{} did not start (said {:?}; its error is above)",
                program.display(),
                line.trim()
            )),
            Err(_) => Err(format!(
                "{} was not ready within {READY_TIMEOUT:?}",
                program.display()
            )),
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let deadline = Instant::now() + STOP_TIMEOUT;
        while Instant::now() < deadline {
            if !matches!(self.child.try_wait(), Ok(None)) {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = killpg(self.group, Signal::SIGKILL);
            let _ = self.child.wait();
        }
        interrupt::untrack_group(self.group);
    }
}
