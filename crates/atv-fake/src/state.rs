//! The fake device's state, shared by every connection and by the test that drives it.
//!
//! [`FakeState`] is a cheap handle (clone it freely). Its setters change the state and
//! publish a [`StateEvent`]; each connected, subscribed client turns the event into its
//! protocol's update messages. Its getters show what clients did: button presses, HID
//! events, volume, output devices, power, heartbeats, pairings.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use atv_core::{InputAction, PowerState};
use atv_mrp::protobuf::{Command, PlaybackState};
use atv_pairing::{MemoryPairingStore, PairingStore};
use tokio::sync::{broadcast, watch};

use crate::buttons::{ButtonPress, ButtonTracker, HidEvent};
use crate::companion::CompanionState;
use crate::playing::{PLAYER_IDENTIFIER, PlayingState};

/// The unique identifier of the fake device's own output device (as in pyatv's fake).
pub const DEVICE_UID: &str = "E510C430-B01D-45DF-B558-6EA6F8251069";
/// Volume change of one volume up/down key press (0.0 to 1.0 scale).
pub const VOLUME_STEP: f32 = 0.05;
/// Events kept for a slow client before it has to resynchronise.
const EVENT_CAPACITY: usize = 1024;
/// Button presses and HID events kept for inspection (the oldest go first).
const HISTORY_LIMIT: usize = 1024;

/// Which volume controls the device offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VolumeControl {
    /// Whether volume can be controlled at all.
    pub available: bool,
    /// Whether the volume can be set to a level.
    pub absolute: bool,
    /// Whether the volume can be stepped up and down.
    pub relative: bool,
}

impl VolumeControl {
    /// Available, absolute and relative.
    pub const FULL: Self = Self {
        available: true,
        absolute: true,
        relative: true,
    };
}

/// A change that connected clients are told about.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum StateEvent {
    /// The full state of a player changed.
    Player {
        /// The player's bundle identifier.
        player: String,
        /// Its state right after the change (so that every client is told each state in
        /// turn, even when several changes follow each other before it is told).
        state: Box<PlayingState>,
    },
    /// Another player (or none) is now playing.
    ActivePlayer {
        /// The player's bundle identifier; `None` when nothing plays.
        player: Option<String>,
    },
    /// Some metadata of a player's item changed (only the fields set in `change`).
    ContentItem {
        /// The player's bundle identifier.
        player: String,
        /// The changed fields.
        change: Box<PlayingState>,
    },
    /// A player's app got a new display name.
    Client {
        /// The player's bundle identifier.
        player: String,
        /// The new display name.
        display_name: Option<String>,
    },
    /// The volume of an output device changed.
    Volume {
        /// New volume, 0.0 to 1.0.
        volume: f32,
        /// The output device.
        device_uid: String,
    },
    /// The volume controls changed.
    VolumeControl(VolumeControl),
    /// The commands supported when no player says otherwise.
    DefaultSupportedCommands(Vec<Command>),
    /// Device information changed: power, output devices or cluster (as they are right
    /// after the change).
    DeviceInfo(Box<DeviceSnapshot>),
}

/// What device information tells about the device at one moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceSnapshot {
    /// Whether the device is on.
    pub powered_on: bool,
    /// Output devices of its group (its own UID included while it is in it).
    pub output_devices: Vec<String>,
    /// Cluster identifier.
    pub cluster_id: Option<String>,
}

/// Everything the fake device knows. Crate code reads and changes it through
/// [`FakeState::read`] and [`FakeState::update`].
#[derive(Debug)]
pub(crate) struct StateData {
    pub(crate) players: BTreeMap<String, PlayingState>,
    pub(crate) active_player: Option<String>,
    pub(crate) volume: f32,
    /// Volumes of the other output devices of the group, by UID.
    pub(crate) device_volumes: BTreeMap<String, f32>,
    pub(crate) volume_control: Option<VolumeControl>,
    pub(crate) output_devices: Vec<String>,
    pub(crate) powered_on: bool,
    pub(crate) cluster_id: Option<String>,
    pub(crate) buttons: ButtonTracker,
    pub(crate) presses: VecDeque<ButtonPress>,
    pub(crate) hid_events: VecDeque<HidEvent>,
    pub(crate) heartbeat_count: u64,
    pub(crate) connection_state: Option<i32>,
    pub(crate) has_authenticated: bool,
    pub(crate) connected_clients: usize,
    pub(crate) pairings: MemoryPairingStore,
}

