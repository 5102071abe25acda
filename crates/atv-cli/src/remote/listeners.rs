//! What atvremote prints when the device reports something by itself: what plays,
//! power changes, connection loss.

use atv::core::interface::{PowerListener, PushListener};
use atv::core::{Playing, PowerState};
use atv::reconnect::{ConnectionEvent, ConnectionListener};

use crate::console;

/// Prints every push update as pyatv does: `str(playing)` then a line of 20 dashes.
#[derive(Debug, Default)]
pub(crate) struct PushPrinter;

impl PushListener for PushPrinter {
    fn playstatus_update(&self, playing: &Playing) {
        console::out(&format!("{playing}\n{}\n", "-".repeat(20)));
    }

    fn playstatus_error(&self, error: &atv::Error) {
        console::out(&format!("An error occurred (restarting): {error}\n"));
    }
}

/// Prints power state changes.
#[derive(Debug, Default)]
pub(crate) struct PowerPrinter;

impl PowerListener for PowerPrinter {
    fn powerstate_update(&self, _old: PowerState, new: PowerState) {
        console::out(&format!("New power state: {}\n", new.name()));
    }
}

/// Reports connection loss and reconnection on stderr, one line each; the first
/// connection and a close asked for are only logged.
#[derive(Debug, Default)]
pub(crate) struct ConnectionPrinter;

impl ConnectionListener for ConnectionPrinter {
    fn connection_event(&self, event: &ConnectionEvent) {
        match event {
            ConnectionEvent::Connected => {}
            ConnectionEvent::Closed => {
                tracing::debug!(target: super::LOG_TARGET, "Connection was closed properly");
            }
            ConnectionEvent::Lost { error: Some(error) } => {
                console::err(&format!("Connection lost: {error}\n"));
            }
            other => console::err(&format!("{}\n", capitalized(&other.to_string()))),
        }
    }
}

/// `text` with its first letter in upper case.
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}
