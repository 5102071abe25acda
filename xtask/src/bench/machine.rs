//! What a benchmark ran on, for the report: date, CPU, cores, kernel, compiler, load.

use std::fmt;
use std::process::{Command, Stdio};

/// The machine and toolchain a benchmark ran on.
#[derive(Debug, Clone)]
pub(crate) struct Machine {
    /// When the benchmark ran (UTC, to the minute).
    pub(crate) date: String,
    cpu: String,
    cores: usize,
    kernel: String,
    rustc: String,
    /// The 1-minute load average when the benchmark started.
    load: Option<f64>,
}

impl Machine {
    /// Describes this machine now.
    pub(crate) fn describe() -> Self {
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|info| {
                info.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, model)| model.trim().to_owned())
            })
            .unwrap_or_else(|| "unknown CPU".into());
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .map(|r| format!("Linux {}", r.trim()))
            .unwrap_or_else(|_| "unknown kernel".into());
        let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
        let rustc = Command::new(rustc)
            .arg("-V")
            .stdin(Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_else(|| "unknown rustc".into());
        let load = std::fs::read_to_string("/proc/loadavg")
            .ok()
            .and_then(|text| text.split_whitespace().next()?.parse().ok());
        Self {
            load,
            date: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
            cpu,
            cores: std::thread::available_parallelism().map_or(1, usize::from),
            kernel,
            rustc,
        }
    }
}

impl fmt::Display for Machine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({} cores), {}, {}",
            self.cpu, self.cores, self.kernel, self.rustc
        )?;
        match self.load {
            Some(load) => write!(f, ", load average {load:.2} at the start"),
            None => Ok(()),
        }
    }
}
