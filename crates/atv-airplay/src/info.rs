//! `GET /info`: what the device says about itself (a property list: model, name, OS
//! build, features, ...). Older devices answer other statuses; then there is nothing.

use plist::Dictionary;

use crate::control_connection::{ControlConnection, DEFAULT_REQUEST_TIMEOUT};
use crate::error::Result;
use crate::plist_body::decode_dictionary;
use crate::wire::{Protocol, Request};

/// Asks the device for `/info`; an empty dictionary when it does not support it.
pub async fn device_info(connection: &ControlConnection) -> Result<Dictionary> {
    let request = Request::new("GET", "/info", Protocol::Rtsp10)
        .with_header("User-Agent", crate::rtsp_client::USER_AGENT)
        .with_header("CSeq", "0");
    let response = connection.request(request, DEFAULT_REQUEST_TIMEOUT).await?;
    if response.status != 200 || response.body.is_empty() {
        tracing::debug!(status = response.status, "device does not support /info");
        return Ok(Dictionary::new());
    }
    decode_dictionary(&response.body)
}
