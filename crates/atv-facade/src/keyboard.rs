//! The virtual keyboard, relayed (pyatv's `FacadeKeyboard`).

use std::sync::{Arc, Weak};

use async_trait::async_trait;

use atv_core::interface::{Keyboard, KeyboardListener, ListenerSlot};
use atv_core::{KeyboardFocusState, Result};

use crate::relayer::Relayer;

/// Passes focus changes of the main keyboard implementation to the user's listener.
#[derive(Default)]
struct KeyboardForward {
    listener: ListenerSlot<dyn KeyboardListener>,
}

impl KeyboardListener for KeyboardForward {
    fn focusstate_update(&self, old: KeyboardFocusState, new: KeyboardFocusState) {
        if let Some(listener) = self.listener.get() {
            listener.focusstate_update(old, new);
        }
    }
}

/// The facade's [`Keyboard`]; focus changes come from the highest-priority protocol
/// implementing the keyboard.
pub struct FacadeKeyboard {
    pub(crate) relayer: Relayer<dyn Keyboard>,
    forward: Arc<KeyboardForward>,
}

impl FacadeKeyboard {
    pub(crate) fn new(relayer: Relayer<dyn Keyboard>) -> Self {
        Self {
            relayer,
            forward: Arc::default(),
        }
    }

    /// Listens to the main implementation (once every protocol is registered).
    pub(crate) fn attach(&self) {
        if let Some((_, main)) = self.relayer.main() {
            let forward: Arc<dyn KeyboardListener> = self.forward.clone();
            main.set_listener(Some(Arc::downgrade(&forward)));
        }
    }
}

#[async_trait]
impl Keyboard for FacadeKeyboard {
    fn text_focus_state(&self) -> Result<KeyboardFocusState> {
        self.relayer
            .relay_now("text_focus_state", |i| i.text_focus_state())
    }

    async fn text_get(&self) -> Result<Option<String>> {
        self.relayer
            .relay("text_get", |i: Arc<dyn Keyboard>| async move {
                i.text_get().await
            })
            .await
    }

    async fn text_clear(&self) -> Result<()> {
        self.relayer
            .relay("text_clear", |i: Arc<dyn Keyboard>| async move {
                i.text_clear().await
            })
            .await
    }

    async fn text_append(&self, text: &str) -> Result<()> {
        self.relayer
            .relay("text_append", |i: Arc<dyn Keyboard>| async move {
                i.text_append(text).await
            })
            .await
    }

    async fn text_set(&self, text: &str) -> Result<()> {
        self.relayer
            .relay("text_set", |i: Arc<dyn Keyboard>| async move {
                i.text_set(text).await
            })
            .await
    }

    fn set_listener(&self, listener: Option<Weak<dyn KeyboardListener>>) {
        self.forward.listener.set(listener);
    }
}
