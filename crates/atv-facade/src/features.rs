//! Features merged across protocols (pyatv's `FacadeFeatures`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, PoisonError, RwLock};

use atv_core::interface::Features;
use atv_core::{FeatureInfo, FeatureName, FeatureState, Protocol};

use crate::priority::{DEFAULT_PRIORITIES, rank};
use crate::push_updater::PushShared;

/// Which protocol's [`Features`] answers for each feature.
type FeatureMap = BTreeMap<FeatureName, (Protocol, Arc<dyn Features>)>;

/// The facade's [`Features`]: each feature is answered by the highest-priority
/// protocol that lists it among its features; push updates are available as soon as
/// one protocol offers them. Once the device is closed every feature is unavailable.
pub struct FacadeFeatures {
    map: RwLock<FeatureMap>,
    push: Arc<PushShared>,
}

impl FacadeFeatures {
    pub(crate) fn new(push: Arc<PushShared>) -> Self {
        Self {
            map: RwLock::new(BTreeMap::new()),
            push,
        }
    }

    /// Lets `protocol`'s `instance` answer for `features`, unless a protocol of higher
    /// priority already does.
    pub(crate) fn add_mapping(
        &self,
        protocol: Protocol,
        instance: &Arc<dyn Features>,
        features: &BTreeSet<FeatureName>,
    ) {
        let mut map = self.map.write().unwrap_or_else(PoisonError::into_inner);
        for feature in features {
            let replace = map.get(feature).is_none_or(|(current, _)| {
                rank(&DEFAULT_PRIORITIES, protocol) < rank(&DEFAULT_PRIORITIES, *current)
            });
            if replace {
                map.insert(*feature, (protocol, Arc::clone(instance)));
            }
        }
    }

    /// The protocol answering for `feature`, if any.
    pub fn protocol_of(&self, feature: FeatureName) -> Option<Protocol> {
        self.map
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&feature)
            .map(|(protocol, _)| *protocol)
    }
}

impl Features for FacadeFeatures {
    fn get_feature(&self, feature: FeatureName) -> FeatureInfo {
        if self.push.relayer.gate().is_blocked() {
            return FeatureState::Unavailable.into();
        }
        if feature == FeatureName::PushUpdates && self.push.relayer.count() > 0 {
            return FeatureState::Available.into();
        }
        let instance = self
            .map
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&feature)
            .map(|(_, instance)| Arc::clone(instance));
        match instance {
            Some(instance) => instance.get_feature(feature),
            None => FeatureState::Unsupported.into(),
        }
    }
}
