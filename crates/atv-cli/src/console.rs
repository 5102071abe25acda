//! Writing results to stdout and stderr without panicking when the reader has gone
//! away (`atvremote scan | head -1`): a closed pipe ends the output, nothing more.

use std::io::Write;

/// Writes `text` to stdout and flushes it; write errors are ignored.
pub(crate) fn out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// Writes `text` to stderr; write errors are ignored.
pub(crate) fn err(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}
