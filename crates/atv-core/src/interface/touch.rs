//! Touch surface gestures (pyatv's `TouchGestures`).

use async_trait::async_trait;

use super::not_supported;
use crate::{InputAction, Result, TouchAction};

/// Touch surface gestures (pyatv's `TouchGestures`). Coordinates run from 0 to 1000.
#[async_trait]
pub trait TouchGestures: Send + Sync {
    /// Swipes from (`start_x`, `start_y`) to (`end_x`, `end_y`) in `duration_ms`
    /// milliseconds.
    async fn swipe(
        &self,
        start_x: i32,
        start_y: i32,
        end_x: i32,
        end_y: i32,
        duration_ms: u32,
    ) -> Result<()> {
        let _ = (start_x, start_y, end_x, end_y, duration_ms);
        not_supported("swipe")
    }

    /// Sends one touch event (`mode`: press, hold or release) at (`x`, `y`).
    async fn action(&self, x: i32, y: i32, mode: TouchAction) -> Result<()> {
        let _ = (x, y, mode);
        not_supported("action")
    }

    /// Clicks the touch surface (single tap, double tap or hold).
    async fn click(&self, action: InputAction) -> Result<()> {
        let _ = action;
        not_supported("click")
    }
}
