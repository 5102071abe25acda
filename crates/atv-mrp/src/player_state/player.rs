//! What one player (of one app) is doing: its playback state, supported commands and
//! queue, assembled from SetState and content item updates the way pyatv assembles them.

use std::sync::LazyLock;

use prost::Message;

use crate::protobuf::{
    CommandInfo, ContentItem, ContentItemMetadata, NowPlayingPlayer, PlaybackState,
    SetStateMessage, UpdateContentItemMessage,
};

/// The metadata of an item that has none: every field unset.
static NO_METADATA: LazyLock<ContentItemMetadata> = LazyLock::new(ContentItemMetadata::default);

/// State of one player.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlayerState {
    /// The player's identifier; empty for "no player".
    pub identifier: String,
    /// The player's name, once the device gave one.
    pub display_name: Option<String>,
    /// Commands the player supports, with their settings (shuffle and repeat modes,
    /// skip intervals, ...).
    pub supported_commands: Vec<CommandInfo>,
    /// The part of the queue the device sent.
    pub items: Vec<ContentItem>,
    /// Index in `items` of what plays.
    pub location: i32,
    /// Raw playback state, when the device sent one.
    playback_state: Option<i32>,
}

/// Python's `math.isclose` with its default tolerances.
fn is_close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

/// A protobuf string as Python reads it: unset is empty.
pub(crate) fn text(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or_default()
}

impl PlayerState {
    /// A player as the device described it.
    pub fn new(player: &NowPlayingPlayer) -> Self {
        let mut state = Self {
            identifier: text(&player.identifier).to_owned(),
            ..Self::default()
        };
        state.update(player);
        state
    }

    /// Whether this is a real player (it has an identifier).
    pub fn is_valid(&self) -> bool {
        !self.identifier.is_empty()
    }

    /// Takes the name from a new description of the player, if it has one.
    pub fn update(&mut self, player: &NowPlayingPlayer) {
        if let Some(name) = player.display_name.as_ref().filter(|n| !n.is_empty()) {
            self.display_name = Some(name.clone());
        }
    }

    /// The playback state as pyatv derives it: `None` when nothing plays (no state yet,
    /// or paused with an empty queue); a playing state is corrected by the item's
    /// playback rate (0 keeps playing, 1 is playing, anything else is seeking).
    pub fn playback_state(&self) -> Option<i32> {
        let state = self.playback_state?;
        if state == PlaybackState::Paused as i32 {
            return self.metadata().map(|_| state);
        }
        if state != PlaybackState::Playing as i32 {
            return Some(state);
        }
        let Some(rate) = self.metadata().and_then(|m| m.playback_rate) else {
            return Some(state);
        };
        let rate = f64::from(rate);
        if is_close(rate, 0.0) || is_close(rate, 1.0) {
            Some(PlaybackState::Playing as i32)
        } else {
            Some(PlaybackState::Seeking as i32)
        }
    }

    fn current_item(&self) -> Option<&ContentItem> {
        usize::try_from(self.location)
            .ok()
            .and_then(|index| self.items.get(index))
    }

    /// Metadata of what plays: `None` without a current item; an item without metadata
    /// has empty metadata.
    pub fn metadata(&self) -> Option<&ContentItemMetadata> {
        self.current_item()
            .map(|item| item.metadata.as_ref().unwrap_or(&NO_METADATA))
    }

    /// Identifier of the current item.
    pub fn item_identifier(&self) -> Option<&str> {
        self.current_item().map(|item| text(&item.identifier))
    }

    /// Takes what a SetStateMessage carries: each part it has replaces ours.
    pub fn handle_set_state(&mut self, set_state: &SetStateMessage) {
        if let Some(state) = set_state.playback_state {
            self.playback_state = Some(state);
        }
        if let Some(commands) = &set_state.supported_commands {
            self.supported_commands
                .clone_from(&commands.supported_commands);
        }
        if let Some(queue) = &set_state.playback_queue {
            self.items.clone_from(&queue.content_items);
            self.location = queue.location.unwrap_or_default();
        }
    }

