//! What the Companion side of the fake device knows beyond [`FakeState`](crate::FakeState):
//! installed apps and user accounts, the focused text field, media control flags, and
//! what clients did (launches, account switches, HID buttons, media control commands,
//! touches, system information).
//!
//! Power and volume are not here: Companion reads and changes the device's
//! [`FakeState`](crate::FakeState), so MRP and Companion clients see the same device.
//!
//! [`CompanionState`] is a cheap handle, reached through
//! [`FakeState::companion`](crate::FakeState::companion). Setters publish a
//! [`CompanionEvent`] that connected clients turn into Companion events.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use atv_core::{App, TouchAction, UserAccount};
use tokio::sync::{broadcast, watch};

/// Events kept for a slow client.
const EVENT_CAPACITY: usize = 256;
/// Recorded requests kept for inspection (the oldest go first).
const HISTORY_LIMIT: usize = 1024;

/// Media control flag: volume can be controlled (the flags' bit 0x100).
pub const MEDIA_CONTROL_VOLUME: u64 = 0x0100;

/// System status as Companion tells it (FetchAttentionState and the status events).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SystemStatus {
    /// Asleep (the device is off).
    Asleep,
    /// Showing the screensaver.
    Screensaver,
    /// Awake.
    Awake,
    /// Idle.
    Idle,
}

impl SystemStatus {
    /// The number on the wire.
    pub const fn value(self) -> u8 {
        match self {
            Self::Asleep => 1,
            Self::Screensaver => 2,
            Self::Awake => 3,
            Self::Idle => 4,
        }
    }
}

/// What a `_launchApp` request asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Launch {
    /// An app by bundle identifier (`_bundleID`).
    App(String),
    /// A URL (`_urlS`).
    Url(String),
}

/// One `_hidC` request: a button going down or up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HidButtonEvent {
    /// The HID command number (1 = up, 6 = select, 12 = sleep, 13 = wake, ...).
    pub command: u8,
    /// True for button down (`_hBtS` 1), false for up (2).
    pub down: bool,
}

/// One media control command (`_mcc`) other than the volume query.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MediaCommand {
    /// The command number (1 = play, 2 = pause, 3 = next, 4 = previous, 6 = set volume,
    /// 7 = skip by, ...).
    pub command: u8,
    /// The argument: volume 0.0 to 1.0 (set volume) or seconds (skip by).
    pub argument: Option<f64>,
}

/// One touch event (`_hidT`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TouchEvent {
    /// Press, hold (move), release or click.
    pub action: TouchAction,
    /// X coordinate, 0 to the touch area's width.
    pub x: i64,
    /// Y coordinate.
    pub y: i64,
    /// Client timestamp in nanoseconds since its touch session started.
    pub nanos: u64,
}

/// What a client told about itself in `_systemInfo`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientInfo {
    /// Its name.
    pub name: Option<String>,
    /// Its model.
    pub model: Option<String>,
    /// Its pairing identifier (`_idsID`).
    pub pairing_id: Option<String>,
}

/// A change connected clients are told about.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CompanionEvent {
    /// A text field got or lost focus.
    Focus(bool),
    /// The status shown while the device is on changed (awake, screensaver, idle).
    AwakeStatus(SystemStatus),
    /// The media control flags changed.
    MediaControlFlags(u64),
}

/// The focused text field, if any.
#[derive(Debug)]
pub(crate) struct TextField {
    pub(crate) focused: bool,
    pub(crate) text: String,
    /// Identifies the focus period; clients must name it when they edit.
    pub(crate) session_uuid: [u8; 16],
}

/// Everything the Companion side knows; crate code uses [`CompanionState::read`] and
/// [`CompanionState::update`].
#[derive(Debug)]
pub(crate) struct CompanionData {
    pub(crate) apps: Vec<App>,
    pub(crate) accounts: Vec<UserAccount>,
    pub(crate) active_app: Option<String>,
    pub(crate) opened_url: Option<String>,
    pub(crate) launches: VecDeque<Launch>,
    pub(crate) active_account: Option<String>,
    pub(crate) awake_status: SystemStatus,
    pub(crate) attention_state_supported: bool,
    pub(crate) media_control_flags: u64,
    pub(crate) text: TextField,
    pub(crate) touch_area: Option<(f64, f64)>,
    pub(crate) touch_events: VecDeque<TouchEvent>,
    pub(crate) hid_buttons: VecDeque<HidButtonEvent>,
    pub(crate) media_commands: VecDeque<MediaCommand>,
    pub(crate) client_info: Option<ClientInfo>,
    pub(crate) sessions_started: u64,
    pub(crate) authenticated: bool,
    pub(crate) connected_clients: usize,
}

