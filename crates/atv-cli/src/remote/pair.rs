//! `atvremote pair`: pair with one protocol of a device and keep the credentials.

use std::sync::Arc;

use atv::core::Storage;
use atv::core::interface::PairingHandler;
use atv::{DeviceConfig, PairOptions};

use super::cli::RemoteCli;
use crate::console;
use crate::error::CliError;

/// Runs `pair` on `device` with `--protocol`; the credentials go into `storage`.
pub(crate) async fn run(
    cli: &RemoteCli,
    mut device: DeviceConfig,
    storage: Arc<dyn Storage>,
) -> Result<(), CliError> {
    let protocol = cli.device.protocol.ok_or(CliError::NoProtocol)?;
    // As pyatv does, the command line decides every protocol's credentials here.
    for service in device.services_mut() {
        service.credentials = cli
            .credentials
            .get(service.protocol)
            .filter(|c| !c.is_empty())
            .map(str::to_owned);
    }
    let options = PairOptions::default().storage(storage);
    let mut pairing = atv::pair(&device, protocol, options)
        .await
        .map_err(CliError::Pairing)?;
    let result = perform(cli, pairing.as_mut()).await;
    let closed = pairing.close().await;
    result?;
    closed.map_err(CliError::Pairing)
}

/// Begins, gets the PIN (from the user when the device shows one), finishes and
/// reports the outcome as pyatv does.
async fn perform(cli: &RemoteCli, pairing: &mut dyn PairingHandler) -> Result<(), CliError> {
    pairing.begin().await.map_err(CliError::Pairing)?;
    if pairing.device_provides_pin() {
        console::out("Enter PIN on screen: ");
        let line = console::read_line().await.unwrap_or_default();
        let text = line.trim();
        let pin = text
            .parse::<u32>()
            .map_err(|_| CliError::InvalidCommandArgument {
                command: "pair".into(),
                value: text.to_owned(),
                expected: "the PIN shown on screen (digits)",
            })?;
        pairing.pin(pin);
    } else {
        let name = &cli.pairing.remote_name;
        match cli.pairing.pin.0 {
            Some(pin) => {
                pairing.pin(u32::from(pin));
                console::out(&format!(
                    "Use pin {pin} to pair with \"{name}\" (press ENTER to stop)\n"
                ));
            }
            None => console::out(&format!(
                "Use any pin to pair with \"{name}\" (press ENTER to stop)\n"
            )),
        }
        console::read_line().await;
    }
    pairing.finish().await.map_err(CliError::Pairing)?;
    if pairing.has_paired() {
        console::out("Pairing seems to have succeeded, yey!\n");
        console::out(&format!(
            "You may now use these credentials: {}\n",
            pairing.service().credentials.as_deref().unwrap_or("None")
        ));
        Ok(())
    } else {
        console::out("Pairing failed!\n");
        Ok(())
    }
}
