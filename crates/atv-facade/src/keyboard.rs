//! The virtual keyboard, relayed (pyatv's `FacadeKeyboard`).

use std::sync::{Arc, Mutex, PoisonError, Weak};

use async_trait::async_trait;

use atv_core::interface::{Keyboard, KeyboardListener, ListenerSlot};
use atv_core::{KeyboardFocusState, Protocol, Result};

use crate::relayer::Relayer;

/// Hears one protocol's keyboard and passes its focus changes on while that protocol
/// is the keyboard's main one (the one calls go to, decided when the change comes), as
/// pyatv filters keyboard focus updates.
struct ProtocolProxy {
    protocol: Protocol,
    keyboard: Weak<FacadeKeyboard>,
}

impl KeyboardListener for ProtocolProxy {
    fn focusstate_update(&self, _old: KeyboardFocusState, new: KeyboardFocusState) {
        let Some(keyboard) = self.keyboard.upgrade() else {
            return;
        };
        if keyboard.relayer.main_protocol() != Some(self.protocol) {
            return;
        }
        keyboard.focus_changed(new);
    }
}

/// The facade's [`Keyboard`]. Focus changes reach the user's listener from the
/// protocol calls go to; the facade remembers the last focus state it told and only
/// tells changes from it.
pub struct FacadeKeyboard {
    pub(crate) relayer: Relayer<dyn Keyboard>,
    listener: ListenerSlot<dyn KeyboardListener>,
    /// The focus state last told (unknown at first).
    focus: Mutex<KeyboardFocusState>,
    /// One per protocol; the protocols hold them weakly.
    proxies: Mutex<Vec<Arc<dyn KeyboardListener>>>,
}

impl FacadeKeyboard {
    pub(crate) fn new(relayer: Relayer<dyn Keyboard>) -> Self {
        Self {
            relayer,
            listener: ListenerSlot::new(),
            focus: Mutex::new(KeyboardFocusState::Unknown),
            proxies: Mutex::new(Vec::new()),
        }
    }

    /// Listens to every protocol's keyboard (once every protocol is registered).
    pub(crate) fn attach(self: &Arc<Self>) {
        // What the protocol reported while connecting counts as told.
        if let Ok(state) = self
            .relayer
            .relay_now("text_focus_state", |i| i.text_focus_state())
        {
            *self.focus.lock().unwrap_or_else(PoisonError::into_inner) = state;
        }
        let mut proxies = self.proxies.lock().unwrap_or_else(PoisonError::into_inner);
        proxies.clear();
        for (protocol, instance) in self.relayer.instances() {
            let proxy: Arc<dyn KeyboardListener> = Arc::new(ProtocolProxy {
                protocol,
                keyboard: Arc::downgrade(self),
            });
            instance.set_listener(Some(Arc::downgrade(&proxy)));
            proxies.push(proxy);
        }
    }

    fn focus_changed(&self, new: KeyboardFocusState) {
        let old = std::mem::replace(
            &mut *self.focus.lock().unwrap_or_else(PoisonError::into_inner),
            new,
        );
        if old == new {
            return;
        }
        tracing::debug!("keyboard focus changed from {old:?} to {new:?}");
        if let Some(listener) = self.listener.get() {
            listener.focusstate_update(old, new);
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
        self.listener.set(listener);
    }
}