impl Default for CompanionData {
    fn default() -> Self {
        Self {
            apps: Vec::new(),
            accounts: Vec::new(),
            active_app: None,
            opened_url: None,
            launches: VecDeque::new(),
            active_account: None,
            awake_status: SystemStatus::Awake,
            attention_state_supported: true,
            media_control_flags: MEDIA_CONTROL_VOLUME,
            text: TextField {
                focused: false,
                text: String::new(),
                session_uuid: rand::random(),
            },
            touch_area: None,
            touch_events: VecDeque::new(),
            hid_buttons: VecDeque::new(),
            media_commands: VecDeque::new(),
            client_info: None,
            sessions_started: 0,
            authenticated: false,
            connected_clients: 0,
        }
    }
}

/// Appends to a bounded history.
pub(crate) fn push_bounded<T>(queue: &mut VecDeque<T>, item: T) {
    if queue.len() >= HISTORY_LIMIT {
        queue.pop_front();
    }
    queue.push_back(item);
}

struct Shared {
    data: Mutex<CompanionData>,
    events: broadcast::Sender<CompanionEvent>,
    version: watch::Sender<u64>,
}

/// Handle to the Companion side's state.
#[derive(Clone)]
pub struct CompanionState {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for CompanionState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompanionState").finish_non_exhaustive()
    }
}

impl Default for CompanionState {
    fn default() -> Self {
        Self::new()
    }
}

