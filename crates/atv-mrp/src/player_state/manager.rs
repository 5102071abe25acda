//! All apps and players of a device, and which app is active (what "now playing" is),
//! kept up to date from the device's messages as pyatv's `PlayerStateManager` does.

use std::collections::HashMap;

use super::client::Client;
use super::player::{PlayerState, text};
use crate::protobuf::{
    CommandInfo, ContentItemMetadata, MessageType, NowPlayingClient, NowPlayingPlayer, PlayerPath,
    ProtocolMessage,
};

/// Every app and player the device told about.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlayerStateManager {
    clients: HashMap<String, Client>,
    active_client: Option<String>,
}

/// The player that is playing now, with the app it belongs to. Either may be absent,
/// which stands for an empty one (nothing plays).
#[derive(Debug, Clone, Copy)]
pub struct ActivePlayer<'a> {
    /// The active player, `None` for the empty player.
    pub player: Option<&'a PlayerState>,
    /// The app of the player, `None` when no app is active.
    pub client: Option<&'a Client>,
}

impl<'a> ActivePlayer<'a> {
    /// The player's identifier (empty for the empty player).
    pub fn identifier(&self) -> &'a str {
        self.player.map_or("", |p| p.identifier.as_str())
    }

    /// The playback state (see [`PlayerState::playback_state`]).
    pub fn playback_state(&self) -> Option<i32> {
        self.player.and_then(PlayerState::playback_state)
    }

    /// Metadata of what plays.
    pub fn metadata(&self) -> Option<&'a ContentItemMetadata> {
        self.player.and_then(PlayerState::metadata)
    }

    /// Identifier of the current item.
    pub fn item_identifier(&self) -> Option<&'a str> {
        self.player.and_then(PlayerState::item_identifier)
    }

    /// Index of the current item in the queue.
    pub fn location(&self) -> i32 {
        self.player.map_or(0, |p| p.location)
    }

    /// What the player (or else its app) says about `command`.
    pub fn command_info(&self, command: i32) -> Option<&'a CommandInfo> {
        let own = self.player.map(|p| p.supported_commands.as_slice());
        let app = self.client.map(|c| c.supported_commands.as_slice());
        own.into_iter()
            .chain(app)
            .flatten()
            .find(|info| info.command == Some(command))
    }
}

/// Borrows a payload field, or an empty payload when the message lacks it (Python's
/// protobuf hands out empty messages for absent fields, and pyatv relies on that).
fn payload<T: Default + Clone>(field: &Option<Box<T>>) -> std::borrow::Cow<'_, T> {
    match field {
        Some(value) => std::borrow::Cow::Borrowed(value),
        None => std::borrow::Cow::Owned(T::default()),
    }
}

fn client_of(path: &Option<PlayerPath>) -> NowPlayingClient {
    path.as_ref()
        .and_then(|p| p.client.clone())
        .unwrap_or_default()
}

fn player_of(path: &Option<PlayerPath>) -> NowPlayingPlayer {
    path.as_ref()
        .and_then(|p| p.player.clone())
        .unwrap_or_default()
}

impl PlayerStateManager {
    /// No apps, nothing active.
    pub fn new() -> Self {
        Self::default()
    }

    /// The active app, if any.
    pub fn client(&self) -> Option<&Client> {
        self.active_client
            .as_ref()
            .and_then(|bundle| self.clients.get(bundle))
    }

    /// Every app seen, by bundle identifier.
    pub fn clients(&self) -> &HashMap<String, Client> {
        &self.clients
    }

