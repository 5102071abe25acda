//! What one Companion connection answers: pairing frames, then (encrypted) OPACK
//! requests and events dispatched by name, and the device's own events once the client
//! registered interest in them. No I/O: frames in, [`Step`]s out.

use std::collections::BTreeSet;

use atv_companion::frame::FrameType;
use atv_companion::opack::Value;
use atv_pairing::{ServerIdentity, SessionKeys};
use tokio::sync::broadcast::error::RecvError;

use super::message::{EVENT, Incoming, NO_HANDLER, REQUEST, dict, event};
use super::pairing::Pairing;
use super::state::{CompanionEvent, SystemStatus};
use super::{apps, hid, media_control, power, text_input, touch};
use crate::state::{DEVICE_UID, FakeState, StateEvent};

/// Event telling media control flags (and that the volume may have changed).
pub(crate) const MEDIA_CONTROL_EVENT: &str = "_iMC";
/// Remote session id the device hands out in `_sessionStart`.
const REMOTE_SID: u64 = 5555;

/// How the Companion side presents itself. Debug output hides the PIN.
#[derive(Clone)]
pub(crate) struct Context {
    pub(crate) name: String,
    pub(crate) identity: ServerIdentity,
    pub(crate) pin: String,
    pub(crate) state: FakeState,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("name", &self.name)
            .field("identity", &self.identity)
            .finish_non_exhaustive()
    }
}

/// One thing for the connection to do.
#[derive(Debug)]
pub(crate) enum Step {
    /// Send this OPACK value in a frame of this type.
    Send(FrameType, Value),
    /// Encrypt from now on with these keys (after the previous steps).
    EnableEncryption(SessionKeys),
    /// Close the connection (after the previous steps).
    Close,
}

/// Sends `value` as encrypted OPACK.
pub(crate) fn send(value: Value) -> Step {
    Step::Send(FrameType::EOpack, value)
}

/// What one connection remembers.
#[derive(Debug, Default)]
pub(crate) struct Peer {
    /// Events the client registered interest in.
    pub(crate) interests: BTreeSet<String>,
    /// Whether the client is in a text input session (gets focus events).
    pub(crate) text_input: bool,
    /// The session id the client chose in `_sessionStart`.
    pub(crate) local_sid: Option<u64>,
    /// The system status last told (or answered).
    pub(crate) told_status: Option<SystemStatus>,
}

impl Peer {
    /// The `_iMC` event with the current flags, when the client asked for it.
    pub(crate) fn media_control_event(&self, state: &FakeState) -> Option<Value> {
        self.interests.contains(MEDIA_CONTROL_EVENT).then(|| {
            let flags = state.companion().media_control_flags();
            event(
                MEDIA_CONTROL_EVENT,
                dict(vec![("_mcF", Value::from(flags))]),
            )
        })
    }
}

/// The protocol state of one connection.
#[derive(Debug)]
pub(crate) struct Session {
    ctx: Context,
    pairing: Pairing,
    encrypted: bool,
    peer: Peer,
}

impl Session {
    pub(crate) fn new(ctx: Context) -> Self {
        Self {
            ctx,
            pairing: Pairing::default(),
            encrypted: false,
            peer: Peer::default(),
        }
    }

    /// Answers one frame's OPACK payload.
    pub(crate) fn handle(&mut self, frame_type: FrameType, payload: Value) -> Vec<Step> {
        match frame_type {
            FrameType::PsStart | FrameType::PsNext | FrameType::PvStart | FrameType::PvNext => {
                let ctx = &self.ctx;
                let steps = self.pairing.handle(
                    frame_type,
                    &payload,
                    &ctx.identity,
                    &ctx.pin,
                    &ctx.name,
                    &ctx.state,
                );
                if steps
                    .iter()
                    .any(|step| matches!(step, Step::EnableEncryption(_)))
                {
                    self.encrypted = true;
                }
                steps
            }
            FrameType::EOpack | FrameType::UOpack | FrameType::POpack => {
                if !self.encrypted {
                    tracing::info!("OPACK message before pair-verify; closing");
                    return vec![Step::Close];
                }
                let Some(message) = Incoming::parse(payload) else {
                    tracing::debug!("OPACK message without a name ignored");
                    return Vec::new();
                };
                tracing::debug!(name = %message.name, kind = message.kind, "received");
                self.dispatch(&message).into_iter().map(send).collect()
            }
            other => {
                tracing::debug!(?other, "frame type not handled");
                Vec::new()
            }
        }
    }