impl CompanionState {
    /// No apps, no accounts, awake, volume controls announced, no text field focused.
    pub fn new() -> Self {
        let (events, _) = broadcast::channel(EVENT_CAPACITY);
        let (version, _) = watch::channel(0);
        Self {
            shared: Arc::new(Shared {
                data: Mutex::new(CompanionData::default()),
                events,
                version,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, CompanionData> {
        self.shared
            .data
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn read<R>(&self, f: impl FnOnce(&CompanionData) -> R) -> R {
        f(&self.lock())
    }

    /// Changes the state and publishes the events `f` returns, in order.
    pub(crate) fn update<R>(
        &self,
        f: impl FnOnce(&mut CompanionData, &mut Vec<CompanionEvent>) -> R,
    ) -> R {
        let mut data = self.lock();
        let mut events = Vec::new();
        let result = f(&mut data, &mut events);
        for event in events {
            // Nobody connected is fine.
            let _ = self.shared.events.send(event);
        }
        drop(data);
        self.shared.version.send_modify(|v| *v = v.wrapping_add(1));
        result
    }

    /// Events from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<CompanionEvent> {
        self.shared.events.subscribe()
    }

    /// Waits until `condition` holds, checking after every change; false on timeout.
    pub async fn wait_until(
        &self,
        timeout: Duration,
        mut condition: impl FnMut(&Self) -> bool,
    ) -> bool {
        let mut version = self.shared.version.subscribe();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            version.borrow_and_update();
            if condition(self) {
                return true;
            }
            match tokio::time::timeout_at(deadline, version.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) | Err(_) => return condition(self),
            }
        }
    }

    // --- Apps and accounts --------------------------------------------------------------

    /// Sets the launchable apps, in the order clients get them.
    pub fn set_apps(&self, apps: Vec<App>) {
        self.update(|data, _| data.apps = apps);
    }

    /// The launchable apps.
    pub fn apps(&self) -> Vec<App> {
        self.read(|data| data.apps.clone())
    }

    /// The app launched last by bundle identifier.
    pub fn active_app(&self) -> Option<String> {
        self.read(|data| data.active_app.clone())
    }

    /// The URL opened last.
    pub fn opened_url(&self) -> Option<String> {
        self.read(|data| data.opened_url.clone())
    }

    /// Every launch request so far (the latest 1024).
    pub fn launches(&self) -> Vec<Launch> {
        self.read(|data| data.launches.iter().cloned().collect())
    }

    /// Sets the user accounts, in the order clients get them.
    pub fn set_accounts(&self, accounts: Vec<UserAccount>) {
        self.update(|data, _| data.accounts = accounts);
    }

    /// The user accounts.
    pub fn accounts(&self) -> Vec<UserAccount> {
        self.read(|data| data.accounts.clone())
    }

    /// The account a client switched to last.
    pub fn active_account(&self) -> Option<String> {
        self.read(|data| data.active_account.clone())
    }

    // --- Power and media controls ---------------------------------------------------------

    /// The status the device shows while it is on (awake unless set).
    pub fn awake_status(&self) -> SystemStatus {
        self.read(|data| data.awake_status)
    }

    /// Sets the status shown while the device is on (screensaver, idle or awake);
    /// [`SystemStatus::Asleep`] is ignored: turn the device off through
    /// [`FakeState::set_powered_on`](crate::FakeState::set_powered_on).
    pub fn set_awake_status(&self, status: SystemStatus) {
        if status == SystemStatus::Asleep {
            return;
        }
        self.update(|data, events| {
            data.awake_status = status;
            events.push(CompanionEvent::AwakeStatus(status));
        });
    }

    /// Makes FetchAttentionState unsupported (as on newer tvOS) or supported again.
    pub fn set_attention_state_supported(&self, supported: bool) {
        self.update(|data, _| data.attention_state_supported = supported);
    }

    /// The media control flags (`_mcF`) announced in `_iMC` events.
    pub fn media_control_flags(&self) -> u64 {
        self.read(|data| data.media_control_flags)
    }

    /// Sets the media control flags and tells subscribed clients.
    pub fn set_media_control_flags(&self, flags: u64) {
        self.update(|data, events| {
            data.media_control_flags = flags;
            events.push(CompanionEvent::MediaControlFlags(flags));
        });
    }

    // --- Text input ---------------------------------------------------------------------

    /// Focuses a text field holding `text`, or removes the focus (`None`); clients in a
    /// text input session are told when the focus changes.
    pub fn set_text_focus(&self, text: Option<&str>) {
        self.update(|data, events| {
            let was_focused = data.text.focused;
            match text {
                Some(text) => {
                    if !was_focused {
                        data.text.session_uuid = rand::random();
                    }
                    data.text.focused = true;
                    data.text.text = text.to_owned();
                }
                None => {
                    data.text.focused = false;
                    data.text.text.clear();
                }
            }
            if was_focused != data.text.focused {
                events.push(CompanionEvent::Focus(data.text.focused));
            }
        });
    }

    /// Whether a text field is focused.
    pub fn text_focused(&self) -> bool {
        self.read(|data| data.text.focused)
    }

    /// The focused text field's text; `None` when none is focused.
    pub fn text(&self) -> Option<String> {
        self.read(|data| data.text.focused.then(|| data.text.text.clone()))
    }

    // --- What clients did -----------------------------------------------------------------

    /// Every `_hidC` button event so far (the latest 1024).
    pub fn hid_buttons(&self) -> Vec<HidButtonEvent> {
        self.read(|data| data.hid_buttons.iter().copied().collect())
    }

    /// Every media control command so far, except volume queries (the latest 1024).
    pub fn media_commands(&self) -> Vec<MediaCommand> {
        self.read(|data| data.media_commands.iter().copied().collect())
    }

    /// Every touch event so far (the latest 1024).
    pub fn touch_events(&self) -> Vec<TouchEvent> {
        self.read(|data| data.touch_events.iter().copied().collect())
    }

    /// The touch area a client announced last (width, height).
    pub fn touch_area(&self) -> Option<(f64, f64)> {
        self.read(|data| data.touch_area)
    }

    /// What the last client told about itself.
    pub fn client_info(&self) -> Option<ClientInfo> {
        self.read(|data| data.client_info.clone())
    }

    /// `_sessionStart` requests answered.
    pub fn sessions_started(&self) -> u64 {
        self.read(|data| data.sessions_started)
    }

    /// Companion connections open now.
    pub fn connected_clients(&self) -> usize {
        self.read(|data| data.connected_clients)
    }

    /// Whether a client completed Companion pair-verify.
    pub fn has_authenticated(&self) -> bool {
        self.read(|data| data.authenticated)
    }
}

/// Example apps and accounts for `--demo`.
pub fn demo(state: &CompanionState) {
    state.set_apps(vec![
        App::new(Some("TV".into()), "com.apple.TVWatchList"),
        App::new(Some("Music".into()), "com.apple.TVMusic"),
        App::new(Some("Settings".into()), "com.apple.TVSettings"),
    ]);
    state.set_accounts(vec![
        UserAccount::new("Alice", "E1A2B3C4-0001"),
        UserAccount::new("Bob", "E1A2B3C4-0002"),
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn focus_changes_are_announced_once() {
        let state = CompanionState::new();
        let mut events = state.subscribe();
        state.set_text_focus(Some("abc"));
        let first = state.read(|data| data.text.session_uuid);
        state.set_text_focus(Some("abcd"));
        assert_eq!(state.read(|data| data.text.session_uuid), first);
        state.set_text_focus(None);
        assert_eq!(events.try_recv().ok(), Some(CompanionEvent::Focus(true)));
        assert_eq!(events.try_recv().ok(), Some(CompanionEvent::Focus(false)));
        assert!(events.try_recv().is_err());
        assert_eq!(state.text(), None);
    }

    #[test]
    fn asleep_is_not_an_awake_status() {
        let state = CompanionState::new();
        state.set_awake_status(SystemStatus::Asleep);
        assert_eq!(state.awake_status(), SystemStatus::Awake);
        state.set_awake_status(SystemStatus::Screensaver);
        assert_eq!(state.awake_status(), SystemStatus::Screensaver);
    }
}
