//! AirPlay 1 video playback ("play this URL"), as the device side of a client's
//! `play_url`: `POST /play` names the media (a binary property list, or `text/parameters`
//! lines, with `Content-Location` and `Start-Position`); the device fetches it over HTTP
//! and plays it for [`PlaybackState::media_duration`] seconds. `GET /playback-info`
//! tells the position, rate and duration while it plays and only `readyToPlay` = false
//! once it ended, which is how the client learns that playback is over. `POST
//! /scrub?position=`, `POST /rate?value=` and `POST /stop` seek, pause/resume and stop.
//!
//! The fetch only goes to the client's own address (or loopback), never elsewhere, and
//! what it got is recorded in [`PlaybackState`] for tests to check.

use std::net::IpAddr;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use plist::{Dictionary, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

/// How long the media plays unless a test says otherwise, in seconds.
pub const DEFAULT_MEDIA_DURATION: f64 = 2.0;
/// The most the device fetches of one URL.
pub const MAX_MEDIA_BYTES: usize = 64 * 1024 * 1024;
/// How long fetching the media may take in all.
const FETCH_TIMEOUT: Duration = Duration::from_secs(30);
/// The most header bytes a media server may send.
const MAX_HEADER_BYTES: usize = 16 * 1024;

/// What the AirPlay side was asked to play and did. Shared by every connection.
#[derive(Debug)]
pub struct PlaybackState {
    inner: Mutex<Recorded>,
}

#[derive(Debug)]
struct Recorded {
    media_duration: f64,
    play_failures: u32,
    play_count: u32,
    url: Option<String>,
    start_position: Option<f64>,
    session_id: Option<String>,
    content: Option<Vec<u8>>,
    fetch_error: Option<String>,
    scrubs: Vec<f64>,
    rates: Vec<f64>,
    stops: u32,
    /// The media playing now.
    current: Option<Timeline>,
}

/// Where playback is: `position` at `since`, moving at `rate`.
#[derive(Debug, Clone, Copy)]
struct Timeline {
    position: f64,
    since: Instant,
    rate: f64,
    duration: f64,
}

impl Timeline {
    fn position(&self, now: Instant) -> f64 {
        let elapsed = now.saturating_duration_since(self.since).as_secs_f64();
        (self.position + elapsed * self.rate).clamp(0.0, self.duration)
    }

    fn ended(&self, now: Instant) -> bool {
        self.position(now) >= self.duration
    }
}

impl Default for PlaybackState {
    fn default() -> Self {
        Self {
            inner: Mutex::new(Recorded {
                media_duration: DEFAULT_MEDIA_DURATION,
                play_failures: 0,
                play_count: 0,
                url: None,
                start_position: None,
                session_id: None,
                content: None,
                fetch_error: None,
                scrubs: Vec::new(),
                rates: Vec::new(),
                stops: 0,
                current: None,
            }),
        }
    }
}

impl PlaybackState {
    fn lock(&self) -> MutexGuard<'_, Recorded> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How long media plays once started, in seconds (default
    /// [`DEFAULT_MEDIA_DURATION`]).
    pub fn set_media_duration(&self, seconds: f64) {
        self.lock().media_duration = seconds.max(0.0);
    }

    /// Answers the next `count` `/play` requests with 500 (clients retry those).
    pub fn fail_next_plays(&self, count: u32) {
        self.lock().play_failures = count;
    }

    /// `/play` requests received.
    pub fn play_count(&self) -> u32 {
        self.lock().play_count
    }

    /// The URL last asked to play (`Content-Location`).
    pub fn url(&self) -> Option<String> {
        self.lock().url.clone()
    }

    /// The start position last asked for, in seconds.
    pub fn start_position(&self) -> Option<f64> {
        self.lock().start_position
    }

    /// The session identifier of the last `/play` (`X-Apple-Session-ID` or `uuid`).
    pub fn session_id(&self) -> Option<String> {
        self.lock().session_id.clone()
    }

    /// The bytes fetched from the last URL.
    pub fn content(&self) -> Option<Vec<u8>> {
        self.lock().content.clone()
    }

    /// Why fetching the last URL failed, if it did.
    pub fn fetch_error(&self) -> Option<String> {
        self.lock().fetch_error.clone()
    }

    /// Positions asked for with `/scrub`, in order.
    pub fn scrubs(&self) -> Vec<f64> {
        self.lock().scrubs.clone()
    }

    /// Rates asked for with `/rate`, in order.
    pub fn rates(&self) -> Vec<f64> {
        self.lock().rates.clone()
    }

    /// `/stop` requests received.
    pub fn stops(&self) -> u32 {
        self.lock().stops
    }

    /// Whether media is playing (or paused) now.
    pub fn is_playing(&self) -> bool {
        let now = Instant::now();
        self.lock()
            .current
            .is_some_and(|timeline| !timeline.ended(now))
    }

    /// The playback position now, in seconds, while media plays.
    pub fn position(&self) -> Option<f64> {
        let now = Instant::now();
        self.lock()
            .current
            .filter(|timeline| !timeline.ended(now))
            .map(|timeline| timeline.position(now))
    }

    /// Handles `POST /play` up to the fetch: the URL to fetch, or the status to answer.
    pub(crate) fn begin_play(
        &self,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<String, u16> {
        let mut recorded = self.lock();
        recorded.play_count = recorded.play_count.saturating_add(1);
        if recorded.play_failures > 0 {
            recorded.play_failures -= 1;
            return Err(500);
        }
        let request = PlayRequest::parse(content_type, body).ok_or(400u16)?;
        recorded.url = Some(request.url.clone());
        recorded.start_position = Some(request.start_position);
        recorded.session_id = request.session_id;
        recorded.content = None;
        recorded.fetch_error = None;
        recorded.current = None;
        Ok(request.url)
    }

    /// Records the fetch's outcome and starts playing if it got the media.
    pub(crate) fn finish_play(&self, fetched: Result<Vec<u8>, String>) -> u16 {
        let mut recorded = self.lock();
        match fetched {
            Ok(content) => {
                recorded.content = Some(content);
                let duration = recorded.media_duration;
                let start = recorded.start_position.unwrap_or(0.0);
                recorded.current = Some(Timeline {
                    position: start.clamp(0.0, duration),
                    since: Instant::now(),
                    rate: 1.0,
                    duration,
                });
                200
            }
            Err(error) => {
                tracing::info!(%error, "fetching the media failed");
                recorded.fetch_error = Some(error);
                500
            }
        }
    }

    /// The `/playback-info` property list now.
    pub(crate) fn playback_info(&self) -> Dictionary {
        let now = Instant::now();
        let recorded = self.lock();
        let mut info = Dictionary::new();
        let playing = recorded.current.filter(|timeline| !timeline.ended(now));
        let uuid = recorded.session_id.clone().unwrap_or_default();
        let Some(timeline) = playing else {
            info.insert("readyToPlay".to_owned(), Value::Boolean(false));
            info.insert("uuid".to_owned(), Value::String(uuid));
            return info;
        };
        let range = |start: f64, duration: f64| {
            let mut range = Dictionary::new();
            range.insert("start".to_owned(), Value::Real(start));
            range.insert("duration".to_owned(), Value::Real(duration));
            Value::Array(vec![Value::Dictionary(range)])
        };
        info.insert("duration".to_owned(), Value::Real(timeline.duration));
        info.insert("position".to_owned(), Value::Real(timeline.position(now)));
        info.insert("rate".to_owned(), Value::Real(timeline.rate));
        info.insert("readyToPlay".to_owned(), Value::Boolean(true));
        info.insert("playbackBufferEmpty".to_owned(), Value::Boolean(false));
        info.insert("playbackBufferFull".to_owned(), Value::Boolean(true));
        info.insert("playbackLikelyToKeepUp".to_owned(), Value::Boolean(true));
        info.insert("loadedTimeRanges".to_owned(), range(0.0, timeline.duration));
        info.insert(
            "seekableTimeRanges".to_owned(),
            range(0.0, timeline.duration),
        );
        info.insert("uuid".to_owned(), Value::String(uuid));
        info
    }

    /// `POST /scrub?position=`: seeks; 400 without a position.
    pub(crate) fn scrub(&self, query: &str) -> u16 {
        let Some(position) = query_number(query, "position") else {
            return 400;
        };
        let now = Instant::now();
        let mut recorded = self.lock();
        recorded.scrubs.push(position);
        if let Some(timeline) = recorded.current.as_mut() {
            timeline.position = position.clamp(0.0, timeline.duration);
            timeline.since = now;
        }
        200
    }

    /// `POST /rate?value=`: 0 pauses, 1 plays; 400 without a value.
    pub(crate) fn rate(&self, query: &str) -> u16 {
        let Some(rate) = query_number(query, "value") else {
            return 400;
        };
        let now = Instant::now();
        let mut recorded = self.lock();
        recorded.rates.push(rate);
        if let Some(timeline) = recorded.current.as_mut() {
            timeline.position = timeline.position(now);
            timeline.since = now;
            timeline.rate = rate;
        }
        200
    }

    /// `POST /stop`: playback ends.
    pub(crate) fn stop(&self) -> u16 {
        let mut recorded = self.lock();
        recorded.stops = recorded.stops.saturating_add(1);
        recorded.current = None;
        200
    }
}

/// A number from a query string (`position=12.5`).
fn query_number(query: &str, key: &str) -> Option<f64> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| *name == key)
        .and_then(|(_, value)| value.parse::<f64>().ok())
        .filter(|value| value.is_finite())
}

