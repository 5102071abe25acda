//! The reconnecting connection and the task that keeps it up.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

use atv_core::interface::{
    AudioListener, DeviceListener, KeyboardListener, ListenerSlot, PowerListener, PushListener,
};
use atv_core::{DeviceConfig, Error, Result};
use atv_facade::AppleTv;
use tokio::sync::{mpsc, watch};

use super::backoff::{Backoff, random_fraction};
use super::event::{ConnectionEvent, ConnectionListener};
use super::restore::Restore;
use crate::{ConnectOptions, ScanOptions};

/// Options of [`ReconnectingDevice::connect`].
#[derive(Debug, Clone, Default)]
pub struct ReconnectOptions {
    /// How each connection is made (protocol, storage). Its `listener` is not used: the
    /// reconnecting device watches the connection itself and reports through its
    /// [`ConnectionListener`].
    pub connect: ConnectOptions,
    /// How to find the device again: a scan with these options (their identifiers are
    /// replaced by the device's). `None` reconnects to the same address and ports.
    pub rediscover: Option<ScanOptions>,
    /// Waits between attempts and the attempt limit.
    pub backoff: Backoff,
}

impl ReconnectOptions {
    /// Connects with these options.
    #[must_use]
    pub fn connect_options(mut self, connect: ConnectOptions) -> Self {
        self.connect = connect;
        self
    }

    /// Finds the device again by scanning with `scan` (its identifiers are replaced).
    #[must_use]
    pub fn rediscover(mut self, scan: ScanOptions) -> Self {
        self.rediscover = Some(scan);
        self
    }

    /// Waits between attempts as `backoff` says.
    #[must_use]
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What the handle and the task share.
struct Shared {
    /// The connection while it is up.
    current: Mutex<Option<AppleTv>>,
    restore: Mutex<Restore>,
    events: ListenerSlot<dyn ConnectionListener>,
}

impl Shared {
    fn report(&self, event: ConnectionEvent) {
        tracing::info!("{event}");
        if let Some(listener) = self.events.get() {
            listener.connection_event(&event);
        }
    }
}

/// Hears the facade's one connection event and passes it to the task.
struct Probe {
    sender: mpsc::Sender<Option<Error>>,
}

impl DeviceListener for Probe {
    fn connection_lost(&self, error: &Error) {
        let _ = self.sender.try_send(Some(error.clone()));
    }

    fn connection_closed(&self) {
        let _ = self.sender.try_send(None);
    }
}

/// One connection with the probe that watches it.
struct Watched {
    atv: AppleTv,
    /// Kept alive while the connection is: the facade holds it weakly.
    _probe: Arc<dyn DeviceListener>,
    events: mpsc::Receiver<Option<Error>>,
}

/// A connection to one device that reconnects by itself (see the [module](super)).
///
/// Set listeners and start push updates through it (not on the [`AppleTv`] that
/// [`device`](Self::device) returns), so they are restored on every new connection.
/// Dropping it stops the task and closes the connection in the background; prefer
/// [`close`](Self::close).
pub struct ReconnectingDevice {
    shared: Arc<Shared>,
    close: watch::Sender<bool>,
    ended: watch::Receiver<bool>,
}

impl fmt::Debug for ReconnectingDevice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReconnectingDevice")
            .field("connected", &lock(&self.shared.current).is_some())
            .field("ended", &*self.ended.borrow())
            .finish_non_exhaustive()
    }
}

