//! How buttons and touches are pressed (pyatv's `InputAction` and `TouchAction`).

use crate::enum_macro::atv_enum;

atv_enum! {
    /// How a button is pressed (pyatv's `InputAction`).
    pub enum InputAction {
        default = SingleTap;
        /// Pressed and released quickly.
        SingleTap = 0 => "SingleTap",
        /// Pressed and released twice quickly.
        DoubleTap = 1 => "DoubleTap",
        /// Held for about a second before release.
        Hold = 2 => "Hold",
    }
}

atv_enum! {
    /// Phase of a touch event on the touch surface (pyatv's `TouchAction`).
    pub enum TouchAction {
        /// Finger down.
        Press = 1 => "Press",
        /// Finger kept down (moving).
        Hold = 3 => "Hold",
        /// Finger up.
        Release = 4 => "Release",
        /// A click of the touch surface.
        Click = 5 => "Click",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_match_pyatv() {
        assert_eq!(InputAction::default(), InputAction::SingleTap);
        assert_eq!("2".parse::<InputAction>(), Ok(InputAction::Hold));
        assert_eq!(TouchAction::from_value(2), None);
        assert_eq!("4".parse::<TouchAction>(), Ok(TouchAction::Release));
    }
}
