//! Message sequences through the player model.

use super::*;
use crate::protobuf::{
    CommandInfo, ContentItem, ContentItemMetadata, MessageType, NowPlayingClient, NowPlayingPlayer,
    PlaybackQueue, PlaybackState, PlayerPath, ProtocolMessage, RemoveClientMessage,
    RemovePlayerMessage, SetDefaultSupportedCommandsMessage, SetNowPlayingClientMessage,
    SetNowPlayingPlayerMessage, SetStateMessage, SupportedCommands, UpdateClientMessage,
    UpdateContentItemMessage,
};

const APP: &str = "com.example.app";
const OTHER: &str = "com.example.other";

fn client(bundle: &str, name: Option<&str>) -> NowPlayingClient {
    NowPlayingClient {
        bundle_identifier: Some(bundle.into()),
        display_name: name.map(str::to_owned),
        ..Default::default()
    }
}

fn path(bundle: &str, player: &str) -> PlayerPath {
    PlayerPath {
        client: Some(client(bundle, None)),
        player: Some(NowPlayingPlayer {
            identifier: Some(player.into()),
            display_name: Some(format!("{player} name")),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn envelope(message_type: MessageType) -> ProtocolMessage {
    ProtocolMessage {
        r#type: Some(message_type as i32),
        ..Default::default()
    }
}

fn item(id: &str, title: &str) -> ContentItem {
    ContentItem {
        identifier: Some(id.into()),
        metadata: Some(ContentItemMetadata {
            title: Some(title.into()),
            playback_rate: Some(1.0),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn command(command: i32) -> CommandInfo {
    CommandInfo {
        command: Some(command),
        enabled: Some(true),
        ..Default::default()
    }
}

fn set_state(bundle: &str, player: &str, state: PlaybackState, title: &str) -> ProtocolMessage {
    ProtocolMessage {
        set_state_message: Some(Box::new(SetStateMessage {
            playback_state: Some(state as i32),
            player_path: Some(path(bundle, player)),
            playback_queue: Some(PlaybackQueue {
                location: Some(0),
                content_items: vec![item("item", title)],
                ..Default::default()
            }),
            supported_commands: Some(SupportedCommands {
                supported_commands: vec![command(1)],
            }),
            ..Default::default()
        })),
        ..envelope(MessageType::SetStateMessage)
    }
}

fn now_playing_client(bundle: &str) -> ProtocolMessage {
    ProtocolMessage {
        set_now_playing_client_message: Some(Box::new(SetNowPlayingClientMessage {
            client: Some(client(bundle, None)),
        })),
        ..envelope(MessageType::SetNowPlayingClientMessage)
    }
}

fn now_playing_player(bundle: &str, player: &str) -> ProtocolMessage {
    ProtocolMessage {
        set_now_playing_player_message: Some(Box::new(SetNowPlayingPlayerMessage {
            player_path: Some(path(bundle, player)),
        })),
        ..envelope(MessageType::SetNowPlayingPlayerMessage)
    }
}

fn update_client(bundle: &str, name: &str) -> ProtocolMessage {
    ProtocolMessage {
        update_client_message: Some(Box::new(UpdateClientMessage {
            client: Some(client(bundle, Some(name))),
        })),
        ..envelope(MessageType::UpdateClientMessage)
    }
}

fn remove_client(bundle: &str) -> ProtocolMessage {
    ProtocolMessage {
        remove_client_message: Some(Box::new(RemoveClientMessage {
            client: Some(client(bundle, None)),
        })),
        ..envelope(MessageType::RemoveClientMessage)
    }
}

fn remove_player(bundle: &str, player: &str) -> ProtocolMessage {
    ProtocolMessage {
        remove_player_message: Some(Box::new(RemovePlayerMessage {
            player_path: Some(path(bundle, player)),
        })),
        ..envelope(MessageType::RemovePlayerMessage)
    }
}

fn content_update(bundle: &str, player: &str, title: &str) -> ProtocolMessage {
    ProtocolMessage {
        update_content_item_message: Some(Box::new(UpdateContentItemMessage {
            content_items: vec![ContentItem {
                identifier: Some("item".into()),
                metadata: Some(ContentItemMetadata {
                    title: Some(title.into()),
                    ..Default::default()
                }),
                ..Default::default()
            }],
            player_path: Some(path(bundle, player)),
        })),
        ..envelope(MessageType::UpdateContentItemMessage)
    }
}

fn default_commands(bundle: &str, commands: &[i32]) -> ProtocolMessage {
    ProtocolMessage {
        set_default_supported_commands_message: Some(Box::new(
            SetDefaultSupportedCommandsMessage {
                supported_commands: Some(SupportedCommands {
                    supported_commands: commands.iter().map(|c| command(*c)).collect(),
                }),
                player_path: Some(PlayerPath {
                    client: Some(client(bundle, None)),
                    ..Default::default()
                }),
                ..Default::default()
            },
        )),
        ..envelope(MessageType::SetDefaultSupportedCommandsMessage)
    }
}

fn title(psm: &PlayerStateManager) -> Option<String> {
    psm.playing().metadata().and_then(|m| m.title.clone())
}

#[test]
fn nothing_plays_until_a_client_is_made_active() {
    let mut psm = PlayerStateManager::new();
    assert!(psm.playing().player.is_none());
    // No active client: every state update may concern what plays.
    assert!(psm.handle(&set_state(
        APP,
        DEFAULT_PLAYER_ID,
        PlaybackState::Playing,
        "a"
    )));
    assert_eq!(title(&psm), None);
    assert!(psm.client().is_none());

    assert!(psm.handle(&now_playing_client(APP)));
    assert_eq!(
        psm.client().map(|c| c.bundle_identifier.as_str()),
        Some(APP)
    );
    // The default player is active when none was named.
    assert_eq!(psm.playing().identifier(), DEFAULT_PLAYER_ID);
    assert_eq!(title(&psm).as_deref(), Some("a"));
    assert_eq!(
        psm.playing().playback_state(),
        Some(PlaybackState::Playing as i32)
    );
}

#[test]
fn several_clients_and_players() {
    let mut psm = PlayerStateManager::new();
    psm.handle(&set_state(APP, "one", PlaybackState::Playing, "first"));
    psm.handle(&set_state(APP, "two", PlaybackState::Paused, "second"));
    psm.handle(&set_state(
        OTHER,
        DEFAULT_PLAYER_ID,
        PlaybackState::Playing,
        "other",
    ));
    psm.handle(&now_playing_client(APP));
    // APP has no default player and none is active yet: the empty player.
    assert_eq!(psm.playing().identifier(), "");
    assert_eq!(title(&psm), None);

    assert!(psm.handle(&now_playing_player(APP, "two")));
    assert_eq!(title(&psm).as_deref(), Some("second"));
    // A player of an inactive client does not concern what plays...
    assert!(!psm.handle(&now_playing_player(OTHER, DEFAULT_PLAYER_ID)));
    assert!(!psm.handle(&set_state(
        APP,
        "one",
        PlaybackState::Playing,
        "first again"
    )));
    // ...the active one does.
    assert!(psm.handle(&set_state(
        APP,
        "two",
        PlaybackState::Playing,
        "second again"
    )));
    assert_eq!(title(&psm).as_deref(), Some("second again"));

    psm.handle(&now_playing_client(OTHER));
    assert_eq!(title(&psm).as_deref(), Some("other"));
    assert_eq!(psm.clients().len(), 2);
}

#[test]
fn content_item_updates_reach_the_active_player() {
    let mut psm = PlayerStateManager::new();
    psm.handle(&set_state(
        APP,
        DEFAULT_PLAYER_ID,
        PlaybackState::Playing,
        "before",
    ));
    psm.handle(&now_playing_client(APP));
    assert!(psm.handle(&content_update(APP, DEFAULT_PLAYER_ID, "after")));
    assert_eq!(title(&psm).as_deref(), Some("after"));
    // Merged, not replaced: the rate from the SetState stays.
    assert_eq!(
        psm.playing().metadata().and_then(|m| m.playback_rate),
        Some(1.0)
    );
}

#[test]
fn update_client_sets_the_app_name() {
    let mut psm = PlayerStateManager::new();
    psm.handle(&now_playing_client(APP));
    assert_eq!(psm.client().and_then(|c| c.display_name.clone()), None);
    assert!(psm.handle(&update_client(APP, "Example")));
    assert!(!psm.handle(&update_client(OTHER, "Other")));
    assert_eq!(
        psm.client().and_then(|c| c.display_name.clone()).as_deref(),
        Some("Example")
    );
}

#[test]
fn remove_player_and_client() {
    let mut psm = PlayerStateManager::new();
    psm.handle(&set_state(APP, "p", PlaybackState::Playing, "x"));
    psm.handle(&now_playing_client(APP));
    psm.handle(&now_playing_player(APP, "p"));
    assert_eq!(title(&psm).as_deref(), Some("x"));

    // Removing a player that is not active changes nothing that plays.
    psm.handle(&set_state(APP, "q", PlaybackState::Playing, "y"));
    assert!(!psm.handle(&remove_player(APP, "q")));
    assert!(!psm.clients()[APP].players.contains_key("q"));

    assert!(psm.handle(&remove_player(APP, "p")));
    assert_eq!(title(&psm), None);
    assert_eq!(psm.playing().identifier(), "");

    // Removing an unknown client is ignored; removing the active one ends playing.
    assert!(!psm.handle(&remove_client(OTHER)));
    assert!(psm.handle(&remove_client(APP)));
    assert!(psm.client().is_none());
    assert!(psm.clients().is_empty());
}

#[test]
fn default_commands_are_used_when_the_player_lists_none() {
    let mut psm = PlayerStateManager::new();
    psm.handle(&now_playing_client(APP));
    // No player yet: commands come from the app's defaults.
    assert!(psm.handle(&default_commands(APP, &[3, 4])));
    assert!(psm.playing().command_info(3).is_some());
    assert!(psm.playing().command_info(1).is_none());
    psm.handle(&set_state(
        APP,
        DEFAULT_PLAYER_ID,
        PlaybackState::Playing,
        "t",
    ));
    // The player's own commands come first, the app's still count.
    assert!(psm.playing().command_info(1).is_some());
    assert!(psm.playing().command_info(4).is_some());
}

#[test]
fn nothing_playing_makes_the_empty_bundle_active() {
    // pyatv's fake device signals "nothing plays" with an empty now-playing client.
    let mut psm = PlayerStateManager::new();
    psm.handle(&set_state(
        APP,
        DEFAULT_PLAYER_ID,
        PlaybackState::Playing,
        "t",
    ));
    psm.handle(&now_playing_client(APP));
    let mut empty = now_playing_client("");
    if let Some(m) = empty.set_now_playing_client_message.as_mut() {
        m.client = Some(NowPlayingClient::default());
    }
    assert!(psm.handle(&empty));
    assert_eq!(psm.client().map(|c| c.bundle_identifier.as_str()), Some(""));
    assert_eq!(title(&psm), None);
    assert_eq!(psm.playing().playback_state(), None);
}

#[test]
fn other_messages_and_missing_payloads_are_harmless() {
    let mut psm = PlayerStateManager::new();
    assert!(!psm.handle(&envelope(MessageType::GenericMessage)));
    assert!(!psm.handle(&ProtocolMessage {
        r#type: Some(9999),
        ..Default::default()
    }));
    // A SetState without payload acts on the empty client and player, like pyatv.
    assert!(psm.handle(&envelope(MessageType::SetStateMessage)));
    assert!(psm.clients().contains_key(""));
    assert!(!psm.handle(&envelope(MessageType::RemovePlayerMessage)));
}
