//! Playing a URL (pyatv's `AirPlayPlayer` with AirPlay 1's `/play`): pair-verify, `POST
//! /play`, then poll `/playback-info` every second until the media has ended. The
//! connection must stay open while the device plays.

use std::time::Duration;

use plist::Value;
use rand::RngCore;

use atv_pairing::Credentials;

use crate::auth::{Verified, verify};
use crate::control_connection::{ControlConnection, DEFAULT_REQUEST_TIMEOUT};
use crate::error::{AirPlayError, Result};
use crate::plist_body::{BPLIST_CONTENT_TYPE, decode_dictionary, dictionary, encode_value};
use crate::wire::{Protocol, Request, Response};

/// Attempts of `/play` when the device answers 500.
pub const PLAY_RETRIES: u32 = 3;
/// Polls of `/playback-info` without a duration before playback counts as over.
pub const WAIT_RETRIES: i32 = 5;
/// Interval of `/playback-info` polls and `/play` retries.
pub const POLL_INTERVAL: Duration = Duration::from_secs(1);
/// The user agent of AirPlay 1 media requests.
const MEDIA_USER_AGENT: &str = "MediaControl/1.0";

/// Plays media on one control connection.
#[derive(Debug, Clone)]
pub struct Player {
    connection: ControlConnection,
    poll_interval: Duration,
}

impl Player {
    /// A player on `connection`.
    pub fn new(connection: ControlConnection) -> Self {
        Self {
            connection,
            poll_interval: POLL_INTERVAL,
        }
    }

    /// Changes the poll interval (tests shorten it).
    #[must_use]
    pub fn with_poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// Verifies `credentials`, asks the device to play `url` from `position` seconds and
    /// returns when playback has ended. With `encrypt` (AirPlay 2), a HAP pair-verify
    /// switches the connection to encryption first; AirPlay 1 stays plain.
    pub async fn play_url(
        &self,
        credentials: Option<&Credentials>,
        encrypt: bool,
        url: &str,
        position: f64,
    ) -> Result<()> {
        if let Verified::Secret(secret) = verify(&self.connection, credentials).await?
            && encrypt
        {
            let keys = secret.session_keys(atv_pairing::session_keys::AIRPLAY_CONTROL);
            self.connection.enable_encryption(keys).await?;
        }
        let mut retry = 0;
        loop {
            let response = self.play(url, position).await?;
            match response.status {
                500 if retry + 1 < PLAY_RETRIES => {
                    retry += 1;
                    tracing::debug!(retry, "device answered 500 to /play, retrying");
                    tokio::time::sleep(self.poll_interval).await;
                }
                500 => return Err(AirPlayError::Playback("max retries exceeded".into())),
                400..=599 => {
                    return Err(AirPlayError::Authentication(format!(
                        "/play answered {} {}",
                        response.status, response.reason
                    )));
                }
                _ => break,
            }
        }
        self.wait_for_end().await
    }

    async fn play(&self, url: &str, position: f64) -> Result<Response> {
        let body = dictionary([
            ("Content-Location", Value::String(url.to_owned())),
            ("Start-Position", Value::Real(position)),
            ("X-Apple-Session-ID", Value::String(random_uuid())),
        ]);
        let request = Request::new("POST", "/play", Protocol::Http11)
            .with_header("User-Agent", MEDIA_USER_AGENT)
            .with_body(BPLIST_CONTENT_TYPE, encode_value(&body));
        // Fetching a large file before answering can take the device a while.
        self.connection
            .request(request, DEFAULT_REQUEST_TIMEOUT * 3)
            .await
    }

    async fn wait_for_end(&self) -> Result<()> {
        let mut attempts = WAIT_RETRIES;
        loop {
            let request = Request::new("GET", "/playback-info", Protocol::Http11)
                .with_header("User-Agent", MEDIA_USER_AGENT);
            let response = match self
                .connection
                .request(request, DEFAULT_REQUEST_TIMEOUT)
                .await
            {
                Ok(response) => response,
                // The device drops the connection when playback is stopped on it.
                Err(AirPlayError::Closed { .. }) => return Ok(()),
                Err(error) => return Err(error),
            };
            if matches!(response.status, 401 | 403) {
                return Err(AirPlayError::Authentication(format!(
                    "/playback-info answered {}",
                    response.status
                )));
            }
            let info = if response.body.is_empty() {
                plist::Dictionary::new()
            } else {
                decode_dictionary(&response.body)?
            };
            if let Some(error) = info.get("error").and_then(Value::as_dictionary) {
                let code = error
                    .get("code")
                    .map_or_else(|| "unknown".to_owned(), value_text);
                let domain = error
                    .get("domain")
                    .map_or_else(|| "unknown domain".to_owned(), value_text);
                return Err(AirPlayError::Playback(format!(
                    "got error {code} ({domain}) when playing video"
                )));
            }
            if info.contains_key("duration") {
                attempts = -1;
            } else {
                if attempts < 0 {
                    return Ok(());
                }
                attempts -= 1;
                if attempts < 0 {
                    return Ok(());
                }
            }
            tokio::time::sleep(self.poll_interval).await;
        }
    }

    /// Seeks to `position` seconds (`POST /scrub?position=`).
    pub async fn scrub(&self, position: f64) -> Result<()> {
        self.simple_post(&format!("/scrub?position={position}"))
            .await
    }

    /// Sets the playback rate (`POST /rate?value=`; 0 pauses, 1 plays).
    pub async fn rate(&self, rate: f64) -> Result<()> {
        self.simple_post(&format!("/rate?value={rate}")).await
    }

    /// Stops playback (`POST /stop`).
    pub async fn stop(&self) -> Result<()> {
        self.simple_post("/stop").await
    }

    async fn simple_post(&self, uri: &str) -> Result<()> {
        let request = Request::new("POST", uri, Protocol::Http11)
            .with_header("User-Agent", MEDIA_USER_AGENT)
            .with_header("Content-Length", "0");
        let response = self
            .connection
            .request(request, DEFAULT_REQUEST_TIMEOUT)
            .await?;
        crate::rtsp_client::check_status(&format!("POST {uri}"), response).map(|_| ())
    }
}

fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Integer(i) => i.to_string(),
        other => format!("{other:?}"),
    }
}

/// A random (version 4) UUID in upper case.
pub(crate) fn random_uuid() -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
