//! The player model: every app ("client") and player the device reports, which of them
//! is playing now, and each player's state, assembled from the device's SetState,
//! content item, now-playing client/player, update and remove messages exactly as pyatv
//! assembles them. Pure: messages in, state out.

mod client;
mod manager;
mod player;
#[cfg(test)]
mod tests;

pub use client::{Client, DEFAULT_PLAYER_ID};
pub use manager::{ActivePlayer, PlayerStateManager};
pub use player::PlayerState;
