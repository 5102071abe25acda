//! The virtual keyboard (pyatv's `Keyboard` and `KeyboardListener`).

use std::sync::Weak;

use async_trait::async_trait;

use super::not_supported;
use crate::{KeyboardFocusState, Result};

/// Receives keyboard focus changes (pyatv's `KeyboardListener`).
pub trait KeyboardListener: Send + Sync {
    /// The focus state changed from `old` to `new`.
    fn focusstate_update(&self, old: KeyboardFocusState, new: KeyboardFocusState);
}

/// Reads and types text into the focused text field (pyatv's `Keyboard`).
#[async_trait]
pub trait Keyboard: Send + Sync {
    /// Whether a text field has focus.
    fn text_focus_state(&self) -> Result<KeyboardFocusState> {
        not_supported("text_focus_state")
    }

    /// The text of the focused field, `None` when no field has focus.
    async fn text_get(&self) -> Result<Option<String>> {
        not_supported("text_get")
    }

    /// Clears the text.
    async fn text_clear(&self) -> Result<()> {
        not_supported("text_clear")
    }

    /// Appends `text`.
    async fn text_append(&self, text: &str) -> Result<()> {
        let _ = text;
        not_supported("text_append")
    }

    /// Replaces the text with `text`.
    async fn text_set(&self, text: &str) -> Result<()> {
        let _ = text;
        not_supported("text_set")
    }

    /// Sets (or with `None`, removes) the listener. It is held weakly: keep the `Arc`.
    /// The default ignores it (for implementations that never report changes).
    fn set_listener(&self, listener: Option<Weak<dyn KeyboardListener>>) {
        let _ = listener;
    }
}
