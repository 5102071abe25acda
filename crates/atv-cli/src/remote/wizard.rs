//! `atvremote wizard`: pick a scanned device, give passwords, pair every protocol that
//! needs it, then connect and show what plays (pyatv's wizard, same prompts).

use std::sync::Arc;

use atv::core::Storage;
use atv::{ConnectOptions, DeviceConfig, PairOptions, PairingRequirement, Service};

use super::cli::RemoteCli;
use super::table::format_table;
use crate::console;
use crate::discovery;
use crate::error::CliError;
use crate::settings_storage;

/// Runs the wizard; the storage keeps what pairing produced.
pub(crate) async fn run(cli: &RemoteCli, storage: &Arc<dyn Storage>) -> Result<(), CliError> {
    console::out("Looking for devices...\n");
    let mut found = discovery::scan(cli.scan.request(None)).await?;
    settings_storage::apply_stored(storage.as_ref(), &mut found).await?;
    if found.is_empty() {
        console::out("No devices found!\n");
        return Err(CliError::AlreadyReported);
    }
    let rows: Vec<Vec<String>> = found
        .iter()
        .enumerate()
        .map(|(index, device)| {
            vec![
                (index + 1).to_string(),
                device.name.clone(),
                device.device_info.model_str().to_owned(),
                device.address.to_string(),
            ]
        })
        .collect();
    console::out("Found the following devices:\n");
    console::out(&format_table(
        &["", "Name", "Model", "Address"],
        &rows,
        &[0],
    ));

    let index = loop {
        console::out("Enter index of device to set up (q to quit): ");
        let Some(line) = console::read_line().await else {
            // End of input: nothing more can be chosen.
            return Err(CliError::AlreadyReported);
        };
        let text = line.trim();
        if text == "q" {
            return Ok(());
        }
        match text.parse::<usize>() {
            Ok(n) if (1..=found.len()).contains(&n) => break n - 1,
            _ => console::err(&format!("Not a valid device: {text}\n")),
        }
    };
    let mut device = found.swap_remove(index);
    console::out(&format!("Starting to set up {}\n", device.name));

    let protocols: Vec<atv::Protocol> = device.services().iter().map(|s| s.protocol).collect();
    for protocol in protocols {
        ask_password(&mut device, protocol).await;
        pair_service(cli, &mut device, protocol, storage).await?;
    }

    console::out("Pairing finished, trying to connect and get some metadata...\n");
    let options = ConnectOptions::default().storage(Arc::clone(storage));
    let atv = match atv::connect(&device, options).await {
        Ok(atv) => atv,
        Err(error) => {
            tracing::error!(target: super::LOG_TARGET, "Connect failed: {error}");
            console::out("Something failed when connecting, error is printed above.\n");
            return Err(CliError::AlreadyReported);
        }
    };
    console::out("Currently playing:\n");
    let playing = atv.metadata().playing().await;
    atv.close().await;
    match playing {
        Ok(playing) => console::out(&format!("{playing}\n")),
        Err(error) => {
            return Err(CliError::Command {
                command: "wizard".into(),
                source: error,
            });
        }
    }
    console::out("Device is now set up!\n");
    Ok(())
}

fn service_mut(device: &mut DeviceConfig, protocol: atv::Protocol) -> Option<&mut Service> {
    device.services_mut().find(|s| s.protocol == protocol)
}

/// Asks for the password of a service that needs one; clears it otherwise.
async fn ask_password(device: &mut DeviceConfig, protocol: atv::Protocol) {
    let Some(service) = service_mut(device, protocol) else {
        return;
    };
    if !service.requires_password {
        service.password = None;
        return;
    }
    console::out(&format!("Please enter password for Protocol.{protocol}: "));
    let line = console::read_line().await.unwrap_or_default();
    if let Some(service) = service_mut(device, protocol) {
        service.password = Some(line.trim().to_owned());
    }
}

/// Pairs one service when it needs it and has no credentials yet.
async fn pair_service(
    cli: &RemoteCli,
    device: &mut DeviceConfig,
    protocol: atv::Protocol,
    storage: &Arc<dyn Storage>,
) -> Result<(), CliError> {
    let Some(service) = service_mut(device, protocol) else {
        return Ok(());
    };
    match service.pairing {
        PairingRequirement::Unsupported => {
            console::out(&format!("Ignoring {protocol} as it is not supported\n"));
            return Ok(());
        }
        PairingRequirement::Disabled => {
            console::out(&format!(
                "\nProtocol {protocol} is disabled on the device: allow pairing in its \
                 settings (see pyatv's troubleshooting page on disabled pairing).\n\n\
                 This protocol is skipped for now; run the wizard again later to pair it.\n\n\
                 Press ENTER to continue\n\n"
            ));
            service.credentials = None;
            console::read_line().await;
            return Ok(());
        }
        PairingRequirement::NotNeeded => {
            console::out(&format!(
                "Ignoring {protocol} since pairing is not needed\n"
            ));
            service.credentials = None;
            return Ok(());
        }
        _ => {}
    }
    if service
        .credentials
        .as_deref()
        .is_some_and(|c| !c.is_empty())
    {
        console::out(&format!(
            "Credentials already exists for {protocol} => pairing not needed\n"
        ));
        return Ok(());
    }
    console::out(&format!("Starting to pair Protocol.{protocol}\n"));
    let options = PairOptions::default().storage(Arc::clone(storage));
    let mut pairing = atv::pair(device, protocol, options)
        .await
        .map_err(CliError::Pairing)?;
    let result = async {
        pairing.begin().await?;
        if pairing.device_provides_pin() {
            console::out("Enter PIN on screen: ");
            let line = console::read_line().await.unwrap_or_default();
            let pin = line.trim().parse::<u32>().map_err(|_| {
                atv::Error::InvalidConfig(format!("{:?} is not a PIN (digits)", line.trim()))
            })?;
            pairing.pin(pin);
        } else {
            pairing.pin(1234);
            console::out(&format!(
                "Use pin 1234 to pair with \"{}\" (press ENTER when you are done)\n",
                cli.pairing.remote_name
            ));
            console::read_line().await;
        }
        pairing.finish().await
    }
    .await;
    let paired = result.is_ok() && pairing.has_paired();
    let credentials = pairing.service().credentials.clone();
    let _ = pairing.close().await;
    result.map_err(CliError::Pairing)?;
    if paired {
        if let Some(service) = service_mut(device, protocol) {
            service.credentials = credentials;
        }
        console::out(&format!(
            "Successfully paired Protocol.{protocol}, moving on...\n"
        ));
    } else {
        console::out("Pairing did not succeed. Press ENTER to continue.\n");
        console::read_line().await;
    }
    Ok(())
}