    /// What plays now.
    pub fn playing(&self) -> ActivePlayer<'_> {
        match self.client() {
            Some(client) => ActivePlayer {
                player: client.active_player(),
                client: Some(client),
            },
            None => ActivePlayer {
                player: None,
                client: None,
            },
        }
    }

    fn get_client(&mut self, client: &NowPlayingClient) -> &mut Client {
        self.clients
            .entry(text(&client.bundle_identifier).to_owned())
            .or_insert_with(|| Client::new(client))
    }

    fn get_player(&mut self, path: &Option<PlayerPath>) -> &mut PlayerState {
        let player = player_of(path);
        self.get_client(&client_of(path)).get_player(&player)
    }

    /// Whether an update of `client` and/or `player` (by bundle identifier and player
    /// identifier) concerns what plays, by pyatv's rule: an update naming neither always
    /// does; one naming no app does while no app is active; a player does when its
    /// identifier is the active player's.
    fn concerns_playing(&self, client: Option<&str>, player: Option<&str>) -> bool {
        let active_client = self.active_client.as_deref();
        let is_active_client = client == active_client;
        let is_active_player = player.is_some_and(|p| p == self.playing().identifier());
        let is_always = client.is_none() && player.is_none();
        is_active_client || is_active_player || is_always
    }

    /// Applies a message from the device. Returns whether what plays may have changed
    /// (pyatv then tells its push listener); messages of other types change nothing.
    pub fn handle(&mut self, message: &ProtocolMessage) -> bool {
        let Ok(message_type) = MessageType::try_from(message.r#type.unwrap_or_default()) else {
            return false;
        };
        match message_type {
            MessageType::SetStateMessage => {
                let set_state = payload(&message.set_state_message);
                let player = self.get_player(&set_state.player_path);
                player.handle_set_state(&set_state);
                let identifier = player.identifier.clone();
                self.concerns_playing(None, Some(&identifier))
            }
            MessageType::UpdateContentItemMessage => {
                let update = payload(&message.update_content_item_message);
                let player = self.get_player(&update.player_path);
                player.handle_content_item_update(&update);
                let identifier = player.identifier.clone();
                self.concerns_playing(None, Some(&identifier))
            }
            MessageType::SetNowPlayingClientMessage => {
                let client = payload(&message.set_now_playing_client_message)
                    .client
                    .clone()
                    .unwrap_or_default();
                let bundle = self.get_client(&client).bundle_identifier.clone();
                tracing::debug!("active client is now {bundle:?}");
                self.active_client = Some(bundle);
                self.concerns_playing(None, None)
            }
            MessageType::SetNowPlayingPlayerMessage => {
                let path = payload(&message.set_now_playing_player_message)
                    .player_path
                    .clone();
                let player = player_of(&path);
                let client = self.get_client(&client_of(&path));
                client.set_now_playing_player(&player);
                let bundle = client.bundle_identifier.clone();
                self.concerns_playing(Some(&bundle), None)
            }
            MessageType::UpdateClientMessage => {
                let described = payload(&message.update_client_message)
                    .client
                    .clone()
                    .unwrap_or_default();
                let client = self.get_client(&described);
                client.update(&described);
                let bundle = client.bundle_identifier.clone();
                self.concerns_playing(Some(&bundle), None)
            }
            MessageType::RemoveClientMessage => {
                let client = payload(&message.remove_client_message)
                    .client
                    .clone()
                    .unwrap_or_default();
                let bundle = text(&client.bundle_identifier);
                if self.clients.remove(bundle).is_none() {
                    return false;
                }
                if self.active_client.as_deref() == Some(bundle) {
                    self.active_client = None;
                    return self.concerns_playing(None, None);
                }
                false
            }
            MessageType::RemovePlayerMessage => {
                let path = payload(&message.remove_player_message).player_path.clone();
                let identifier = self.get_player(&path).identifier.clone();
                if identifier.is_empty() {
                    return false;
                }
                let client = self.get_client(&client_of(&path));
                let was_active = client.active_player_identifier() == identifier;
                client.players.remove(&identifier);
                if was_active {
                    client.clear_active_player();
                    let bundle = client.bundle_identifier.clone();
                    return self.concerns_playing(Some(&bundle), None);
                }
                false
            }
            MessageType::SetDefaultSupportedCommandsMessage => {
                let defaults = payload(&message.set_default_supported_commands_message);
                let commands = defaults
                    .supported_commands
                    .as_ref()
                    .map(|c| c.supported_commands.clone())
                    .unwrap_or_default();
                self.get_client(&client_of(&defaults.player_path))
                    .set_default_supported_commands(commands);
                self.concerns_playing(None, None)
            }
            _ => false,
        }
    }
}
