//! Running one tool to completion (inside a namespace or not), timed: wall time, and
//! peak RSS and CPU time from GNU time when `/usr/bin/time` is there.

use std::ffi::OsStr;
use std::fs::{self, File};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use atv_tests::netns::Netns;
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

use super::interrupt;

/// GNU time, for the peak RSS and CPU time of a run.
const GNU_TIME: &str = "/usr/bin/time";
/// What GNU time writes: maximum RSS in KiB, user and system CPU seconds.
const TIME_FORMAT: &str = "%M %U %S";

/// One finished run.
#[derive(Debug)]
pub(crate) struct Timed {
    /// From spawning `ip netns exec` to the exit of the tool.
    pub(crate) wall: Duration,
    /// Maximum resident set size in KiB (GNU time's `%M`); `None` without GNU time.
    pub(crate) peak_rss_kib: Option<u64>,
    /// User plus system CPU seconds (GNU time's `%U` + `%S`); `None` without GNU time.
    pub(crate) cpu_seconds: Option<f64>,
    /// What the tool printed.
    pub(crate) stdout: String,
}

/// Runs tools in namespaces, capturing their output in a scratch directory (removed on
/// drop, or if interrupted).
#[derive(Debug)]
pub(crate) struct Runner {
    gnu_time: bool,
    scratch: tempfile::TempDir,
}

impl Runner {
    /// A runner; it measures peak RSS and CPU time when `/usr/bin/time` understands
    /// `-f FORMAT -o FILE`.
    pub(crate) fn new() -> Result<Self, String> {
        let scratch = tempfile::tempdir().map_err(|e| format!("cannot make a temp dir: {e}"))?;
        let probe = scratch.path().join("probe");
        let gnu_time = Command::new(GNU_TIME)
            .args(["-f", TIME_FORMAT, "-o"])
            .arg(&probe)
            .arg("true")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
            && fs::read_to_string(&probe).is_ok_and(|text| parse_time(&text).is_some());
        interrupt::track_dir(scratch.path());
        Ok(Self { gnu_time, scratch })
    }

    /// The scratch directory, for files the tools may write.
    pub(crate) fn scratch(&self) -> &Path {
        self.scratch.path()
    }

    /// Whether runs report their peak RSS and CPU time.
    pub(crate) fn measures_rss(&self) -> bool {
        self.gnu_time
    }

    /// Where the run in progress writes its standard output (for a benchmark that waits
    /// for a line from a tool still running).
    pub(crate) fn stdout_path(&self) -> PathBuf {
        self.scratch.path().join("stdout")
    }

    /// Runs `program ARGS...` inside `namespace` (here when `None`) with `RUST_LOG`
    /// unset, killing it (its whole process group) after `limit`. Fails when it exits
    /// unsuccessfully.
    pub(crate) fn run<I, S>(
        &self,
        namespace: Option<&Netns>,
        program: &Path,
        args: I,
        limit: Duration,
    ) -> Result<Timed, String>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let dir = self.scratch.path();
        let (stdout_path, stderr_path, rss_path) =
            (dir.join("stdout"), dir.join("stderr"), dir.join("peak-rss"));
        let create = |path: &Path| {
            File::create(path).map_err(|e| format!("cannot create {}: {e}", path.display()))
        };
        let mut command = if self.gnu_time {
            let mut command = command_in(namespace, Path::new(GNU_TIME));
            command
                .args(["-f", TIME_FORMAT, "-o"])
                .arg(&rss_path)
                .arg(program);
            command
        } else {
            command_in(namespace, program)
        };
        command
            .args(args)
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(create(&stdout_path)?)
            .stderr(create(&stderr_path)?)
            .process_group(0);

        let started = Instant::now();
        let child = command
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
        let (status, killed) = wait_with_limit(child, limit)?;
        let wall = started.elapsed();

        let stdout = fs::read_to_string(&stdout_path).unwrap_or_default();
        if killed || !status.success() {
            let stderr = fs::read_to_string(&stderr_path).unwrap_or_default();
            let why = if killed {
                format!("did not finish within {limit:?} and was killed")
            } else {
                format!("failed ({status})")
            };
            return Err(format!(
                "{} {why}\nstdout: {}\nstderr: {}",
                program.display(),
                stdout.trim(),
                stderr.trim()
            ));
        }
        let (peak_rss_kib, cpu_seconds) = if self.gnu_time {
            let text = fs::read_to_string(&rss_path).unwrap_or_default();
            let (rss, cpu) =
                parse_time(&text).ok_or_else(|| format!("unexpected GNU time output {text:?}"))?;
            (Some(rss), Some(cpu))
        } else {
            (None, None)
        };
        Ok(Timed {
            wall,
            peak_rss_kib,
            cpu_seconds,
            stdout,
        })
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        // The TempDir removes the directory right after this.
        interrupt::untrack_dir(self.scratch.path());
    }
}

/// Waits for `child` (leader of its own process group), killing the group after `limit`.
/// Returns its status and whether it had to be killed.
fn wait_with_limit(mut child: Child, limit: Duration) -> Result<(ExitStatus, bool), String> {
    let group = group_of(&child);
    interrupt::track_group(group);
    let (done, finished) = mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        let timed_out = finished.recv_timeout(limit) == Err(mpsc::RecvTimeoutError::Timeout);
        if timed_out {
            let _ = killpg(group, Signal::SIGKILL);
        }
        timed_out
    });
    let status = child.wait();
    drop(done);
    let killed = watchdog.join().unwrap_or(true);
    interrupt::untrack_group(group);
    let status = status.map_err(|e| format!("cannot wait for a child: {e}"))?;
    Ok((status, killed))
}

/// The process group a child started with `process_group(0)` leads. (Linux process ids
/// fit an `i32`; were one not to, the fallback names no group, so killing it is a no-op.)
pub(crate) fn group_of(child: &Child) -> Pid {
    Pid::from_raw(i32::try_from(child.id()).unwrap_or(i32::MAX))
}

/// `program` started in `namespace`, or here when `None`.
pub(crate) fn command_in(namespace: Option<&Netns>, program: &Path) -> Command {
    match namespace {
        Some(namespace) => namespace.command(program),
        None => Command::new(program),
    }
}

/// The peak RSS (KiB) and CPU seconds (user + system) from the last line of GNU time's
/// `-o` file (before it, it may say how the command exited).
fn parse_time(text: &str) -> Option<(u64, f64)> {
    let line = text.lines().rev().find(|l| !l.trim().is_empty())?;
    let mut fields = line.split_whitespace();
    let rss = fields.next()?.parse().ok()?;
    let user: f64 = fields.next()?.parse().ok()?;
    let system: f64 = fields.next()?.parse().ok()?;
    fields.next().is_none().then_some((rss, user + system))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_and_cpu_are_the_last_line() {
        assert_eq!(parse_time("5120 0.01 0.02\n"), Some((5120, 0.03)));
        assert_eq!(
            parse_time("Command exited with non-zero status 1\n7340 1.50 0.25\n"),
            Some((7340, 1.75))
        );
        assert_eq!(parse_time(""), None);
        assert_eq!(parse_time("5120\n"), None);
        assert_eq!(parse_time("0:01.00 1 2\n"), None);
    }
}