impl Default for StateData {
    fn default() -> Self {
        Self {
            players: BTreeMap::new(),
            active_player: None,
            volume: 0.5,
            device_volumes: BTreeMap::new(),
            volume_control: None,
            output_devices: vec![DEVICE_UID.to_owned()],
            powered_on: true,
            cluster_id: None,
            buttons: ButtonTracker::default(),
            presses: VecDeque::new(),
            hid_events: VecDeque::new(),
            heartbeat_count: 0,
            connection_state: None,
            has_authenticated: false,
            connected_clients: 0,
            pairings: MemoryPairingStore::new(),
        }
    }
}

impl StateData {
    /// The player that commands apply to: the active one, else the examples' player.
    pub(crate) fn target_player(&self) -> String {
        self.active_player
            .clone()
            .unwrap_or_else(|| PLAYER_IDENTIFIER.to_owned())
    }

    /// Sets the volume of an output device (the device's own one when `device_uid` is
    /// its UID or empty) when within 0.0..=1.0; returns the event to publish.
    pub(crate) fn set_volume(&mut self, volume: f32, device_uid: &str) -> Option<StateEvent> {
        if !(0.0..=1.0).contains(&volume) {
            tracing::debug!(volume, "volume out of range, ignored");
            return None;
        }
        if device_uid.is_empty() || device_uid == DEVICE_UID {
            self.volume = volume;
        } else {
            self.device_volumes.insert(device_uid.to_owned(), volume);
        }
        Some(StateEvent::Volume {
            volume,
            device_uid: device_uid.to_owned(),
        })
    }

    /// What device information tells now.
    pub(crate) fn device_snapshot(&self) -> DeviceSnapshot {
        DeviceSnapshot {
            powered_on: self.powered_on,
            output_devices: self.output_devices.clone(),
            cluster_id: self.cluster_id.clone(),
        }
    }

    /// The event announcing the device information as it is now.
    pub(crate) fn device_info_event(&self) -> StateEvent {
        StateEvent::DeviceInfo(Box::new(self.device_snapshot()))
    }

    /// The event announcing the state `player` has now.
    pub(crate) fn player_event(&self, player: &str) -> StateEvent {
        StateEvent::Player {
            player: player.to_owned(),
            state: Box::new(self.players.get(player).cloned().unwrap_or_default()),
        }
    }

    pub(crate) fn record_press(&mut self, press: ButtonPress) {
        push_bounded(&mut self.presses, press);
    }

    pub(crate) fn record_hid_event(&mut self, event: HidEvent) {
        push_bounded(&mut self.hid_events, event);
    }
}

fn push_bounded<T>(queue: &mut VecDeque<T>, item: T) {
    if queue.len() >= HISTORY_LIMIT {
        queue.pop_front();
    }
    queue.push_back(item);
}

/// Stamps a new position with the current time unless it carries its own.
fn stamp_position(state: &mut PlayingState) {
    if state.position.is_some() && state.position_at.is_none() {
        state.position_at = Some(SystemTime::now());
    }
}

struct Shared {
    data: Mutex<StateData>,
    events: broadcast::Sender<StateEvent>,
    version: watch::Sender<u64>,
    companion: CompanionState,
    airplay_playback: crate::airplay::playback::PlaybackState,
}

/// Handle to the fake device's state.
#[derive(Clone)]
pub struct FakeState {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for FakeState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeState").finish_non_exhaustive()
    }
}