/// What a `/play` body asks for.
#[derive(Debug, PartialEq)]
struct PlayRequest {
    url: String,
    start_position: f64,
    session_id: Option<String>,
}

impl PlayRequest {
    /// Parses a binary (or XML) property list, or `text/parameters` lines.
    fn parse(content_type: Option<&str>, body: &[u8]) -> Option<Self> {
        if content_type.is_some_and(|kind| kind.starts_with("text/parameters")) {
            return Self::from_parameters(body);
        }
        let value = Value::from_reader(std::io::Cursor::new(body)).ok()?;
        let dictionary = value.as_dictionary()?;
        let url = dictionary.get("Content-Location")?.as_string()?.to_owned();
        let start_position = ["Start-Position", "Start-Position-Seconds"]
            .iter()
            .find_map(|key| dictionary.get(key))
            .and_then(|value| {
                value
                    .as_real()
                    .or_else(|| value.as_signed_integer().map(|whole| whole as f64))
            })
            .unwrap_or(0.0);
        let session_id = ["X-Apple-Session-ID", "uuid"]
            .iter()
            .find_map(|key| dictionary.get(key))
            .and_then(Value::as_string)
            .map(str::to_owned);
        Some(Self {
            url,
            start_position,
            session_id,
        })
    }

    fn from_parameters(body: &[u8]) -> Option<Self> {
        let text = std::str::from_utf8(body).ok()?;
        let field = |name: &str| {
            text.lines()
                .filter_map(|line| line.split_once(':'))
                .find(|(key, _)| key.trim().eq_ignore_ascii_case(name))
                .map(|(_, value)| value.trim().to_owned())
        };
        Some(Self {
            url: field("Content-Location")?,
            start_position: field("Start-Position")
                .and_then(|value| value.parse::<f64>().ok())
                .filter(|value| value.is_finite())
                .unwrap_or(0.0),
            session_id: field("X-Apple-Session-ID"),
        })
    }
}

