//! Hexadecimal flag values from TXT records (`sf`, `flags`, `rpFl`), read as pyatv reads
//! them with Python's `int(value, 16)`.

/// Parses a hexadecimal number the way Python's `int(text, 16)` does: surrounding
/// whitespace, an optional sign, an optional `0x`/`0X` prefix and single `_` between
/// digits are accepted. Only the low 64 bits are kept, negative values in two's
/// complement (what Python's `&` sees). `None` when Python would reject the text.
pub fn parse_hex_flags(text: &str) -> Option<u64> {
    let text = text.trim();
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let digits = match unsigned
        .strip_prefix("0x")
        .or_else(|| unsigned.strip_prefix("0X"))
    {
        // Python allows one underscore right after the base prefix.
        Some(rest) => rest.strip_prefix('_').unwrap_or(rest),
        None => unsigned,
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return None;
    }
    let mut value: u64 = 0;
    for c in digits.chars().filter(|c| *c != '_') {
        value = (value << 4) | u64::from(c.to_digit(16)?);
    }
    Some(if negative {
        value.wrapping_neg()
    } else {
        value
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_flags_like_python_int() {
        let cases: &[(&str, Option<u64>)] = &[
            ("0x0", Some(0)),
            ("0x244", Some(0x244)),
            ("0X627B6", Some(0x627B6)),
            ("36782", Some(0x36782)),
            (" 0x8\n", Some(8)),
            ("+0x8", Some(8)),
            ("-0x8", Some(8u64.wrapping_neg())),
            ("0x_8", Some(8)),
            ("1_0", Some(0x10)),
            ("0x1234567890abcdef12", Some(0x34567890abcdef12)),
            ("", None),
            ("0x", None),
            ("_1", None),
            ("1_", None),
            ("1__0", None),
            ("0x__1", None),
            ("--1", None),
            ("0xg", None),
            ("true", None),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_hex_flags(text), *expected, "{text:?}");
        }
    }
}
