//! Remote control over MRP: navigation keys as HID events (single tap, double tap or
//! hold), playback as commands, as pyatv sends them.

use std::sync::Arc;

use async_trait::async_trait;

use atv_core::interface::RemoteControl;
use atv_core::{InputAction, RepeatState, ShuffleState};

use crate::buttons::{HidKey, PressStep, press_steps};
use crate::client::{Shared, lock};
use crate::connection::MrpConnection;
use crate::error::{MrpError, Result};
use crate::message_builders::MessageBuilder;
use crate::protobuf::{
    Command, CommandOptions, HandlerReturnStatus, PlaybackState, ProtocolMessage, RepeatMode,
    SendError, ShuffleMode,
};

/// Skip interval used when neither the caller nor the app gives one.
pub const DEFAULT_SKIP_INTERVAL: f32 = 15.0;

/// Presses `key` with `action` over `connection`; with `flush`, each press is followed
/// by a request whose reply shows the device has taken it.
pub(crate) async fn press_key(
    connection: &MrpConnection,
    key: HidKey,
    action: InputAction,
    flush: bool,
) -> Result<()> {
    let (page, usage) = key.usage();
    let mut build = MessageBuilder::new();
    let steps = press_steps(action, flush)
        .ok_or_else(|| MrpError::InvalidState(format!("unsupported input action: {action}")))?;
    for step in steps {
        match step {
            PressStep::Down => {
                connection
                    .send(build.send_hid_event(page, usage, true))
                    .await?
            }
            PressStep::Up => {
                connection
                    .send(build.send_hid_event(page, usage, false))
                    .await?
            }
            PressStep::Wait(duration) => tokio::time::sleep(duration).await,
            PressStep::Flush => {
                connection.request(build.heartbeat()).await?;
            }
        }
    }
    Ok(())
}

/// The name pyatv gives an enum value (its protobuf name), or the number.
fn enum_name<E: TryFrom<i32> + std::fmt::Debug>(value: i32) -> String {
    E::try_from(value).map_or_else(|_| value.to_string(), |e| format!("{e:?}"))
}

/// Fails unless a command result reports no error.
pub(crate) fn check_command_result(command: Command, reply: &ProtocolMessage) -> Result<()> {
    let Some(result) = reply.send_command_result_message.as_deref() else {
        // Absent means the protobuf defaults: no error.
        return Ok(());
    };
    let send_error = result.send_error.unwrap_or_default();
    if send_error == SendError::NoError as i32 {
        return Ok(());
    }
    Err(MrpError::Command {
        command: format!("{command:?}"),
        send_error: enum_name::<SendError>(send_error),
        handler_status: enum_name::<HandlerReturnStatus>(
            result.handler_return_status.unwrap_or_default(),
        ),
    })
}

/// Remote control buttons and playback commands (pyatv's `MrpRemoteControl`).
#[derive(Clone)]
pub struct MrpRemoteControl {
    shared: Arc<Shared>,
}

impl MrpRemoteControl {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// Presses a key.
    pub async fn press(&self, key: HidKey, action: InputAction) -> Result<()> {
        press_key(&self.shared.connection()?, key, action, true).await
    }

    /// Sends a playback command and checks the device's result.
    pub async fn send_command(
        &self,
        command: Command,
        options: Option<CommandOptions>,
    ) -> Result<()> {
        let connection = self.shared.connection()?;
        let reply = connection
            .request(MessageBuilder::new().command(command, options))
            .await?;
        check_command_result(command, &reply)
    }

    /// Sends a request and ignores what the device answers (pyatv does so for seeking,
    /// shuffle and repeat).
    async fn request(&self, message: ProtocolMessage) -> Result<()> {
        self.shared.connection()?.request(message).await?;
        Ok(())
    }

    /// What play/pause does now: toggle when the player supports it, else the
    /// opposite of the current state, else nothing.
    fn play_pause_command(&self) -> Option<Command> {
        let model = lock(&self.shared.model);
        let playing = model.psm.playing();
        let toggle = playing
            .command_info(Command::TogglePlayPause as i32)
            .is_some_and(|info| info.enabled.unwrap_or(false));
        if toggle {
            return Some(Command::TogglePlayPause);
        }
        match playing.playback_state() {
            Some(s) if s == PlaybackState::Playing as i32 => Some(Command::Pause),
            Some(s) if s == PlaybackState::Paused as i32 => Some(Command::Play),
            _ => None,
        }
    }

    /// The interval to skip: the caller's when positive, else the app's first preferred
    /// one, else [`DEFAULT_SKIP_INTERVAL`].
    fn skip_interval(&self, command: Command, requested: f64) -> f32 {
        if requested > 0.0 {
            // Whole seconds, as pyatv sends them.
            return requested.trunc() as f32;
        }
        let model = lock(&self.shared.model);
        model
            .psm
            .playing()
            .command_info(command as i32)
            .and_then(|info| info.preferred_intervals.first().copied())
            .map_or(DEFAULT_SKIP_INTERVAL, |interval| interval as f32)
    }

    async fn skip(&self, command: Command, requested: f64) -> Result<()> {
        let options = CommandOptions {
            skip_interval: Some(self.skip_interval(command, requested)),
            ..Default::default()
        };
        self.send_command(command, Some(options)).await
    }
}

/// The protobuf repeat mode for a repeat state.
pub(crate) fn repeat_mode(state: RepeatState) -> RepeatMode {
    match state {
        RepeatState::Off => RepeatMode::Off,
        RepeatState::Track => RepeatMode::One,
        _ => RepeatMode::All,
    }
}

