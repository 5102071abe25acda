//! Pairing with an AirPlay device (pyatv's `AirPlayPairingHandler`): HomeKit pair-setup
//! with the PIN on screen for AirPlay 2 devices, legacy pairing (`/pair-setup-pin`) for
//! AirPlay 1 devices. The handler stores the credentials in its service.

use std::fmt;
use std::net::IpAddr;

use async_trait::async_trait;
use bytes::Bytes;
use plist::Value;

use atv_core::interface::PairingHandler;
use atv_core::{Service, Settings};
use atv_pairing::legacy::{AwaitingChallenge, LegacySetupClient, ServerProof, SetupChallenge};
use atv_pairing::pair_setup::AwaitingPin;
use atv_pairing::{Credentials, LegacyCredentials, PairSetupClient, Tag};

use crate::auth::{HKP_HAP, OCTET_STREAM, pairing_post};
use crate::control_connection::ControlConnection;
use crate::error::{AirPlayError, Result};
use crate::plist_body::{BPLIST_CONTENT_TYPE, decode_dictionary, dictionary, encode_value};
use crate::version::AirPlayMajorVersion;

enum Started {
    Hap(AwaitingPin),
    Legacy,
}

/// Pairs with one AirPlay service.
pub struct AirPlayPairingHandler {
    service: Service,
    address: IpAddr,
    name: String,
    version: AirPlayMajorVersion,
    connection: Option<ControlConnection>,
    started: Option<Started>,
    pin: Option<String>,
    has_paired: bool,
}

impl fmt::Debug for AirPlayPairingHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AirPlayPairingHandler")
            .field("service", &self.service)
            .field("address", &self.address)
            .field("version", &self.version)
            .field("started", &self.started.is_some())
            .field("has_paired", &self.has_paired)
            .finish_non_exhaustive()
    }
}

impl AirPlayPairingHandler {
    /// A handler for `service` of the device at `address`: HAP pairing for AirPlay 2,
    /// legacy pairing for AirPlay 1; `name` is the name the device lists us under.
    pub fn new(
        address: IpAddr,
        service: Service,
        settings: &Settings,
        version: AirPlayMajorVersion,
    ) -> Self {
        Self {
            service,
            address,
            name: settings.info.name.clone(),
            version,
            connection: None,
            started: None,
            pin: None,
            has_paired: false,
        }
    }

    /// Connects and asks the device to show a PIN (and sends HAP pair-setup M1).
    pub async fn start(&mut self) -> Result<()> {
        self.close_connection().await;
        self.has_paired = false;
        let connection = ControlConnection::connect(self.address, self.service.port)
            .await?
            .with_client_name(&self.name);
        let begun = async {
            match self.version {
                AirPlayMajorVersion::V2 => {
                    pairing_post(
                        &connection,
                        "/pair-pin-start",
                        Some(HKP_HAP),
                        OCTET_STREAM,
                        Bytes::new(),
                    )
                    .await?;
                    let client =
                        PairSetupClient::new().with_m5_item(Tag::NAME, self.name.as_bytes());
                    let (client, m1) = client.start();
                    let m2 =
                        pairing_post(&connection, "/pair-setup", Some(HKP_HAP), OCTET_STREAM, m1)
                            .await?;
                    let awaiting = client.handle_m2(&m2.body).map_err(pairing)?;
                    Ok(Started::Hap(awaiting))
                }
                AirPlayMajorVersion::V1 => {
                    pairing_post(
                        &connection,
                        "/pair-pin-start",
                        None,
                        OCTET_STREAM,
                        Bytes::new(),
                    )
                    .await?;
                    Ok(Started::Legacy)
                }
            }
        }
        .await;
        match begun {
            Ok(started) => {
                self.started = Some(started);
                self.connection = Some(connection);
                Ok(())
            }
            Err(error) => {
                connection.close().await;
                Err(error)
            }
        }
    }

