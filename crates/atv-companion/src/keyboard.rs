//! The virtual keyboard over Companion's text-input (RTI) session (pyatv's
//! `CompanionKeyboard`): each operation restarts the session (`_tiStop`, `_tiStart`) to
//! learn the focused field's session UUID and text, then sends `_tiC` events with
//! archived text operations. Focus follows `_tiStart`'s response and the
//! `_tiStarted`/`_tiStopped` events.

use std::sync::{Arc, Weak};

use async_trait::async_trait;

use atv_core::KeyboardFocusState;
use atv_core::interface::{Keyboard, KeyboardListener};

use crate::client::{Shared, lock};
use crate::error::{CompanionError, Result};
use crate::keyed_archiver::{clear_text_payload, input_text_payload, text_input_state};
use crate::message::dict;
use crate::opack::Value;
use crate::requests;

/// The virtual keyboard.
#[derive(Clone)]
pub struct CompanionKeyboard {
    shared: Arc<Shared>,
}

impl CompanionKeyboard {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// Whether a text field has focus, as last reported.
    pub fn focus_state(&self) -> KeyboardFocusState {
        lock(&self.shared.state).focus
    }

    /// Restarts the text-input session, then clears the text (with `clear`) and inserts
    /// `text` (unless empty). Returns the resulting text, `None` when no field has focus.
    pub async fn edit(&self, text: &str, clear: bool) -> Result<Option<String>> {
        self.shared.request("_tiStop", dict([])).await?;
        let content = self.shared.request("_tiStart", dict([])).await?;
        self.shared.text_input_update(&content);
        let Some(archive) = content.get("_tiD").and_then(Value::as_data) else {
            return Ok(None);
        };
        let state =
            text_input_state(archive).ok_or_else(|| CompanionError::UnexpectedResponse {
                request: "_tiStart".into(),
                detail: "the text input data has no session UUID".into(),
            })?;
        let mut current = state.text.unwrap_or_default();
        if clear {
            self.shared
                .send_event(
                    "_tiC",
                    requests::text_input_change(clear_text_payload(&state.session_uuid)),
                )
                .await?;
            current.clear();
        }
        if !text.is_empty() {
            self.shared
                .send_event(
                    "_tiC",
                    requests::text_input_change(input_text_payload(&state.session_uuid, text)),
                )
                .await?;
            current.push_str(text);
        }
        Ok(Some(current))
    }
}

#[async_trait]
impl Keyboard for CompanionKeyboard {
    fn text_focus_state(&self) -> atv_core::Result<KeyboardFocusState> {
        Ok(self.focus_state())
    }

    async fn text_get(&self) -> atv_core::Result<Option<String>> {
        Ok(self.edit("", false).await?)
    }

    async fn text_clear(&self) -> atv_core::Result<()> {
        self.edit("", true).await?;
        Ok(())
    }

    async fn text_append(&self, text: &str) -> atv_core::Result<()> {
        self.edit(text, false).await?;
        Ok(())
    }

    async fn text_set(&self, text: &str) -> atv_core::Result<()> {
        self.edit(text, true).await?;
        Ok(())
    }

    fn set_listener(&self, listener: Option<Weak<dyn KeyboardListener>>) {
        self.shared.keyboard_listener.set(listener);
    }
}
