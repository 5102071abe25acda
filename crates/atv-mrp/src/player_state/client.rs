//! One app that plays media (an MRP "client"): its players, which of them is active,
//! and the commands it supports by default.

use std::collections::HashMap;

use super::player::{PlayerState, text};
use crate::protobuf::{CommandInfo, NowPlayingClient, NowPlayingPlayer};

/// Identifier of the player an app uses when it has only one.
pub const DEFAULT_PLAYER_ID: &str = "MediaRemote-DefaultPlayer";

/// State of one app.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Client {
    /// The app's bundle identifier (empty when the device sent none).
    pub bundle_identifier: String,
    /// The app's name, once the device gave one.
    pub display_name: Option<String>,
    /// The app's players by identifier.
    pub players: HashMap<String, PlayerState>,
    /// Commands of the app's players that do not list their own.
    pub supported_commands: Vec<CommandInfo>,
    active_player: Option<String>,
}

impl Client {
    /// An app as the device described it.
    pub fn new(client: &NowPlayingClient) -> Self {
        let mut state = Self {
            bundle_identifier: text(&client.bundle_identifier).to_owned(),
            ..Self::default()
        };
        state.update(client);
        state
    }

    /// Takes the name from a new description of the app, if it has one.
    pub fn update(&mut self, client: &NowPlayingClient) {
        if let Some(name) = client.display_name.as_ref().filter(|n| !n.is_empty()) {
            self.display_name = Some(name.clone());
        }
    }

    /// The active player: the one last made active, else the default player if the app
    /// has one; `None` stands for an empty player.
    pub fn active_player(&self) -> Option<&PlayerState> {
        match &self.active_player {
            Some(identifier) => self.players.get(identifier),
            None => self.players.get(DEFAULT_PLAYER_ID),
        }
    }

    /// Identifier of the active player (empty for the empty player).
    pub fn active_player_identifier(&self) -> &str {
        self.active_player().map_or("", |p| p.identifier.as_str())
    }

    /// The player the device described, created on first sight.
    pub fn get_player(&mut self, player: &NowPlayingPlayer) -> &mut PlayerState {
        self.players
            .entry(text(&player.identifier).to_owned())
            .or_insert_with(|| PlayerState::new(player))
    }

    /// Makes the described player the active one.
    pub fn set_now_playing_player(&mut self, player: &NowPlayingPlayer) {
        let identifier = self.get_player(player).identifier.clone();
        tracing::debug!(
            "active player of {} is now {identifier:?}",
            self.bundle_identifier
        );
        self.active_player = Some(identifier);
    }

    /// Forgets which player is active (the default player, if any, becomes active).
    pub fn clear_active_player(&mut self) {
        self.active_player = None;
    }

    /// Replaces the app's default commands.
    pub fn set_default_supported_commands(&mut self, commands: Vec<CommandInfo>) {
        self.supported_commands = commands;
    }
}
