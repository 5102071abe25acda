//! The `datetime` field of atvscript output: local time as Python's
//! `datetime.now(timezone.utc).astimezone().isoformat()` prints it.

use chrono::{DateTime, Datelike, FixedOffset, Local, Timelike};

/// The current local time, formatted as [`isoformat`] does.
pub fn now_isoformat() -> String {
    isoformat(&Local::now().fixed_offset())
}

/// Python's `datetime.isoformat()` of an aware datetime:
/// `YYYY-MM-DDTHH:MM:SS[.ffffff]±HH:MM[:SS]`. Microseconds are left out when they are
/// zero, as Python does; time below a microsecond is dropped.
pub fn isoformat(time: &DateTime<FixedOffset>) -> String {
    // chrono represents a leap second as nanoseconds past 1e9; Python has no such value.
    let micros = (time.nanosecond() / 1_000).min(999_999);
    let mut out = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        time.year(),
        time.month(),
        time.day(),
        time.hour(),
        time.minute(),
        time.second()
    );
    if micros != 0 {
        out.push_str(&format!(".{micros:06}"));
    }
    let offset = time.offset().local_minus_utc();
    let sign = if offset < 0 { '-' } else { '+' };
    let offset = offset.unsigned_abs();
    out.push_str(&format!(
        "{sign}{:02}:{:02}",
        offset / 3600,
        offset % 3600 / 60
    ));
    if !offset.is_multiple_of(60) {
        out.push_str(&format!(":{:02}", offset % 60));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(offset_seconds: i32, micros: u32) -> DateTime<FixedOffset> {
        FixedOffset::east_opt(offset_seconds)
            .unwrap()
            .with_ymd_and_hms(2024, 3, 9, 7, 5, 1)
            .unwrap()
            + chrono::Duration::microseconds(micros.into())
    }

    #[test]
    fn formats_like_python() {
        assert_eq!(isoformat(&at(0, 0)), "2024-03-09T07:05:01+00:00");
        assert_eq!(isoformat(&at(3600, 42)), "2024-03-09T07:05:01.000042+01:00");
        assert_eq!(
            isoformat(&at(-(9 * 3600 + 30 * 60), 123_456)),
            "2024-03-09T07:05:01.123456-09:30"
        );
        assert_eq!(isoformat(&at(3600 + 61, 0)), "2024-03-09T07:05:01+01:01:01");
    }
}
