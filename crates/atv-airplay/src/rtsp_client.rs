//! RTSP requests on the control connection (AirPlay 2 sessions): `CSeq` numbering, the
//! DACP headers every request carries, binary-plist bodies.

use std::sync::atomic::{AtomicU32, Ordering};

use bytes::Bytes;
use rand::Rng;

use crate::control_connection::{ControlConnection, DEFAULT_REQUEST_TIMEOUT};
use crate::error::{AirPlayError, Result};
use crate::plist_body::{BPLIST_CONTENT_TYPE, decode_dictionary, encode_value};
use crate::wire::{Protocol, Request, Response};

/// The user agent AirPlay 2 requests carry.
pub(crate) const USER_AGENT: &str = "AirPlay/550.10";

/// An RTSP session on a control connection.
#[derive(Debug)]
pub struct RtspClient {
    connection: ControlConnection,
    cseq: AtomicU32,
    session_id: u32,
    dacp_id: String,
    active_remote: u32,
}

impl RtspClient {
    /// A session on `connection`, with random session and DACP identifiers.
    pub fn new(connection: ControlConnection) -> Self {
        let mut rng = rand::thread_rng();
        Self {
            connection,
            cseq: AtomicU32::new(0),
            session_id: rng.r#gen(),
            dacp_id: format!("{:X}", rng.r#gen::<u64>()),
            active_remote: rng.r#gen(),
        }
    }

    /// The connection below.
    pub fn connection(&self) -> &ControlConnection {
        &self.connection
    }

    /// The session URI (`rtsp://<our address>/<session id>`).
    pub fn uri(&self) -> String {
        format!(
            "rtsp://{}/{}",
            self.connection.local_addr().ip(),
            self.session_id
        )
    }

    /// Sends an RTSP request (to the session URI when `uri` is `None`) and checks that
    /// the response is a success with the same `CSeq`.
    pub async fn exchange(
        &self,
        method: &str,
        uri: Option<&str>,
        body: Option<(&str, Bytes)>,
    ) -> Result<Response> {
        let cseq = self.cseq.fetch_add(1, Ordering::Relaxed);
        let uri = uri.map_or_else(|| self.uri(), str::to_owned);
        let label = format!("{method} {uri}");
        let mut request = Request::new(method, uri, Protocol::Rtsp10)
            .with_header("CSeq", cseq.to_string())
            .with_header("DACP-ID", self.dacp_id.clone())
            .with_header("Active-Remote", self.active_remote.to_string())
            .with_header("Client-Instance", self.dacp_id.clone())
            .with_header("User-Agent", USER_AGENT);
        if let Some((content_type, body)) = body {
            request = request.with_body(content_type, body);
        }
        let response = self
            .connection
            .request(request, DEFAULT_REQUEST_TIMEOUT)
            .await?;
        if response.cseq().is_some_and(|c| c != cseq) {
            return Err(AirPlayError::UnexpectedResponse(format!(
                "{label}: response has CSeq {:?}, expected {cseq}",
                response.cseq()
            )));
        }
        check_status(&label, response)
    }

    /// `SETUP` with a binary-plist body; returns the response's plist.
    pub async fn setup(&self, body: plist::Value) -> Result<plist::Dictionary> {
        let response = self
            .exchange(
                "SETUP",
                None,
                Some((BPLIST_CONTENT_TYPE, encode_value(&body))),
            )
            .await?;
        decode_dictionary(&response.body)
    }

    /// `RECORD`.
    pub async fn record(&self) -> Result<Response> {
        self.exchange("RECORD", None, None).await
    }

    /// `POST /feedback` (keeps an AirPlay 2 session alive).
    pub async fn feedback(&self) -> Result<Response> {
        self.exchange("POST", Some("/feedback"), None).await
    }
}

/// Passes a 2xx response; anything else becomes an error (401/403/470 mean the
/// credentials were not accepted).
pub fn check_status(label: &str, response: Response) -> Result<Response> {
    match response.status {
        200..=299 => Ok(response),
        401 | 403 | 470 => Err(AirPlayError::Authentication(format!(
            "{label} answered {} {}",
            response.status, response.reason
        ))),
        status => Err(AirPlayError::Status {
            request: label.to_owned(),
            status,
            reason: response.reason,
        }),
    }
}