    fn dispatch(&mut self, message: &Incoming) -> Vec<Value> {
        let state = &self.ctx.state;
        let peer = &mut self.peer;
        match message.name.as_str() {
            "_systemInfo" => vec![power::system_info(state, message)],
            "_sessionStart" => {
                peer.local_sid = message.int("_sid").and_then(|sid| u64::try_from(sid).ok());
                state
                    .companion()
                    .update(|data, _| data.sessions_started += 1);
                vec![message.response(dict(vec![("_sid", Value::from(REMOTE_SID))]))]
            }
            "_sessionStop" => {
                let expected = peer
                    .local_sid
                    .map(|local| (REMOTE_SID << 32) | (local & 0xFFFF_FFFF));
                let given = message.content.get("_sid").and_then(Value::as_u64);
                if expected.is_some() && given == expected {
                    peer.local_sid = None;
                    vec![message.empty_response()]
                } else {
                    vec![message.error(super::message::REFUSED, "Invalid SID")]
                }
            }
            // A TV remote session: answered with what was asked, as a device does.
            "TVRCSessionStart" => vec![message.response(message.content.clone())],
            "_interest" => interest(state, peer, message),
            "FetchLaunchableApplicationsEvent" => vec![apps::app_list(state, message)],
            "_launchApp" => vec![apps::launch(state, message)],
            "FetchUserAccountsEvent" => vec![apps::account_list(state, message)],
            "SwitchUserAccountEvent" => vec![apps::switch_account(state, message)],
            "FetchAttentionState" => vec![power::attention_state(state, peer, message)],
            "_hidC" => hid::button(state, peer, message),
            "_mcc" => media_control::command(state, peer, message),
            "_tiStart" => text_input::start(state, peer, message),
            "_tiStop" => text_input::stop(peer, message),
            "_tiC" => text_input::change(state, message),
            "_touchStart" => vec![touch::start(state, message)],
            "_touchStop" => vec![message.empty_response()],
            "_hidT" => touch::event(state, message),
            _ if message.kind == REQUEST => {
                tracing::debug!(name = %message.name, "no handler for request");
                vec![message.error(NO_HANDLER, "No request handler")]
            }
            _ => Vec::new(),
        }
    }

    /// The events a change of the device's state means for this client.
    pub(crate) fn state_event(&mut self, event: Result<StateEvent, RecvError>) -> Vec<Step> {
        if !self.encrypted {
            return Vec::new();
        }
        let state = &self.ctx.state;
        let messages = match event {
            Ok(StateEvent::DeviceInfo(_)) => power::status_events(state, &mut self.peer),
            Ok(StateEvent::Volume { device_uid, .. })
                if device_uid.is_empty() || device_uid == DEVICE_UID =>
            {
                self.peer.media_control_event(state).into_iter().collect()
            }
            Ok(_) => Vec::new(),
            Err(RecvError::Lagged(_)) => {
                let mut messages = power::status_events(state, &mut self.peer);
                messages.extend(self.peer.media_control_event(state));
                messages
            }
            Err(RecvError::Closed) => Vec::new(),
        };
        messages.into_iter().map(send).collect()
    }

    /// The events a change of the Companion state means for this client.
    pub(crate) fn companion_event(
        &mut self,
        event: Result<CompanionEvent, RecvError>,
    ) -> Vec<Step> {
        if !self.encrypted {
            return Vec::new();
        }
        let state = &self.ctx.state;
        let peer = &mut self.peer;
        let messages = match event {
            Ok(CompanionEvent::AwakeStatus(_)) => power::status_events(state, peer),
            Ok(CompanionEvent::MediaControlFlags(_)) => {
                peer.media_control_event(state).into_iter().collect()
            }
            Ok(CompanionEvent::Focus(_)) => text_input::focus_event(state, peer),
            Err(RecvError::Lagged(_)) => {
                let mut messages = power::status_events(state, peer);
                messages.extend(peer.media_control_event(state));
                messages.extend(text_input::focus_event(state, peer));
                messages
            }
            Err(RecvError::Closed) => Vec::new(),
        };
        messages.into_iter().map(send).collect()
    }
}

/// `_interest`: registers or deregisters events; registering `_iMC` is answered with the
/// current media control flags at once.
fn interest(state: &FakeState, peer: &mut Peer, message: &Incoming) -> Vec<Value> {
    if message.kind != EVENT {
        return Vec::new();
    }
    let names = |key| {
        message
            .content
            .get(key)
            .and_then(Value::as_array)
            .unwrap_or_default()
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let mut replies = Vec::new();
    for name in names("_regEvents") {
        let new = peer.interests.insert(name.clone());
        if new && name == MEDIA_CONTROL_EVENT {
            replies.extend(peer.media_control_event(state));
        }
        if new && power::STATUS_EVENTS.contains(&name.as_str()) {
            // From now on the client hears of changes from what it would fetch now.
            peer.told_status = Some(power::system_status(state));
        }
    }
    for name in names("_deregEvents") {
        peer.interests.remove(&name);
    }
    replies
}
