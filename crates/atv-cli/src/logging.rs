//! Log output of the tools: one line per event on stderr, laid out as pyatv's scripts
//! lay out theirs (`2024-01-31 12:00:00 ERROR [atvremote]: message`).
//!
//! The level comes from the flags (warnings by default, `-v` info, `--debug` debug,
//! `--mdns-debug` everything from the mDNS layer); `RUST_LOG`, when set, replaces it.

use std::fmt;

use tracing::{Event, Level, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// How much to log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct LogLevel {
    /// `-v`: informational messages.
    pub(crate) verbose: bool,
    /// `--debug`: debug messages.
    pub(crate) debug: bool,
    /// `--mdns-debug`: every mDNS packet.
    pub(crate) mdns_debug: bool,
}

impl LogLevel {
    /// The filter directives these flags stand for.
    pub(crate) fn directives(self) -> String {
        let base = if self.debug {
            "debug"
        } else if self.verbose {
            "info"
        } else {
            "warn"
        };
        if self.mdns_debug {
            format!("{base},atv_mdns=trace")
        } else {
            base.to_owned()
        }
    }
}

/// Installs the global log subscriber. Calling it twice leaves the first one in place.
pub(crate) fn init(level: LogLevel) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level.directives()));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .event_format(PyatvLayout)
        .try_init();
}

/// The name Python's logging gives a level.
fn level_name(level: Level) -> &'static str {
    match level {
        Level::ERROR => "ERROR",
        Level::WARN => "WARNING",
        Level::INFO => "INFO",
        Level::DEBUG => "DEBUG",
        Level::TRACE => "TRACE",
    }
}

/// `%(asctime)s %(levelname)s [%(name)s]: %(message)s` with local time to the second.
struct PyatvLayout;

impl<S, N> FormatEvent<S, N> for PyatvLayout
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let meta = event.metadata();
        write!(
            writer,
            "{} {} [{}]: ",
            chrono::Local::now().format("%Y-%m-%d %H:%M:%S"),
            level_name(*meta.level()),
            meta.target()
        )?;
        ctx.field_format().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_map_to_levels() {
        assert_eq!(LogLevel::default().directives(), "warn");
        let verbose = LogLevel {
            verbose: true,
            ..Default::default()
        };
        assert_eq!(verbose.directives(), "info");
        let all = LogLevel {
            verbose: true,
            debug: true,
            mdns_debug: true,
        };
        assert_eq!(all.directives(), "debug,atv_mdns=trace");
    }
}
