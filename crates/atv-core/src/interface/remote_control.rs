//! Buttons of the remote (pyatv's `RemoteControl`).

use async_trait::async_trait;

use super::not_supported;
use crate::{InputAction, RepeatState, Result, ShuffleState};

/// Sends remote control buttons and playback commands (pyatv's `RemoteControl`).
#[async_trait]
pub trait RemoteControl: Send + Sync {
    /// Presses up.
    async fn up(&self, action: InputAction) -> Result<()> {
        let _ = action;
        not_supported("up")
    }

    /// Presses down.
    async fn down(&self, action: InputAction) -> Result<()> {
        let _ = action;
        not_supported("down")
    }

    /// Presses left.
    async fn left(&self, action: InputAction) -> Result<()> {
        let _ = action;
        not_supported("left")
    }

    /// Presses right.
    async fn right(&self, action: InputAction) -> Result<()> {
        let _ = action;
        not_supported("right")
    }

    /// Starts playback.
    async fn play(&self) -> Result<()> {
        not_supported("play")
    }

    /// Toggles between play and pause.
    async fn play_pause(&self) -> Result<()> {
        not_supported("play_pause")
    }

    /// Pauses playback.
    async fn pause(&self) -> Result<()> {
        not_supported("pause")
    }

    /// Stops playback.
    async fn stop(&self) -> Result<()> {
        not_supported("stop")
    }

    /// Goes to the next item.
    async fn next(&self) -> Result<()> {
        not_supported("next")
    }

    /// Goes to the previous item.
    async fn previous(&self) -> Result<()> {
        not_supported("previous")
    }

    /// Presses select.
    async fn select(&self, action: InputAction) -> Result<()> {
        let _ = action;
        not_supported("select")
    }

    /// Presses menu (back).
    async fn menu(&self, action: InputAction) -> Result<()> {
        let _ = action;
        not_supported("menu")
    }

    /// Presses volume up (deprecated: use [`Audio::volume_up`](super::Audio::volume_up)).
    async fn volume_up(&self) -> Result<()> {
        not_supported("volume_up")
    }

    /// Presses volume down (deprecated: use
    /// [`Audio::volume_down`](super::Audio::volume_down)).
    async fn volume_down(&self) -> Result<()> {
        not_supported("volume_down")
    }

    /// Presses home (TV).
    async fn home(&self, action: InputAction) -> Result<()> {
        let _ = action;
        not_supported("home")
    }

    /// Holds home (deprecated: use [`RemoteControl::home`] with [`InputAction::Hold`]).
    async fn home_hold(&self) -> Result<()> {
        not_supported("home_hold")
    }

    /// Goes to the main menu (a long press of menu).
    async fn top_menu(&self) -> Result<()> {
        not_supported("top_menu")
    }

    /// Suspends the device (deprecated: use [`Power::turn_off`](super::Power::turn_off)).
    async fn suspend(&self) -> Result<()> {
        not_supported("suspend")
    }

    /// Wakes the device (deprecated: use [`Power::turn_on`](super::Power::turn_on)).
    async fn wakeup(&self) -> Result<()> {
        not_supported("wakeup")
    }

    /// Skips forward `time_interval` seconds; zero or less lets the app choose
    /// (typically 10 to 30 seconds).
    async fn skip_forward(&self, time_interval: f64) -> Result<()> {
        let _ = time_interval;
        not_supported("skip_forward")
    }

    /// Skips backward `time_interval` seconds; zero or less lets the app choose.
    async fn skip_backward(&self, time_interval: f64) -> Result<()> {
        let _ = time_interval;
        not_supported("skip_backward")
    }

    /// Seeks to `position` seconds into what plays.
    async fn set_position(&self, position: u32) -> Result<()> {
        let _ = position;
        not_supported("set_position")
    }

    /// Changes the shuffle mode.
    async fn set_shuffle(&self, state: ShuffleState) -> Result<()> {
        let _ = state;
        not_supported("set_shuffle")
    }

    /// Changes the repeat mode.
    async fn set_repeat(&self, state: RepeatState) -> Result<()> {
        let _ = state;
        not_supported("set_repeat")
    }

    /// Goes to the next channel.
    async fn channel_up(&self) -> Result<()> {
        not_supported("channel_up")
    }

    /// Goes to the previous channel.
    async fn channel_down(&self) -> Result<()> {
        not_supported("channel_down")
    }

    /// Starts the screen saver.
    async fn screensaver(&self) -> Result<()> {
        not_supported("screensaver")
    }

    /// Shows the program guide (EPG).
    async fn guide(&self) -> Result<()> {
        not_supported("guide")
    }

    /// Opens Control Center.
    async fn control_center(&self) -> Result<()> {
        not_supported("control_center")
    }
}
