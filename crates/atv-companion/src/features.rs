//! Which features Companion offers (pyatv's `CompanionFeatures`): playback commands and
//! volume follow the media control flags of the `_iMC` event, the power state is
//! available once the device has reported one, everything else Companion supports is
//! assumed available.

use std::collections::BTreeSet;
use std::sync::Arc;

use atv_core::interface::Features;
use atv_core::{FeatureInfo, FeatureName, FeatureState, PowerState};

use crate::client::{Shared, lock};
use crate::commands::media_control_flags as flags;

/// The media control flag each playback feature depends on.
pub(crate) const MEDIA_CONTROL_FEATURES: [(FeatureName, u64); 8] = [
    (FeatureName::Play, flags::PLAY),
    (FeatureName::Pause, flags::PAUSE),
    (FeatureName::Next, flags::NEXT_TRACK),
    (FeatureName::Previous, flags::PREVIOUS_TRACK),
    (FeatureName::Volume, flags::VOLUME),
    (FeatureName::SetVolume, flags::VOLUME),
    (FeatureName::SkipForward, flags::SKIP_FORWARD),
    (FeatureName::SkipBackward, flags::SKIP_BACKWARD),
];

/// Features that need nothing but the protocol.
const ALWAYS: [FeatureName; 30] = [
    FeatureName::AppList,
    FeatureName::LaunchApp,
    FeatureName::AccountList,
    FeatureName::SwitchAccount,
    FeatureName::PowerState,
    FeatureName::TurnOn,
    FeatureName::TurnOff,
    FeatureName::Up,
    FeatureName::Down,
    FeatureName::Left,
    FeatureName::Right,
    FeatureName::Select,
    FeatureName::Menu,
    FeatureName::Home,
    FeatureName::VolumeUp,
    FeatureName::VolumeDown,
    FeatureName::PlayPause,
    FeatureName::ChannelUp,
    FeatureName::ChannelDown,
    FeatureName::Screensaver,
    FeatureName::Guide,
    FeatureName::ControlCenter,
    FeatureName::TextFocusState,
    FeatureName::TextGet,
    FeatureName::TextClear,
    FeatureName::TextAppend,
    FeatureName::TextSet,
    FeatureName::Swipe,
    FeatureName::Action,
    FeatureName::Click,
];

/// Every feature Companion can offer.
pub fn supported_features() -> BTreeSet<FeatureName> {
    ALWAYS
        .into_iter()
        .chain(MEDIA_CONTROL_FEATURES.iter().map(|(name, _)| *name))
        .collect()
}

/// The state of `feature` given the media control flags and the power state.
pub fn feature_state(feature: FeatureName, media_flags: u64, power: PowerState) -> FeatureState {
    if let Some((_, flag)) = MEDIA_CONTROL_FEATURES.iter().find(|(f, _)| *f == feature) {
        return if media_flags & flag != 0 {
            FeatureState::Available
        } else {
            FeatureState::Unavailable
        };
    }
    if feature == FeatureName::PowerState {
        return if power == PowerState::Unknown {
            FeatureState::Unsupported
        } else {
            FeatureState::Available
        };
    }
    if ALWAYS.contains(&feature) {
        FeatureState::Available
    } else {
        FeatureState::Unavailable
    }
}

/// Which features are usable.
#[derive(Clone)]
pub struct CompanionFeatures {
    shared: Arc<Shared>,
}

impl CompanionFeatures {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }
}

impl Features for CompanionFeatures {
    fn get_feature(&self, feature: FeatureName) -> FeatureInfo {
        let (media_flags, power) = {
            let state = lock(&self.shared.state);
            (state.media_flags, state.power)
        };
        feature_state(feature, media_flags, power).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_follow_flags_and_power() {
        assert_eq!(
            feature_state(FeatureName::Play, flags::PLAY, PowerState::Unknown),
            FeatureState::Available
        );
        assert_eq!(
            feature_state(FeatureName::Pause, flags::PLAY, PowerState::Unknown),
            FeatureState::Unavailable
        );
        assert_eq!(
            feature_state(FeatureName::SetVolume, flags::VOLUME, PowerState::On),
            FeatureState::Available
        );
        assert_eq!(
            feature_state(FeatureName::PowerState, 0, PowerState::Unknown),
            FeatureState::Unsupported
        );
        assert_eq!(
            feature_state(FeatureName::PowerState, 0, PowerState::Off),
            FeatureState::Available
        );
        assert_eq!(
            feature_state(FeatureName::Swipe, 0, PowerState::Off),
            FeatureState::Available
        );
        assert_eq!(
            feature_state(FeatureName::Artwork, 0, PowerState::Off),
            FeatureState::Unavailable
        );
        assert!(supported_features().contains(&FeatureName::SkipBackward));
        assert!(!supported_features().contains(&FeatureName::Stop));
    }
}
