//! Requests waiting for their responses, owned by the connection task.
//!
//! Responses carry their request's transaction id (`_x`); pairing responses come in
//! `PS_Next`/`PV_Next` frames and are matched by that frame type (only one pairing
//! exchange runs at a time). Every waiter has a deadline; the task fails it when the
//! deadline passes, and fails all of them when the connection ends.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::Instant;

use atv_pairing::SessionCipher;

use crate::error::CompanionError;
use crate::frame::FrameType;
use crate::opack::Value;

/// What identifies the response to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum ReplyKey {
    /// The response carries this transaction id.
    Xid(i64),
    /// The response is the next pairing frame of this type.
    Auth(FrameType),
}

/// Runs in the connection task on the response, before any later frame is decoded. A
/// cipher it returns is switched on at once (pair-verify ends this way); an error it
/// returns goes to the waiter instead of the response.
pub(crate) type ReplyHook =
    Box<dyn FnOnce(&Value) -> Result<Option<SessionCipher>, CompanionError> + Send>;

/// The response (or the error) a request gets.
pub(crate) type ReplyResult = Result<Value, CompanionError>;

/// One request waiting for its response.
pub(crate) struct Waiter {
    pub(crate) reply: oneshot::Sender<ReplyResult>,
    pub(crate) deadline: Instant,
    pub(crate) timeout: Duration,
    /// Name of the request, for errors.
    pub(crate) request: String,
    pub(crate) hook: Option<ReplyHook>,
}

impl fmt::Debug for Waiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Waiter")
            .field("request", &self.request)
            .field("deadline", &self.deadline)
            .finish_non_exhaustive()
    }
}

/// The waiters of one connection, with a cap on how many there may be.
#[derive(Debug)]
pub(crate) struct Pending {
    waiters: HashMap<ReplyKey, Waiter>,
    limit: usize,
}

impl Pending {
    /// An empty set allowing `limit` waiters.
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            waiters: HashMap::new(),
            limit,
        }
    }

    /// How many requests wait.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.waiters.len()
    }

    /// Adds a waiter. When the cap is reached or a request with the same key already
    /// waits, the waiter gets the error instead and `false` is returned.
    pub(crate) fn insert(&mut self, key: ReplyKey, waiter: Waiter) -> bool {
        if self.waiters.len() >= self.limit {
            // Callers that gave up leave their entries behind; make room from those first.
            self.waiters.retain(|_, w| !w.reply.is_closed());
        }
        let refusal = if self.waiters.len() >= self.limit {
            CompanionError::Busy { limit: self.limit }
        } else {
            match self.waiters.entry(key) {
                Entry::Vacant(slot) => {
                    slot.insert(waiter);
                    return true;
                }
                Entry::Occupied(_) => CompanionError::InvalidState(format!(
                    "a {} request is already waiting for its response; wait for it to finish",
                    waiter.request
                )),
            }
        };
        let _ = waiter.reply.send(Err(refusal));
        false
    }

    /// Removes a waiter (its request could not be sent).
    pub(crate) fn remove(&mut self, key: &ReplyKey) -> Option<Waiter> {
        self.waiters.remove(key)
    }

    /// The earliest deadline.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.waiters.values().map(|w| w.deadline).min()
    }

    /// Fails every waiter whose deadline is at or before `now`.
    pub(crate) fn expire(&mut self, now: Instant) {
        let expired: Vec<ReplyKey> = self
            .waiters
            .iter()
            .filter(|(_, w)| w.deadline <= now)
            .map(|(k, _)| *k)
            .collect();
        for key in expired {
            if let Some(waiter) = self.waiters.remove(&key) {
                let error = CompanionError::RequestTimeout {
                    request: waiter.request,
                    after: waiter.timeout,
                };
                let _ = waiter.reply.send(Err(error));
            }
        }
    }

    /// Fails every waiter with `error`.
    pub(crate) fn fail_all(&mut self, error: &CompanionError) {
        for (_, waiter) in self.waiters.drain() {
            let _ = waiter.reply.send(Err(error.duplicate()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn waiter(deadline: Instant) -> (Waiter, oneshot::Receiver<ReplyResult>) {
        let (reply, rx) = oneshot::channel();
        (
            Waiter {
                reply,
                deadline,
                timeout: Duration::from_secs(1),
                request: "_hidC".into(),
                hook: None,
            },
            rx,
        )
    }

    #[test]
    fn cap_duplicates_and_abandoned_waiters() {
        let now = Instant::now();
        let mut pending = Pending::new(2);
        let (a, ra) = waiter(now);
        let (b, _rb) = waiter(now);
        let (c, mut rc) = waiter(now);
        assert!(pending.insert(ReplyKey::Xid(1), a));
        assert!(pending.insert(ReplyKey::Auth(FrameType::PvNext), b));
        assert!(!pending.insert(ReplyKey::Xid(3), c));
        assert!(matches!(
            rc.try_recv(),
            Ok(Err(CompanionError::Busy { limit: 2 }))
        ));
        drop(ra);
        let (c, _rc) = waiter(now);
        assert!(pending.insert(ReplyKey::Xid(3), c));
        let (d, mut rd) = waiter(now);
        assert!(!pending.insert(ReplyKey::Xid(3), d));
        assert!(matches!(rd.try_recv(), Ok(Err(_))));
        assert_eq!(pending.len(), 2);
    }

    #[test]
    fn deadlines_expire_and_close_fails_everyone() {
        let now = Instant::now();
        let mut pending = Pending::new(4);
        let (early, mut r_early) = waiter(now);
        let (late, mut r_late) = waiter(now + Duration::from_secs(10));
        assert!(pending.insert(ReplyKey::Xid(1), early));
        assert!(pending.insert(ReplyKey::Xid(2), late));
        assert_eq!(pending.next_deadline(), Some(now));
        pending.expire(now + Duration::from_secs(1));
        assert!(matches!(
            r_early.try_recv(),
            Ok(Err(CompanionError::RequestTimeout { .. }))
        ));
        pending.fail_all(&CompanionError::Closed);
        assert!(matches!(r_late.try_recv(), Ok(Err(CompanionError::Closed))));
        assert_eq!(pending.next_deadline(), None);
    }
}
