//! Text input (remote text input, "RTI"): `_tiStart` opens a text input session and is
//! answered with the focused field's document (`_tiD`, an NSKeyedArchiver binary plist
//! naming the focus period's session UUID and the text before the cursor), or with
//! nothing when no field is focused; `_tiStop` closes it; `_tiC` events edit the text
//! (`textToAssert` replaces it, `keyboardOutput.insertionText` appends). Clients in a
//! session hear `_tiStarted` (with the document) and `_tiStopped` when the focus changes.

use std::io::Cursor;

use atv_companion::opack::Value;
use plist::{Dictionary, Uid};

use super::message::{EVENT, Incoming, REQUEST, dict, event};
use super::session::Peer;
use super::state::TextField;
use crate::state::FakeState;

/// Key of the archived document or operations.
const DOCUMENT: &str = "_tiD";

/// The archive a device sends for a focused field.
pub(crate) fn document_archive(field: &TextField) -> Vec<u8> {
    let uid = |n| plist::Value::Uid(Uid::new(n));
    let mut top = Dictionary::new();
    top.insert("sessionUUID".into(), uid(1));
    top.insert("documentState".into(), uid(2));
    let mut document_state = Dictionary::new();
    document_state.insert("docSt".into(), uid(3));
    let mut doc_st = Dictionary::new();
    doc_st.insert("contextBeforeInput".into(), uid(4));
    let mut root = Dictionary::new();
    root.insert("$version".into(), plist::Value::Integer(100_000.into()));
    root.insert("$archiver".into(), "RTIKeyedArchiver".into());
    root.insert("$top".into(), top.into());
    root.insert(
        "$objects".into(),
        plist::Value::Array(vec![
            "$null".into(),
            plist::Value::Data(field.session_uuid.to_vec()),
            document_state.into(),
            doc_st.into(),
            field.text.clone().into(),
        ]),
    );
    let mut out = Vec::new();
    // Writing a plist into memory does not fail.
    let _ = plist::to_writer_binary(&mut out, &plist::Value::Dictionary(root));
    out
}

/// What a text operations archive asks for.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct TextOperations {
    pub(crate) session_uuid: Option<Vec<u8>>,
    pub(crate) text_to_assert: Option<String>,
    pub(crate) insertion: Option<String>,
}

/// Reads the operations from a `_tiC` archive; `None` when it is no keyed archive.
pub(crate) fn read_operations(archive: &[u8]) -> Option<TextOperations> {
    let root = plist::Value::from_reader(Cursor::new(archive)).ok()?;
    let root = root.as_dictionary()?;
    let objects = root.get("$objects")?.as_array()?;
    let top = root.get("$top")?;
    // Follows keys from the top object, resolving references into the object table.
    let walk = |path: &[&str]| -> Option<&plist::Value> {
        let mut element = top;
        for key in path {
            element = element.as_dictionary()?.get(key)?;
            if let plist::Value::Uid(uid) = element {
                element = objects.get(usize::try_from(uid.get()).ok()?)?;
            }
        }
        Some(element)
    };
    Some(TextOperations {
        session_uuid: walk(&["textOperations", "targetSessionUUID", "NS.uuidbytes"])
            .and_then(plist::Value::as_data)
            .map(<[u8]>::to_vec),
        text_to_assert: walk(&["textOperations", "textToAssert"])
            .and_then(plist::Value::as_string)
            .map(str::to_owned),
        insertion: walk(&["textOperations", "keyboardOutput", "insertionText"])
            .and_then(plist::Value::as_string)
            .map(str::to_owned),
    })
}

/// The document of the focused field, or an empty dictionary.
fn document(state: &FakeState) -> Value {
    state.companion().read(|data| {
        if data.text.focused {
            dict(vec![(DOCUMENT, Value::Data(document_archive(&data.text)))])
        } else {
            dict(Vec::new())
        }
    })
}

/// `_tiStart`: joins the text input session.
pub(crate) fn start(state: &FakeState, peer: &mut Peer, message: &Incoming) -> Vec<Value> {
    if message.kind != REQUEST {
        return Vec::new();
    }
    peer.text_input = true;
    vec![message.response(document(state))]
}

