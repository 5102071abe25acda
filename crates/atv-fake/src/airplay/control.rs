//! What the control connection answers to each HTTP or RTSP request. No I/O: a request
//! in, a [`Reply`] out; the connection task sends it and does what it says.
//!
//! Routes: `GET /info`, `POST /pair-pin-start`, `POST /pair-setup`, `POST /pair-verify`,
//! and once the connection is encrypted the remote-control session: `SETUP` of the event
//! channel and of a data stream (type 130), `RECORD`, `POST /feedback`, `TEARDOWN`,
//! `GET_PARAMETER`/`SET_PARAMETER`; and AirPlay 1 playback ([`super::playback`]):
//! `POST /play`, `GET /playback-info`, `POST /scrub`, `/rate`, `/stop`.

use std::sync::Arc;

use atv_airplay::wire::{Request, Response};
use atv_pairing::{SessionKeys, SharedSecret};
use plist::{Dictionary, Value};

use super::SOURCE_VERSION;
use super::channel_keys::{control_keys, data_stream_keys, event_keys, seed};
use super::info::info_plist;
use super::legacy_pairing::{LegacyPairing, Verified};
use super::pairing::{HttpPairing, Outcome};
use super::server::Context;

/// Content type of binary property lists.
pub(crate) const BPLIST: &str = "application/x-apple-binary-plist";
/// Content type of pairing bodies.
const OCTET_STREAM: &str = "application/octet-stream";
/// Stream type of the remote-control data stream.
pub(crate) const REMOTE_CONTROL_STREAM: u64 = 130;

/// What to do in answer to a request.
#[derive(Debug)]
pub(crate) enum Reply {
    /// Send the response, then do `then`.
    Respond(Response, Then),
    /// Open the event channel (a listener encrypted with `keys`), then send
    /// [`ControlSession::event_channel_opened`]'s response with its port.
    OpenEventChannel(SessionKeys),
    /// Open a data stream (a listener encrypted with `keys`), then send
    /// [`ControlSession::data_stream_opened`]'s response with its port.
    OpenDataStream(SessionKeys),
    /// Fetch the media at this URL (`POST /play`), then answer the request with
    /// [`ControlSession::play_fetched`]'s response.
    FetchMedia(Request, String),
}

/// What to do once a response is sent.
#[derive(Debug)]
pub(crate) enum Then {
    /// Nothing.
    Nothing,
    /// Encrypt the connection with these keys from now on.
    Encrypt(SessionKeys),
    /// Close the connection.
    Close,
    /// Close the event channel and data streams of this connection.
    StopChannels,
    /// The session is recorded (started): tell the event channel.
    Recorded,
}

/// The state of one control connection.
pub(crate) struct ControlSession {
    ctx: Arc<Context>,
    pairing: HttpPairing,
    legacy: LegacyPairing,
    /// The pairing's secret, once the connection is encrypted.
    secret: Option<SharedSecret>,
    /// Whether legacy pair-verify passed (AirPlay 1: the connection stays plain).
    legacy_verified: bool,
    /// The request whose answer waits for a channel to open.
    pending: Option<Request>,
}

impl std::fmt::Debug for ControlSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ControlSession")
            .field("encrypted", &self.secret.is_some())
            .finish_non_exhaustive()
    }
}

impl ControlSession {
    pub(crate) fn new(ctx: Arc<Context>) -> Self {
        Self {
            ctx,
            pairing: HttpPairing::default(),
            legacy: LegacyPairing::default(),
            secret: None,
            legacy_verified: false,
            pending: None,
        }
    }

