//! NSKeyedArchiver payloads of the text-input (RTI) session (pure).
//!
//! The device describes the focused text field in `_tiD` of `_tiStart`'s response and
//! of the `_tiStarted` event: a binary plist in NSKeyedArchiver form, whose `$top`
//! dictionary refers into the `$objects` array by UID. [`read_property`] follows a
//! path of keys through those references. The client changes the text with `_tiC`
//! events whose `_tiD` is an archived `RTITextOperations`: [`clear_text_payload`] and
//! [`input_text_payload`] build them with the same objects, in the same order, as
//! pyatv's pre-encoded payloads.

use std::io::Cursor;

use plist::{Dictionary, Uid, Value};

/// Archiver name the payloads carry.
const ARCHIVER: &str = "RTIKeyedArchiver";
/// Archive format version the payloads carry.
const VERSION: u64 = 100_000;

/// Reads a binary (or XML) plist.
pub fn parse(archive: &[u8]) -> Option<Value> {
    Value::from_reader(Cursor::new(archive)).ok()
}

/// Follows `path` from `$top` through the archive, resolving every UID into
/// `$objects`; `None` when the archive cannot be read or a key or object is missing.
pub fn read_property(archive: &Value, path: &[&str]) -> Option<Value> {
    let root = archive.as_dictionary()?;
    let objects = root.get("$objects")?.as_array()?;
    let mut element = root.get("$top")?;
    for key in path {
        element = element.as_dictionary()?.get(key)?;
        if let Value::Uid(uid) = element {
            let index = usize::try_from(uid.get()).ok()?;
            element = objects.get(index)?;
        }
    }
    Some(element.clone())
}

/// What the text-input session says about the focused field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextInputState {
    /// The session's UUID bytes, which text operations must name.
    pub session_uuid: Vec<u8>,
    /// The text before the cursor (the field's text), if given.
    pub text: Option<String>,
}

/// Reads the session UUID and current text from a `_tiD` archive; `None` when it has
/// no session UUID.
pub fn text_input_state(archive: &[u8]) -> Option<TextInputState> {
    let archive = parse(archive)?;
    let session_uuid = match read_property(&archive, &["sessionUUID"])? {
        Value::Data(bytes) => bytes,
        // An archived NSUUID object rather than raw bytes.
        Value::Dictionary(object) => object.get("NS.uuidbytes")?.as_data()?.to_vec(),
        _ => return None,
    };
    let text = read_property(&archive, &["documentState", "docSt", "contextBeforeInput"])
        .and_then(|v| v.into_string());
    Some(TextInputState { session_uuid, text })
}

fn uid(index: u64) -> Value {
    Value::Uid(Uid::new(index))
}

fn object(entries: Vec<(&str, Value)>) -> Value {
    let mut dict = Dictionary::new();
    for (key, value) in entries {
        dict.insert(key.to_owned(), value);
    }
    Value::Dictionary(dict)
}

fn class(name: &str) -> Value {
    object(vec![
        ("$classname", Value::from(name)),
        (
            "$classes",
            Value::Array(vec![Value::from(name), Value::from("NSObject")]),
        ),
    ])
}

fn archive(objects: Vec<Value>) -> Vec<u8> {
    let root = object(vec![
        ("$version", Value::Integer(VERSION.into())),
        ("$archiver", Value::from(ARCHIVER)),
        ("$top", object(vec![("textOperations", uid(1))])),
        ("$objects", Value::Array(objects)),
    ]);
    let mut out = Vec::new();
    // Writing to a Vec cannot fail, and every value here is representable.
    let _ = root.to_writer_binary(&mut out);
    out
}

/// The `_tiD` of a `_tiC` that clears the text of session `session_uuid`.
pub fn clear_text_payload(session_uuid: &[u8]) -> Vec<u8> {
    archive(vec![
        Value::from("$null"),
        object(vec![
            ("$class", uid(7)),
            ("targetSessionUUID", uid(5)),
            ("keyboardOutput", uid(2)),
            ("textToAssert", uid(4)),
        ]),
        object(vec![("$class", uid(3))]),
        class("TIKeyboardOutput"),
        Value::from(""),
        object(vec![
            ("NS.uuidbytes", Value::Data(session_uuid.to_vec())),
            ("$class", uid(6)),
        ]),
        class("NSUUID"),
        class("RTITextOperations"),
    ])
}

/// The `_tiD` of a `_tiC` that inserts `text` in session `session_uuid`.
pub fn input_text_payload(session_uuid: &[u8], text: &str) -> Vec<u8> {
    archive(vec![
        Value::from("$null"),
        object(vec![
            ("keyboardOutput", uid(2)),
            ("$class", uid(7)),
            ("targetSessionUUID", uid(5)),
        ]),
        object(vec![("insertionText", uid(3)), ("$class", uid(4))]),
        Value::from(text),
        class("TIKeyboardOutput"),
        object(vec![
            ("NS.uuidbytes", Value::Data(session_uuid.to_vec())),
            ("$class", uid(6)),
        ]),
        class("NSUUID"),
        class("RTITextOperations"),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_read_back() {
        let payload = input_text_payload(b"0123456789abcdef", "hello");
        let archive = parse(&payload).unwrap();
        assert_eq!(
            read_property(
                &archive,
                &["textOperations", "keyboardOutput", "insertionText"]
            ),
            Some(Value::from("hello"))
        );
        assert_eq!(
            read_property(
                &archive,
                &["textOperations", "targetSessionUUID", "NS.uuidbytes"]
            ),
            Some(Value::Data(b"0123456789abcdef".to_vec()))
        );
        assert_eq!(
            read_property(&archive, &["textOperations", "textToAssert"]),
            None
        );
        let clear = parse(&clear_text_payload(b"u")).unwrap();
        assert_eq!(
            read_property(&clear, &["textOperations", "textToAssert"]),
            Some(Value::from(""))
        );
    }

    #[test]
    fn bad_archives_read_as_nothing() {
        assert_eq!(text_input_state(b"not a plist"), None);
        assert_eq!(parse(&[]), None);
        // A UID pointing past the objects.
        let root = object(vec![
            ("$top", object(vec![("sessionUUID", uid(9))])),
            ("$objects", Value::Array(vec![Value::from("$null")])),
        ]);
        let mut out = Vec::new();
        root.to_writer_binary(&mut out).unwrap();
        assert_eq!(text_input_state(&out), None);
    }
}
