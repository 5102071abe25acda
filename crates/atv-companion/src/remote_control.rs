//! Remote control over Companion (pyatv's `CompanionRemoteControl`): navigation and
//! other buttons as HID presses (`_hidC`, pressed then released; held for a second;
//! or pressed twice), playback as media control commands (`_mcc`).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use atv_core::InputAction;
use atv_core::interface::RemoteControl;

use crate::client::Shared;
use crate::commands::{ButtonState, HidCommand, MediaControlCommand};
use crate::error::Result;
use crate::opack::Value;
use crate::requests;

/// How long a held button stays down.
pub const HOLD_DURATION: Duration = Duration::from_secs(1);
/// Seconds skipped when the caller gives no interval (as the TV Remote app does).
pub const DEFAULT_SKIP_SECONDS: f64 = 10.0;

async fn hid(shared: &Shared, state: ButtonState, command: HidCommand) -> Result<()> {
    shared
        .request("_hidC", requests::hid_command(state, command))
        .await?;
    Ok(())
}

/// Presses `command` with `action`.
pub(crate) async fn press(shared: &Shared, command: HidCommand, action: InputAction) -> Result<()> {
    let taps = match action {
        InputAction::Hold => {
            hid(shared, ButtonState::Down, command).await?;
            tokio::time::sleep(HOLD_DURATION).await;
            return hid(shared, ButtonState::Up, command).await;
        }
        InputAction::DoubleTap => 2,
        _ => 1,
    };
    for _ in 0..taps {
        hid(shared, ButtonState::Down, command).await?;
        hid(shared, ButtonState::Up, command).await?;
    }
    Ok(())
}

/// Buttons and playback commands.
#[derive(Clone)]
pub struct CompanionRemoteControl {
    shared: Arc<Shared>,
}

impl CompanionRemoteControl {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// Presses a HID button.
    pub async fn press(&self, command: HidCommand, action: InputAction) -> Result<()> {
        press(&self.shared, command, action).await
    }

    /// Sends a media control command without arguments.
    pub async fn media_control(&self, command: MediaControlCommand) -> Result<()> {
        self.shared.media_control(command, Vec::new()).await?;
        Ok(())
    }

    /// Skips `seconds` (negative: backwards).
    pub async fn skip_by(&self, seconds: f64) -> Result<()> {
        // Always a float: the device takes seconds as a floating-point number.
        self.shared
            .media_control(
                MediaControlCommand::SkipBy,
                vec![("_skpS", Value::Float(seconds))],
            )
            .await?;
        Ok(())
    }

    async fn tap(&self, command: HidCommand) -> atv_core::Result<()> {
        Ok(self.press(command, InputAction::SingleTap).await?)
    }

    async fn act(&self, command: HidCommand, action: InputAction) -> atv_core::Result<()> {
        Ok(self.press(command, action).await?)
    }

    async fn control(&self, command: MediaControlCommand) -> atv_core::Result<()> {
        Ok(self.media_control(command).await?)
    }
}

#[async_trait]
impl RemoteControl for CompanionRemoteControl {
    async fn up(&self, action: InputAction) -> atv_core::Result<()> {
        self.act(HidCommand::Up, action).await
    }

    async fn down(&self, action: InputAction) -> atv_core::Result<()> {
        self.act(HidCommand::Down, action).await
    }

    async fn left(&self, action: InputAction) -> atv_core::Result<()> {
        self.act(HidCommand::Left, action).await
    }

    async fn right(&self, action: InputAction) -> atv_core::Result<()> {
        self.act(HidCommand::Right, action).await
    }

    async fn select(&self, action: InputAction) -> atv_core::Result<()> {
        self.act(HidCommand::Select, action).await
    }

    async fn menu(&self, action: InputAction) -> atv_core::Result<()> {
        self.act(HidCommand::Menu, action).await
    }

    async fn home(&self, action: InputAction) -> atv_core::Result<()> {
        self.act(HidCommand::Home, action).await
    }

    async fn volume_up(&self) -> atv_core::Result<()> {
        self.tap(HidCommand::VolumeUp).await
    }

    async fn volume_down(&self) -> atv_core::Result<()> {
        self.tap(HidCommand::VolumeDown).await
    }

    async fn play_pause(&self) -> atv_core::Result<()> {
        self.tap(HidCommand::PlayPause).await
    }

    async fn play(&self) -> atv_core::Result<()> {
        self.control(MediaControlCommand::Play).await
    }

    async fn pause(&self) -> atv_core::Result<()> {
        self.control(MediaControlCommand::Pause).await
    }

    async fn next(&self) -> atv_core::Result<()> {
        self.control(MediaControlCommand::NextTrack).await
    }

    async fn previous(&self) -> atv_core::Result<()> {
        self.control(MediaControlCommand::PreviousTrack).await
    }

    async fn skip_forward(&self, time_interval: f64) -> atv_core::Result<()> {
        let seconds = if time_interval > 0.0 {
            time_interval
        } else {
            DEFAULT_SKIP_SECONDS
        };
        Ok(self.skip_by(seconds).await?)
    }

    async fn skip_backward(&self, time_interval: f64) -> atv_core::Result<()> {
        let seconds = if time_interval > 0.0 {
            time_interval
        } else {
            DEFAULT_SKIP_SECONDS
        };
        Ok(self.skip_by(-seconds).await?)
    }

    async fn channel_up(&self) -> atv_core::Result<()> {
        self.tap(HidCommand::ChannelIncrement).await
    }

    async fn channel_down(&self) -> atv_core::Result<()> {
        self.tap(HidCommand::ChannelDecrement).await
    }

    async fn screensaver(&self) -> atv_core::Result<()> {
        self.tap(HidCommand::Screensaver).await
    }

    async fn guide(&self) -> atv_core::Result<()> {
        self.tap(HidCommand::Guide).await
    }

    async fn control_center(&self) -> atv_core::Result<()> {
        self.tap(HidCommand::PageDown).await
    }
}