    /// Answers one request.
    pub(crate) fn handle(&mut self, request: Request) -> Reply {
        tracing::debug!(method = %request.method, uri = %request.uri, "AirPlay request");
        let ctx = Arc::clone(&self.ctx);
        let state = &ctx.mrp.state;
        let path = path_of(&request.uri);
        match (request.method.as_str(), path) {
            ("GET", "/info") => {
                let body = info_plist(&ctx.config);
                respond(ok(&request).with_body(BPLIST, body))
            }
            ("POST", "/pair-pin-start") => respond(ok(&request)),
            ("POST", "/pair-setup-pin") if ctx.config.legacy_pairing => {
                match self
                    .legacy
                    .pair_setup_pin(&ctx.config, state, &request.body)
                {
                    Some(body) => respond(ok(&request).with_body(BPLIST, body)),
                    None => respond(response(&request, 470, "Connection Authorization Required")),
                }
            }
            ("POST", "/pair-verify") if ctx.config.legacy_pairing => {
                match self.legacy.pair_verify(&ctx.config, state, &request.body) {
                    Some((body, verified)) => {
                        self.legacy_verified |= verified == Verified::Yes;
                        respond(ok(&request).with_body(OCTET_STREAM, body))
                    }
                    None => respond(response(&request, 470, "Connection Authorization Required")),
                }
            }
            ("POST", "/pair-setup") => {
                let (body, outcome) = self.pairing.pair_setup(&ctx.config, state, &request.body);
                self.pairing_reply(&request, body, outcome)
            }
            ("POST", "/pair-verify") => {
                let (body, outcome) = self.pairing.pair_verify(&ctx.config, state, &request.body);
                self.pairing_reply(&request, body, outcome)
            }
            _ if self.secret.is_none() && !self.legacy_verified => {
                // Everything else needs a paired (encrypted) connection; Apple TVs say so
                // with 470, which pyatv reports as missing credentials.
                respond(response(&request, 470, "Connection Authorization Required"))
            }
            ("SETUP", _) => self.setup(request),
            ("RECORD", _) => Reply::Respond(
                ok(&request).with_header("Audio-Latency", "0"),
                Then::Recorded,
            ),
            ("POST", "/feedback") => {
                let mut body = Dictionary::new();
                body.insert("streams".to_owned(), Value::Array(Vec::new()));
                respond(ok(&request).with_body(BPLIST, plist_bytes(body)))
            }
            ("TEARDOWN", _) => Reply::Respond(ok(&request), Then::StopChannels),
            ("POST", "/play") => {
                let content_type = request.headers.get("Content-Type");
                match state
                    .airplay_playback()
                    .begin_play(content_type, &request.body)
                {
                    Ok(url) => Reply::FetchMedia(request, url),
                    Err(status) => respond(status_response(&request, status)),
                }
            }
            ("GET", "/playback-info") => {
                let info = state.airplay_playback().playback_info();
                respond(ok(&request).with_body(BPLIST, plist_bytes(info)))
            }
            ("POST", "/scrub") => {
                let status = state.airplay_playback().scrub(query_of(&request.uri));
                respond(status_response(&request, status))
            }
            ("POST", "/rate") => {
                let status = state.airplay_playback().rate(query_of(&request.uri));
                respond(status_response(&request, status))
            }
            ("POST", "/stop") => {
                let status = state.airplay_playback().stop();
                respond(status_response(&request, status))
            }
            ("PUT", "/setProperty") => respond(ok(&request)),
            ("GET_PARAMETER" | "SET_PARAMETER" | "FLUSH" | "OPTIONS", _) => respond(ok(&request)),
            _ => respond(response(&request, 404, "Not Found")),
        }
    }

    fn pairing_reply(&mut self, request: &Request, body: Vec<u8>, outcome: Outcome) -> Reply {
        let answer = ok(request).with_body(OCTET_STREAM, body);
        let then = match outcome {
            Outcome::Continue => Then::Nothing,
            Outcome::Close => Then::Close,
            Outcome::Encrypt(secret) => {
                let keys = control_keys(secret.as_bytes());
                self.secret = Some(secret);
                Then::Encrypt(keys)
            }
        };
        Reply::Respond(answer, then)
    }

    /// `SETUP` with `streams` asks for data streams; without, for the event channel.
    fn setup(&mut self, request: Request) -> Reply {
        let Some(secret) = self.secret.as_ref() else {
            return respond(response(&request, 470, "Connection Authorization Required"));
        };
        let body = Value::from_reader(std::io::Cursor::new(&request.body)).ok();
        let body = body.as_ref().and_then(Value::as_dictionary);
        let Some(body) = body else {
            return respond(response(&request, 400, "Bad Request"));
        };
        let Some(streams) = body.get("streams") else {
            let keys = event_keys(secret.as_bytes());
            self.pending = Some(request);
            return Reply::OpenEventChannel(keys);
        };
        let stream = streams
            .as_array()
            .and_then(|streams| streams.first())
            .and_then(Value::as_dictionary);
        let kind = stream
            .and_then(|stream| stream.get("type"))
            .and_then(Value::as_unsigned_integer);
        let seed = stream.and_then(|stream| stream.get("seed")).and_then(seed);
        match (kind, seed) {
            (Some(REMOTE_CONTROL_STREAM), Some(seed)) => {
                let keys = data_stream_keys(secret.as_bytes(), seed);
                self.pending = Some(request);
                Reply::OpenDataStream(keys)
            }
            (Some(REMOTE_CONTROL_STREAM), None) => respond(response(&request, 400, "Bad Request")),
            // Audio and screen streams are not part of the fake.
            _ => respond(response(&request, 501, "Not Implemented")),
        }
    }

