//! Requests waiting for their replies, owned by a connection's task (MRP matches replies
//! by message identifier, Companion by transaction id; both by frame or message type
//! during pairing).
//!
//! Each waiter has a deadline: the task fails it with a timeout when the deadline passes,
//! and fails all of them when the connection ends. The table is capped; callers that
//! gave up are dropped first when it is full. The protocol supplies the key type, the
//! reply type, its error type (through [`RequestError`]) and what it runs on a reply
//! (the hook, carried but never called here).

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;
use std::hash::Hash;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::Instant;

/// The errors a [`PendingRequests`] table hands to waiters.
pub trait RequestError: Sized {
    /// `limit` requests already wait.
    fn busy(limit: usize) -> Self;
    /// A request with the same key (named `request`) already waits.
    fn already_waiting(request: &str) -> Self;
    /// `request` got no reply within `after`.
    fn timed_out(request: String, after: Duration) -> Self;
    /// The same error again, for handing one failure to many waiters.
    fn duplicate(&self) -> Self;
}

/// One request waiting for its reply.
pub struct Waiter<T, E, H> {
    /// Where the reply (or the error) goes.
    pub reply: oneshot::Sender<Result<T, E>>,
    /// When the request times out.
    pub deadline: Instant,
    /// How long it was given, for the timeout error.
    pub timeout: Duration,
    /// Name of the request, for errors.
    pub request: String,
    /// What the connection task runs on the reply.
    pub hook: Option<H>,
}

impl<T, E, H> fmt::Debug for Waiter<T, E, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Waiter")
            .field("request", &self.request)
            .field("deadline", &self.deadline)
            .finish_non_exhaustive()
    }
}

/// The waiters of one connection, keyed by what identifies their reply, with a cap on
/// how many there may be.
pub struct PendingRequests<K, T, E, H> {
    waiters: HashMap<K, Waiter<T, E, H>>,
    limit: usize,
}

impl<K, T, E, H> fmt::Debug for PendingRequests<K, T, E, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingRequests")
            .field("waiting", &self.waiters.len())
            .field("limit", &self.limit)
            .finish()
    }
}

impl<K: Eq + Hash + Clone, T, E: RequestError, H> PendingRequests<K, T, E, H> {
    /// An empty table allowing `limit` waiters.
    pub fn new(limit: usize) -> Self {
        Self {
            waiters: HashMap::new(),
            limit,
        }
    }

    /// How many requests wait.
    pub fn len(&self) -> usize {
        self.waiters.len()
    }

    /// Whether no request waits.
    pub fn is_empty(&self) -> bool {
        self.waiters.is_empty()
    }

    /// Adds a waiter. When the cap is reached or a request with the same key already
    /// waits, the waiter gets the error instead and `false` is returned.
    pub fn insert(&mut self, key: K, waiter: Waiter<T, E, H>) -> bool {
        if self.waiters.len() >= self.limit {
            // Callers that gave up leave their entries behind; make room from those first.
            self.waiters.retain(|_, w| !w.reply.is_closed());
        }
        let refusal = if self.waiters.len() >= self.limit {
            E::busy(self.limit)
        } else {
            match self.waiters.entry(key) {
                Entry::Vacant(slot) => {
                    slot.insert(waiter);
                    return true;
                }
                Entry::Occupied(_) => E::already_waiting(&waiter.request),
            }
        };
        // The caller may have given up already.
        let _ = waiter.reply.send(Err(refusal));
        false
    }

    /// Takes the waiter for `key`: its reply arrived, or its request could not be sent.
    pub fn remove(&mut self, key: &K) -> Option<Waiter<T, E, H>> {
        self.waiters.remove(key)
    }

    /// The earliest deadline.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.waiters.values().map(|w| w.deadline).min()
    }

    /// Fails every waiter whose deadline is at or before `now`.
    pub fn expire(&mut self, now: Instant) {
        let expired: Vec<K> = self
            .waiters
            .iter()
            .filter(|(_, w)| w.deadline <= now)
            .map(|(k, _)| k.clone())
            .collect();
        for key in expired {
            if let Some(waiter) = self.waiters.remove(&key) {
                let error = E::timed_out(waiter.request, waiter.timeout);
                // The caller may have given up already; nothing to do then.
                let _ = waiter.reply.send(Err(error));
            }
        }
    }

    /// Fails every waiter with `error`.
    pub fn fail_all(&mut self, error: &E) {
        for (_, waiter) in self.waiters.drain() {
            let _ = waiter.reply.send(Err(error.duplicate()));
        }
    }
}
