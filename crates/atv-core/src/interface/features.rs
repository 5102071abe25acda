//! Which features can be used (pyatv's `Features`).

use crate::{FeatureInfo, FeatureName, FeatureState};

/// Tells which features are supported and usable now (pyatv's `Features`).
pub trait Features: Send + Sync {
    /// The state of one feature.
    fn get_feature(&self, feature: FeatureName) -> FeatureInfo;

    /// Every feature with its state, in [`FeatureName::ALL`] order; unsupported ones
    /// only when `include_unsupported`.
    fn all_features(&self, include_unsupported: bool) -> Vec<(FeatureName, FeatureInfo)> {
        FeatureName::ALL
            .iter()
            .map(|name| (*name, self.get_feature(*name)))
            .filter(|(_, info)| include_unsupported || info.state != FeatureState::Unsupported)
            .collect()
    }

    /// Whether every feature in `features` is in one of `states`.
    fn in_state(&self, states: &[FeatureState], features: &[FeatureName]) -> bool {
        features
            .iter()
            .all(|name| states.contains(&self.get_feature(*name).state))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct OnlyPlay;

    impl Features for OnlyPlay {
        fn get_feature(&self, feature: FeatureName) -> FeatureInfo {
            match feature {
                FeatureName::Play => FeatureState::Available.into(),
                FeatureName::Pause => FeatureState::Unavailable.into(),
                _ => FeatureState::Unsupported.into(),
            }
        }
    }

    #[test]
    fn defaults_build_on_get_feature() {
        let features = OnlyPlay;
        let listed: Vec<FeatureName> = features
            .all_features(false)
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(listed, vec![FeatureName::Play, FeatureName::Pause]);
        assert_eq!(features.all_features(true).len(), FeatureName::ALL.len());
        assert!(features.in_state(&[FeatureState::Available], &[FeatureName::Play]));
        assert!(!features.in_state(
            &[FeatureState::Available],
            &[FeatureName::Play, FeatureName::Pause]
        ));
        assert!(features.in_state(
            &[FeatureState::Available, FeatureState::Unavailable],
            &[FeatureName::Play, FeatureName::Pause]
        ));
    }
}
