//! The start of an MRP session, in the order pyatv opens it: the device information
//! exchange (the device answers nothing before it), pair-verify and encryption when
//! there are credentials, the connection state, the subscription to updates, and the
//! keyboard session. Also the heartbeat that keeps the session alive afterwards.

use std::time::Duration;

use tokio::task::JoinHandle;

use atv_core::InfoSettings;
use atv_pairing::HapCredentials;

use crate::connection::{MrpConnection, WeakMrpConnection};
use crate::crypto_pairing::{AfterVerify, verify};
use crate::error::{MrpError, Result};
use crate::message_builders::{ClientDescription, MessageBuilder, UpdateSubscriptions};
use crate::protobuf::ProtocolMessage;

/// How often a heartbeat is sent (pyatv: 30 s).
pub const HEARTBEAT_INTERVAL: Duration = Duration::from_secs(30);
/// How many times a failed heartbeat is retried at once before the connection is
/// considered lost.
pub const HEARTBEAT_RETRIES: u32 = 1;

/// A random version 4 UUID in lower case: the pairing identifier pyatv presents when it
/// has no credentials.
pub(crate) fn random_pairing_id() -> String {
    crate::message_builders::random_uuid().to_lowercase()
}

/// What the client says about itself, with `pairing_id` as its identifier.
pub(crate) fn client_description(info: &InfoSettings, pairing_id: String) -> ClientDescription {
    ClientDescription {
        name: info.name.clone(),
        os_build: info.os_build.clone(),
        pairing_identifier: pairing_id,
    }
}

/// Sends the client's device information and returns the device's.
pub(crate) async fn exchange_device_info(
    connection: &MrpConnection,
    client: &ClientDescription,
) -> Result<ProtocolMessage> {
    let reply = connection
        .request(MessageBuilder::new().device_information(client, false))
        .await?;
    if reply.device_info_message.is_none() {
        return Err(MrpError::UnexpectedReply {
            request: "DeviceInfoMessage",
            detail: "the reply carries no device information".into(),
        });
    }
    Ok(reply)
}

/// Runs the start-up exchange. `on_device_info` gets the device's information as soon
/// as it arrives (before pair-verify).
pub(crate) async fn start(
    connection: &MrpConnection,
    info: &InfoSettings,
    credentials: Option<HapCredentials>,
    on_device_info: impl FnOnce(&ProtocolMessage),
) -> Result<()> {
    // With credentials, the client presents the identifier it paired under.
    let pairing_id = credentials.as_ref().map_or_else(random_pairing_id, |c| {
        String::from_utf8_lossy(&c.client_id).into_owned()
    });
    let device_info =
        exchange_device_info(connection, &client_description(info, pairing_id)).await?;
    on_device_info(&device_info);

    if let Some(credentials) = credentials {
        verify(
            connection,
            credentials,
            AfterVerify::Encrypt,
            MrpError::Authentication,
        )
        .await?;
    }

    let mut build = MessageBuilder::new();
    // The first message after encryption; the device does not answer it.
    connection.send(build.set_connection_state()).await?;
    connection
        .request(build.client_updates_config(UpdateSubscriptions::default()))
        .await?;
    connection.request(build.get_keyboard_session()).await?;
    Ok(())
}

/// Sends a heartbeat every `interval`; retries a failed one at once up to
/// [`HEARTBEAT_RETRIES`] times, then ends the connection as lost. Stops when the
/// connection ends. Holds the connection only while a heartbeat is in flight.
pub(crate) fn spawn_heartbeat(connection: WeakMrpConnection, interval: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut failures = 0;
        let mut count: u64 = 0;
        loop {
            if failures == 0 {
                tokio::select! {
                    () = tokio::time::sleep(interval) => {}
                    _ = connection.closed() => return,
                }
            }
            let Some(strong) = connection.upgrade() else {
                return;
            };
            match strong.request(MessageBuilder::new().heartbeat()).await {
                Ok(_) => {
                    tracing::trace!("heartbeat {count} answered");
                    failures = 0;
                }
                Err(MrpError::Closed | MrpError::ConnectionLost { .. }) => return,
                Err(error) => {
                    failures += 1;
                    tracing::debug!("heartbeat {count} failed: {error}");
                    if failures > HEARTBEAT_RETRIES {
                        strong
                            .fail(format!("no answer to {failures} heartbeats in a row"))
                            .await;
                        return;
                    }
                }
            }
            count += 1;
        }
    })
}
