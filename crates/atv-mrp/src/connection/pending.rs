//! Requests waiting for their replies, owned by the connection task.
//!
//! A reply is found the way the device marks it: by the `identifier` the request carried.
//! Pairing messages get replies without identifier, so those requests wait on their
//! message type instead (only one such request can be in flight per type). Every waiter
//! has a deadline; the task fails it with a timeout when the deadline passes, and fails
//! all of them when the connection ends.

use std::time::Duration;

use atv_core::pending_requests::{PendingRequests, RequestError};
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
pub(crate) type Waiter = atv_core::pending_requests::Waiter<ProtocolMessage, MrpError, ReplyHook>;

/// The waiters of one connection, with a cap on how many there may be.
pub(crate) type Pending = PendingRequests<ReplyKey, ProtocolMessage, MrpError, ReplyHook>;

impl RequestError for MrpError {
    fn busy(limit: usize) -> Self {
        Self::Busy { limit }
    }

    fn already_waiting(request: &str) -> Self {
        Self::InvalidState(format!(
            "a {request} request is already waiting for its reply; wait for it to finish"
        ))
    }

    fn timed_out(request: String, after: Duration) -> Self {
        Self::RequestTimeout { request, after }
    }

    fn duplicate(&self) -> Self {
        Self::duplicate(self)
    }
}

#[cfg(test)]
mod tests {
    use tokio::sync::oneshot;
    use tokio::time::Instant;

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
                .remove(&ReplyKey::of(&reply(
                    Some("B"),
                    MessageType::CryptoPairingMessage
                )))
                .is_none()
        );
        assert!(
            pending
                .remove(&ReplyKey::of(&reply(
                    None,
                    MessageType::CryptoPairingMessage
                )))
                .is_some()
        );
        // An empty identifier counts as none.
        assert!(
            pending
                .remove(&ReplyKey::of(&reply(Some(""), MessageType::GenericMessage)))
                .is_none()
        );
        assert!(
            pending
                .remove(&ReplyKey::of(&reply(
                    Some("A"),
                    MessageType::GenericMessage
                )))
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
