//! `atvscript`: the same operations as atvremote for use from scripts, with one JSON
//! object per line on stdout (pyatv's format, so scripts written for pyatv keep working).
//!
//! As in pyatv, problems after the command line was read (device not found, scan or
//! connection errors) are reported as a `"result": "failure"` object with exit code 0.
//! atv adds `--manual --address --port` (with `--protocol` and `--id`) to skip the scan.

mod cli;
pub mod device;
pub mod output;
pub mod scan;

use std::collections::BTreeSet;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use atv::core::Storage;
use clap::Parser;

use crate::args::{CredentialArgs, report_parse_error};
use crate::console;
use crate::discovery::{self, ScanRequest};
use crate::error::CliError;
use crate::logging::{self, LogLevel};
use crate::py_json::PyValue;
use crate::remote::remote_control_commands;
use crate::settings_storage;
use crate::timestamp::now_isoformat;
use cli::ScriptCli;
use output::{Exception, output};

/// Exit code for command-line errors (pyatv's atvscript exits with 2 for them).
const USAGE_ERROR: u8 = 2;

/// How long atvscript scans (pyatv's default scan timeout; atvscript has no flag for it).
const SCAN_TIMEOUT: Duration = Duration::from_secs(5);

/// Runs atvscript with the process arguments and returns its exit code.
pub fn main() -> ExitCode {
    let cli = match ScriptCli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return report_parse_error(&error, USAGE_ERROR),
    };
    logging::init(LogLevel {
        debug: cli.debug,
        ..LogLevel::default()
    });
    tracing::debug!(target: "atvscript", "Running with atv {}", env!("CARGO_PKG_VERSION"));

    let (value, code) = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(handle_command(&cli)),
        Err(error) => (exception_output(&error), ExitCode::SUCCESS),
    };
    // Null: the command printed its result itself.
    if value != PyValue::Null {
        console::out(&format!("{}\n", value.dumps()));
    }
    code
}

/// A failure object for an error.
fn exception_output(error: &(dyn std::error::Error + 'static)) -> PyValue {
    output(
        false,
        &now_isoformat(),
        None,
        Some(&Exception::from_error(error)),
        Vec::new(),
    )
}

/// A failure object with an error code.
fn error_output(error: &str, values: Vec<(String, PyValue)>) -> PyValue {
    output(false, &now_isoformat(), Some(error), None, values)
}

/// Runs the command and gives the object to print and the exit code.
async fn handle_command(cli: &ScriptCli) -> (PyValue, ExitCode) {
    if cli.command == "scan" {
        // Scanning changes no settings: the storage file is left alone.
        let unused: Arc<dyn Storage> = Arc::new(atv::storage::MemoryStorage::new());
        return handle_with_storage(cli, &unused).await;
    }
    let storage = match settings_storage::open(&cli.storage).await {
        Ok(storage) => storage,
        Err(error) => return (exception_output(&error), ExitCode::SUCCESS),
    };
    let result = handle_with_storage(cli, &storage).await;
    if let Err(error) = storage.save().await {
        return (exception_output(&error), ExitCode::SUCCESS);
    }
    result
}

/// Runs the command with the settings storage open.
async fn handle_with_storage(cli: &ScriptCli, storage: &Arc<dyn Storage>) -> (PyValue, ExitCode) {
    let hosts = cli
        .scan_hosts
        .as_ref()
        .map(|h| h.0.clone())
        .unwrap_or_default();
    if cli.command == "scan" {
        let request = ScanRequest {
            timeout: SCAN_TIMEOUT,
            hosts,
            ..ScanRequest::default()
        };
        let value = match discovery::scan(request).await {
            Ok(devices) => scan::scan_result(&devices, &now_isoformat()),
            Err(error) => exception_output(&error),
        };
        return (value, ExitCode::SUCCESS);
    }

    if cli.manual {
        let mut device = match manual_device(cli) {
            Ok(device) => device,
            Err(error) => return (exception_output(&error), ExitCode::SUCCESS),
        };
        fill_missing_credentials(&mut device, &cli.credentials);
        return run_device_command(&device, &cli.command, storage, None).await;
    }
    let request = ScanRequest {
        timeout: SCAN_TIMEOUT,
        hosts,
        protocols: cli.protocol.map(|p| BTreeSet::from([p])),
        identifiers: cli
            .id
            .as_ref()
            .filter(|id| !id.is_empty())
            .map(|id| BTreeSet::from([id.clone()])),
    };
    // To find the device again when push_updates loses the connection.
    let rediscover = match discovery::scan_options(request.clone()) {
        Ok(options) => options,
        Err(error) => return (exception_output(&error), ExitCode::SUCCESS),
    };
    let mut found = match discovery::scan(request).await {
        Ok(found) => found,
        Err(error) => return (exception_output(&error), ExitCode::SUCCESS),
    };
    if let Err(error) = settings_storage::apply_stored(storage.as_ref(), &mut found).await {
        return (exception_output(&error), ExitCode::SUCCESS);
    }
    if found.is_empty() {
        return (
            error_output("device_not_found", Vec::new()),
            ExitCode::SUCCESS,
        );
    }
    // Like pyatv, the first device found is used.
    let mut device = found.swap_remove(0);
    fill_missing_credentials(&mut device, &cli.credentials);
    run_device_command(&device, &cli.command, storage, Some(rediscover)).await
}

/// Gives services without credentials those from the command line (credentials
/// already known for a service win, as in pyatv's atvscript).
fn fill_missing_credentials(device: &mut atv::DeviceConfig, credentials: &CredentialArgs) {
    for service in device.services_mut() {
        if service.credentials.is_none() {
            service.credentials = credentials.get(service.protocol).map(str::to_owned);
        }
    }
}

/// The device `--manual --address --port --protocol --id` describe (atv's addition:
/// pyatv's atvscript always scans).
fn manual_device(cli: &ScriptCli) -> Result<atv::DeviceConfig, CliError> {
    let (Some(address), Some(protocol), Some(port)) = (cli.address, cli.protocol, cli.port) else {
        return Err(CliError::ManualIncomplete);
    };
    let service = atv::Service::new(cli.id.clone(), protocol, port, atv::Properties::new());
    let mut device = atv::DeviceConfig::new(address.into(), address.to_string());
    device.add_service(service);
    Ok(device)
}

/// Runs a device command: `playing`, `push_updates` or a remote-control button; others
/// report `unsupported_command` as pyatv does.
async fn run_device_command(
    device: &atv::DeviceConfig,
    command: &str,
    storage: &Arc<dyn Storage>,
    rediscover: Option<atv::ScanOptions>,
) -> (PyValue, ExitCode) {
    tracing::debug!(
        target: "atvscript",
        "device {} at {} selected for {command}",
        device.name,
        device.address
    );
    if command == "playing"
        || command == "push_updates"
        || remote_control_commands().contains(&command)
    {
        let value = device::run(device, command, Arc::clone(storage), rediscover).await;
        return (value, ExitCode::SUCCESS);
    }
    (
        error_output("unsupported_command", Vec::new()),
        ExitCode::SUCCESS,
    )
}
