//! A protocol taking some interfaces over for a while (pyatv's `takeover`): RAOP does
//! while it streams, so that metadata and push updates describe what it plays.

use std::fmt;
use std::sync::Weak;

use atv_core::{Protocol, Result};

/// An interface of the facade, to name in a takeover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InterfaceKind {
    /// [`RemoteControl`](atv_core::interface::RemoteControl).
    RemoteControl,
    /// [`Metadata`](atv_core::interface::Metadata).
    Metadata,
    /// [`PushUpdater`](atv_core::interface::PushUpdater).
    PushUpdater,
    /// [`Power`](atv_core::interface::Power).
    Power,
    /// [`Audio`](atv_core::interface::Audio).
    Audio,
    /// [`Apps`](atv_core::interface::Apps).
    Apps,
    /// [`UserAccounts`](atv_core::interface::UserAccounts).
    UserAccounts,
    /// [`Keyboard`](atv_core::interface::Keyboard).
    Keyboard,
    /// [`TouchGestures`](atv_core::interface::TouchGestures).
    Touch,
    /// [`Stream`](atv_core::interface::Stream).
    Stream,
}

/// What takes over and releases one interface's relayer.
pub(crate) trait TakeoverTarget {
    fn take_over(&self, protocol: Protocol) -> Result<()>;
    fn release(&self);
}

impl<T: ?Sized> TakeoverTarget for crate::relayer::Relayer<T> {
    fn take_over(&self, protocol: Protocol) -> Result<()> {
        Self::take_over(self, protocol)
    }

    fn release(&self) {
        Self::release(self);
    }
}

/// Finds the relayer of an interface kind.
pub(crate) trait TakeoverTargets: Send + Sync {
    fn target(&self, kind: InterfaceKind) -> &dyn TakeoverTarget;
}

/// Lets a protocol take interfaces over; protocols get one at setup. It does not keep
/// the device alive.
#[derive(Clone)]
pub struct TakeoverHandle {
    pub(crate) targets: Weak<dyn TakeoverTargets>,
}

impl fmt::Debug for TakeoverHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TakeoverHandle").finish_non_exhaustive()
    }
}

impl TakeoverHandle {
    /// Makes `protocol` the first one asked for each of `interfaces` until the returned
    /// [`Takeover`] is released or dropped. Fails with
    /// [`Error::InvalidState`](atv_core::Error::InvalidState), taking nothing over, when
    /// another protocol holds one of them.
    pub fn takeover(&self, protocol: Protocol, interfaces: &[InterfaceKind]) -> Result<Takeover> {
        let mut taken = Takeover {
            targets: self.targets.clone(),
            kinds: Vec::new(),
        };
        if let Some(targets) = self.targets.upgrade() {
            for kind in interfaces {
                // On error `taken` drops and releases what was taken so far.
                targets.target(*kind).take_over(protocol)?;
                taken.kinds.push(*kind);
            }
        }
        Ok(taken)
    }
}

/// A takeover in force; released on [`Takeover::release`] or drop.
#[must_use = "the takeover ends when this is dropped"]
pub struct Takeover {
    targets: Weak<dyn TakeoverTargets>,
    kinds: Vec<InterfaceKind>,
}

impl fmt::Debug for Takeover {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Takeover")
            .field("interfaces", &self.kinds)
            .finish()
    }
}

impl Takeover {
    /// Ends the takeover.
    pub fn release(self) {}
}

impl Drop for Takeover {
    fn drop(&mut self) {
        if let Some(targets) = self.targets.upgrade() {
            for kind in self.kinds.drain(..) {
                targets.target(kind).release();
            }
        }
    }
}
