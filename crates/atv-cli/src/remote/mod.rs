//! `atvremote`: scan for devices, pair with them and control them from the command line.
//!
//! A command is either global (`scan`, `pair`, `wizard`, `help`, `commands`: no device
//! needed) or a device command, run on the one device that `--id`/`--name` (or
//! `--manual`) picks: `session` connects and runs them in order, `commands` runs one.
//! Settings come from the storage `--storage`/`--storage-filename` name, which is
//! saved when the tool ends; credentials given on the command line win over stored
//! ones for the scanned device (connecting applies the stored ones again, as pyatv does).

mod catalogue;
mod cli;
mod commands;
mod descriptions;
mod device;
mod interaction_commands;
mod listeners;
mod pair;
pub mod scan;
mod session;
mod settings_commands;
mod table;
mod wizard;

pub(crate) use catalogue::remote_control_commands;

use std::process::ExitCode;
use std::sync::Arc;

use atv::core::Storage;

use clap::{CommandFactory, Parser};

use crate::args::report_parse_error;
use crate::console;
use crate::discovery;
use crate::error::CliError;
use crate::logging;
use crate::settings_storage;
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
    if !matches!(error, CliError::AlreadyReported) {
        tracing::error!(target: LOG_TARGET, "{error}");
    }
    if let CliError::SeveralDevices(devices) = error {
        console::err(&scan::format_scan_results(devices));
    }
    ExitCode::FAILURE
}

/// Dispatches the first command: global commands run alone, device commands run in
/// order on the selected device. The storage is saved at the end whatever happened
/// (except after `scan`, `commands` and `help`, which change nothing in it).
async fn run(cli: &RemoteCli) -> Result<(), CliError> {
    let first = cli.command.first().map(String::as_str).unwrap_or_default();
    // Commands that change no settings leave the storage file alone.
    if matches!(first, "scan" | "commands" | "help") {
        let unused: Arc<dyn Storage> = Arc::new(atv::storage::MemoryStorage::new());
        return dispatch(cli, &unused).await;
    }
    let storage = settings_storage::open(&cli.storage).await?;
    let result = dispatch(cli, &storage).await;
    let saved = storage.save().await.map_err(CliError::Storage);
    result.and(saved)
}

async fn dispatch(cli: &RemoteCli, storage: &Arc<dyn Storage>) -> Result<(), CliError> {
    let first = cli.command.first().map(String::as_str).unwrap_or_default();
    if catalogue::is_global(first) {
        return match first {
            "scan" => scan::run(cli).await,
            "pair" => {
                if cli.device.protocol.is_none() {
                    return Err(CliError::NoProtocol);
                }
                let device = find_device(cli, storage).await?;
                pair::run(cli, device, Arc::clone(storage)).await
            }
            "commands" => {
                console::out(&catalogue::format_commands());
                Ok(())
            }
            "help" => catalogue::help(&cli.command),
            "wizard" => wizard::run(cli, storage).await,
            other => Err(CliError::UnknownCommand(other.to_owned())),
        };
    }
    // Unknown names are reported before connecting (pyatv connects first; same message).
    for command in &cli.command {
        let (name, _) = catalogue::split_command(command);
        if catalogue::device_command_group(name).is_none()
            && !(name == "all" && first == "features")
        {
            return Err(CliError::UnknownCommand(name.to_owned()));
        }
    }
    let mut device = find_device(cli, storage).await?;
    device::apply_secrets(&mut device, &cli.credentials, &cli.passwords);
    tracing::info!(
        target: LOG_TARGET,
        "Auto-discovered {} at {}",
        device.name,
        device.address
    );
    // A scanned device is found again by scanning when the connection is lost; a
    // manual one is reconnected at the same address.
    let rediscover = (!cli.manual.manual).then(|| cli.scan.request(None));
    session::run(cli, &device, storage, rediscover).await
}

/// The device the options pick: from `--manual` options, or scanned for (with what
/// the storage knows about it applied).
async fn find_device(
    cli: &RemoteCli,
    storage: &Arc<dyn Storage>,
) -> Result<atv::DeviceConfig, CliError> {
    if cli.manual.manual {
        return device::manual_device(cli);
    }
    autodiscover(cli, storage.as_ref()).await
}

/// Scans for the device `--id`/`--name` point at; several matches are listed on stderr.
async fn autodiscover(
    cli: &RemoteCli,
    storage: &dyn Storage,
) -> Result<atv::DeviceConfig, CliError> {
    // With a name, pyatv scans without an identifier filter and matches the name only.
    let identifiers = if cli.device.name.is_some() {
        None
    } else {
        cli.device.id.as_ref()
    };
    let mut found = discovery::scan(cli.scan.request(identifiers)).await?;
    settings_storage::apply_stored(storage, &mut found).await?;
    match device::select(found, cli.device.name.as_deref()) {
        Selection::One(device) => Ok(*device),
        Selection::Nothing => Err(CliError::NoDevice),
        Selection::Several(devices) => Err(CliError::SeveralDevices(devices)),
    }
}
