//! Touch gestures, relayed (pyatv's `FacadeTouchGestures`).

use std::sync::Arc;

use async_trait::async_trait;

use atv_core::interface::TouchGestures;
use atv_core::{InputAction, Result, TouchAction};

use crate::relayer::Relayer;

/// The facade's [`TouchGestures`].
pub struct FacadeTouchGestures {
    pub(crate) relayer: Relayer<dyn TouchGestures>,
}

#[async_trait]
impl TouchGestures for FacadeTouchGestures {
    async fn swipe(
        &self,
        start_x: i32,
        start_y: i32,
        end_x: i32,
        end_y: i32,
        duration_ms: u32,
    ) -> Result<()> {
        self.relayer
            .relay("swipe", |i: Arc<dyn TouchGestures>| async move {
                i.swipe(start_x, start_y, end_x, end_y, duration_ms).await
            })
            .await
    }

    async fn action(&self, x: i32, y: i32, mode: TouchAction) -> Result<()> {
        self.relayer
            .relay("action", |i: Arc<dyn TouchGestures>| async move {
                i.action(x, y, mode).await
            })
            .await
    }

    async fn click(&self, action: InputAction) -> Result<()> {
        self.relayer
            .relay("click", |i: Arc<dyn TouchGestures>| async move {
                i.click(action).await
            })
            .await
    }
}
