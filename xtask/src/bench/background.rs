//! A long-running helper (the fake devices' responder, the fake devices' host), inside a
//! namespace or not: started and waited for until it says it is ready, given commands
//! on its standard input and read line by line, stopped when dropped.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use atv_tests::netns::Netns;
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

use super::interrupt;
use super::process::{command_in, group_of};

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
    lines: mpsc::Receiver<String>,
    /// What followed `ready` on its first line.
    ready: String,
    program: String,
}

impl Background {
    /// Starts `program ARGS...` inside `namespace` (here when `None`) and waits until it
    /// prints a line starting with `ready`.
    pub(crate) fn start<I, S>(
        namespace: Option<&Netns>,
        program: &Path,
        args: I,
    ) -> Result<Self, String>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut child = command_in(namespace, program)
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
        let (line_tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            let Some(stdout) = stdout else { return };
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if line_tx.send(line).is_err() {
                    return;
                }
            }
        });
        // From here on, dropping `helper` stops the child.
        let mut helper = Self {
            child,
            group,
            stdin,
            lines,
            ready: String::new(),
            program: program.display().to_string(),
        };
        let line = helper.line(READY_TIMEOUT)?;
        match line.strip_prefix("ready") {
            Some(rest) => {
                helper.ready = rest.trim().to_owned();
                Ok(helper)
            }
            None => Err(format!(
                "{} did not start (said {:?})",
                helper.program,
                line.trim()
            )),
        }
    }

    /// What the helper printed after `ready`.
    pub(crate) fn ready_info(&self) -> &str {
        &self.ready
    }

    /// Sends one command line.
    pub(crate) fn send(&mut self, command: &str) -> Result<(), String> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| format!("{} has no input", self.program))?;
        writeln!(stdin, "{command}")
            .and_then(|()| stdin.flush())
            .map_err(|e| format!("cannot send {command:?} to {}: {e}", self.program))
    }

    /// The next line the helper prints, waiting at most `limit`.
    pub(crate) fn line(&self, limit: Duration) -> Result<String, String> {
        match self.lines.recv_timeout(limit) {
            Ok(line) => Ok(line),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                Err(format!("{} said nothing within {limit:?}", self.program))
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                Err(format!("{} exited (its error is above)", self.program))
            }
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
