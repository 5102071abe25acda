//! One push-update client run, shared by `push` and `scale`: a client process (atv's
//! bench-worker or pyatv's script) connects to the fake devices and counts updates
//! while the devices push; its figures and what it counted.

use std::ffi::OsStr;
use std::path::Path;
use std::time::{Duration, Instant};

use super::fake_host::{FakeHost, Sent};
use super::process::{Runner, Timed};

/// How long a client may take to connect to every device and say `ready`.
const READY_LIMIT: Duration = Duration::from_secs(180);
/// How long the devices may take to see every client subscribed, once it is ready.
const SUBSCRIBE_LIMIT: Duration = Duration::from_secs(30);

/// What one client run measured.
#[derive(Debug)]
pub(crate) struct PushRun {
    /// The client process: wall time, peak RSS, CPU time.
    pub(crate) process: Timed,
    /// What the devices pushed.
    pub(crate) sent: Sent,
    /// Updates the client counted.
    pub(crate) received: u64,
    /// Devices whose end marker the client saw.
    pub(crate) complete: usize,
    /// Seconds from the client's first counted update to its last end marker.
    pub(crate) span: f64,
    /// From starting the client to its `ready` (connected to every device), to within
    /// 20 ms.
    pub(crate) ready_after: Duration,
}

impl PushRun {
    /// Updates pushed but never counted.
    pub(crate) fn lost(&self) -> u64 {
        self.sent.updates.saturating_sub(self.received)
    }

    /// Updates the client absorbed a second.
    pub(crate) fn rate(&self) -> f64 {
        if self.span > 0.0 {
            self.received as f64 / self.span
        } else {
            0.0
        }
    }
}

/// Resets the devices, starts `program ARGS...`, waits until it is connected and
/// subscribed everywhere, has the devices `push`, and waits for the client's count.
pub(crate) fn drive<I, S>(
    runner: &Runner,
    host: &mut FakeHost,
    program: &Path,
    args: I,
    limit: Duration,
    push: impl FnOnce(&mut FakeHost) -> Result<Sent, String>,
) -> Result<PushRun, String>
where
    I: IntoIterator<Item = S> + Send,
    S: AsRef<OsStr>,
{
    host.reset()?;
    let stdout = runner.stdout_path();
    let _ = std::fs::remove_file(&stdout);
    std::thread::scope(|scope| {
        let client = scope.spawn(move || runner.run(None, program, args, limit));
        let started = Instant::now();
        let ready = loop {
            let text = std::fs::read_to_string(&stdout).unwrap_or_default();
            if text.lines().any(|l| l.trim() == "ready") {
                break true;
            }
            if client.is_finished() || started.elapsed() > READY_LIMIT {
                break false;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let ready_after = started.elapsed();
        let sent = if ready {
            host.wait_subscribed(SUBSCRIBE_LIMIT)
                .and_then(|()| push(host))
        } else {
            Err(format!(
                "{} did not connect within {READY_LIMIT:?}",
                program.display()
            ))
        };
        let process = client
            .join()
            .map_err(|_| "the client thread panicked".to_owned())??;
        let sent = sent?;
        let (received, complete, span) = parse_received(&process.stdout)?;
        Ok(PushRun {
            process,
            sent,
            received,
            complete,
            span,
            ready_after,
        })
    })
}

/// The client's `received TOTAL COMPLETE SPAN_SECONDS` line.
fn parse_received(stdout: &str) -> Result<(u64, usize, f64), String> {
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("received "))
        .ok_or_else(|| format!("the client printed no count: {stdout}"))?;
    let fields: Vec<&str> = line.split_whitespace().collect();
    match fields.as_slice() {
        [total, complete, span] => match (total.parse(), complete.parse(), span.parse()) {
            (Ok(total), Ok(complete), Ok(span)) => Ok((total, complete, span)),
            _ => Err(format!("unexpected count {line:?}")),
        },
        _ => Err(format!("unexpected count {line:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_lines() {
        assert_eq!(
            parse_received("ready\nreceived 100 1 0.5\n"),
            Ok((100, 1, 0.5))
        );
        assert!(parse_received("ready\n").is_err());
        assert!(parse_received("received 100 1\n").is_err());
    }
}
