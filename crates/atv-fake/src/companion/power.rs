//! Power as Companion sees it: the client's `_systemInfo`, the system status
//! (`FetchAttentionState`, and the `SystemStatus` / `TVSystemStatus` events sent to
//! clients that registered interest when it changes). The device is asleep when the
//! shared state says it is off, else in the Companion state's awake status. `_hidC`
//! sleep and wake buttons switch it (see `hid`).

use atv_companion::opack::Value;

use super::message::{Incoming, NO_HANDLER, dict, event};
use super::session::Peer;
use super::state::{ClientInfo, SystemStatus};
use crate::state::FakeState;

/// The events telling the system status (older and newer tvOS).
pub(crate) const STATUS_EVENTS: [&str; 2] = ["SystemStatus", "TVSystemStatus"];

/// The system status now.
pub(crate) fn system_status(state: &FakeState) -> SystemStatus {
    if state.powered_on() {
        state.companion().awake_status()
    } else {
        SystemStatus::Asleep
    }
}

fn status_content(status: SystemStatus) -> Value {
    dict(vec![("state", Value::from(status.value()))])
}

/// Records what the client tells about itself.
pub(crate) fn system_info(state: &FakeState, message: &Incoming) -> Value {
    let info = ClientInfo {
        name: message.str("name").map(str::to_owned),
        model: message.str("model").map(str::to_owned),
        // Sent as data by pyatv (the bytes of its identifier), as a string by others.
        pairing_id: message.content.get("_idsID").and_then(|id| match id {
            Value::String(id) => Some(id.clone()),
            Value::Data(id) => Some(String::from_utf8_lossy(id).into_owned()),
            _ => None,
        }),
    };
    state
        .companion()
        .update(|data, _| data.client_info = Some(info));
    message.empty_response()
}

/// `FetchAttentionState`: the system status, unless the device does not support it.
pub(crate) fn attention_state(state: &FakeState, peer: &mut Peer, message: &Incoming) -> Value {
    let supported = state
        .companion()
        .read(|data| data.attention_state_supported);
    if !supported {
        return message.error(NO_HANDLER, "No request handler");
    }
    let status = system_status(state);
    peer.told_status = Some(status);
    message.response(status_content(status))
}

/// Status events for a client that registered interest, when the status changed since
/// it was last told.
pub(crate) fn status_events(state: &FakeState, peer: &mut Peer) -> Vec<Value> {
    let status = system_status(state);
    if peer.told_status == Some(status) {
        return Vec::new();
    }
    let names: Vec<&str> = STATUS_EVENTS
        .into_iter()
        .filter(|name| peer.interests.contains(*name))
        .collect();
    if names.is_empty() {
        return Vec::new();
    }
    peer.told_status = Some(status);
    names
        .into_iter()
        .map(|name| event(name, status_content(status)))
        .collect()
}