/// The protobuf shuffle mode for a shuffle state.
pub(crate) fn shuffle_mode(state: ShuffleState) -> ShuffleMode {
    match state {
        ShuffleState::Off => ShuffleMode::Off,
        ShuffleState::Albums => ShuffleMode::Albums,
        _ => ShuffleMode::Songs,
    }
}

#[async_trait]
impl RemoteControl for MrpRemoteControl {
    async fn up(&self, action: InputAction) -> atv_core::Result<()> {
        Ok(self.press(HidKey::Up, action).await?)
    }

    async fn down(&self, action: InputAction) -> atv_core::Result<()> {
        Ok(self.press(HidKey::Down, action).await?)
    }

    async fn left(&self, action: InputAction) -> atv_core::Result<()> {
        Ok(self.press(HidKey::Left, action).await?)
    }

    async fn right(&self, action: InputAction) -> atv_core::Result<()> {
        Ok(self.press(HidKey::Right, action).await?)
    }

    async fn play(&self) -> atv_core::Result<()> {
        Ok(self.send_command(Command::Play, None).await?)
    }

    async fn play_pause(&self) -> atv_core::Result<()> {
        match self.play_pause_command() {
            Some(command) => Ok(self.send_command(command, None).await?),
            None => Ok(()),
        }
    }

    async fn pause(&self) -> atv_core::Result<()> {
        Ok(self.send_command(Command::Pause, None).await?)
    }

    async fn stop(&self) -> atv_core::Result<()> {
        Ok(self.send_command(Command::Stop, None).await?)
    }

    async fn next(&self) -> atv_core::Result<()> {
        Ok(self.send_command(Command::NextTrack, None).await?)
    }

    async fn previous(&self) -> atv_core::Result<()> {
        Ok(self.send_command(Command::PreviousTrack, None).await?)
    }

    async fn select(&self, action: InputAction) -> atv_core::Result<()> {
        Ok(self.press(HidKey::Select, action).await?)
    }

    async fn menu(&self, action: InputAction) -> atv_core::Result<()> {
        Ok(self.press(HidKey::Menu, action).await?)
    }

    async fn volume_up(&self) -> atv_core::Result<()> {
        Ok(self.press(HidKey::VolumeUp, InputAction::SingleTap).await?)
    }

    async fn volume_down(&self) -> atv_core::Result<()> {
        Ok(self
            .press(HidKey::VolumeDown, InputAction::SingleTap)
            .await?)
    }

    async fn home(&self, action: InputAction) -> atv_core::Result<()> {
        Ok(self.press(HidKey::Home, action).await?)
    }

    async fn home_hold(&self) -> atv_core::Result<()> {
        Ok(self.press(HidKey::Home, InputAction::Hold).await?)
    }

    async fn top_menu(&self) -> atv_core::Result<()> {
        Ok(self.press(HidKey::TopMenu, InputAction::SingleTap).await?)
    }

    async fn suspend(&self) -> atv_core::Result<()> {
        Ok(self.press(HidKey::Suspend, InputAction::SingleTap).await?)
    }

    async fn wakeup(&self) -> atv_core::Result<()> {
        Ok(self.press(HidKey::WakeUp, InputAction::SingleTap).await?)
    }

    async fn skip_forward(&self, time_interval: f64) -> atv_core::Result<()> {
        Ok(self.skip(Command::SkipForward, time_interval).await?)
    }

    async fn skip_backward(&self, time_interval: f64) -> atv_core::Result<()> {
        Ok(self.skip(Command::SkipBackward, time_interval).await?)
    }

    async fn set_position(&self, position: u32) -> atv_core::Result<()> {
        let message = MessageBuilder::new().seek_to_position(f64::from(position));
        Ok(self.request(message).await?)
    }

    async fn set_shuffle(&self, state: ShuffleState) -> atv_core::Result<()> {
        let message = MessageBuilder::new().shuffle(shuffle_mode(state));
        Ok(self.request(message).await?)
    }

    async fn set_repeat(&self, state: RepeatState) -> atv_core::Result<()> {
        let message = MessageBuilder::new().repeat(repeat_mode(state));
        Ok(self.request(message).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protobuf::{MessageType, SendCommandResultMessage};

    fn result(send_error: Option<SendError>) -> ProtocolMessage {
        ProtocolMessage {
            r#type: Some(MessageType::SendCommandResultMessage as i32),
            send_command_result_message: Some(Box::new(SendCommandResultMessage {
                send_error: send_error.map(|e| e as i32),
                handler_return_status: Some(HandlerReturnStatus::Success as i32),
                ..Default::default()
            })),
            ..Default::default()
        }
    }

    #[test]
    fn command_results() {
        assert!(check_command_result(Command::Play, &result(None)).is_ok());
        assert!(check_command_result(Command::Play, &result(Some(SendError::NoError))).is_ok());
        assert!(check_command_result(Command::Play, &ProtocolMessage::default()).is_ok());
        let error = check_command_result(
            Command::NextTrack,
            &result(Some(SendError::NoCommandHandlers)),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "NextTrack failed: SendError=NoCommandHandlers, HandlerReturnStatus=Success"
        );
    }

    #[test]
    fn modes_map_like_pyatv() {
        assert_eq!(repeat_mode(RepeatState::Track), RepeatMode::One);
        assert_eq!(repeat_mode(RepeatState::All), RepeatMode::All);
        assert_eq!(repeat_mode(RepeatState::Off), RepeatMode::Off);
        assert_eq!(shuffle_mode(ShuffleState::Albums), ShuffleMode::Albums);
        assert_eq!(shuffle_mode(ShuffleState::Songs), ShuffleMode::Songs);
        assert_eq!(shuffle_mode(ShuffleState::Off), ShuffleMode::Off);
    }
}
