//! Requests waiting for their replies, owned by the connection task.
//!
//! A reply is found the way the device marks it: by the `identifier` the request carried.
//! Pairing messages get replies without identifier, so those requests wait on their
//! message type instead (only one such request can be in flight per type). Every waiter
//! has a deadline; the task fails it with a timeout when the deadline passes, and fails
//! all of them when the connection ends.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::Instant;

use atv_pairing::SessionCipher;

use crate::error::MrpError;
use crate::protobuf::ProtocolMessage;

/// What identifies the reply to a request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum ReplyKey {
    /// The reply carries the request's identifier.
    Identifier(String),
    /// The reply is the next message of this type that has no identifier.
    Type(i32),
}

impl ReplyKey {
    /// The key a received message answers to, as the device marks replies.
    pub(crate) fn of(message: &ProtocolMessage) -> Self {
        match message.identifier.as_deref() {
            Some(id) if !id.is_empty() => Self::Identifier(id.to_owned()),
            _ => Self::Type(message.r#type.unwrap_or_default()),
        }
    }
}

/// Runs in the connection task on the reply, before any later frame is decoded. A
/// cipher it returns is switched on at once (pair-verify ends this way); an error it
/// returns goes to the waiter instead of the reply.
pub(crate) type ReplyHook =
    Box<dyn FnOnce(&ProtocolMessage) -> Result<Option<SessionCipher>, MrpError> + Send>;

/// The reply (or the error) a request gets.
pub(crate) type ReplyResult = Result<ProtocolMessage, MrpError>;

/// One request waiting for its reply.
pub(crate) struct Waiter {
    pub(crate) reply: oneshot::Sender<ReplyResult>,
    pub(crate) deadline: Instant,
    pub(crate) timeout: Duration,
    /// Message type name of the request, for errors.
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
            MrpError::Busy { limit: self.limit }
        } else {
            match self.waiters.entry(key) {
                Entry::Vacant(slot) => {
                    slot.insert(waiter);
                    return true;
                }
                Entry::Occupied(_) => MrpError::InvalidState(format!(
                    "a {} request is already waiting for its reply; wait for it to finish",
                    waiter.request
                )),
            }
        };
        // The caller may have given up already.
        let _ = waiter.reply.send(Err(refusal));
        false
    }

    /// Removes a waiter that was added but whose request could not be sent.
    pub(crate) fn remove(&mut self, key: &ReplyKey) -> Option<Waiter> {
        self.waiters.remove(key)
    }

    /// Takes the waiter `message` answers, if any.
    pub(crate) fn take_for(&mut self, message: &ProtocolMessage) -> Option<Waiter> {
        self.waiters.remove(&ReplyKey::of(message))
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
            .map(|(k, _)| k.clone())
            .collect();
        for key in expired {
            if let Some(waiter) = self.waiters.remove(&key) {
                let error = MrpError::RequestTimeout {
                    request: waiter.request,
                    after: waiter.timeout,
                };
                // The caller may have given up already; nothing to do then.
                let _ = waiter.reply.send(Err(error));
            }
        }
    }

    /// Fails every waiter with `error`.
    pub(crate) fn fail_all(&mut self, error: &MrpError) {
        for (_, waiter) in self.waiters.drain() {
            let _ = waiter.reply.send(Err(error.duplicate()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protobuf::MessageType;

    fn waiter(deadline: Instant) -> (Waiter, oneshot::Receiver<ReplyResult>) {
        let (reply, rx) = oneshot::channel();
        (
            Waiter {
                reply,
                deadline,
                timeout: Duration::from_secs(1),
                request: "GenericMessage".into(),
                hook: None,
            },
            rx,
        )
    }

    fn reply(identifier: Option<&str>, message_type: MessageType) -> ProtocolMessage {
        ProtocolMessage {
            r#type: Some(message_type as i32),
            identifier: identifier.map(str::to_owned),
            ..Default::default()
        }
    }

    #[test]
    fn replies_match_by_identifier_then_by_type() {
        let now = Instant::now();
        let mut pending = Pending::new(4);
        let (a, _ra) = waiter(now);
        let (b, _rb) = waiter(now);
        assert!(pending.insert(ReplyKey::Identifier("A".into()), a));
        let crypto = MessageType::CryptoPairingMessage as i32;
        assert!(pending.insert(ReplyKey::Type(crypto), b));

        // An identifier nobody waits for is unsolicited, even for a waited-for type.
        assert!(
            pending
                .take_for(&reply(Some("B"), MessageType::CryptoPairingMessage))
                .is_none()
        );
        assert!(
            pending
                .take_for(&reply(None, MessageType::CryptoPairingMessage))
                .is_some()
        );
        // An empty identifier counts as none.
        assert!(
            pending
                .take_for(&reply(Some(""), MessageType::GenericMessage))
                .is_none()
        );
        assert!(
            pending
                .take_for(&reply(Some("A"), MessageType::GenericMessage))
                .is_some()
        );
        assert_eq!(pending.len(), 0);
    }

    #[test]
    fn cap_duplicates_and_abandoned_waiters() {
        let now = Instant::now();
        let mut pending = Pending::new(2);
        let (a, ra) = waiter(now);
        let (b, _rb) = waiter(now);
        let (c, mut rc) = waiter(now);
        assert!(pending.insert(ReplyKey::Identifier("a".into()), a));
        assert!(pending.insert(ReplyKey::Identifier("b".into()), b));
        assert!(!pending.insert(ReplyKey::Identifier("c".into()), c));
        assert!(matches!(
            rc.try_recv(),
            Ok(Err(MrpError::Busy { limit: 2 }))
        ));
        // Once a caller gives up, its place is reused.
        drop(ra);
        let (c, _rc) = waiter(now);
        assert!(pending.insert(ReplyKey::Identifier("c".into()), c));
        assert_eq!(pending.len(), 2);
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let now = Instant::now();
        let mut pending = Pending::new(4);
        let (a, _ra) = waiter(now);
        let (b, mut rb) = waiter(now);
        assert!(pending.insert(ReplyKey::Type(39), a));
        assert!(!pending.insert(ReplyKey::Type(39), b));
        assert!(matches!(rb.try_recv(), Ok(Err(MrpError::InvalidState(_)))));
    }

    #[test]
    fn deadlines_expire_and_close_fails_everyone() {
        let now = Instant::now();
        let mut pending = Pending::new(4);
        let (early, mut r_early) = waiter(now);
        let (late, mut r_late) = waiter(now + Duration::from_secs(10));
        assert!(pending.insert(ReplyKey::Identifier("e".into()), early));
        assert!(pending.insert(ReplyKey::Identifier("l".into()), late));
        assert_eq!(pending.next_deadline(), Some(now));
        pending.expire(now + Duration::from_secs(1));
        assert!(matches!(
            r_early.try_recv(),
            Ok(Err(MrpError::RequestTimeout { .. }))
        ));
        assert_eq!(pending.len(), 1);
        pending.fail_all(&MrpError::Closed);
        assert!(matches!(r_late.try_recv(), Ok(Err(MrpError::Closed))));
        assert_eq!(pending.next_deadline(), None);
    }
}
