//! A place to keep a listener without keeping it alive.

use std::sync::{Arc, Mutex, PoisonError, Weak};

/// Holds at most one listener by weak reference (pyatv keeps listeners as weak
/// references too): when the owner drops its `Arc`, calls stop reaching it.
///
/// Implementations of the producer traits ([`PushUpdater`](super::PushUpdater),
/// [`Power`](super::Power), ...) keep one of these and call [`ListenerSlot::get`]
/// each time they have something to report.
#[derive(Debug)]
pub struct ListenerSlot<L: ?Sized> {
    listener: Mutex<Option<Weak<L>>>,
}

impl<L: ?Sized> Default for ListenerSlot<L> {
    fn default() -> Self {
        Self {
            listener: Mutex::new(None),
        }
    }
}

impl<L: ?Sized> ListenerSlot<L> {
    /// An empty slot.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets (or with `None`, removes) the listener.
    pub fn set(&self, listener: Option<Weak<L>>) {
        *self.listener.lock().unwrap_or_else(PoisonError::into_inner) = listener;
    }

    /// The listener, if one is set and still alive.
    pub fn get(&self) -> Option<Arc<L>> {
        self.listener
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .and_then(Weak::upgrade)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    trait Ping: Send + Sync {
        fn ping(&self) -> u8;
    }

    struct Pong;

    impl Ping for Pong {
        fn ping(&self) -> u8 {
            7
        }
    }

    #[test]
    fn listener_is_held_weakly() {
        let slot: ListenerSlot<dyn Ping> = ListenerSlot::new();
        assert!(slot.get().is_none());
        let listener: Arc<dyn Ping> = Arc::new(Pong);
        slot.set(Some(Arc::downgrade(&listener)));
        assert_eq!(slot.get().map(|l| l.ping()), Some(7));
        drop(listener);
        assert!(slot.get().is_none());
    }
}
