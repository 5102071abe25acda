//! HAP pair-setup and pair-verify carried in CRYPTO_PAIRING messages: the TLV8 steps
//! come from atv-pairing's state machines, each sent as one request whose reply is the
//! next pairing message (replies carry no identifier, so they are matched by type).

use bytes::Bytes;

use atv_pairing::pair_setup::AwaitingPin;
use atv_pairing::{HapCredentials, PairSetupClient, PairVerifyClient, session_keys};

use crate::connection::MrpConnection;
use crate::connection::pending::ReplyHook;
use crate::connection::session_codec::client_cipher;
use crate::error::{MrpError, Result};
use crate::message_builders::MessageBuilder;
use crate::protobuf::ProtocolMessage;

/// The TLV8 data of a CRYPTO_PAIRING reply.
fn pairing_data(reply: &ProtocolMessage, request: &'static str) -> Result<Bytes> {
    reply
        .crypto_pairing_message
        .as_ref()
        .and_then(|m| m.pairing_data.clone())
        .ok_or_else(|| MrpError::UnexpectedReply {
            request,
            detail: "the reply carries no pairing data".into(),
        })
}

/// Sends one pairing step and returns the device's answer.
async fn step(
    connection: &MrpConnection,
    tlv: Vec<u8>,
    is_pairing: bool,
    request: &'static str,
) -> Result<Bytes> {
    let message = MessageBuilder::new().crypto_pairing(Bytes::from(tlv), is_pairing);
    let reply = connection.request_by_type(message).await?;
    pairing_data(&reply, request)
}

/// What to do once pair-verify succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AfterVerify {
    /// Encrypt the connection with the session keys (connecting).
    Encrypt,
    /// Nothing: the check that fresh credentials work (pairing).
    CheckOnly,
}

/// Runs pair-verify with `credentials`; with [`AfterVerify::Encrypt`] the connection is
/// encrypted from the device's last pair-verify message on. `wrap` turns pairing errors
/// into the caller's kind (authentication while connecting, pairing while pairing).
pub(crate) async fn verify(
    connection: &MrpConnection,
    credentials: HapCredentials,
    after: AfterVerify,
    wrap: fn(atv_pairing::Error) -> MrpError,
) -> Result<()> {
    let (client, m1) = PairVerifyClient::new(credentials).start();
    let m2 = step(connection, m1, false, "pair-verify M1").await?;
    let (awaiting_m4, m3) = client.handle_m2(&m2).map_err(wrap)?;
    let message = MessageBuilder::new().crypto_pairing(Bytes::from(m3), false);
    match after {
        AfterVerify::Encrypt => {
            // Runs in the connection task: the device encrypts everything after M4, so
            // the keys must be in place before the next frame is decoded.
            let hook: ReplyHook = Box::new(move |reply| {
                let m4 = pairing_data(reply, "pair-verify M3")?;
                let secret = awaiting_m4.handle_m4(&m4).map_err(wrap)?;
                Ok(Some(client_cipher(&secret.session_keys(session_keys::MRP))))
            });
            connection.request_by_type_with_hook(message, hook).await?;
        }
        AfterVerify::CheckOnly => {
            let reply = connection.request_by_type(message).await?;
            awaiting_m4
                .handle_m4(&pairing_data(&reply, "pair-verify M3")?)
                .map_err(wrap)?;
        }
    }
    Ok(())
}

/// Starts pair-setup: sends M1 and reads M2; the device now shows a PIN.
pub(crate) async fn setup_begin(
    connection: &MrpConnection,
    client: PairSetupClient,
) -> Result<AwaitingPin> {
    let (awaiting_m2, m1) = client.start();
    let m2 = step(connection, m1, true, "pair-setup M1").await?;
    awaiting_m2.handle_m2(&m2).map_err(MrpError::Pairing)
}

/// Finishes pair-setup with the PIN (M3 to M6) and returns the new credentials.
pub(crate) async fn setup_finish(
    connection: &MrpConnection,
    awaiting_pin: AwaitingPin,
    pin: &str,
) -> Result<HapCredentials> {
    let (awaiting_m4, m3) = awaiting_pin.submit_pin(pin).map_err(MrpError::Pairing)?;
    let m4 = step(connection, m3, false, "pair-setup M3").await?;
    let (awaiting_m6, m5) = awaiting_m4.handle_m4(&m4).map_err(MrpError::Pairing)?;
    let m6 = step(connection, m5, false, "pair-setup M5").await?;
    let paired = awaiting_m6.handle_m6(&m6).map_err(MrpError::Pairing)?;
    Ok(paired.credentials)
}
