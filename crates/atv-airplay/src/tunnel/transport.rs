//! atv-mrp's `SecuredTransport` over the remote-control tunnel.

use std::net::IpAddr;
use std::sync::Mutex;

use async_trait::async_trait;

use atv_core::InfoSettings;
use atv_mrp::{ByteStream, MrpError, SecuredTransport};
use atv_pairing::Credentials;

use super::RemoteControlSession;
use crate::error::AirPlayError;

/// Opens a [`RemoteControlSession`] each time MRP connects, and closes it with MRP.
#[derive(Debug)]
pub struct TunnelTransport {
    address: IpAddr,
    port: u16,
    credentials: Option<Credentials>,
    info: InfoSettings,
    session: Mutex<Option<std::sync::Arc<RemoteControlSession>>>,
}

impl TunnelTransport {
    /// A transport through the AirPlay service at `address:port`.
    pub fn new(
        address: IpAddr,
        port: u16,
        credentials: Option<Credentials>,
        info: InfoSettings,
    ) -> Self {
        Self {
            address,
            port,
            credentials,
            info,
            session: Mutex::new(None),
        }
    }

    fn take_session(&self) -> Option<std::sync::Arc<RemoteControlSession>> {
        self.session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }
}

#[async_trait]
impl SecuredTransport for TunnelTransport {
    async fn open(&self) -> atv_mrp::Result<Box<dyn ByteStream>> {
        if let Some(old) = self.take_session() {
            old.close().await;
        }
        let (session, stream) = RemoteControlSession::open(
            self.address,
            self.port,
            self.credentials.as_ref(),
            &self.info,
        )
        .await
        .map_err(to_mrp_error)?;
        *self
            .session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some(std::sync::Arc::new(session));
        Ok(Box::new(stream))
    }

    async fn close(&self) {
        if let Some(session) = self.take_session() {
            session.close().await;
        }
    }
}

fn to_mrp_error(error: AirPlayError) -> MrpError {
    match error {
        AirPlayError::Authentication(_)
        | AirPlayError::InvalidCredentials(_)
        | AirPlayError::Status {
            status: 401 | 403 | 470,
            ..
        } => MrpError::InvalidCredentials(error.to_string()),
        other => MrpError::ConnectionLost {
            reason: format!("cannot set up the AirPlay remote-control tunnel: {other}"),
        },
    }
}
