//! Buttons and playback commands, relayed (pyatv's `FacadeRemoteControl`).

use std::sync::Arc;

use async_trait::async_trait;

use atv_core::interface::RemoteControl;
use atv_core::{InputAction, RepeatState, Result, ShuffleState};

use crate::relayer::Relayer;

/// The facade's [`RemoteControl`]: each button goes to the highest-priority protocol
/// that supports it.
pub struct FacadeRemoteControl {
    pub(crate) relayer: Relayer<dyn RemoteControl>,
}

#[async_trait]
impl RemoteControl for FacadeRemoteControl {
    async fn up(&self, action: InputAction) -> Result<()> {
        self.relayer
            .relay("up", |i: Arc<dyn RemoteControl>| async move {
                i.up(action).await
            })
            .await
    }

    async fn down(&self, action: InputAction) -> Result<()> {
        self.relayer
            .relay("down", |i: Arc<dyn RemoteControl>| async move {
                i.down(action).await
            })
            .await
    }

    async fn left(&self, action: InputAction) -> Result<()> {
        self.relayer
            .relay("left", |i: Arc<dyn RemoteControl>| async move {
                i.left(action).await
            })
            .await
    }

    async fn right(&self, action: InputAction) -> Result<()> {
        self.relayer
            .relay("right", |i: Arc<dyn RemoteControl>| async move {
                i.right(action).await
            })
            .await
    }

    async fn select(&self, action: InputAction) -> Result<()> {
        self.relayer
            .relay("select", |i: Arc<dyn RemoteControl>| async move {
                i.select(action).await
            })
            .await
    }

    async fn menu(&self, action: InputAction) -> Result<()> {
        self.relayer
            .relay("menu", |i: Arc<dyn RemoteControl>| async move {
                i.menu(action).await
            })
            .await
    }

    async fn home(&self, action: InputAction) -> Result<()> {
        self.relayer
            .relay("home", |i: Arc<dyn RemoteControl>| async move {
                i.home(action).await
            })
            .await
    }

    async fn play(&self) -> Result<()> {
        self.relayer
            .relay(
                "play",
                |i: Arc<dyn RemoteControl>| async move { i.play().await },
            )
            .await
    }

    async fn play_pause(&self) -> Result<()> {
        self.relayer
            .relay("play_pause", |i: Arc<dyn RemoteControl>| async move {
                i.play_pause().await
            })
            .await
    }

    async fn pause(&self) -> Result<()> {
        self.relayer
            .relay("pause", |i: Arc<dyn RemoteControl>| async move {
                i.pause().await
            })
            .await
    }

    async fn stop(&self) -> Result<()> {
        self.relayer
            .relay(
                "stop",
                |i: Arc<dyn RemoteControl>| async move { i.stop().await },
            )
            .await
    }

    async fn next(&self) -> Result<()> {
        self.relayer
            .relay(
                "next",
                |i: Arc<dyn RemoteControl>| async move { i.next().await },
            )
            .await
    }

    async fn previous(&self) -> Result<()> {
        self.relayer
            .relay("previous", |i: Arc<dyn RemoteControl>| async move {
                i.previous().await
            })
            .await
    }

    async fn volume_up(&self) -> Result<()> {
        self.relayer
            .relay("volume_up", |i: Arc<dyn RemoteControl>| async move {
                i.volume_up().await
            })
            .await
    }

    async fn volume_down(&self) -> Result<()> {
        self.relayer
            .relay("volume_down", |i: Arc<dyn RemoteControl>| async move {
                i.volume_down().await
            })
            .await
    }

    async fn home_hold(&self) -> Result<()> {
        self.relayer
            .relay("home_hold", |i: Arc<dyn RemoteControl>| async move {
                i.home_hold().await
            })
            .await
    }

    async fn top_menu(&self) -> Result<()> {
        self.relayer
            .relay("top_menu", |i: Arc<dyn RemoteControl>| async move {
                i.top_menu().await
            })
            .await
    }

    async fn suspend(&self) -> Result<()> {
        self.relayer
            .relay("suspend", |i: Arc<dyn RemoteControl>| async move {
                i.suspend().await
            })
            .await
    }

    async fn wakeup(&self) -> Result<()> {
        self.relayer
            .relay("wakeup", |i: Arc<dyn RemoteControl>| async move {
                i.wakeup().await
            })
            .await
    }

    async fn channel_up(&self) -> Result<()> {
        self.relayer
            .relay("channel_up", |i: Arc<dyn RemoteControl>| async move {
                i.channel_up().await
            })
            .await
    }

    async fn channel_down(&self) -> Result<()> {
        self.relayer
            .relay("channel_down", |i: Arc<dyn RemoteControl>| async move {
                i.channel_down().await
            })
            .await
    }

    async fn screensaver(&self) -> Result<()> {
        self.relayer
            .relay("screensaver", |i: Arc<dyn RemoteControl>| async move {
                i.screensaver().await
            })
            .await
    }

    async fn guide(&self) -> Result<()> {
        self.relayer
            .relay("guide", |i: Arc<dyn RemoteControl>| async move {
                i.guide().await
            })
            .await
    }

    async fn control_center(&self) -> Result<()> {
        self.relayer
            .relay("control_center", |i: Arc<dyn RemoteControl>| async move {
                i.control_center().await
            })
            .await
    }

    async fn skip_forward(&self, time_interval: f64) -> Result<()> {
        self.relayer
            .relay("skip_forward", |i: Arc<dyn RemoteControl>| async move {
                i.skip_forward(time_interval).await
            })
            .await
    }

    async fn skip_backward(&self, time_interval: f64) -> Result<()> {
        self.relayer
            .relay("skip_backward", |i: Arc<dyn RemoteControl>| async move {
                i.skip_backward(time_interval).await
            })
            .await
    }

    async fn set_position(&self, position: u32) -> Result<()> {
        self.relayer
            .relay("set_position", |i: Arc<dyn RemoteControl>| async move {
                i.set_position(position).await
            })
            .await
    }

    async fn set_shuffle(&self, state: ShuffleState) -> Result<()> {
        self.relayer
            .relay("set_shuffle", |i: Arc<dyn RemoteControl>| async move {
                i.set_shuffle(state).await
            })
            .await
    }

    async fn set_repeat(&self, state: RepeatState) -> Result<()> {
        self.relayer
            .relay("set_repeat", |i: Arc<dyn RemoteControl>| async move {
                i.set_repeat(state).await
            })
            .await
    }
}
