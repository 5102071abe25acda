//! Touch gestures: `_touchStart` announces the client's touch area (width and height, up
//! to 1000 each), `_touchStop` ends it, and `_hidT` events carry one touch each: phase
//! (`_tPh`: press, hold, release, click), position (`_cx`, `_cy`) and a timestamp in
//! nanoseconds (`_ns`). Every touch is recorded.

use atv_companion::opack::Value;
use atv_core::TouchAction;

use super::message::{EVENT, Incoming, REFUSED};
use super::state::{TouchEvent, push_bounded};
use crate::state::FakeState;

/// Largest touch area side a client may announce.
const MAX_SIDE: f64 = 1000.0;

/// `_touchStart`: records the touch area.
pub(crate) fn start(state: &FakeState, message: &Incoming) -> Value {
    let side = |key| message.number(key).filter(|v| *v > 0.0 && *v <= MAX_SIDE);
    let (Some(width), Some(height)) = (side("_width"), side("_height")) else {
        return message.error(REFUSED, "Invalid touchpad width or height");
    };
    state
        .companion()
        .update(|data, _| data.touch_area = Some((width, height)));
    message.empty_response()
}

/// `_hidT`: records one touch (an event; nothing is answered).
pub(crate) fn event(state: &FakeState, message: &Incoming) -> Vec<Value> {
    if message.kind != EVENT {
        return Vec::new();
    }
    let action = message.int("_tPh").and_then(TouchAction::from_value);
    let (Some(action), Some(x), Some(y)) = (action, message.int("_cx"), message.int("_cy")) else {
        tracing::debug!("malformed touch event ignored");
        return Vec::new();
    };
    let nanos = message
        .content
        .get("_ns")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    state.companion().update(|data, _| {
        push_bounded(
            &mut data.touch_events,
            TouchEvent {
                action,
                x,
                y,
                nanos,
            },
        );
    });
    Vec::new()
}
