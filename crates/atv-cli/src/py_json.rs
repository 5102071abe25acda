//! JSON written byte for byte as Python's `json.dumps` writes it with its defaults
//! (what atvscript prints): `", "` and `": "` separators, keys in insertion order,
//! non-ASCII escaped as `\uXXXX` (`ensure_ascii=True`), floats as Python's `repr`.

use std::fmt::Write as _;

/// A JSON value with ordered object keys.
#[derive(Debug, Clone, PartialEq)]
pub enum PyValue {
    /// `null` (Python's `None`).
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float, printed as Python's `repr(float)`.
    Float(f64),
    /// A string.
    Str(String),
    /// A list.
    List(Vec<Self>),
    /// An object; keys keep the order given.
    Dict(Vec<(String, Self)>),
}

impl PyValue {
    /// A string value.
    pub fn str(value: impl Into<String>) -> Self {
        Self::Str(value.into())
    }

    /// A string value, or `null` for `None`.
    pub fn opt_str(value: Option<impl Into<String>>) -> Self {
        value.map_or(Self::Null, |v| Self::Str(v.into()))
    }

    /// An object from key/value pairs, in order.
    pub fn dict<K: Into<String>>(entries: impl IntoIterator<Item = (K, Self)>) -> Self {
        Self::Dict(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// The text `json.dumps(value)` gives.
    pub fn dumps(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Self::Null => out.push_str("null"),
            Self::Bool(true) => out.push_str("true"),
            Self::Bool(false) => out.push_str("false"),
            Self::Int(n) => {
                let _ = write!(out, "{n}");
            }
            Self::Float(x) => out.push_str(&float_json(*x)),
            Self::Str(s) => write_ascii_string(s, out),
            Self::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Self::Dict(entries) => {
                out.push('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_ascii_string(key, out);
                    out.push_str(": ");
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// Writes `s` as a JSON string literal with everything outside printable ASCII escaped.
fn write_ascii_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

/// A float as `json.dumps` prints it: `NaN`, `Infinity`, `-Infinity`, else `repr`.
fn float_json(x: f64) -> String {
    if x.is_nan() {
        "NaN".to_owned()
    } else if x.is_infinite() {
        if x > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
    } else {
        python_float_repr(x)
    }
}

/// Python's `repr` of a finite float: the shortest digits that read back to the same
/// value, in positional notation when the decimal exponent is in -4..16, else as
/// `d.ddde±XX`; positional values always carry a fractional part (`1.0`).
pub fn python_float_repr(x: f64) -> String {
    // Rust's `{:e}` gives the same shortest round-trip digits, as `d.ddde<exp>`.
    let sci = format!("{:e}", x.abs());
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if x.is_sign_negative() { "-" } else { "" };
    // Position of the decimal point counted from the start of `digits`.
    let point = exponent + 1;
    let count = i32::try_from(digits.len()).unwrap_or(i32::MAX);

    if (-3..=16).contains(&point) {
        let body = if point <= 0 {
            format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
        } else if point >= count {
            format!(
                "{digits}{}.0",
                "0".repeat((point - count).unsigned_abs() as usize)
            )
        } else {
            let (int_part, frac_part) = digits.split_at(point.unsigned_abs() as usize);
            format!("{int_part}.{frac_part}")
        };
        format!("{sign}{body}")
    } else {
        let (first, rest) = digits.split_at(1);
        let mantissa = if rest.is_empty() {
            first.to_owned()
        } else {
            format!("{first}.{rest}")
        };
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        format!("{sign}{mantissa}e{exp_sign}{:02}", exponent.unsigned_abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_and_order_follow_python() {
        let value = PyValue::dict([
            ("b", PyValue::Int(1)),
            ("a", PyValue::List(vec![PyValue::Null, PyValue::Bool(true)])),
            ("c", PyValue::Dict(vec![])),
            ("d", PyValue::List(vec![])),
        ]);
        assert_eq!(
            value.dumps(),
            r#"{"b": 1, "a": [null, true], "c": {}, "d": []}"#
        );
    }

    #[test]
    fn strings_are_ascii_escaped() {
        let value = PyValue::str("a\"\\\n\r\t\u{8}\u{c}\u{1}\u{7f}é☃😀");
        assert_eq!(
            value.dumps(),
            r#""a\"\\\n\r\t\b\f\u0001\u007f\u00e9\u2603\ud83d\ude00""#
        );
    }

    #[test]
    fn floats_print_as_python_repr() {
        let cases = [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (0.5, "0.5"),
            (12.75, "12.75"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.2345e22, "1.2345e+22"),
            (0.1 + 0.2, "0.30000000000000004"),
            (f64::MAX, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
        ];
        for (x, expected) in cases {
            assert_eq!(python_float_repr(x), expected, "{x:e}");
        }
        assert_eq!(PyValue::Float(f64::NAN).dumps(), "NaN");
        assert_eq!(PyValue::Float(f64::NEG_INFINITY).dumps(), "-Infinity");
    }
}
