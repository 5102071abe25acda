//! Connecting to the selected device and running the device commands in order.

use std::sync::{Arc, Weak};

use atv::core::Storage;
use atv::core::interface::{DeviceListener, PowerListener};
use atv::{ConnectOptions, DeviceConfig};

use super::cli::RemoteCli;
use super::commands::{self, Context};
use super::listeners::{ConnectionPrinter, PowerPrinter};
use crate::error::CliError;

/// Connects (with `--protocol` only, when given), runs every command until one fails,
/// then closes the connection.
pub(crate) async fn run(
    cli: &RemoteCli,
    device: &DeviceConfig,
    storage: &Arc<dyn Storage>,
) -> Result<(), CliError> {
    let connection: Arc<dyn DeviceListener> = Arc::new(ConnectionPrinter);
    let mut options = ConnectOptions::default()
        .storage(Arc::clone(storage))
        .listener(Arc::downgrade(&connection));
    if let Some(protocol) = cli.device.protocol {
        options = options.protocol(protocol);
    }
    let atv = atv::connect(device, options)
        .await
        .map_err(CliError::Connect)?;
    let power: Arc<dyn PowerListener> = Arc::new(PowerPrinter);
    let power_weak: Weak<dyn PowerListener> = Arc::downgrade(&power);
    atv.power().set_listener(Some(power_weak));
    let _push = commands::install_push_listener(&atv);

    let ctx = Context {
        cli,
        atv: &atv,
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
    atv.close().await;
    result
}
