//! Push updates from whichever protocol provides them (pyatv's `FacadePushUpdater`).
//!
//! Every protocol's push updater is started, but only what the highest-priority one
//! reports reaches the user's listener.

use std::sync::{Arc, Mutex, PoisonError, Weak};

use atv_core::interface::{ListenerSlot, PushListener, PushUpdater};
use atv_core::{Error, Playing, Protocol, Result};

use crate::relayer::Relayer;

/// The implementations and the user's listener, shared with the per-protocol proxies.
pub(crate) struct PushShared {
    pub(crate) relayer: Relayer<dyn PushUpdater>,
    listener: ListenerSlot<dyn PushListener>,
}

/// Listens to one protocol's push updater and passes on what it reports while that
/// protocol is the main one.
struct ProtocolProxy {
    protocol: Protocol,
    shared: Weak<PushShared>,
}

impl ProtocolProxy {
    fn target(&self) -> Option<Arc<dyn PushListener>> {
        let shared = self.shared.upgrade()?;
        if shared.relayer.main_protocol() != Some(self.protocol) {
            return None;
        }
        shared.listener.get()
    }
}

impl PushListener for ProtocolProxy {
    fn playstatus_update(&self, playing: &Playing) {
        if let Some(listener) = self.target() {
            listener.playstatus_update(playing);
        }
    }

    fn playstatus_error(&self, error: &Error) {
        if let Some(listener) = self.target() {
            listener.playstatus_error(error);
        }
    }
}

/// The facade's [`PushUpdater`].
pub struct FacadePushUpdater {
    pub(crate) shared: Arc<PushShared>,
    proxies: Mutex<Vec<(Protocol, Arc<dyn PushListener>)>>,
}

impl FacadePushUpdater {
    pub(crate) fn new(relayer: Relayer<dyn PushUpdater>) -> Self {
        Self {
            shared: Arc::new(PushShared {
                relayer,
                listener: ListenerSlot::new(),
            }),
            proxies: Mutex::new(Vec::new()),
        }
    }

    /// Adds the push updater of `protocol`.
    pub(crate) fn register(&self, protocol: Protocol, instance: Arc<dyn PushUpdater>) {
        self.shared.relayer.register(protocol, instance);
        let proxy: Arc<dyn PushListener> = Arc::new(ProtocolProxy {
            protocol,
            shared: Arc::downgrade(&self.shared),
        });
        let mut proxies = self.proxies.lock().unwrap_or_else(PoisonError::into_inner);
        proxies.retain(|(p, _)| *p != protocol);
        proxies.push((protocol, proxy));
    }

    fn proxy(&self, protocol: Protocol) -> Option<Arc<dyn PushListener>> {
        self.proxies
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .find(|(p, _)| *p == protocol)
            .map(|(_, proxy)| Arc::clone(proxy))
    }

    /// Stops every protocol's updates (also once closed).
    pub(crate) fn stop_all(&self) {
        for (_, instance) in self.shared.relayer.instances() {
            instance.set_listener(None);
            instance.stop();
        }
    }
}

impl PushUpdater for FacadePushUpdater {
    fn active(&self) -> bool {
        !self.shared.relayer.gate().is_blocked()
            && self
                .shared
                .relayer
                .main()
                .is_some_and(|(_, main)| main.active())
    }

    fn start(&self, initial_delay: u32) -> Result<()> {
        self.shared.relayer.gate().check("start")?;
        for (protocol, instance) in self.shared.relayer.instances() {
            if let Some(proxy) = self.proxy(protocol) {
                instance.set_listener(Some(Arc::downgrade(&proxy)));
            }
            instance.start(initial_delay)?;
        }
        Ok(())
    }

    fn stop(&self) {
        if !self.shared.relayer.gate().is_blocked() {
            self.stop_all();
        }
    }

    fn set_listener(&self, listener: Option<Weak<dyn PushListener>>) {
        self.shared.listener.set(listener);
    }
}
