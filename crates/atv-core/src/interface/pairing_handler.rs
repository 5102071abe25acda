//! Pairing with a device (pyatv's `PairingHandler`).

use async_trait::async_trait;

use crate::{Result, Service};

/// Runs one pairing with a service (pyatv's `PairingHandler`).
///
/// Call [`PairingHandler::begin`]; give the PIN with [`PairingHandler::pin`] (shown on
/// the device when [`PairingHandler::device_provides_pin`], else entered on the device);
/// call [`PairingHandler::finish`]. On success [`PairingHandler::has_paired`] is true
/// and the service holds the new credentials. Then [`PairingHandler::close`].
#[async_trait]
pub trait PairingHandler: Send {
    /// The service being paired; after success it holds the credentials.
    fn service(&self) -> &Service;

    /// Sets the PIN (a PIN below 1000 means leading zeros: 42 is `0042`).
    fn pin(&mut self, pin: u32);

    /// True when the device shows the PIN and the user types it here; false when atv
    /// chooses the PIN and the user types it on the device.
    fn device_provides_pin(&self) -> bool;

    /// Whether pairing succeeded (reset by [`PairingHandler::close`]).
    fn has_paired(&self) -> bool;

    /// Starts pairing (after this the device may show a PIN).
    async fn begin(&mut self) -> Result<()>;

    /// Completes pairing with the PIN given.
    async fn finish(&mut self) -> Result<()>;

    /// Releases what pairing holds (connections, servers).
    async fn close(&mut self) -> Result<()>;
}