/// Fetches `url` (plain HTTP) if it points at `client` or at loopback; the body, or why
/// not.
pub(crate) async fn fetch(url: &str, client: IpAddr) -> Result<Vec<u8>, String> {
    let (host, port, path) = split_url(url).ok_or_else(|| format!("not an http URL: {url}"))?;
    let address: IpAddr = host
        .parse()
        .map_err(|_| format!("host {host} is not an IP address"))?;
    if !(address.is_loopback() || address == client) {
        return Err(format!(
            "{address} is neither loopback nor the client ({client}): not fetched"
        ));
    }
    tokio::time::timeout(FETCH_TIMEOUT, get(address, port, &host, path))
        .await
        .map_err(|_| "fetching the media timed out".to_owned())?
}

/// `http://host[:port]/path` → (host, port, path); IPv6 hosts in brackets.
fn split_url(url: &str) -> Option<(String, u16, &str)> {
    let rest = url.strip_prefix("http://")?;
    let (authority, path) = match rest.find('/') {
        Some(slash) => (rest.get(..slash)?, rest.get(slash..)?),
        None => (rest, "/"),
    };
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let (host, after) = bracketed.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(port) => port.parse().ok()?,
            None => 80,
        };
        (host, port)
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, port.parse().ok()?),
            None => (authority, 80),
        }
    };
    Some((host.to_owned(), port, path))
}

