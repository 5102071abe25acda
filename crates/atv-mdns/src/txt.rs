//! DNS-SD TXT records: from character strings to properties and back, decoded the way
//! pyatv decodes them so that both report the same values.

use atv_core::Properties;

use crate::error::Error;

/// Splits TXT strings into `(key, raw value)` pairs.
///
/// Rules (pyatv's): the value follows the first `=`; a string without `=` is a key with an
/// empty value; an entry with an empty key before `=`, or a key that is not ASCII, is
/// dropped; keys are lower-cased (they compare without case) and a later entry replaces an
/// earlier one with the same key.
pub fn txt_entries(strings: &[Vec<u8>]) -> Vec<(String, Vec<u8>)> {
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    for string in strings {
        let (key, value) = match string.iter().position(|b| *b == b'=') {
            Some(at) => {
                let (key, rest) = string.split_at(at);
                if key.is_empty() {
                    continue;
                }
                (key, rest.get(1..).unwrap_or_default())
            }
            None => (string.as_slice(), &[][..]),
        };
        if !key.is_ascii() {
            continue;
        }
        let key = String::from_utf8_lossy(key).to_ascii_lowercase();
        match entries.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value.to_vec(),
            None => entries.push((key, value.to_vec())),
        }
    }
    entries
}

/// Decodes TXT strings into properties (keys lower-cased, values via [`decode_value`]).
pub fn txt_properties(strings: &[Vec<u8>]) -> Properties {
    txt_entries(strings)
        .into_iter()
        .map(|(key, value)| (key, decode_value(&value)))
        .collect()
}

/// Decodes one TXT value: the non-breaking spaces Apple puts in names (UTF-8 `C2 A0`, and
/// the bytes `00 A0`) become plain spaces, then the bytes are read as UTF-8. A value that is
/// not UTF-8 is rendered as a Python bytes literal of the original bytes (`b'\xfe\xed'`),
/// exactly as pyatv shows it.
pub fn decode_value(value: &[u8]) -> String {
    let replaced = replace_bytes(&replace_bytes(value, b"\xc2\xa0", b" "), b"\x00\xa0", b" ");
    match String::from_utf8(replaced) {
        Ok(text) => text,
        Err(_) => python_bytes_repr(value),
    }
}

/// Encodes `(key, value)` pairs as TXT strings (`key=value`). Fails when an entry is longer
/// than 255 bytes or a key is empty or holds `=`.
pub fn encode_txt(entries: &[(String, Vec<u8>)]) -> Result<Vec<Vec<u8>>, Error> {
    entries
        .iter()
        .map(|(key, value)| {
            if key.is_empty() || key.contains('=') {
                return Err(Error::Encode {
                    reason: format!("TXT key {key:?} is empty or contains '='"),
                });
            }
            let mut string = Vec::with_capacity(key.len() + 1 + value.len());
            string.extend_from_slice(key.as_bytes());
            string.push(b'=');
            string.extend_from_slice(value);
            if string.len() > 255 {
                return Err(Error::Encode {
                    reason: format!("TXT entry {key:?} is {} bytes (max 255)", string.len()),
                });
            }
            Ok(string)
        })
        .collect()
}

fn replace_bytes(haystack: &[u8], needle: &[u8], replacement: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack;
    while !rest.is_empty() {
        if rest.starts_with(needle) {
            out.extend_from_slice(replacement);
            rest = rest.get(needle.len()..).unwrap_or_default();
        } else if let Some((first, tail)) = rest.split_first() {
            out.push(*first);
            rest = tail;
        }
    }
    out
}

/// Python's `repr()` of a `bytes` object.
fn python_bytes_repr(bytes: &[u8]) -> String {
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    let mut out = String::from("b");
    out.push(char::from(quote));
    for &byte in bytes {
        match byte {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            _ if byte == quote => {
                out.push('\\');
                out.push(char::from(byte));
            }
            0x20..=0x7e => out.push(char::from(byte)),
            _ => out.push_str(&format!("\\x{byte:02x}")),
        }
    }
    out.push(char::from(quote));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&[u8]]) -> Vec<Vec<u8>> {
        items.iter().map(|s| s.to_vec()).collect()
    }

    // Vectors from pyatv's test_dns.py TXT tests.
    #[test]
    fn splits_entries() {
        assert_eq!(
            txt_entries(&strings(&[b"foo=bar"])),
            [("foo".to_string(), b"bar".to_vec())]
        );
        assert_eq!(
            txt_entries(&strings(&[b"foo=bar", b"spam=eggs"])),
            [
                ("foo".to_string(), b"bar".to_vec()),
                ("spam".to_string(), b"eggs".to_vec())
            ]
        );
        assert_eq!(
            txt_entries(&strings(&[b"foo=\xfe\xed"])),
            [("foo".to_string(), b"\xfe\xed".to_vec())]
        );
        let long: Vec<u8> = b"\xca\xfe".repeat(100);
        let mut entry = b"foo=".to_vec();
        entry.extend_from_slice(&long);
        assert_eq!(txt_entries(&[entry]), [("foo".to_string(), long)]);
    }

    #[test]
    fn odd_entries_follow_pyatv() {
        let entries = txt_entries(&strings(&[
            b"flag",
            b"=novalue",
            b"\xc3\xa9t\xc3\xa9=x",
            b"a=b=c",
            b"FOO=1",
            b"foo=2",
            b"",
        ]));
        assert_eq!(
            entries,
            [
                ("flag".to_string(), vec![]),
                ("a".to_string(), b"b=c".to_vec()),
                ("foo".to_string(), b"2".to_vec()),
                (String::new(), vec![]),
            ]
        );
    }

    #[test]
    fn decodes_values_like_pyatv() {
        assert_eq!(decode_value(b"Apple\xc2\xa0TV"), "Apple TV");
        assert_eq!(decode_value(b"Apple\x00\xa0TV"), "Apple TV");
        assert_eq!(decode_value("Kök".as_bytes()), "Kök");
        assert_eq!(decode_value(b"\xfe\xed"), "b'\\xfe\\xed'");
        assert_eq!(decode_value(b"it's\xff"), "b\"it's\\xff\"");
        assert_eq!(decode_value(b"'\"\xff\\\n"), "b'\\'\"\\xff\\\\\\n'");
        // The repr shows the original bytes, not the ones with spaces substituted.
        assert_eq!(decode_value(b"\xc2\xa0\xff"), "b'\\xc2\\xa0\\xff'");
    }

    #[test]
    fn properties_are_case_insensitive() {
        let props = txt_properties(&strings(&[b"FOO=bar", b"Bar=FOO"]));
        assert_eq!(props.get("foo"), Some("bar"));
        assert_eq!(props.get("bar"), Some("FOO"));
        assert_eq!(
            props.iter().collect::<Vec<_>>(),
            [("foo", "bar"), ("bar", "FOO")]
        );
    }

    #[test]
    fn encodes_entries() {
        let encoded = encode_txt(&[
            ("foo".into(), b"bar".to_vec()),
            ("spam".into(), b"eggs".to_vec()),
        ])
        .unwrap();
        assert_eq!(encoded, strings(&[b"foo=bar", b"spam=eggs"]));
        assert!(encode_txt(&[("k".into(), vec![b'x'; 254])]).is_err());
        assert!(encode_txt(&[(String::new(), vec![])]).is_err());
    }
}
