//! What one MRP connection answers: the start-up exchange (device information,
//! connection state, update subscription, keyboard session, heartbeats) answered exactly
//! as pyatv's fake device answers it, and the dispatch of every other message. No I/O:
//! messages in, [`Step`]s out; the connection task performs them.

use std::sync::Arc;
use std::time::SystemTime;

use atv_mrp::message_builders::MessageBuilder;
use atv_mrp::protobuf::{MessageType, ProtocolMessage};
use atv_pairing::SessionKeys;
use tokio::sync::broadcast::{self, error::RecvError, error::TryRecvError};

use super::device_info::device_info_message;
use super::pairing::Pairing;
use super::{MrpConfig, commands, now_playing, push};
use crate::state::{FakeState, StateEvent};

/// What the fake device shares between its connections.
#[derive(Debug)]
pub(crate) struct Context {
    pub(crate) config: MrpConfig,
    pub(crate) state: FakeState,
}

/// One thing to do in answer to a message.
#[derive(Debug)]
pub(crate) enum Step {
    /// Send this message (boxed: messages are large).
    Send(Box<ProtocolMessage>),
    /// Send the updates for the state events published so far, now.
    ForwardEvents,
    /// Encrypt and decrypt with these keys from now on (after the previous steps).
    EnableEncryption(SessionKeys),
    /// Close the connection (after the previous steps).
    Close,
}

impl Step {
    /// Sends `message`.
    pub(crate) fn send(message: ProtocolMessage) -> Self {
        Self::Send(Box::new(message))
    }
}

/// An envelope of `kind` answering `identifier` (no identifier when the request had
/// none, as pyatv's fake device does).
pub(crate) fn reply_to(
    builder: &mut MessageBuilder,
    kind: MessageType,
    identifier: Option<&str>,
) -> ProtocolMessage {
    let mut message = builder.envelope(kind);
    message.identifier = identifier.map(str::to_owned);
    message
}

/// The protocol state of one connection.
pub(crate) struct Session {
    ctx: Arc<Context>,
    builder: MessageBuilder,
    pairing: Pairing,
    /// State events, from the moment the client subscribed to updates.
    events: Option<broadcast::Receiver<StateEvent>>,
}

impl Session {
    pub(crate) fn new(ctx: Arc<Context>) -> Self {
        Self {
            ctx,
            builder: MessageBuilder::new(),
            pairing: Pairing::default(),
            events: None,
        }
    }

    /// Answers one message.
    pub(crate) fn handle(&mut self, message: &ProtocolMessage) -> Vec<Step> {
        let Some(kind) = message.r#type.and_then(|t| MessageType::try_from(t).ok()) else {
            tracing::debug!(r#type = ?message.r#type, "message of unknown type ignored");
            return Vec::new();
        };
        tracing::debug!(?kind, "received");
        let identifier = message.identifier.as_deref();
        let ctx = Arc::clone(&self.ctx);
        let state = &ctx.state;
        let builder = &mut self.builder;
        match kind {
            MessageType::DeviceInfoMessage => {
                let reply = state.read(|data| {
                    device_info_message(
                        builder,
                        &ctx.config,
                        &data.device_snapshot(),
                        false,
                        identifier,
                    )
                });
                vec![Step::send(reply)]
            }
            MessageType::CryptoPairingMessage => {
                self.pairing.handle(&ctx.config, state, builder, message)
            }
            MessageType::SetConnectionStateMessage => {
                let value = message
                    .set_connection_state_message
                    .as_ref()
                    .and_then(|inner| inner.state);
                state.update(|data, _| data.connection_state = value);
                Vec::new()
            }
            MessageType::ClientUpdatesConfigMessage => self.client_updates_config(identifier),
            MessageType::GetKeyboardSessionMessage => vec![Step::send(reply_to(
                builder,
                MessageType::KeyboardMessage,
                identifier,
            ))],
            MessageType::GenericMessage => {
                // The client's heartbeat.
                state.update(|data, _| data.heartbeat_count += 1);
                vec![Step::send(reply_to(
                    builder,
                    MessageType::UnknownMessage,
                    identifier,
                ))]
            }
            MessageType::PlaybackQueueRequestMessage => {
                let playing = state.playing();
                vec![Step::send(now_playing::playback_queue_response(
                    builder,
                    identifier,
                    playing.as_ref(),
                ))]
            }
            MessageType::SendCommandMessage => commands::send_command(state, builder, message),
            MessageType::SendHidEventMessage => commands::send_hid_event(state, builder, message),
            MessageType::SetVolumeMessage => commands::set_volume(state, builder, message),
            MessageType::GetVolumeMessage => commands::get_volume(state, builder, message),
            MessageType::ModifyOutputContextRequestMessage => {
                commands::modify_output_context(state, message)
            }
            MessageType::WakeDeviceMessage => commands::wake_device(state, builder, message),
            other => {
                tracing::debug!(?other, "no handler for message");
                Vec::new()
            }
        }
    }

    /// The client subscribes to updates: it gets every player's state, the active player
    /// (announced to every client, as pyatv's fake does), the volume controls when set,
    /// and then the answer.
    fn client_updates_config(&mut self, identifier: Option<&str>) -> Vec<Step> {
        let state = &self.ctx.state;
        self.events = Some(state.subscribe());
        let now = SystemTime::now();
        let builder = &mut self.builder;
        let (mut steps, active) = state.read(|data| {
            let steps: Vec<Step> = data
                .players
                .iter()
                .map(|(player, playing)| {
                    Step::send(now_playing::set_state(builder, player, playing, now))
                })
                .collect();
            (steps, data.active_player.clone())
        });
        if active.is_some() {
            state.set_active_player(active.as_deref());
            steps.push(Step::ForwardEvents);
        }
        let volume = state.read(|data| push::volume_messages(builder, data));
        steps.extend(volume.into_iter().map(Step::send));
        steps.push(Step::send(reply_to(
            builder,
            MessageType::UnknownMessage,
            identifier,
        )));
        steps
    }

    /// Waits for the next state event; never returns before the client subscribed.
    pub(crate) async fn next_event(&mut self) -> Result<StateEvent, RecvError> {
        match &mut self.events {
            Some(events) => events.recv().await,
            None => std::future::pending().await,
        }
    }

    /// The updates for a state event (a full resynchronisation when events were lost).
    pub(crate) fn event_messages(
        &mut self,
        event: Result<StateEvent, RecvError>,
    ) -> Vec<ProtocolMessage> {
        let ctx = &self.ctx;
        match event {
            Ok(event) => push::messages(&event, &ctx.config, &mut self.builder),
            Err(RecvError::Lagged(missed)) => {
                tracing::warn!(missed, "client fell behind on updates; resending the state");
                push::resync(&ctx.config, &ctx.state, &mut self.builder)
            }
            Err(RecvError::Closed) => Vec::new(),
        }
    }

    /// The updates for every state event published so far.
    pub(crate) fn pending_event_messages(&mut self) -> Vec<ProtocolMessage> {
        let mut messages = Vec::new();
        loop {
            let event = match self.events.as_mut().map(broadcast::Receiver::try_recv) {
                None | Some(Err(TryRecvError::Empty | TryRecvError::Closed)) => break,
                Some(Ok(event)) => Ok(event),
                Some(Err(TryRecvError::Lagged(missed))) => Err(RecvError::Lagged(missed)),
            };
            messages.extend(self.event_messages(event));
        }
        messages
    }
}
