//! Requests waiting for their responses, owned by the connection task.
//!
//! Responses carry their request's transaction id (`_x`); pairing responses come in
//! `PS_Next`/`PV_Next` frames and are matched by that frame type (only one pairing
//! exchange runs at a time). Every waiter has a deadline; the task fails it when the
//! deadline passes, and fails all of them when the connection ends.

use std::time::Duration;

use atv_core::pending_requests::{PendingRequests, RequestError};
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
pub(crate) type Waiter = atv_core::pending_requests::Waiter<Value, CompanionError, ReplyHook>;

/// The waiters of one connection, with a cap on how many there may be.
pub(crate) type Pending = PendingRequests<ReplyKey, Value, CompanionError, ReplyHook>;

impl RequestError for CompanionError {
    fn busy(limit: usize) -> Self {
        Self::Busy { limit }
    }

    fn already_waiting(request: &str) -> Self {
        Self::InvalidState(format!(
            "a {request} request is already waiting for its response; wait for it to finish"
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