async fn get(address: IpAddr, port: u16, host: &str, path: &str) -> Result<Vec<u8>, String> {
    let io = |error: std::io::Error| format!("fetching the media failed: {error}");
    let mut stream = TcpStream::connect((address, port)).await.map_err(io)?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: AppleCoreMedia/1.0.0\r\n\
         Accept: */*\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.map_err(io)?;
    let mut received = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let mut head: Option<(usize, Option<usize>)> = None;
    loop {
        if let Some((body_start, Some(length))) = head
            && received.len().saturating_sub(body_start) >= length
        {
            break;
        }
        let read = stream.read(&mut chunk).await.map_err(io)?;
        if read == 0 {
            break;
        }
        received.extend_from_slice(chunk.get(..read).unwrap_or_default());
        if received.len() > MAX_MEDIA_BYTES.saturating_add(MAX_HEADER_BYTES) {
            return Err("the media is larger than the fake device takes".to_owned());
        }
        if head.is_none() {
            head = parse_head(&received)?;
            if head.is_none() && received.len() > MAX_HEADER_BYTES {
                return Err("the media server's headers are too long".to_owned());
            }
        }
    }
    let (body_start, length) = head.ok_or("the media server sent no complete response")?;
    let body = received.get(body_start..).unwrap_or_default();
    let body = match length {
        Some(length) => body
            .get(..length)
            .ok_or("the media server closed before sending all the media")?,
        None => body,
    };
    Ok(body.to_vec())
}

/// Once the head of an HTTP response is complete: where its body starts and its
/// `Content-Length`; an error unless the status is 200.
fn parse_head(received: &[u8]) -> Result<Option<(usize, Option<usize>)>, String> {
    let Some(end) = received.windows(4).position(|window| window == b"\r\n\r\n") else {
        return Ok(None);
    };
    let head = String::from_utf8_lossy(received.get(..end).unwrap_or_default());
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .unwrap_or_default();
    if status != "200" {
        return Err(format!("the media server answered {status:?}"));
    }
    let length = lines
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse::<usize>().ok());
    if length.is_some_and(|length| length > MAX_MEDIA_BYTES) {
        return Err("the media is larger than the fake device takes".to_owned());
    }
    Ok(Some((end + 4, length)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn play_bodies_in_both_encodings() {
        let mut dictionary = Dictionary::new();
        dictionary.insert(
            "Content-Location".to_owned(),
            Value::String("http://127.0.0.1:8080/a.mp4".to_owned()),
        );
        dictionary.insert("Start-Position".to_owned(), Value::Real(12.5));
        dictionary.insert(
            "X-Apple-Session-ID".to_owned(),
            Value::String("ABC".to_owned()),
        );
        let mut body = Vec::new();
        Value::Dictionary(dictionary)
            .to_writer_binary(&mut body)
            .expect("plist encodes");
        let expected = PlayRequest {
            url: "http://127.0.0.1:8080/a.mp4".to_owned(),
            start_position: 12.5,
            session_id: Some("ABC".to_owned()),
        };
        assert_eq!(
            PlayRequest::parse(Some("application/x-apple-binary-plist"), &body),
            Some(expected)
        );
        let text = b"Content-Location: http://10.0.0.2/b.mp4\nStart-Position: 0.25\n";
        assert_eq!(
            PlayRequest::parse(Some("text/parameters"), text),
            Some(PlayRequest {
                url: "http://10.0.0.2/b.mp4".to_owned(),
                start_position: 0.25,
                session_id: None,
            })
        );
        assert_eq!(PlayRequest::parse(Some("text/parameters"), b"x: y\n"), None);
        assert_eq!(PlayRequest::parse(None, b"garbage"), None);
    }

    #[test]
    fn urls_split_into_host_port_and_path() {
        assert_eq!(
            split_url("http://127.0.0.1:8080/a%20b.mp4"),
            Some(("127.0.0.1".to_owned(), 8080, "/a%20b.mp4"))
        );
        assert_eq!(
            split_url("http://10.0.0.2"),
            Some(("10.0.0.2".to_owned(), 80, "/"))
        );
        assert_eq!(
            split_url("http://[::1]:81/x"),
            Some(("::1".to_owned(), 81, "/x"))
        );
        assert_eq!(split_url("https://127.0.0.1/x"), None);
        assert_eq!(split_url("http://host:notaport/x"), None);
    }

    #[tokio::test]
    async fn only_the_client_or_loopback_is_fetched_from() {
        let client: IpAddr = "10.77.0.2".parse().expect("address");
        let refused = fetch("http://192.0.2.1:80/x", client).await;
        assert!(refused.is_err_and(|error| error.contains("not fetched")));
        let refused = fetch("http://example.com/x", client).await;
        assert!(refused.is_err_and(|error| error.contains("not an IP address")));
    }

    #[test]
    fn queries_give_numbers() {
        assert_eq!(query_number("position=12.5", "position"), Some(12.5));
        assert_eq!(query_number("a=1&value=0", "value"), Some(0.0));
        assert_eq!(query_number("value=nan", "value"), None);
        assert_eq!(query_number("", "value"), None);
    }

    #[test]
    fn playback_runs_to_its_end_and_stops() {
        let state = PlaybackState::default();
        state.set_media_duration(100.0);
        let url = state
            .begin_play(
                Some("text/parameters"),
                b"Content-Location: http://127.0.0.1/x\nStart-Position: 10\n",
            )
            .expect("accepted");
        assert_eq!(url, "http://127.0.0.1/x");
        assert!(!state.is_playing());
        assert_eq!(state.finish_play(Ok(b"media".to_vec())), 200);
        assert!(state.is_playing());
        let info = state.playback_info();
        assert_eq!(info.get("duration"), Some(&Value::Real(100.0)));
        assert!(info.get("position").and_then(Value::as_real) >= Some(10.0));
        assert_eq!(state.rate("value=0"), 200);
        assert_eq!(state.scrub("position=50"), 200);
        assert_eq!(state.position(), Some(50.0));
        assert_eq!(state.scrub("position=1000"), 200);
        assert!(!state.is_playing(), "scrubbing past the end ends playback");
        assert!(!state.playback_info().contains_key("duration"));
        assert_eq!(state.stop(), 200);
        assert_eq!(state.scrubs(), vec![50.0, 1000.0]);
        assert_eq!(state.rates(), vec![0.0]);
        assert_eq!(state.content().as_deref(), Some(&b"media"[..]));
    }

    #[test]
    fn injected_failures_answer_500() {
        let state = PlaybackState::default();
        state.fail_next_plays(1);
        let body = b"Content-Location: http://127.0.0.1/x\n";
        assert_eq!(state.begin_play(Some("text/parameters"), body), Err(500));
        assert!(state.begin_play(Some("text/parameters"), body).is_ok());
        assert_eq!(state.play_count(), 2);
    }
}