impl ReconnectingDevice {
    /// Connects to `config` (errors of this first connect are returned), reports
    /// [`ConnectionEvent::Connected`] to `listener` and starts watching the connection.
    /// Must be called within a tokio runtime.
    pub async fn connect(
        config: &DeviceConfig,
        options: ReconnectOptions,
        listener: Weak<dyn ConnectionListener>,
    ) -> Result<Self> {
        let shared = Arc::new(Shared {
            current: Mutex::new(None),
            restore: Mutex::new(Restore::default()),
            events: ListenerSlot::new(),
        });
        shared.events.set(Some(listener));
        let watched = connect_watched(config, &options.connect).await?;
        *lock(&shared.current) = Some(watched.atv.clone());
        shared.report(ConnectionEvent::Connected);
        let (close, close_rx) = watch::channel(false);
        let (ended_tx, ended) = watch::channel(false);
        let keeper = Keeper {
            shared: Arc::clone(&shared),
            options,
            last: config.clone(),
            close: close_rx,
        };
        tokio::spawn(async move {
            keeper.run(watched).await;
            let _ = ended_tx.send(true);
        });
        Ok(Self {
            shared,
            close,
            ended,
        })
    }

    /// The connection while it is up; `None` while reconnecting and after the end.
    pub fn device(&self) -> Option<AppleTv> {
        lock(&self.shared.current).clone()
    }

    /// Sets the push-update listener, now and on every new connection (held weakly).
    pub fn set_push_listener(&self, listener: Option<Weak<dyn PushListener>>) {
        lock(&self.shared.restore).push.clone_from(&listener);
        if let Some(atv) = self.device() {
            atv.push_updater().set_listener(listener);
        }
    }

    /// Sets the power listener, now and on every new connection (held weakly).
    pub fn set_power_listener(&self, listener: Option<Weak<dyn PowerListener>>) {
        lock(&self.shared.restore).power.clone_from(&listener);
        if let Some(atv) = self.device() {
            atv.power().set_listener(listener);
        }
    }

    /// Sets the audio listener, now and on every new connection (held weakly).
    pub fn set_audio_listener(&self, listener: Option<Weak<dyn AudioListener>>) {
        lock(&self.shared.restore).audio.clone_from(&listener);
        if let Some(atv) = self.device() {
            atv.audio().set_listener(listener);
        }
    }

    /// Sets the keyboard listener, now and on every new connection (held weakly).
    pub fn set_keyboard_listener(&self, listener: Option<Weak<dyn KeyboardListener>>) {
        lock(&self.shared.restore).keyboard.clone_from(&listener);
        if let Some(atv) = self.device() {
            atv.keyboard().set_listener(listener);
        }
    }

    /// Starts push updates now (when connected) and on every new connection.
    pub fn start_push_updates(&self, initial_delay: u32) -> Result<()> {
        lock(&self.shared.restore).push_started = Some(initial_delay);
        match self.device() {
            Some(atv) => atv.push_updater().start(initial_delay),
            None => Ok(()),
        }
    }

    /// Stops push updates, now and for new connections.
    pub fn stop_push_updates(&self) {
        lock(&self.shared.restore).push_started = None;
        if let Some(atv) = self.device() {
            atv.push_updater().stop();
        }
    }

    /// Whether it ended (closed, or gave up).
    pub fn has_ended(&self) -> bool {
        *self.ended.borrow()
    }

    /// Returns once it ended: closed, or gave up reconnecting.
    pub async fn wait_until_ended(&self) {
        let mut ended = self.ended.clone();
        let _ = ended.wait_for(|ended| *ended).await;
    }

    /// Stops reconnecting, closes the connection and reports
    /// [`ConnectionEvent::Closed`] (unless it already ended); returns when done.
    pub async fn close(&self) {
        let _ = self.close.send(true);
        self.wait_until_ended().await;
    }
}

impl Drop for ReconnectingDevice {
    fn drop(&mut self) {
        let _ = self.close.send(true);
    }
}

/// Connects with a probe installed before any protocol connects.
async fn connect_watched(config: &DeviceConfig, options: &ConnectOptions) -> Result<Watched> {
    let (sender, events) = mpsc::channel(1);
    let probe: Arc<dyn DeviceListener> = Arc::new(Probe { sender });
    let options = options.clone().listener(Arc::downgrade(&probe));
    let atv = crate::connect(config, options).await?;
    Ok(Watched {
        atv,
        _probe: probe,
        events,
    })
}

