//! How long to wait before each reconnection attempt (pure: no clock, no I/O).

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

/// Capped exponential backoff with jitter.
///
/// Attempt `n` (counting from 1) waits `initial * factor^(n-1)`, capped at `max`, then
/// shortened by a random fraction of up to `jitter` (so many clients that lost the same
/// device do not all come back at the same instant). `max_attempts` bounds how many
/// attempts are made before giving up; `None` tries until closed.
#[derive(Debug, Clone, PartialEq)]
pub struct Backoff {
    /// Wait before the first attempt.
    pub initial: Duration,
    /// The longest wait.
    pub max: Duration,
    /// Growth of the wait from one attempt to the next (values below 1 count as 1).
    pub factor: f64,
    /// Largest fraction (0 to 1) taken off a wait at random.
    pub jitter: f64,
    /// Attempts before giving up; `None` for no limit.
    pub max_attempts: Option<u32>,
}

impl Default for Backoff {
    /// 0.5 s, doubling up to 30 s, up to 25 % jitter, no attempt limit.
    fn default() -> Self {
        Self {
            initial: Duration::from_millis(500),
            max: Duration::from_secs(30),
            factor: 2.0,
            jitter: 0.25,
            max_attempts: None,
        }
    }
}

impl Backoff {
    /// The wait before attempt `attempt` (1 for the first), with `random` in 0..1
    /// picking how much jitter is taken off.
    pub fn delay(&self, attempt: u32, random: f64) -> Duration {
        let exponent = i32::try_from(attempt.saturating_sub(1)).unwrap_or(i32::MAX);
        let grown = self.initial.as_secs_f64() * self.factor.max(1.0).powi(exponent);
        let capped = if grown.is_finite() {
            grown.min(self.max.as_secs_f64())
        } else {
            self.max.as_secs_f64()
        };
        let jitter = self.jitter.clamp(0.0, 1.0) * random.clamp(0.0, 1.0);
        Duration::from_secs_f64((capped * (1.0 - jitter)).max(0.0))
    }

    /// Whether `attempts` attempts used up the limit.
    pub fn exhausted(&self, attempts: u32) -> bool {
        self.max_attempts.is_some_and(|max| attempts >= max)
    }
}

/// A number in 0..1 that differs from call to call (the standard library's randomly
/// keyed hasher; jitter needs no better randomness).
pub(crate) fn random_fraction() -> f64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0);
    // 53 bits fit an f64 exactly.
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_then_caps() {
        let backoff = Backoff {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(1),
            factor: 2.0,
            jitter: 0.5,
            max_attempts: Some(3),
        };
        assert_eq!(backoff.delay(1, 0.0), Duration::from_millis(100));
        assert_eq!(backoff.delay(2, 0.0), Duration::from_millis(200));
        assert_eq!(backoff.delay(4, 0.0), Duration::from_millis(800));
        assert_eq!(backoff.delay(5, 0.0), Duration::from_secs(1));
        assert_eq!(backoff.delay(u32::MAX, 0.0), Duration::from_secs(1));
        // Full jitter takes off half (the configured fraction), never more.
        assert_eq!(backoff.delay(5, 1.0), Duration::from_millis(500));
        assert_eq!(backoff.delay(5, 7.0), Duration::from_millis(500));
        assert!(!backoff.exhausted(2));
        assert!(backoff.exhausted(3));
        assert!(!Backoff::default().exhausted(u32::MAX));
    }

    #[test]
    fn random_fractions_stay_in_range_and_vary() {
        let values: Vec<f64> = (0..32).map(|_| random_fraction()).collect();
        assert!(values.iter().all(|v| (0.0..1.0).contains(v)));
        assert!(values.windows(2).any(|w| w[0] != w[1]));
    }
}
