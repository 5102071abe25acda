//! HAP pair-setup and pair-verify carried in Companion's pairing frames.
//!
//! Pair-setup: M1 in `PS_Start`, M3 and M5 in `PS_Next`, each dictionary with `_pd`
//! (the TLV8) and `_pwTy` 1; the device answers in `PS_Next`. M5 carries our name as
//! OPACK (`{"name": ...}`) in the Name item. Pair-verify: M1 in `PV_Start` with `_auTy`
//! 4, M3 in `PV_Next`; after M4 both sides encrypt with keys from the shared secret
//! (empty salt, `ClientEncrypt-main` / `ServerEncrypt-main`).

use atv_pairing::pair_setup::AwaitingPin;
use atv_pairing::session_keys::COMPANION;
use atv_pairing::{HapCredentials, PairSetupClient, PairVerifyClient, Tag};

use crate::connection::{CompanionConnection, client_cipher};
use crate::error::{CompanionError, Result};
use crate::frame::FrameType;
use crate::message::{dict, pairing_data};
use crate::opack::{self, Value};

/// `_pwTy` of pair-setup messages.
const PASSWORD_TYPE: (&str, i64) = ("_pwTy", 1);
/// `_auTy` of pair-verify M1.
const AUTH_TYPE: (&str, i64) = ("_auTy", 4);

fn tlv_of(body: &Value, step: &'static str) -> Result<Vec<u8>> {
    pairing_data(body)
        .map(<[u8]>::to_vec)
        .ok_or_else(|| CompanionError::UnexpectedResponse {
            request: step.into(),
            detail: "no pairing data (_pd) in the response".into(),
        })
}

/// Sends M1 and reads M2: the device now shows a PIN.
pub(crate) async fn setup_begin(
    connection: &CompanionConnection,
    client: PairSetupClient,
) -> Result<AwaitingPin> {
    let (client, m1) = client.start();
    let m2 = connection
        .exchange_auth(FrameType::PsStart, m1, &[PASSWORD_TYPE], None)
        .await?;
    client
        .handle_m2(&tlv_of(&m2, "pair-setup M1")?)
        .map_err(CompanionError::Pairing)
}

/// The M5 Name item: our name as OPACK.
pub(crate) fn name_item(name: &str) -> Vec<u8> {
    opack::encode(&dict([("name", Value::from(name))]))
}

/// Sends M3 (PIN proof) and M5 (our identity) and returns the new credentials.
pub(crate) async fn setup_finish(
    connection: &CompanionConnection,
    awaiting_pin: AwaitingPin,
    pin: &str,
) -> Result<HapCredentials> {
    let (client, m3) = awaiting_pin
        .submit_pin(pin)
        .map_err(CompanionError::Pairing)?;
    let m4 = connection
        .exchange_auth(FrameType::PsNext, m3, &[PASSWORD_TYPE], None)
        .await?;
    let (client, m5) = client
        .handle_m4(&tlv_of(&m4, "pair-setup M3")?)
        .map_err(CompanionError::Pairing)?;
    let m6 = connection
        .exchange_auth(FrameType::PsNext, m5, &[PASSWORD_TYPE], None)
        .await?;
    let paired = client
        .handle_m6(&tlv_of(&m6, "pair-setup M5")?)
        .map_err(CompanionError::Pairing)?;
    Ok(paired.credentials)
}

/// A new pair-setup client that sends `name` in M5.
pub(crate) fn setup_client(name: &str) -> PairSetupClient {
    PairSetupClient::new().with_m5_item(Tag::NAME, name_item(name))
}

/// Pair-verify with `credentials`; encryption is on when this returns `Ok`.
pub(crate) async fn verify(
    connection: &CompanionConnection,
    credentials: HapCredentials,
) -> Result<()> {
    let (client, m1) = PairVerifyClient::new(credentials).start();
    let m2 = connection
        .exchange_auth(FrameType::PvStart, m1, &[AUTH_TYPE], None)
        .await?;
    let (client, m3) = client
        .handle_m2(&tlv_of(&m2, "pair-verify M1")?)
        .map_err(CompanionError::Authentication)?;
    let hook = Box::new(move |m4: &Value| {
        let tlv = tlv_of(m4, "pair-verify M3")?;
        let secret = client
            .handle_m4(&tlv)
            .map_err(CompanionError::Authentication)?;
        Ok(Some(client_cipher(&secret.session_keys(COMPANION))))
    });
    connection
        .exchange_auth(FrameType::PvNext, m3, &[], Some(hook))
        .await?;
    Ok(())
}
