//! Authentication on the control connection: pair-verify with stored credentials (HAP,
//! transient, legacy) and the HTTP requests pair-setup uses.

use bytes::Bytes;

use atv_pairing::legacy::LegacyVerifyClient;
use atv_pairing::{Credentials, HapCredentials, PairVerifyClient, SharedSecret, TransientClient};

use crate::control_connection::{ControlConnection, DEFAULT_REQUEST_TIMEOUT};
use crate::error::{AirPlayError, Result};
use crate::rtsp_client::check_status;
use crate::wire::{Protocol, Request, Response};

/// User agent of pairing requests.
const PAIRING_USER_AGENT: &str = "AirPlay/320.20";
/// `X-Apple-HKP` of HomeKit pairing.
pub(crate) const HKP_HAP: &str = "3";
/// `X-Apple-HKP` of transient pairing.
pub(crate) const HKP_TRANSIENT: &str = "4";

/// What pair-verify gave: a shared secret when the session can be encrypted.
#[derive(Debug)]
pub enum Verified {
    /// No credentials: nothing was verified.
    Nothing,
    /// Legacy pair-verify passed; legacy sessions are not encrypted.
    Legacy,
    /// HAP or transient pair-verify passed; keys derive from the secret.
    Secret(SharedSecret),
}

/// A pairing `POST` (HTTP/1.1) with the headers pairing requests carry; `hkp` adds
/// `X-Apple-HKP`.
pub(crate) async fn pairing_post(
    connection: &ControlConnection,
    uri: &str,
    hkp: Option<&str>,
    content_type: &str,
    body: impl Into<Bytes>,
) -> Result<Response> {
    let mut request = Request::new("POST", uri, Protocol::Http11)
        .with_header("User-Agent", PAIRING_USER_AGENT)
        .with_header("Connection", "keep-alive");
    if let Some(hkp) = hkp {
        request = request.with_header("X-Apple-HKP", hkp);
    }
    let body = body.into();
    request = if body.is_empty() {
        request.with_header("Content-Type", content_type)
    } else {
        request.with_body(content_type, body)
    };
    let response = connection.request(request, DEFAULT_REQUEST_TIMEOUT).await?;
    check_status(&format!("POST {uri}"), response)
}

/// Parses a credentials string (`None` or empty: no credentials).
pub fn parse_credentials(text: Option<&str>) -> Result<Option<Credentials>> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => text
            .parse()
            .map(Some)
            .map_err(|e: atv_pairing::Error| AirPlayError::InvalidCredentials(e.to_string())),
    }
}

/// Runs pair-verify with `credentials` on `connection`.
pub async fn verify(
    connection: &ControlConnection,
    credentials: Option<&Credentials>,
) -> Result<Verified> {
    match credentials {
        None => Ok(Verified::Nothing),
        Some(Credentials::Hap(hap)) => verify_hap(connection, hap.clone())
            .await
            .map(Verified::Secret),
        Some(Credentials::Transient) => verify_transient(connection).await.map(Verified::Secret),
        Some(Credentials::Legacy(legacy)) => {
            let (client, m1) = LegacyVerifyClient::new(legacy).start();
            let reply = pairing_post(connection, "/pair-verify", None, OCTET_STREAM, m1).await?;
            let m2 = client
                .handle_reply(&reply.body, None)
                .map_err(|e| AirPlayError::Authentication(e.to_string()))?;
            pairing_post(connection, "/pair-verify", None, OCTET_STREAM, m2).await?;
            Ok(Verified::Legacy)
        }
    }
}

pub(crate) const OCTET_STREAM: &str = "application/octet-stream";

async fn verify_hap(
    connection: &ControlConnection,
    credentials: HapCredentials,
) -> Result<SharedSecret> {
    let auth = |e: atv_pairing::Error| AirPlayError::Authentication(e.to_string());
    let (client, m1) = PairVerifyClient::new(credentials).start();
    let m2 = pairing_post(connection, "/pair-verify", Some(HKP_HAP), OCTET_STREAM, m1).await?;
    let (client, m3) = client.handle_m2(&m2.body).map_err(auth)?;
    let m4 = pairing_post(connection, "/pair-verify", Some(HKP_HAP), OCTET_STREAM, m3).await?;
    client.handle_m4(&m4.body).map_err(auth)
}

async fn verify_transient(connection: &ControlConnection) -> Result<SharedSecret> {
    let auth = |e: atv_pairing::Error| AirPlayError::Authentication(e.to_string());
    pairing_post(
        connection,
        "/pair-pin-start",
        Some(HKP_TRANSIENT),
        OCTET_STREAM,
        Bytes::new(),
    )
    .await?;
    let (client, m1) = TransientClient::new().start();
    let m2 = pairing_post(
        connection,
        "/pair-setup",
        Some(HKP_TRANSIENT),
        OCTET_STREAM,
        m1,
    )
    .await?;
    let (client, m3) = client.handle_m2(&m2.body).map_err(auth)?;
    let m4 = pairing_post(
        connection,
        "/pair-setup",
        Some(HKP_TRANSIENT),
        OCTET_STREAM,
        m3,
    )
    .await?;
    client.handle_m4(&m4.body).map_err(auth)
}
