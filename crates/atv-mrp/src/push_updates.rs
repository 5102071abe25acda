//! Push updates of what plays (pyatv's `MrpPushUpdater`): while started, every change
//! of the player model that concerns what plays is turned into a [`Playing`] and, when
//! it differs from the last one reported, given to the listener. Updates are computed
//! on the connection's task as the messages arrive.

use std::sync::{Arc, Weak};

use atv_core::interface::{PushListener, PushUpdater};
use atv_core::{Error, Playing};

use crate::client::{Shared, lock};
use crate::model::Event;
use crate::playing::unix_now;

/// Push updates of what plays.
#[derive(Clone)]
pub struct MrpPushUpdater {
    shared: Arc<Shared>,
}

impl MrpPushUpdater {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// Reports what plays now unless it was the last thing reported.
    fn post_current(shared: &Shared) {
        let update = {
            let mut model = lock(&shared.model);
            if !model.push_active {
                return;
            }
            let playing: Playing = model.playing(unix_now());
            let changed = model.last_playing.as_ref() != Some(&playing);
            model.last_playing = Some(playing.clone());
            changed.then_some(playing)
        };
        if let Some(playing) = update {
            shared.notify(Event::Playing(playing));
        }
    }
}

impl PushUpdater for MrpPushUpdater {
    fn active(&self) -> bool {
        lock(&self.shared.model).push_active
    }

    /// Starts updates and reports what plays now (soon, from a task, when a tokio
    /// runtime runs; else at once). MRP pushes changes as they happen, so
    /// `initial_delay` is not used.
    fn start(&self, _initial_delay: u32) -> atv_core::Result<()> {
        if self.shared.push_listener.get().is_none() {
            return Err(Error::NoAsyncListener);
        }
        {
            let mut model = lock(&self.shared.model);
            if model.push_active {
                return Ok(());
            }
            model.push_active = true;
        }
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                let shared = Arc::downgrade(&self.shared);
                runtime.spawn(async move {
                    if let Some(shared) = shared.upgrade() {
                        Self::post_current(&shared);
                    }
                });
            }
            Err(_) => Self::post_current(&self.shared),
        }
        Ok(())
    }

    fn stop(&self) {
        lock(&self.shared.model).push_active = false;
    }

    fn set_listener(&self, listener: Option<Weak<dyn PushListener>>) {
        self.shared.push_listener.set(listener);
    }
}
