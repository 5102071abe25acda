//! `atvremote`: scan for devices, pair with them and control them from the command line.
//!
//! A command is either global (`scan`, `pair`, `wizard`, `help`, `commands`: no device
//! needed) or a device command, run on the one device that `--id`/`--name` (or
//! `--manual`) picks. Each command group gets its own module as it is implemented.

mod catalogue;
mod cli;
mod device;
pub mod scan;

pub(crate) use catalogue::remote_control_commands;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use crate::args::{StorageKind, report_parse_error};
use crate::console;
use crate::discovery;
use crate::error::CliError;
use crate::logging;
use cli::RemoteCli;
use device::Selection;

/// Exit code for command-line errors (pyatv's atvremote exits with 1 for them).
const USAGE_ERROR: u8 = 1;

/// Target of the tool's own log lines.
const LOG_TARGET: &str = "atvremote";

/// Runs atvremote with the process arguments and returns its exit code.
pub fn main() -> ExitCode {
    let cli = match RemoteCli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return report_parse_error(&error, USAGE_ERROR),
    };
    if let Err(error) = cli.validate() {
        let error = RemoteCli::command().error(clap::error::ErrorKind::ArgumentConflict, error);
        return report_parse_error(&error, USAGE_ERROR);
    }
    logging::init(cli.debug.level());
    tracing::debug!(target: LOG_TARGET, "Running with atv {}", env!("CARGO_PKG_VERSION"));

    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return fail(&CliError::Runtime(error)),
    };
    match runtime.block_on(run(&cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(&error),
    }
}

/// Logs `error` as the one line the user sees (followed by the candidates when several
/// devices matched) and gives the failure exit code.
fn fail(error: &CliError) -> ExitCode {
    tracing::error!(target: LOG_TARGET, "{error}");
    if let CliError::SeveralDevices(devices) = error {
        console::err(&scan::format_scan_results(devices));
    }
    ExitCode::FAILURE
}

/// Dispatches the first command: global commands run alone, device commands run in
/// order on the selected device.
async fn run(cli: &RemoteCli) -> Result<(), CliError> {
    if cli.storage.storage == StorageKind::File {
        tracing::debug!(
            target: LOG_TARGET,
            "settings storage ({}) is not supported yet: stored credentials are not used",
            cli.storage.storage_filename
        );
    }
    let first = cli.command.first().map(String::as_str).unwrap_or_default();
    if catalogue::is_global(first) {
        return match first {
            "scan" => scan::run(cli).await,
            other => Err(CliError::NotSupportedYet(other.to_owned())),
        };
    }

    let mut device = if cli.manual.manual {
        device::manual_device(cli)?
    } else {
        autodiscover(cli).await?
    };
    device::apply_secrets(&mut device, &cli.credentials, &cli.passwords);
    tracing::info!(
        target: LOG_TARGET,
        "Auto-discovered {} at {}",
        device.name,
        device.address
    );
    // Commands run in order and the first failure stops the rest; none runs yet.
    let (command, _arguments) = catalogue::split_command(first);
    Err(match catalogue::device_command_group(command) {
        Some(_) => CliError::NotSupportedYet(command.to_owned()),
        None => CliError::UnknownCommand(command.to_owned()),
    })
}

/// Scans for the device `--id`/`--name` point at; several matches are listed on stderr.
async fn autodiscover(cli: &RemoteCli) -> Result<atv::DeviceConfig, CliError> {
    // With a name, pyatv scans without an identifier filter and matches the name only.
    let identifiers = if cli.device.name.is_some() {
        None
    } else {
        cli.device.id.as_ref()
    };
    let found = discovery::scan(cli.scan.request(identifiers)).await?;
    match device::select(found, cli.device.name.as_deref()) {
        Selection::One(device) => Ok(*device),
        Selection::Nothing => Err(CliError::NoDevice),
        Selection::Several(devices) => Err(CliError::SeveralDevices(devices)),
    }
}
