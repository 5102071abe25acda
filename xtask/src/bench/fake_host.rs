//! bench-worker's fake devices (`bench-worker fakes N`) on 127.0.0.1, driven from xtask:
//! their ports, the credentials they accept, and the updates they push on command.

use std::path::Path;
use std::time::Duration;

use super::background::Background;

/// Longest a command to the host may take beyond the time it is asked to push for.
const COMMAND_SLACK: Duration = Duration::from_secs(120);

/// The running host. Dropping it shuts the devices down.
#[derive(Debug)]
pub(crate) struct FakeHost {
    helper: Background,
    /// The MRP credentials every device accepts (pyatv's tests' fixed ones).
    pub(crate) credentials: String,
    /// The devices' MRP ports, on 127.0.0.1.
    pub(crate) ports: Vec<u16>,
}

/// What a push command reports.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sent {
    /// Updates pushed over all devices (end markers not counted).
    pub(crate) updates: u64,
    /// Seconds the devices took to push them.
    pub(crate) seconds: f64,
}

impl FakeHost {
    /// Starts `count` fake MRP devices in one bench-worker process.
    pub(crate) fn start(worker: &Path, count: usize) -> Result<Self, String> {
        let helper = Background::start(None, worker, ["fakes".to_owned(), count.to_string()])?;
        let mut words = helper.ready_info().split_whitespace();
        let credentials = words
            .next()
            .ok_or("the fake devices sent no credentials")?
            .to_owned();
        let ports = words
            .map(|p| p.parse().map_err(|_| format!("unexpected port {p:?}")))
            .collect::<Result<Vec<u16>, _>>()?;
        if ports.len() != count {
            return Err(format!(
                "asked for {count} fake devices, got {}",
                ports.len()
            ));
        }
        Ok(Self {
            helper,
            credentials,
            ports,
        })
    }

    /// Sends `command` and returns the host's answer.
    fn ask(&mut self, command: &str, limit: Duration) -> Result<String, String> {
        self.helper.send(command)?;
        self.helper.line(limit)
    }

    /// Names every device's playing item `idle` (so that no end marker of an earlier
    /// round is still playing when a client connects).
    pub(crate) fn reset(&mut self) -> Result<(), String> {
        expect(&self.ask("reset", COMMAND_SLACK)?, "reset")
    }

    /// Waits until every device has a client subscribed to updates.
    pub(crate) fn wait_subscribed(&mut self, limit: Duration) -> Result<(), String> {
        let answer = self.ask(
            &format!("wait-subscribed {}", limit.as_secs()),
            limit + COMMAND_SLACK,
        )?;
        expect(&answer, "subscribed")
    }

    /// Every device pushes `count` updates as fast as its client takes them.
    pub(crate) fn burst(&mut self, count: u64) -> Result<Sent, String> {
        let answer = self.ask(&format!("burst {count}"), COMMAND_SLACK * 5)?;
        parse_sent(&answer)
    }

    /// Every device pushes `rate` updates a second for `duration`.
    pub(crate) fn stream(&mut self, duration: Duration, rate: u64) -> Result<Sent, String> {
        let answer = self.ask(
            &format!("stream {} {rate}", duration.as_secs()),
            duration + COMMAND_SLACK,
        )?;
        parse_sent(&answer)
    }
}

fn expect(answer: &str, wanted: &str) -> Result<(), String> {
    if answer.trim() == wanted {
        Ok(())
    } else {
        Err(format!(
            "the fake devices answered {answer:?}, not {wanted:?}"
        ))
    }
}

/// `sent TOTAL SECONDS`.
fn parse_sent(answer: &str) -> Result<Sent, String> {
    let fields: Vec<&str> = answer.split_whitespace().collect();
    match fields.as_slice() {
        ["sent", updates, seconds] => match (updates.parse(), seconds.parse()) {
            (Ok(updates), Ok(seconds)) => Ok(Sent { updates, seconds }),
            _ => Err(format!("unexpected answer {answer:?}")),
        },
        _ => Err(format!("unexpected answer {answer:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sent_lines() {
        let sent = parse_sent("sent 10000 1.25").unwrap();
        assert_eq!((sent.updates, sent.seconds), (10000, 1.25));
        assert!(parse_sent("sent 10000").is_err());
        assert!(parse_sent("timeout 3").is_err());
    }
}