/// `_tiStop`: leaves the text input session.
pub(crate) fn stop(peer: &mut Peer, message: &Incoming) -> Vec<Value> {
    if message.kind != REQUEST {
        return Vec::new();
    }
    peer.text_input = false;
    vec![message.empty_response()]
}

/// `_tiC`: edits the focused field when the operations name its session.
pub(crate) fn change(state: &FakeState, message: &Incoming) -> Vec<Value> {
    if message.kind != EVENT {
        return Vec::new();
    }
    let Some(operations) = message
        .content
        .get(DOCUMENT)
        .and_then(Value::as_data)
        .and_then(read_operations)
    else {
        tracing::debug!("text input change without readable operations ignored");
        return Vec::new();
    };
    state.companion().update(|data, _| {
        let field = &mut data.text;
        if !field.focused || operations.session_uuid.as_deref() != Some(&field.session_uuid[..]) {
            tracing::debug!("text input change for another session ignored");
            return;
        }
        if let Some(text) = operations.text_to_assert {
            field.text = text;
        }
        if let Some(insertion) = operations.insertion {
            field.text.push_str(&insertion);
        }
    });
    Vec::new()
}

/// The focus event for a client in the text input session.
pub(crate) fn focus_event(state: &FakeState, peer: &Peer) -> Vec<Value> {
    if !peer.text_input {
        return Vec::new();
    }
    let content = document(state);
    let name = if content.get(DOCUMENT).is_some() {
        "_tiStarted"
    } else {
        "_tiStopped"
    };
    vec![event(name, content)]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a text operations archive the way clients do.
    fn operations(uuid: &[u8], assert: Option<&str>, insertion: Option<&str>) -> Vec<u8> {
        let uid = |n| plist::Value::Uid(Uid::new(n));
        let mut ops = Dictionary::new();
        ops.insert("targetSessionUUID".into(), uid(2));
        ops.insert("keyboardOutput".into(), uid(3));
        if assert.is_some() {
            ops.insert("textToAssert".into(), uid(5));
        }
        let mut uuid_object = Dictionary::new();
        uuid_object.insert("NS.uuidbytes".into(), plist::Value::Data(uuid.to_vec()));
        let mut output = Dictionary::new();
        if insertion.is_some() {
            output.insert("insertionText".into(), uid(4));
        }
        let mut top = Dictionary::new();
        top.insert("textOperations".into(), uid(1));
        let mut root = Dictionary::new();
        root.insert("$top".into(), top.into());
        root.insert(
            "$objects".into(),
            plist::Value::Array(vec![
                "$null".into(),
                ops.into(),
                uuid_object.into(),
                output.into(),
                insertion.unwrap_or_default().into(),
                assert.unwrap_or_default().into(),
            ]),
        );
        let mut out = Vec::new();
        plist::to_writer_binary(&mut out, &plist::Value::Dictionary(root)).unwrap();
        out
    }

    #[test]
    fn reads_clear_and_insert() {
        let clear = read_operations(&operations(b"0123456789abcdef", Some(""), None)).unwrap();
        assert_eq!(
            clear.session_uuid.as_deref(),
            Some(&b"0123456789abcdef"[..])
        );
        assert_eq!(clear.text_to_assert.as_deref(), Some(""));
        assert_eq!(clear.insertion, None);
        let insert = read_operations(&operations(b"u", None, Some("hello"))).unwrap();
        assert_eq!(insert.insertion.as_deref(), Some("hello"));
        assert_eq!(insert.text_to_assert, None);
        assert_eq!(read_operations(b"not a plist"), None);
    }

    #[test]
    fn document_names_session_and_text() {
        let field = TextField {
            focused: true,
            text: "abc".into(),
            session_uuid: [7; 16],
        };
        let archive = document_archive(&field);
        let root = plist::Value::from_reader(Cursor::new(&archive)).unwrap();
        let objects = root
            .as_dictionary()
            .and_then(|d| d.get("$objects"))
            .and_then(plist::Value::as_array)
            .unwrap();
        assert_eq!(objects[1].as_data(), Some(&[7u8; 16][..]));
        assert_eq!(objects[4].as_string(), Some("abc"));
    }
}