    /// Merges updated items into the queue: the metadata of an item with the same
    /// identifier is merged field by field as protobuf merges (set fields replace ours,
    /// repeated fields are appended). Items not in the queue are ignored.
    pub fn handle_content_item_update(&mut self, update: &UpdateContentItemMessage) {
        for updated in &update.content_items {
            let identifier = text(&updated.identifier);
            let encoded = updated
                .metadata
                .as_ref()
                .map(Message::encode_to_vec)
                .unwrap_or_default();
            for existing in &mut self.items {
                if text(&existing.identifier) == identifier {
                    let metadata = existing.metadata.get_or_insert_with(Default::default);
                    // Merging our own encoding of a valid message cannot fail.
                    if let Err(error) = metadata.merge(encoded.as_slice()) {
                        tracing::warn!("cannot merge a content item update: {error}");
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protobuf::{PlaybackQueue, SupportedCommands};

    fn item(identifier: &str, metadata: ContentItemMetadata) -> ContentItem {
        ContentItem {
            identifier: Some(identifier.into()),
            metadata: Some(metadata),
            ..Default::default()
        }
    }

    fn set_state(state: Option<PlaybackState>, items: Vec<ContentItem>) -> SetStateMessage {
        SetStateMessage {
            playback_state: state.map(|s| s as i32),
            playback_queue: Some(PlaybackQueue {
                location: Some(0),
                content_items: items,
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn rate(rate: f32) -> ContentItemMetadata {
        ContentItemMetadata {
            playback_rate: Some(rate),
            ..Default::default()
        }
    }

    #[test]
    fn playback_state_follows_pyatv_rules() {
        let mut player = PlayerState::new(&NowPlayingPlayer::default());
        assert!(!player.is_valid());
        assert_eq!(player.playback_state(), None);

        // Paused with an empty queue means nothing plays.
        player.handle_set_state(&set_state(Some(PlaybackState::Paused), vec![]));
        assert_eq!(player.playback_state(), None);
        player.handle_set_state(&set_state(None, vec![item("a", rate(0.0))]));
        assert_eq!(player.playback_state(), Some(PlaybackState::Paused as i32));

        for (r, expected) in [
            (0.0, PlaybackState::Playing),
            (1.0, PlaybackState::Playing),
            (2.0, PlaybackState::Seeking),
            (-1.0, PlaybackState::Seeking),
        ] {
            player.handle_set_state(&set_state(
                Some(PlaybackState::Playing),
                vec![item("a", rate(r))],
            ));
            assert_eq!(player.playback_state(), Some(expected as i32), "rate {r}");
        }
        player.handle_set_state(&set_state(
            Some(PlaybackState::Playing),
            vec![item("a", ContentItemMetadata::default())],
        ));
        assert_eq!(player.playback_state(), Some(PlaybackState::Playing as i32));
        player.handle_set_state(&set_state(Some(PlaybackState::Interrupted), vec![]));
        assert_eq!(
            player.playback_state(),
            Some(PlaybackState::Interrupted as i32)
        );
    }

    #[test]
    fn set_state_replaces_only_what_it_carries() {
        let mut player = PlayerState::new(&NowPlayingPlayer {
            identifier: Some("p".into()),
            display_name: Some("Player".into()),
            ..Default::default()
        });
        assert!(player.is_valid());
        player.handle_set_state(&SetStateMessage {
            supported_commands: Some(SupportedCommands {
                supported_commands: vec![CommandInfo {
                    command: Some(1),
                    ..Default::default()
                }],
            }),
            ..set_state(Some(PlaybackState::Playing), vec![item("x", rate(1.0))])
        });
        player.handle_set_state(&SetStateMessage::default());
        assert_eq!(player.supported_commands.len(), 1);
        assert_eq!(player.item_identifier(), Some("x"));
        assert_eq!(player.playback_state(), Some(PlaybackState::Playing as i32));
        // An empty name does not replace a known one.
        player.update(&NowPlayingPlayer {
            display_name: Some(String::new()),
            ..Default::default()
        });
        assert_eq!(player.display_name.as_deref(), Some("Player"));
    }

    #[test]
    fn location_outside_the_queue_means_no_metadata() {
        let mut player = PlayerState::default();
        player.handle_set_state(&SetStateMessage {
            playback_queue: Some(PlaybackQueue {
                location: Some(1),
                content_items: vec![item("a", rate(1.0))],
                ..Default::default()
            }),
            ..Default::default()
        });
        assert!(player.metadata().is_none());
        player.location = -1;
        assert!(player.metadata().is_none());
        player.location = 0;
        assert_eq!(player.metadata().and_then(|m| m.playback_rate), Some(1.0));
        // An item without metadata has empty metadata.
        player.items[0].metadata = None;
        assert_eq!(player.metadata(), Some(&ContentItemMetadata::default()));
    }

    #[test]
    fn content_item_updates_merge_like_protobuf() {
        let mut player = PlayerState::default();
        let original = ContentItemMetadata {
            title: Some("old".into()),
            album_name: Some("album".into()),
            ..Default::default()
        };
        player.handle_set_state(&set_state(
            None,
            vec![item("a", original), item("b", rate(1.0))],
        ));
        let update = UpdateContentItemMessage {
            content_items: vec![
                item(
                    "a",
                    ContentItemMetadata {
                        title: Some("new".into()),
                        duration: Some(12.5),
                        ..Default::default()
                    },
                ),
                item("missing", rate(3.0)),
            ],
            ..Default::default()
        };
        player.handle_content_item_update(&update);
        let merged = player.metadata().cloned().unwrap_or_default();
        assert_eq!(merged.title.as_deref(), Some("new"));
        assert_eq!(merged.album_name.as_deref(), Some("album"));
        assert_eq!(merged.duration, Some(12.5));
        assert_eq!(player.items.len(), 2);
        assert_eq!(
            player.items[1]
                .metadata
                .as_ref()
                .and_then(|m| m.playback_rate),
            Some(1.0)
        );
    }
}
