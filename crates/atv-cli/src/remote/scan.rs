//! `atvremote scan`: find devices and print each one as pyatv prints it.

use std::fmt::Write as _;

use atv::DeviceConfig;

use super::cli::RemoteCli;
use crate::error::CliError;
use crate::{console, discovery};

/// The text `atvremote scan` prints for `devices`: a "Scan Results" header, a line of
/// 40 `=`, then each device's summary (see [`DeviceConfig`]'s `Display`) followed by an
/// empty line.
pub fn format_scan_results(devices: &[DeviceConfig]) -> String {
    let mut out = String::from("Scan Results\n");
    out.push_str(&"=".repeat(40));
    out.push('\n');
    for device in devices {
        let _ = write!(out, "{device}\n\n");
    }
    out
}

/// Runs `scan`: filters on `--id` and `--scan-protocols`; `--name` plays no part, as in
/// pyatv.
pub(crate) async fn run(cli: &RemoteCli) -> Result<(), CliError> {
    let request = cli.scan.request(cli.device.id.as_ref());
    let devices = discovery::scan(request).await?;
    console::out(&format_scan_results(&devices));
    Ok(())
}