/// The task's state.
struct Keeper {
    shared: Arc<Shared>,
    options: ReconnectOptions,
    /// The configuration last connected to.
    last: DeviceConfig,
    close: watch::Receiver<bool>,
}

impl Keeper {
    async fn run(mut self, mut watched: Watched) {
        loop {
            // Connected: wait for the connection to go, or for close.
            let error = tokio::select! {
                event = watched.events.recv() => event.flatten(),
                () = closed(&mut self.close) => {
                    self.take_current();
                    watched.atv.close().await;
                    self.shared.report(ConnectionEvent::Closed);
                    return;
                }
            };
            self.take_current();
            watched.atv.close().await;
            self.shared.report(ConnectionEvent::Lost { error });
            match self.reconnect().await {
                Some(next) => watched = next,
                None => return,
            }
        }
    }

    fn take_current(&self) {
        lock(&self.shared.current).take();
    }

    /// Attempts until connected (`Some`), closed or out of attempts (`None`).
    async fn reconnect(&mut self) -> Option<Watched> {
        let mut attempt = 0u32;
        loop {
            if self.options.backoff.exhausted(attempt) {
                self.shared
                    .report(ConnectionEvent::GaveUp { attempts: attempt });
                return None;
            }
            attempt = attempt.saturating_add(1);
            let delay = self.options.backoff.delay(attempt, random_fraction());
            self.shared
                .report(ConnectionEvent::Reconnecting { attempt, delay });
            let mut close = self.close.clone();
            let result = tokio::select! {
                result = async {
                    tokio::time::sleep(delay).await;
                    self.attempt().await
                } => result,
                () = closed(&mut close) => {
                    self.shared.report(ConnectionEvent::Closed);
                    return None;
                }
            };
            match result {
                Ok((watched, config)) => {
                    self.last = config;
                    *lock(&self.shared.current) = Some(watched.atv.clone());
                    self.shared.report(ConnectionEvent::Reconnected { attempt });
                    return Some(watched);
                }
                Err(error) => self
                    .shared
                    .report(ConnectionEvent::AttemptFailed { attempt, error }),
            }
        }
    }

    /// Finds the device, connects and restores listeners and push updates.
    async fn attempt(&self) -> Result<(Watched, DeviceConfig)> {
        let config = self.find().await?;
        let watched = connect_watched(&config, &self.options.connect).await?;
        let restored = lock(&self.shared.restore).apply(&watched.atv);
        if let Err(error) = restored {
            watched.atv.close().await;
            return Err(error);
        }
        Ok((watched, config))
    }

    /// The device as a scan by its identifiers finds it now (with the credentials and
    /// passwords of the last connection where the scan has none), or the last
    /// configuration when no scan is configured.
    async fn find(&self) -> Result<DeviceConfig> {
        let Some(scan) = &self.options.rediscover else {
            return Ok(self.last.clone());
        };
        let mut options = scan.clone();
        options.identifiers = Some(
            self.last
                .all_identifiers()
                .into_iter()
                .map(str::to_owned)
                .collect(),
        );
        let mut found = crate::scan(options).await?;
        if found.is_empty() {
            return Err(Error::NotFound(format!(
                "{} did not answer the scan (is it on the network?)",
                self.last.name
            )));
        }
        let mut config = found.swap_remove(0);
        for service in config.services_mut() {
            if let Some(old) = self.last.get_service(service.protocol) {
                if service.credentials.is_none() {
                    service.credentials.clone_from(&old.credentials);
                }
                if service.password.is_none() {
                    service.password.clone_from(&old.password);
                }
            }
        }
        Ok(config)
    }
}

/// Returns when close was asked for (or the handle is gone).
async fn closed(close: &mut watch::Receiver<bool>) {
    let _ = close.wait_for(|closed| *closed).await;
}
