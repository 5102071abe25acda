//! Sends a call to the highest-priority protocol that implements it (pyatv's
//! `Relayer`).
//!
//! pyatv looks at which class overrides a method; Rust cannot, so a relayer asks the
//! protocols in priority order and moves on to the next one when a protocol answers
//! [`Error::NotSupported`] (what every default method body of atv-core's interfaces
//! returns). The first other answer, success or failure, is the result.
//!
//! A protocol can take a relayer over for a while (RAOP does while it streams): its
//! implementation is then asked first, whatever the priority.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use atv_core::{Error, Protocol, Result};

use crate::gate::Gate;
use crate::priority::rank;

/// The implementations of one interface, one per protocol, and their order.
pub(crate) struct Relayer<T: ?Sized> {
    priority: &'static [Protocol],
    instances: RwLock<Vec<(Protocol, Arc<T>)>>,
    takeover: Mutex<Option<Protocol>>,
    gate: Arc<Gate>,
}

impl<T: ?Sized> Relayer<T> {
    /// An empty relayer asking protocols in `priority` order.
    pub(crate) fn new(priority: &'static [Protocol], gate: Arc<Gate>) -> Self {
        Self {
            priority,
            instances: RwLock::new(Vec::new()),
            takeover: Mutex::new(None),
            gate,
        }
    }

    /// Adds (or replaces) the implementation of `protocol`.
    pub(crate) fn register(&self, protocol: Protocol, instance: Arc<T>) {
        let mut instances = self
            .instances
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        instances.retain(|(p, _)| *p != protocol);
        instances.push((protocol, instance));
        let priority = self.priority;
        instances.sort_by_key(|(p, _)| rank(priority, *p));
    }

    /// Every implementation with its protocol, highest priority first (the protocol
    /// that took over, if any, before all).
    pub(crate) fn instances(&self) -> Vec<(Protocol, Arc<T>)> {
        let mut instances = self
            .instances
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let takeover = *self.takeover.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(index) = takeover.and_then(|t| instances.iter().position(|(p, _)| *p == t)) {
            let taken = instances.remove(index);
            instances.insert(0, taken);
        }
        instances
    }

    /// Lets `protocol` be asked first until [`Relayer::release`]; fails with
    /// [`Error::InvalidState`] while another takeover lasts.
    pub(crate) fn take_over(&self, protocol: Protocol) -> Result<()> {
        let mut takeover = self.takeover.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(current) = *takeover {
            return Err(Error::InvalidState(format!(
                "{current} has already taken over"
            )));
        }
        *takeover = Some(protocol);
        Ok(())
    }

    /// Ends a takeover.
    pub(crate) fn release(&self) {
        *self.takeover.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }

    /// How many protocols registered an implementation.
    pub(crate) fn count(&self) -> usize {
        self.instances
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// The highest-priority implementation and its protocol.
    pub(crate) fn main(&self) -> Option<(Protocol, Arc<T>)> {
        self.instances().into_iter().next()
    }

    /// The protocol of the highest-priority implementation.
    pub(crate) fn main_protocol(&self) -> Option<Protocol> {
        self.main().map(|(protocol, _)| protocol)
    }

    /// The gate this relayer checks.
    pub(crate) fn gate(&self) -> &Gate {
        &self.gate
    }

    /// The implementations to ask for `operation`, in order; fails when blocked.
    fn candidates(&self, operation: &str) -> Result<Vec<Arc<T>>> {
        self.gate.check(operation)?;
        Ok(self.instances().into_iter().map(|(_, i)| i).collect())
    }

    /// Calls `call` on each implementation in priority order until one supports it.
    pub(crate) async fn relay<R, F, Fut>(&self, operation: &str, call: F) -> Result<R>
    where
        F: Fn(Arc<T>) -> Fut,
        Fut: Future<Output = Result<R>>,
    {
        for instance in self.candidates(operation)? {
            match call(instance).await {
                Err(Error::NotSupported(_)) => {}
                other => return other,
            }
        }
        Err(not_supported(operation))
    }

    /// [`Relayer::relay`] for methods that do not wait.
    pub(crate) fn relay_now<R>(
        &self,
        operation: &str,
        call: impl Fn(&T) -> Result<R>,
    ) -> Result<R> {
        for instance in self.candidates(operation)? {
            match call(&instance) {
                Err(Error::NotSupported(_)) => {}
                other => return other,
            }
        }
        Err(not_supported(operation))
    }
}

/// What a relayer returns when no protocol supports `operation`.
pub(crate) fn not_supported(operation: &str) -> Error {
    Error::NotSupported(format!("{operation} is not supported"))
}
