//! Connecting to the selected device and running the device commands in order.

use std::sync::{Arc, Weak};

use atv::core::Storage;
use atv::core::interface::PowerListener;
use atv::reconnect::{ConnectionListener, ReconnectOptions, ReconnectingDevice};
use atv::{ConnectOptions, DeviceConfig};

use super::cli::RemoteCli;
use super::commands::{self, Context};
use super::listeners::{ConnectionPrinter, PowerPrinter};
use crate::discovery::{self, ScanRequest};
use crate::error::CliError;

/// Connects (with `--protocol` only, when given), runs every command until one fails,
/// then closes the connection. A lost connection is re-established in the background
/// (found again by `rediscover`, or at the same address without it) and reported on
/// stderr; a command running while it is down fails.
pub(crate) async fn run(
    cli: &RemoteCli,
    device: &DeviceConfig,
    storage: &Arc<dyn Storage>,
    rediscover: Option<ScanRequest>,
) -> Result<(), CliError> {
    let connection_printer: Arc<dyn ConnectionListener> = Arc::new(ConnectionPrinter);
    let mut connect = ConnectOptions::default().storage(Arc::clone(storage));
    if let Some(protocol) = cli.device.protocol {
        connect = connect.protocol(protocol);
    }
    let mut options = ReconnectOptions::default().connect_options(connect);
    if let Some(request) = rediscover {
        options = options.rediscover(discovery::scan_options(request)?);
    }
    let connection =
        ReconnectingDevice::connect(device, options, Arc::downgrade(&connection_printer))
            .await
            .map_err(CliError::Connect)?;
    let power: Arc<dyn PowerListener> = Arc::new(PowerPrinter);
    let power_weak: Weak<dyn PowerListener> = Arc::downgrade(&power);
    connection.set_power_listener(Some(power_weak));
    let _push = match connection.device() {
        Some(atv) => commands::install_push_listener(&connection, &atv),
        None => None,
    };

    let ctx = Context {
        cli,
        connection: &connection,
        storage,
    };
    let mut result = Ok(());
    for (index, command) in cli.command.iter().enumerate() {
        // `features all`: the word is features' option, not a command of its own.
        if command == "all" && index == 1 && cli.command[0] == "features" {
            continue;
        }
        result = commands::run(&ctx, command).await;
        if result.is_err() {
            break;
        }
    }
    connection.close().await;
    result
}
