//! What atvremote prints when the device reports something by itself: what plays,
//! power changes, connection loss.

use atv::core::interface::{DeviceListener, PowerListener, PushListener};
use atv::core::{Playing, PowerState};

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

/// Reports connection loss on stderr; a closed connection is only logged.
#[derive(Debug, Default)]
pub(crate) struct ConnectionPrinter;

impl DeviceListener for ConnectionPrinter {
    fn connection_lost(&self, error: &atv::Error) {
        console::err(&format!("Connection lost: {error}\n"));
    }

    fn connection_closed(&self) {
        tracing::debug!(target: super::LOG_TARGET, "Connection was closed properly");
    }
}
