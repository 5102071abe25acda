//! Artwork of what plays: its identifier, a small cache by identifier, and the request
//! that fetches it from the device at a requested size.

use std::collections::VecDeque;

use atv_core::ArtworkInfo;

use crate::connection::MrpConnection;
use crate::error::Result;
use crate::message_builders::MessageBuilder;
use crate::player_state::ActivePlayer;
use crate::protobuf::ProtocolMessage;

/// How many artworks the cache keeps (pyatv: 4).
pub const ARTWORK_CACHE_SIZE: usize = 4;

/// The most recently used artworks by identifier.
#[derive(Debug, Default)]
pub struct ArtworkCache {
    entries: VecDeque<(String, Option<ArtworkInfo>)>,
}

impl ArtworkCache {
    /// The cached artwork for `identifier` (an inner `None` is "the device had none"),
    /// marking it as recently used.
    pub fn get(&mut self, identifier: &str) -> Option<Option<ArtworkInfo>> {
        let index = self.entries.iter().position(|(id, _)| id == identifier)?;
        let entry = self.entries.remove(index)?;
        let artwork = entry.1.clone();
        self.entries.push_back(entry);
        Some(artwork)
    }

    /// Stores artwork, dropping the least recently used entry when full.
    pub fn put(&mut self, identifier: String, artwork: Option<ArtworkInfo>) {
        self.entries.retain(|(id, _)| *id != identifier);
        if self.entries.len() >= ARTWORK_CACHE_SIZE {
            self.entries.pop_front();
        }
        self.entries.push_back((identifier, artwork));
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// An identifier of the current artwork, when the item has artwork: the artwork's own
/// identifier, else the content identifier, else the item identifier.
pub fn artwork_id(active: &ActivePlayer<'_>) -> Option<String> {
    let metadata = active.metadata()?;
    if !(metadata.artwork_available.unwrap_or(false) || metadata.artwork_url.is_some()) {
        return None;
    }
    metadata
        .artwork_identifier
        .clone()
        .or_else(|| metadata.content_identifier.clone())
        .or_else(|| active.item_identifier().map(str::to_owned))
}

/// The size asked for: a width of 0 and a height of -1 leave the choice to the device
/// (pyatv's mapping of absent values).
pub fn requested_size(width: Option<u32>, height: Option<u32>) -> (i64, i64) {
    let width = width.filter(|w| *w != 0).map_or(0, i64::from);
    let height = height.filter(|h| *h != 0).map_or(-1, i64::from);
    (width, height)
}

/// Reads the artwork from a playback queue reply: the item at `location` of its queue.
pub fn artwork_from_reply(
    reply: &ProtocolMessage,
    location: i32,
    mimetype: &str,
) -> Option<ArtworkInfo> {
    reply.r#type?;
    let queue = reply.set_state_message.as_ref()?.playback_queue.as_ref()?;
    let item = queue.content_items.get(usize::try_from(location).ok()?)?;
    Some(ArtworkInfo {
        bytes: item
            .artwork_data
            .as_ref()
            .map(|b| b.to_vec())
            .unwrap_or_default(),
        mimetype: mimetype.to_owned(),
        width: item.artwork_data_width.unwrap_or_default(),
        height: item.artwork_data_height.unwrap_or_default(),
    })
}

/// Asks the device for the artwork of the item at `location`.
pub(crate) async fn fetch_local_artwork(
    connection: &MrpConnection,
    location: i32,
    mimetype: &str,
    (width, height): (i64, i64),
) -> Result<Option<ArtworkInfo>> {
    // Sizes are small whole numbers; f64 holds them exactly.
    let request =
        MessageBuilder::new().playback_queue_request(location, width as f64, height as f64);
    let reply = connection.request(request).await?;
    Ok(artwork_from_reply(&reply, location, mimetype))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::player_state::PlayerState;
    use crate::protobuf::{
        ContentItem, ContentItemMetadata, MessageType, PlaybackQueue, SetStateMessage,
    };

    fn art(n: u8) -> Option<ArtworkInfo> {
        Some(ArtworkInfo {
            bytes: vec![n],
            mimetype: "image/png".into(),
            width: 1,
            height: 1,
        })
    }

    #[test]
    fn cache_keeps_the_four_most_recent() {
        let mut cache = ArtworkCache::default();
        for n in 0..4u8 {
            cache.put(n.to_string(), art(n));
        }
        // Using "0" makes "1" the oldest.
        assert_eq!(cache.get("0"), Some(art(0)));
        cache.put("4".into(), art(4));
        assert_eq!(cache.len(), 4);
        assert_eq!(cache.get("1"), None);
        assert_eq!(cache.get("0"), Some(art(0)));
        cache.put("none".into(), None);
        assert_eq!(cache.get("none"), Some(None));
    }

    fn player_with(metadata: ContentItemMetadata) -> PlayerState {
        let mut player = PlayerState::default();
        player.handle_set_state(&SetStateMessage {
            playback_queue: Some(PlaybackQueue {
                location: Some(0),
                content_items: vec![ContentItem {
                    identifier: Some("item".into()),
                    metadata: Some(metadata),
                    ..Default::default()
                }],
                ..Default::default()
            }),
            ..Default::default()
        });
        player
    }

    #[test]
    fn artwork_identifier_precedence() {
        let id = |metadata: ContentItemMetadata| {
            let player = player_with(metadata);
            artwork_id(&ActivePlayer {
                player: Some(&player),
                client: None,
            })
        };
        assert_eq!(id(ContentItemMetadata::default()), None);
        let available = ContentItemMetadata {
            artwork_available: Some(true),
            ..Default::default()
        };
        assert_eq!(id(available.clone()).as_deref(), Some("item"));
        let content = ContentItemMetadata {
            content_identifier: Some("content".into()),
            ..available.clone()
        };
        assert_eq!(id(content.clone()).as_deref(), Some("content"));
        let own = ContentItemMetadata {
            artwork_identifier: Some("art".into()),
            ..content
        };
        assert_eq!(id(own).as_deref(), Some("art"));
        let by_url = ContentItemMetadata {
            artwork_url: Some("http://x/y.png".into()),
            ..Default::default()
        };
        assert_eq!(id(by_url).as_deref(), Some("item"));
    }

    #[test]
    fn sizes_and_replies() {
        assert_eq!(requested_size(Some(512), None), (512, -1));
        assert_eq!(requested_size(None, None), (0, -1));
        assert_eq!(requested_size(Some(0), Some(300)), (0, 300));

        let reply = ProtocolMessage {
            r#type: Some(MessageType::SetStateMessage as i32),
            set_state_message: Some(Box::new(SetStateMessage {
                playback_queue: Some(PlaybackQueue {
                    location: Some(0),
                    content_items: vec![ContentItem {
                        artwork_data: Some(vec![1, 2, 3].into()),
                        artwork_data_width: Some(456),
                        artwork_data_height: Some(789),
                        ..Default::default()
                    }],
                    ..Default::default()
                }),
                ..Default::default()
            })),
            ..Default::default()
        };
        let artwork = artwork_from_reply(&reply, 0, "image/jpeg").unwrap();
        assert_eq!(artwork.bytes, [1, 2, 3]);
        assert_eq!((artwork.width, artwork.height), (456, 789));
        assert_eq!(artwork.mimetype, "image/jpeg");
        assert_eq!(artwork_from_reply(&reply, 1, "image/jpeg"), None);
        assert_eq!(artwork_from_reply(&ProtocolMessage::default(), 0, ""), None);
    }
}
