//! Companion's OPACK messages: a dictionary naming the message (`_i`), its kind (`_t`:
//! 1 event, 2 request, 3 response), a transaction id (`_x`) a response repeats, and the
//! content (`_c`); errors carry `_ec`, `_ed` and `_em` instead of content.

use atv_companion::opack::Value;

/// Kind number of an event.
pub(crate) const EVENT: i64 = 1;
/// Kind number of a request.
pub(crate) const REQUEST: i64 = 2;
/// Kind number of a response.
pub(crate) const RESPONSE: i64 = 3;
/// Transaction id of the events the device sends on its own.
const EVENT_XID: i64 = 1234;
/// Error code of a request nobody handles (what a device answers).
pub(crate) const NO_HANDLER: i64 = 58822;
/// Error code of a request that is refused.
pub(crate) const REFUSED: i64 = 1337;
/// Error domain of these errors.
const ERROR_DOMAIN: &str = "RPErrorDomain";

/// One message from a client.
#[derive(Clone, Debug)]
pub(crate) struct Incoming {
    /// `_i`: what it is.
    pub(crate) name: String,
    /// `_t`: event, request or response.
    pub(crate) kind: i64,
    /// `_x`, repeated in the response.
    pub(crate) xid: Value,
    /// `_c` (an empty dictionary when absent).
    pub(crate) content: Value,
}

impl Incoming {
    /// Reads a message; `None` when it is not a dictionary with a name.
    pub(crate) fn parse(value: Value) -> Option<Self> {
        let name = value.get("_i")?.as_str()?.to_owned();
        let kind = value.get("_t").and_then(Value::as_int).unwrap_or(0);
        let xid = value.get("_x").cloned().unwrap_or(Value::Null);
        let content = value
            .get("_c")
            .cloned()
            .unwrap_or_else(|| Value::Dict(Vec::new()));
        Some(Self {
            name,
            kind,
            xid,
            content,
        })
    }

    /// A string in the content.
    pub(crate) fn str(&self, key: &str) -> Option<&str> {
        self.content.get(key).and_then(Value::as_str)
    }

    /// An integer in the content.
    pub(crate) fn int(&self, key: &str) -> Option<i64> {
        self.content.get(key).and_then(Value::as_int)
    }

    /// A number in the content, integer or float.
    pub(crate) fn number(&self, key: &str) -> Option<f64> {
        let value = self.content.get(key)?;
        // Integers are small here (coordinates, sizes); the conversion is exact.
        value.as_f64().or_else(|| value.as_int().map(|i| i as f64))
    }

    /// The response to this request carrying `content`.
    pub(crate) fn response(&self, content: Value) -> Value {
        dict(vec![
            ("_i", Value::from(self.name.as_str())),
            ("_x", self.xid.clone()),
            ("_t", Value::Int(RESPONSE)),
            ("_c", content),
        ])
    }

    /// The response with an empty content.
    pub(crate) fn empty_response(&self) -> Value {
        self.response(Value::Dict(Vec::new()))
    }

    /// An error response.
    pub(crate) fn error(&self, code: i64, message: &str) -> Value {
        dict(vec![
            ("_i", Value::from(self.name.as_str())),
            ("_x", self.xid.clone()),
            ("_t", Value::Int(RESPONSE)),
            ("_ec", Value::Int(code)),
            ("_ed", Value::from(ERROR_DOMAIN)),
            ("_em", Value::from(message)),
        ])
    }
}

/// An event the device sends.
pub(crate) fn event(name: &str, content: Value) -> Value {
    dict(vec![
        ("_i", Value::from(name)),
        ("_x", Value::Int(EVENT_XID)),
        ("_t", Value::Int(EVENT)),
        ("_c", content),
    ])
}

/// A dictionary with string keys.
pub(crate) fn dict(entries: Vec<(&str, Value)>) -> Value {
    Value::Dict(
        entries
            .into_iter()
            .map(|(key, value)| (Value::from(key), value))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_repeat_name_and_xid() {
        let request = dict(vec![
            ("_i", Value::from("_launchApp")),
            ("_x", Value::Int(77)),
            ("_t", Value::Int(REQUEST)),
            ("_c", dict(vec![("_bundleID", Value::from("com.example"))])),
        ]);
        let incoming = Incoming::parse(request).unwrap();
        assert_eq!(incoming.str("_bundleID"), Some("com.example"));
        let response = incoming.empty_response();
        assert_eq!(response.get("_x"), Some(&Value::Int(77)));
        assert_eq!(response.get("_t"), Some(&Value::Int(RESPONSE)));
        let error = incoming.error(NO_HANDLER, "nope");
        assert_eq!(error.get("_em").and_then(Value::as_str), Some("nope"));
        assert!(error.get("_c").is_none());
        assert!(Incoming::parse(Value::Int(1)).is_none());
    }
}
