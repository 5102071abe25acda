//! Pairing with a Companion device (pyatv's `CompanionPairingHandler`): connect,
//! pair-setup with the PIN the device shows, announce our name in M5, and check the
//! new credentials with a pair-verify on a fresh connection.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use async_trait::async_trait;

use atv_core::Service;
use atv_core::interface::PairingHandler;
use atv_pairing::pair_setup::AwaitingPin;

use crate::auth::{setup_begin, setup_client, setup_finish};
use crate::connection::{CompanionConnection, ConnectionOptions};
use crate::error::{CompanionError, Result};

/// Pairs with one Companion service.
pub struct CompanionPairingHandler {
    service: Service,
    address: IpAddr,
    name: String,
    connect_timeout: Duration,
    connection: Option<CompanionConnection>,
    awaiting_pin: Option<AwaitingPin>,
    pin: Option<String>,
    has_paired: bool,
}

impl fmt::Debug for CompanionPairingHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CompanionPairingHandler")
            .field("address", &self.address)
            .field("port", &self.service.port)
            .field("name", &self.name)
            .field("started", &self.awaiting_pin.is_some())
            .field("has_paired", &self.has_paired)
            .finish_non_exhaustive()
    }
}

impl CompanionPairingHandler {
    /// A handler for `service` of the device at `address`, announcing ourselves as
    /// `name`.
    pub fn new(address: IpAddr, service: Service, name: impl Into<String>) -> Self {
        Self {
            service,
            address,
            name: name.into(),
            connect_timeout: Duration::from_secs(10),
            connection: None,
            awaiting_pin: None,
            pin: None,
            has_paired: false,
        }
    }

    /// Connects and sends pair-setup M1; the device then shows a PIN.
    pub async fn start(&mut self) -> Result<()> {
        self.close_connection().await;
        let connection = CompanionConnection::connect(
            self.address,
            self.service.port,
            self.connect_timeout,
            ConnectionOptions::default(),
        )
        .await?;
        match setup_begin(&connection, setup_client(&self.name)).await {
            Ok(awaiting_pin) => {
                self.awaiting_pin = Some(awaiting_pin);
                self.connection = Some(connection);
                Ok(())
            }
            Err(error) => {
                connection.close().await;
                Err(error)
            }
        }
    }

    /// Completes pair-setup with the PIN and stores the credentials in the service;
    /// returns them (pyatv's string form).
    pub async fn complete(&mut self) -> Result<String> {
        let pin = self
            .pin
            .clone()
            .ok_or_else(|| CompanionError::InvalidState("no PIN given: call pin() first".into()))?;
        let (Some(connection), Some(awaiting_pin)) =
            (self.connection.clone(), self.awaiting_pin.take())
        else {
            return Err(CompanionError::InvalidState(
                "pairing has not begun: call begin() first".into(),
            ));
        };
        let credentials = setup_finish(&connection, awaiting_pin, &pin).await?;
        let text = credentials.to_string();
        self.service.credentials = Some(text.clone());
        self.has_paired = true;
        Ok(text)
    }

    async fn close_connection(&mut self) {
        self.awaiting_pin = None;
        if let Some(connection) = self.connection.take() {
            connection.close().await;
        }
    }
}

#[async_trait]
impl PairingHandler for CompanionPairingHandler {
    fn service(&self) -> &Service {
        &self.service
    }

    /// Takes the PIN the device shows (below 1000 means leading zeros).
    fn pin(&mut self, pin: u32) {
        self.pin = Some(format!("{pin:04}"));
    }

    fn device_provides_pin(&self) -> bool {
        true
    }

    fn has_paired(&self) -> bool {
        self.has_paired
    }

    async fn begin(&mut self) -> atv_core::Result<()> {
        self.start().await.map_err(pairing_error)
    }

    async fn finish(&mut self) -> atv_core::Result<()> {
        self.complete().await.map(drop).map_err(pairing_error)
    }

    async fn close(&mut self) -> atv_core::Result<()> {
        self.close_connection().await;
        Ok(())
    }
}

/// Every failure while pairing is a pairing error, except the device asking to back off.
fn pairing_error(error: CompanionError) -> atv_core::Error {
    match atv_core::Error::from(error) {
        error @ (atv_core::Error::Pairing(_) | atv_core::Error::BackOff(_)) => error,
        other => atv_core::Error::Pairing(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use atv_core::{Properties, Protocol};

    #[test]
    fn pins_keep_leading_zeros_and_stay_hidden() {
        let service = Service::new(None, Protocol::Companion, 1, Properties::new());
        let mut handler = CompanionPairingHandler::new([127, 0, 0, 1].into(), service, "atv");
        handler.pin(42);
        assert_eq!(handler.pin.as_deref(), Some("0042"));
        assert!(handler.device_provides_pin());
        assert!(!format!("{handler:?}").contains("0042"));
    }
}
