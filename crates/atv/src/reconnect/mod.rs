//! Staying connected: a connection that finds the device again and reconnects when it
//! goes away.
//!
//! [`ReconnectingDevice::connect`] connects like [`connect`](crate::connect), then a
//! task watches the connection. When it is lost (or the device closes it) the task
//! looks the device up again by its identifiers (a scan, so a new address or port is
//! found; or the same configuration when no scan is configured), reconnects with
//! capped, jittered exponential [`Backoff`], and puts the listeners and push updates
//! set through the [`ReconnectingDevice`] back on the new connection. Every transition
//! is reported to a [`ConnectionListener`] as a [`ConnectionEvent`].
//!
//! ```no_run
//! use std::sync::Arc;
//!
//! use atv::reconnect::{ConnectionEvent, ConnectionListener, ReconnectOptions, ReconnectingDevice};
//!
//! struct Log;
//! impl ConnectionListener for Log {
//!     fn connection_event(&self, event: &ConnectionEvent) {
//!         println!("{event}");
//!     }
//! }
//!
//! # async fn example(device: atv::DeviceConfig) -> atv::Result<()> {
//! let log: Arc<dyn ConnectionListener> = Arc::new(Log);
//! let options = ReconnectOptions::default().rediscover(atv::ScanOptions::default());
//! let connection = ReconnectingDevice::connect(&device, options, Arc::downgrade(&log)).await?;
//! connection.start_push_updates(0)?;
//! connection.wait_until_ended().await; // until closed, or given up
//! # Ok(())
//! # }
//! ```

mod backoff;
mod device;
mod event;
mod restore;

pub use backoff::Backoff;
pub use device::{ReconnectOptions, ReconnectingDevice};
pub use event::{ConnectionEvent, ConnectionListener};