    /// The answer to the pending `SETUP` once the event channel listens on `port`.
    pub(crate) fn event_channel_opened(&mut self, port: u16) -> Option<Response> {
        let request = self.pending.take()?;
        let mut body = Dictionary::new();
        body.insert(
            "eventPort".to_owned(),
            Value::Integer(u64::from(port).into()),
        );
        body.insert("timingPort".to_owned(), Value::Integer(0u64.into()));
        Some(ok(&request).with_body(BPLIST, plist_bytes(body)))
    }

    /// The answer to the pending `SETUP` once the data stream listens on `port`.
    pub(crate) fn data_stream_opened(&mut self, port: u16, stream_id: u64) -> Option<Response> {
        let request = self.pending.take()?;
        let mut stream = Dictionary::new();
        stream.insert(
            "type".to_owned(),
            Value::Integer(REMOTE_CONTROL_STREAM.into()),
        );
        stream.insert("streamID".to_owned(), Value::Integer(stream_id.into()));
        stream.insert(
            "dataPort".to_owned(),
            Value::Integer(u64::from(port).into()),
        );
        let mut body = Dictionary::new();
        body.insert(
            "streams".to_owned(),
            Value::Array(vec![Value::Dictionary(stream)]),
        );
        Some(ok(&request).with_body(BPLIST, plist_bytes(body)))
    }

    /// The answer to `POST /play` once fetching its media ended with `fetched`.
    pub(crate) fn play_fetched(
        &self,
        request: &Request,
        fetched: Result<Vec<u8>, String>,
    ) -> Response {
        let status = self.ctx.mrp.state.airplay_playback().finish_play(fetched);
        status_response(request, status)
    }

    /// The answer to the pending `SETUP` when its channel could not be opened.
    pub(crate) fn channel_failed(&mut self) -> Option<Response> {
        let request = self.pending.take()?;
        Some(response(&request, 500, "Internal Server Error"))
    }
}

fn respond(response: Response) -> Reply {
    Reply::Respond(response, Then::Nothing)
}

/// The path of a request target: `/info` of `/info?x`, and of `rtsp://host/path`.
fn path_of(uri: &str) -> &str {
    let without_scheme = uri
        .strip_prefix("rtsp://")
        .or_else(|| uri.strip_prefix("http://"))
        .map(|rest| {
            rest.find('/')
                .and_then(|slash| rest.get(slash..))
                .unwrap_or("/")
        })
        .unwrap_or(uri);
    without_scheme.split('?').next().unwrap_or(without_scheme)
}

/// The query of a request target: `position=1` of `/scrub?position=1`.
fn query_of(uri: &str) -> &str {
    uri.split_once('?').map_or("", |(_, query)| query)
}

/// A response with `status` and its usual reason.
fn status_response(request: &Request, status: u16) -> Response {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        500 => "Internal Server Error",
        _ => "Error",
    };
    response(request, status, reason)
}

fn ok(request: &Request) -> Response {
    response(request, 200, "OK")
}

/// A response in the request's protocol, echoing its `CSeq`.
fn response(request: &Request, status: u16, reason: &str) -> Response {
    let mut response = Response::new(request.protocol, status, reason)
        .with_header("Server", format!("AirTunes/{SOURCE_VERSION}"));
    if let Some(cseq) = request.headers.get("CSeq") {
        response = response.with_header("CSeq", cseq);
    }
    response
}

fn plist_bytes(dictionary: Dictionary) -> Vec<u8> {
    let mut out = Vec::new();
    // Serialising a dictionary of plain values into memory cannot fail.
    if Value::Dictionary(dictionary)
        .to_writer_binary(&mut out)
        .is_err()
    {
        out.clear();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_of_http_and_rtsp_targets() {
        assert_eq!(path_of("/info"), "/info");
        assert_eq!(path_of("/info?x=1"), "/info");
        assert_eq!(path_of("rtsp://10.0.0.2/1234"), "/1234");
        assert_eq!(path_of("rtsp://10.0.0.2"), "/");
        assert_eq!(path_of("*"), "*");
    }
}
