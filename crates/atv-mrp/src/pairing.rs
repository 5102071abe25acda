//! Pairing with an MRP device (pyatv's `MrpPairingHandler`): connect, exchange device
//! information, pair-setup with the PIN the device shows, then check the new
//! credentials with a pair-verify on the same connection.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use async_trait::async_trait;

use atv_core::interface::PairingHandler;
use atv_core::{InfoSettings, Service};
use atv_pairing::PairSetupClient;
use atv_pairing::pair_setup::AwaitingPin;

use crate::connection::MrpConnection;
use crate::crypto_pairing::{AfterVerify, setup_begin, setup_finish, verify};
use crate::error::{MrpError, Result};
use crate::session::{client_description, exchange_device_info};

/// Pairs with one MRP service.
pub struct MrpPairingHandler {
    service: Service,
    address: IpAddr,
    info: InfoSettings,
    connect_timeout: Duration,
    connection: Option<MrpConnection>,
    awaiting_pin: Option<AwaitingPin>,
    pin: Option<String>,
    has_paired: bool,
}

impl fmt::Debug for MrpPairingHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MrpPairingHandler")
            .field("service", &self.service)
            .field("address", &self.address)
            .field("started", &self.awaiting_pin.is_some())
            .field("has_paired", &self.has_paired)
            .finish_non_exhaustive()
    }
}

impl MrpPairingHandler {
    /// A handler for `service` of the device at `address`, announcing ourselves with
    /// `info`.
    pub fn new(address: IpAddr, service: Service, info: InfoSettings) -> Self {
        Self {
            service,
            address,
            info,
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
        let connection =
            MrpConnection::connect(self.address, self.service.port, self.connect_timeout).await?;
        let client = PairSetupClient::new();
        let pairing_id = String::from_utf8_lossy(client.pairing_id()).into_owned();
        let begun = async {
            exchange_device_info(&connection, &client_description(&self.info, pairing_id)).await?;
            setup_begin(&connection, client).await
        }
        .await;
        match begun {
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

    /// Completes pair-setup with the PIN, checks the credentials with pair-verify and
    /// stores them in the service; returns them (pyatv's string form).
    pub async fn complete(&mut self) -> Result<String> {
        let pin = self
            .pin
            .clone()
            .ok_or_else(|| MrpError::InvalidState("no PIN given: call pin() first".into()))?;
        let (Some(connection), Some(awaiting_pin)) =
            (self.connection.clone(), self.awaiting_pin.take())
        else {
            return Err(MrpError::InvalidState(
                "pairing has not begun: call begin() first".into(),
            ));
        };
        let credentials = setup_finish(&connection, awaiting_pin, &pin).await?;
        verify(
            &connection,
            credentials.clone(),
            AfterVerify::CheckOnly,
            MrpError::Pairing,
        )
        .await?;
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
impl PairingHandler for MrpPairingHandler {
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
        self.complete().await.map(|_| ()).map_err(pairing_error)
    }

    async fn close(&mut self) -> atv_core::Result<()> {
        self.close_connection().await;
        self.has_paired = false;
        Ok(())
    }
}

/// Every failure while pairing is a pairing error (as pyatv reports them), except the
/// device asking to back off.
fn pairing_error(error: MrpError) -> atv_core::Error {
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
    fn pins_keep_leading_zeros() {
        let service = Service::new(None, Protocol::Mrp, 1, Properties::new());
        let mut handler =
            MrpPairingHandler::new([127, 0, 0, 1].into(), service, InfoSettings::default());
        handler.pin(42);
        assert_eq!(handler.pin.as_deref(), Some("0042"));
        assert!(handler.device_provides_pin());
        assert!(!handler.has_paired());
        assert!(!format!("{handler:?}").contains("0042"));
    }

    #[test]
    fn errors_become_pairing_errors() {
        let error = pairing_error(MrpError::Closed);
        assert!(matches!(error, atv_core::Error::Pairing(_)), "{error}");
    }
}
