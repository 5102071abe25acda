//! Touch gestures over Companion (pyatv's `CompanionTouchGestures`): `_hidT` events on
//! a 1000 × 1000 surface, stamped with nanoseconds since the touch session started; a
//! swipe is a press, a move every 16 ms and a release; a click presses select and
//! reports a click at the surface's corner.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;

use atv_core::interface::TouchGestures;
use atv_core::{InputAction, TouchAction};

use crate::client::{Shared, lock};
use crate::commands::{ButtonState, HidCommand};
use crate::error::Result;
use crate::requests::{self, TOUCHPAD_SIZE};

/// Time between the moves of a swipe.
pub const TOUCH_INTERVAL: Duration = Duration::from_millis(16);
/// Time between pressing and releasing select in a click.
const CLICK_PRESS: Duration = Duration::from_millis(20);
/// How long a held click stays down.
const CLICK_HOLD: Duration = Duration::from_secs(1);

/// Touch gestures.
#[derive(Clone)]
pub struct CompanionTouchGestures {
    shared: Arc<Shared>,
}

impl CompanionTouchGestures {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// Sends one touch event.
    pub async fn touch(&self, x: i32, y: i32, phase: TouchAction) -> Result<()> {
        let base = lock(&self.shared.state).touch_base;
        let ns = u64::try_from(base.elapsed().as_nanos()).unwrap_or(u64::MAX);
        let content = requests::touch_event(x, y, i64::from(phase.value()), ns);
        self.shared.send_event("_hidT", content).await
    }

    /// Swipes from start to end in about `duration_ms`.
    pub async fn swipe_between(
        &self,
        start: (i32, i32),
        end: (i32, i32),
        duration_ms: u32,
    ) -> Result<()> {
        let end_time = Instant::now() + Duration::from_millis(u64::from(duration_ms));
        let (mut x, mut y) = (f64::from(start.0), f64::from(start.1));
        let (end_x, end_y) = (f64::from(end.0), f64::from(end.1));
        self.touch(start.0, start.1, TouchAction::Press).await?;
        let step = TOUCH_INTERVAL.as_secs_f64();
        loop {
            let now = Instant::now();
            if now >= end_time {
                break;
            }
            // Move the share of the remaining distance that one interval is of the
            // remaining time.
            let remaining = (end_time - now).as_secs_f64();
            x = (x + (end_x - x) * step / remaining).clamp(0.0, TOUCHPAD_SIZE);
            y = (y + (end_y - y) * step / remaining).clamp(0.0, TOUCHPAD_SIZE);
            self.touch(x as i32, y as i32, TouchAction::Hold).await?;
            tokio::time::sleep(TOUCH_INTERVAL).await;
        }
        self.touch(end.0, end.1, TouchAction::Release).await
    }

    async fn select(&self, state: ButtonState) -> Result<()> {
        self.shared
            .request("_hidC", requests::hid_command(state, HidCommand::Select))
            .await?;
        Ok(())
    }

    /// Clicks the touch surface.
    pub async fn click_with(&self, action: InputAction) -> Result<()> {
        let corner = TOUCHPAD_SIZE as i32;
        let (count, hold) = match action {
            InputAction::Hold => (1, CLICK_HOLD),
            InputAction::DoubleTap => (2, CLICK_PRESS),
            _ => (1, CLICK_PRESS),
        };
        for _ in 0..count {
            self.select(ButtonState::Down).await?;
            tokio::time::sleep(hold).await;
            self.select(ButtonState::Up).await?;
            self.touch(corner, corner, TouchAction::Click).await?;
        }
        Ok(())
    }
}

#[async_trait]
impl TouchGestures for CompanionTouchGestures {
    async fn swipe(
        &self,
        start_x: i32,
        start_y: i32,
        end_x: i32,
        end_y: i32,
        duration_ms: u32,
    ) -> atv_core::Result<()> {
        Ok(self
            .swipe_between((start_x, start_y), (end_x, end_y), duration_ms)
            .await?)
    }

    async fn action(&self, x: i32, y: i32, mode: TouchAction) -> atv_core::Result<()> {
        Ok(self.touch(x, y, mode).await?)
    }

    async fn click(&self, action: InputAction) -> atv_core::Result<()> {
        Ok(self.click_with(action).await?)
    }
}
