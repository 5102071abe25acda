//! Showing figures: units, `median (min–max)` cells, rows comparing atv with pyatv.

use super::stats::Summary;

/// How figures are shown.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Unit {
    /// Seconds; milliseconds below one second.
    Seconds,
    /// KiB, shown as MiB.
    Kibibytes,
    /// Events a second.
    PerSecond,
    /// A percentage.
    Percent,
    /// Seconds, shown as microseconds.
    Microseconds,
}

impl Unit {
    /// Factor, decimals and suffix for figures around `reference`.
    fn scale(self, reference: f64) -> (f64, usize, &'static str) {
        match self {
            Self::Seconds if reference < 1.0 => (1000.0, 1, "ms"),
            Self::Seconds => (1.0, 2, "s"),
            Self::Kibibytes => (1.0 / 1024.0, 1, "MiB"),
            Self::PerSecond => (1.0, 0, "/s"),
            Self::Percent => (1.0, 1, "%"),
            Self::Microseconds => (1e6, 1, "µs"),
        }
    }

    /// One figure with its suffix.
    pub(crate) fn show(self, value: f64) -> String {
        let (factor, decimals, suffix) = self.scale(value);
        format!("{:.decimals$} {suffix}", value * factor)
    }

    /// `MEDIAN UNIT (MIN–MAX)`, all three in the median's unit.
    pub(crate) fn spread(self, summary: Summary) -> String {
        let (factor, decimals, suffix) = self.scale(summary.median);
        let number = |value: f64| format!("{:.decimals$}", value * factor);
        format!(
            "{} {suffix} ({}–{})",
            number(summary.median),
            number(summary.min),
            number(summary.max)
        )
    }
}

/// A table row comparing atv's samples with pyatv's.
pub(crate) fn compare(title: String, atv: &[f64], pyatv: &[f64], unit: Unit) -> Vec<String> {
    let (atv, pyatv) = (Summary::of(atv), Summary::of(pyatv));
    let ratio = match (atv, pyatv) {
        // A zero (below the measurement's resolution) has no meaningful ratio.
        (Some(a), Some(p)) if p.median > 0.0 && a.median > 0.0 => ratio(a.median / p.median),
        _ => "–".into(),
    };
    let cell = |summary: Option<Summary>| summary.map_or_else(|| "–".into(), |s| unit.spread(s));
    vec![title, cell(atv), cell(pyatv), ratio]
}

/// A ratio with two or three significant digits.
pub(crate) fn ratio(value: f64) -> String {
    if value < 0.1 {
        format!("{value:.3}")
    } else {
        format!("{value:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_share_the_median_unit() {
        let fast = Summary {
            median: 0.0421,
            min: 0.0399,
            max: 1.2,
        };
        assert_eq!(Unit::Seconds.spread(fast), "42.1 ms (39.9–1200.0)");
        let slow = Summary {
            median: 2.046,
            min: 0.9,
            max: 3.0,
        };
        assert_eq!(Unit::Seconds.spread(slow), "2.05 s (0.90–3.00)");
        assert_eq!(Unit::Kibibytes.show(6246.4), "6.1 MiB");
        assert_eq!(ratio(0.0206), "0.021");
        assert_eq!(ratio(0.5), "0.50");
        assert_eq!(Unit::PerSecond.show(1234.56), "1235 /s");
    }
}