    /// Completes pairing with the PIN; stores the credentials in the service and
    /// returns them (pyatv's string form).
    pub async fn complete(&mut self) -> Result<String> {
        let pin = self
            .pin
            .clone()
            .ok_or_else(|| AirPlayError::InvalidState("no PIN given: call pin() first".into()))?;
        let (Some(connection), Some(started)) = (self.connection.clone(), self.started.take())
        else {
            return Err(AirPlayError::InvalidState(
                "pairing has not begun: call begin() first".into(),
            ));
        };
        let credentials = match started {
            Started::Hap(awaiting) => {
                let (client, m3) = awaiting.submit_pin(&pin).map_err(pairing)?;
                let m4 = pairing_post(&connection, "/pair-setup", Some(HKP_HAP), OCTET_STREAM, m3)
                    .await?;
                let (client, m5) = client.handle_m4(&m4.body).map_err(pairing)?;
                let m6 = pairing_post(&connection, "/pair-setup", Some(HKP_HAP), OCTET_STREAM, m5)
                    .await?;
                Credentials::Hap(client.handle_m6(&m6.body).map_err(pairing)?.credentials)
            }
            Started::Legacy => {
                let credentials = LegacyCredentials::generate(&mut rand::thread_rng());
                Credentials::Legacy(legacy_setup(&connection, credentials, &pin).await?)
            }
        };
        let text = credentials.to_string();
        self.service.credentials = Some(text.clone());
        self.has_paired = true;
        Ok(text)
    }

    async fn close_connection(&mut self) {
        self.started = None;
        if let Some(connection) = self.connection.take() {
            connection.close().await;
        }
    }
}

/// Legacy pair-setup: three binary-plist exchanges on `/pair-setup-pin` (after
/// `/pair-pin-start`), pairing `credentials` with the PIN on screen.
pub async fn legacy_setup(
    connection: &ControlConnection,
    credentials: LegacyCredentials,
    pin: &str,
) -> Result<LegacyCredentials> {
    let (client, request) = LegacySetupClient::new(credentials, pin).start();
    let body = dictionary([
        ("method", Value::String(request.method)),
        ("user", Value::String(request.user)),
    ]);
    let reply = post_plist(connection, &body).await?;
    let challenge = SetupChallenge {
        pk: data_field(&reply, "pk")?,
        salt: data_field(&reply, "salt")?,
    };
    let awaiting: AwaitingChallenge = client;
    let (client, proof) = awaiting.handle_challenge(&challenge).map_err(pairing)?;
    let body = dictionary([
        ("pk", Value::Data(proof.pk)),
        ("proof", Value::Data(proof.proof)),
    ]);
    let reply = post_plist(connection, &body).await?;
    let server_proof = ServerProof {
        proof: data_field(&reply, "proof")?,
    };
    let (done, sealed) = client.handle_proof(&server_proof).map_err(pairing)?;
    let body = dictionary([
        ("epk", Value::Data(sealed.epk)),
        ("authTag", Value::Data(sealed.auth_tag)),
    ]);
    post_plist(connection, &body).await?;
    Ok(done.credentials().clone())
}

async fn post_plist(connection: &ControlConnection, body: &Value) -> Result<plist::Dictionary> {
    let response = pairing_post(
        connection,
        "/pair-setup-pin",
        None,
        BPLIST_CONTENT_TYPE,
        encode_value(body),
    )
    .await?;
    if response.body.is_empty() {
        return Ok(plist::Dictionary::new());
    }
    decode_dictionary(&response.body)
}

fn data_field(dict: &plist::Dictionary, key: &str) -> Result<Vec<u8>> {
    dict.get(key)
        .and_then(Value::as_data)
        .map(<[u8]>::to_vec)
        .ok_or_else(|| AirPlayError::Pairing(format!("the device's answer lacks {key}")))
}

fn pairing(error: atv_pairing::Error) -> AirPlayError {
    AirPlayError::Pairing(error.to_string())
}

#[async_trait]
impl PairingHandler for AirPlayPairingHandler {
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
        Ok(())
    }
}

/// Every failure while pairing is a pairing error, as pyatv reports them.
fn pairing_error(error: AirPlayError) -> atv_core::Error {
    match atv_core::Error::from(error) {
        error @ atv_core::Error::Pairing(_) => error,
        other => atv_core::Error::Pairing(other.to_string()),
    }
}