impl Default for FakeState {
    fn default() -> Self {
        Self::new()
    }
}

impl FakeState {
    /// An idle device: nothing playing, volume 0.5, powered on, no volume controls
    /// announced, its own output device only.
    pub fn new() -> Self {
        let (events, _) = broadcast::channel(EVENT_CAPACITY);
        let (version, _) = watch::channel(0);
        Self {
            shared: Arc::new(Shared {
                data: Mutex::new(StateData::default()),
                events,
                version,
                companion: CompanionState::new(),
                airplay_playback: crate::airplay::playback::PlaybackState::default(),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, StateData> {
        self.shared
            .data
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Reads the state.
    pub(crate) fn read<R>(&self, f: impl FnOnce(&StateData) -> R) -> R {
        f(&self.lock())
    }

    /// Changes the state and publishes the events `f` returns, in order, while still
    /// holding the lock (so every client sees changes in the order they happened).
    pub(crate) fn update<R>(&self, f: impl FnOnce(&mut StateData, &mut Vec<StateEvent>) -> R) -> R {
        let mut data = self.lock();
        let mut events = Vec::new();
        let result = f(&mut data, &mut events);
        for event in events {
            // No receiver is fine: nobody is connected.
            let _ = self.shared.events.send(event);
        }
        drop(data);
        self.shared.version.send_modify(|v| *v = v.wrapping_add(1));
        result
    }

    /// The Companion side's own state (apps, accounts, text input, what clients did).
    pub fn companion(&self) -> &CompanionState {
        &self.shared.companion
    }

    /// What the AirPlay side was asked to play (AirPlay 1 `/play`) and fetched.
    pub fn airplay_playback(&self) -> &crate::airplay::playback::PlaybackState {
        &self.shared.airplay_playback
    }

    /// Events from now on (for connections, and for tests that watch updates).
    pub fn subscribe(&self) -> broadcast::Receiver<StateEvent> {
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

    // --- What plays -------------------------------------------------------------------

    /// Replaces the state of `player` (pyatv's `set_player_state`).
    pub fn set_player(&self, player: &str, mut state: PlayingState) {
        stamp_position(&mut state);
        self.update(|data, events| {
            data.players.insert(player.to_owned(), state);
            events.push(data.player_event(player));
        });
    }

    /// Makes `player` the one now playing, or none (pyatv's `set_active_player`).
    pub fn set_active_player(&self, player: Option<&str>) {
        self.update(|data, events| {
            data.active_player = player.map(str::to_owned);
            events.push(StateEvent::ActivePlayer {
                player: data.active_player.clone(),
            });
        });
    }

    /// Sets the state of `player` and makes it the active one.
    pub fn play(&self, player: &str, state: PlayingState) {
        self.set_player(player, state);
        self.set_active_player(Some(player));
    }

    /// Plays example music on the examples' player (see [`PlayingState::example_music`]).
    pub fn example_music(&self, paused: bool) {
        self.play(PLAYER_IDENTIFIER, PlayingState::example_music(paused));
    }

    /// Plays the example video.
    pub fn example_video(&self, paused: bool) {
        self.play(PLAYER_IDENTIFIER, PlayingState::example_video(paused));
    }

    /// Plays the example TV episode.
    pub fn example_tv(&self, paused: bool) {
        self.play(PLAYER_IDENTIFIER, PlayingState::example_tv(paused));
    }

    /// Puts the examples' player in the loading state.
    pub fn media_is_loading(&self) {
        self.play(PLAYER_IDENTIFIER, PlayingState::loading());
    }

    /// Nothing plays any more.
    pub fn nothing_playing(&self) {
        self.set_active_player(None);
    }

    /// Changes the active player's state in place (pyatv's `change_state`).
    pub fn change_state(&self, change: impl FnOnce(&mut PlayingState)) {
        self.update(|data, events| {
            let player = data.target_player();
            let state = data.players.entry(player.clone()).or_default();
            let before = state.position;
            change(state);
            if state.position != before {
                state.position_at = None;
            }
            stamp_position(state);
            events.push(data.player_event(&player));
        });
    }

    /// Changes some metadata of the active player's item, announced as a content item
    /// update (pyatv's `change_metadata`).
    pub fn change_metadata(&self, mut change: PlayingState) {
        stamp_position(&mut change);
        self.update(|data, events| {
            let player = data.target_player();
            data.players
                .entry(player.clone())
                .or_default()
                .merge(&change);
            events.push(StateEvent::ContentItem {
                player,
                change: Box::new(change),
            });
        });
    }

    /// Gives the active player's app a new display name (pyatv's `update_client`).
    pub fn update_client(&self, display_name: Option<&str>) {
        self.update(|data, events| {
            events.push(StateEvent::Client {
                player: data.target_player(),
                display_name: display_name.map(str::to_owned),
            });
        });
    }

    /// Sets the artwork of the active player's item (pyatv's `change_artwork`).
    pub fn set_artwork(&self, artwork: &[u8], mimetype: &str, identifier: &str) {
        self.change_state(|state| {
            state.artwork = Some(bytes::Bytes::copy_from_slice(artwork));
            state.artwork_mimetype = Some(mimetype.to_owned());
            state.artwork_identifier = Some(identifier.to_owned());
        });
    }

    /// Announces the commands supported when no player says otherwise.
    pub fn set_default_supported_commands(&self, commands: Vec<Command>) {
        self.update(|_, events| events.push(StateEvent::DefaultSupportedCommands(commands)));
    }

    /// The active player's bundle identifier.
    pub fn active_player(&self) -> Option<String> {
        self.read(|data| data.active_player.clone())
    }

    /// The state of a player.
    pub fn player(&self, player: &str) -> Option<PlayingState> {
        self.read(|data| data.players.get(player).cloned())
    }

    /// The state of the active player, if something plays.
    pub fn playing(&self) -> Option<PlayingState> {
        self.read(|data| {
            data.active_player
                .as_ref()
                .and_then(|player| data.players.get(player).cloned())
        })
    }

    /// The active player's playback state.
    pub fn playback_state(&self) -> Option<PlaybackState> {
        self.playing().and_then(|state| state.playback_state)
    }

    // --- Volume, output devices, power -------------------------------------------------

    /// The volume, 0.0 to 1.0.
    pub fn volume(&self) -> f32 {
        self.read(|data| data.volume)
    }

    /// The volume of an output device, 0.0 to 1.0 (the device's own for its UID); `None`
    /// for another device whose volume was never set.
    pub fn device_volume(&self, device_uid: &str) -> Option<f32> {
        self.read(|data| {
            if device_uid == DEVICE_UID {
                Some(data.volume)
            } else {
                data.device_volumes.get(device_uid).copied()
            }
        })
    }

    /// Sets the volume (ignored outside 0.0..=1.0); returns whether it was taken.
    pub fn set_volume(&self, volume: f32) -> bool {
        self.update(|data, events| {
            let event = data.set_volume(volume, DEVICE_UID);
            let taken = event.is_some();
            events.extend(event);
            taken
        })
    }

    /// The volume controls announced to clients; `None` until set.
    pub fn volume_control(&self) -> Option<VolumeControl> {
        self.read(|data| data.volume_control)
    }

    /// Announces volume controls; when available, the current volume too (as a device
    /// does).
    pub fn set_volume_control(&self, control: VolumeControl) {
        self.update(|data, events| {
            data.volume_control = Some(control);
            events.push(StateEvent::VolumeControl(control));
            if control.available {
                let volume = data.volume;
                events.extend(data.set_volume(volume, DEVICE_UID));
            }
        });
    }

    /// Output devices of the device's group (its own UID included while it is in it).
    pub fn output_devices(&self) -> Vec<String> {
        self.read(|data| data.output_devices.clone())
    }

    /// Adds output devices to the group.
    pub fn add_output_devices(&self, devices: &[String]) {
        self.update(|data, events| {
            for device in devices {
                if !data.output_devices.contains(device) {
                    data.output_devices.push(device.clone());
                }
            }
            events.push(data.device_info_event());
        });
    }

    /// Removes output devices from the group (unknown ones are ignored).
    pub fn remove_output_devices(&self, devices: &[String]) {
        self.update(|data, events| {
            data.output_devices.retain(|d| !devices.contains(d));
            events.push(data.device_info_event());
        });
    }

    /// Replaces the group's output devices.
    pub fn set_output_devices(&self, devices: &[String]) {
        self.update(|data, events| {
            data.output_devices = devices.to_vec();
            events.push(data.device_info_event());
        });
    }

    /// Sets the cluster identifier announced in device information.
    pub fn set_cluster_id(&self, cluster_id: Option<&str>) {
        self.update(|data, events| {
            data.cluster_id = cluster_id.map(str::to_owned);
            events.push(data.device_info_event());
        });
    }

    /// Whether the device is on.
    pub fn powered_on(&self) -> bool {
        self.read(|data| data.powered_on)
    }

    /// The power state.
    pub fn power_state(&self) -> PowerState {
        if self.powered_on() {
            PowerState::On
        } else {
            PowerState::Off
        }
    }

    /// Turns the device on or off (announced as a device information update).
    pub fn set_powered_on(&self, on: bool) {
        self.update(|data, events| {
            data.powered_on = on;
            events.push(data.device_info_event());
        });
    }

    // --- What clients did --------------------------------------------------------------

    /// The last button pressed (pyatv's `last_button_pressed`).
    pub fn last_button_pressed(&self) -> Option<String> {
        self.read(|data| data.buttons.last().map(|press| press.button.clone()))
    }

    /// How the last button was pressed (pyatv's `last_button_action`).
    pub fn last_button_action(&self) -> Option<InputAction> {
        self.read(|data| data.buttons.last().and_then(|press| press.action))
    }

    /// Every button press so far (the latest 1024).
    pub fn button_presses(&self) -> Vec<ButtonPress> {
        self.read(|data| data.presses.iter().cloned().collect())
    }

    /// Every HID keyboard event so far (the latest 1024).
    pub fn hid_events(&self) -> Vec<HidEvent> {
        self.read(|data| data.hid_events.iter().copied().collect())
    }

    pub(crate) fn key_down(&self, event: HidEvent, now: Instant) {
        self.update(|data, _| {
            data.record_hid_event(event);
            data.buttons.key_down((event.usage_page, event.usage), now);
        });
    }

    /// Heartbeats received.
    pub fn heartbeat_count(&self) -> u64 {
        self.read(|data| data.heartbeat_count)
    }

    /// The connection state a client last announced (2 = connected).
    pub fn connection_state(&self) -> Option<i32> {
        self.read(|data| data.connection_state)
    }

    /// Whether some client completed pair-verify.
    pub fn has_authenticated(&self) -> bool {
        self.read(|data| data.has_authenticated)
    }

    /// Clients connected now.
    pub fn connected_clients(&self) -> usize {
        self.read(|data| data.connected_clients)
    }

    /// Connections subscribed to updates now (for benchmarks that wait for their clients).
    pub fn subscribed_clients(&self) -> usize {
        self.shared.events.receiver_count()
    }

    /// State events some subscribed connection has yet to forward (for load generators,
    /// which keep this below the backlog a connection may have before it resynchronises).
    pub fn pending_events(&self) -> usize {
        self.shared.events.len()
    }

    // --- Pairings ----------------------------------------------------------------------

    /// Clients paired so far (preloaded ones included).
    pub fn paired_clients(&self) -> usize {
        self.read(|data| data.pairings.len())
    }

    /// Accepts a client paired earlier: its pairing identifier and Ed25519 public key.
    pub fn add_paired_client(&self, identifier: &[u8], public_key: [u8; 32]) {
        self.update(|data, _| data.pairings.add_client(identifier, public_key));
    }
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
