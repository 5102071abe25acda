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

/// Reads one line from stdin without blocking the async runtime: a plain thread reads
/// it (a thread blocked in `read_line` does not keep the process alive at exit, unlike
/// a runtime's blocking task). Gives `None` at end of input or on a read error.
pub(crate) async fn read_line() -> Option<String> {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let spawned = std::thread::Builder::new()
        .name("stdin".into())
        .spawn(move || {
            let mut line = String::new();
            let read = std::io::stdin().read_line(&mut line);
            let _ = sender.send(match read {
                Ok(0) | Err(_) => None,
                Ok(_) => Some(line),
            });
        });
    if spawned.is_err() {
        return None;
    }
    receiver.await.ok().flatten()
}

/// Waits for a line on stdin, end of input or Ctrl-C, whichever comes first.
pub(crate) async fn wait_for_enter_or_interrupt() {
    tokio::select! {
        _ = read_line() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}
