//! The JSON object atvscript prints for every result (pyatv's `output()`): `result`,
//! `datetime`, then `error`, `exception` and `stacktrace` when there are any, then the
//! command's own values.

use crate::py_json::PyValue;

/// An error to report in the `exception` and `stacktrace` fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    /// The error message (`exception`).
    pub message: String,
    /// The error and its causes, one per line (`stacktrace`; pyatv puts a Python
    /// traceback here).
    pub stacktrace: String,
}

impl Exception {
    /// The message and cause chain of `error`.
    pub fn from_error(error: &(dyn std::error::Error + 'static)) -> Self {
        let mut stacktrace = format!("{error}\n");
        let mut source = error.source();
        while let Some(cause) = source {
            stacktrace.push_str(&format!("caused by: {cause}\n"));
            source = cause.source();
        }
        Self {
            message: error.to_string(),
            stacktrace,
        }
    }
}

/// One output object. `datetime` is the time stamp to print (see
/// [`crate::timestamp::now_isoformat`]); an empty `error` is left out, as pyatv does.
pub fn output(
    success: bool,
    datetime: &str,
    error: Option<&str>,
    exception: Option<&Exception>,
    values: Vec<(String, PyValue)>,
) -> PyValue {
    let mut entries = vec![
        (
            "result".to_owned(),
            PyValue::str(if success { "success" } else { "failure" }),
        ),
        ("datetime".to_owned(), PyValue::str(datetime)),
    ];
    if let Some(error) = error.filter(|e| !e.is_empty()) {
        entries.push(("error".to_owned(), PyValue::str(error)));
    }
    if let Some(exception) = exception {
        entries.push(("exception".to_owned(), PyValue::str(&exception.message)));
        entries.push(("stacktrace".to_owned(), PyValue::str(&exception.stacktrace)));
    }
    for (key, value) in values {
        match entries.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => entries.push((key, value)),
        }
    }
    PyValue::Dict(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_fields_come_in_pyatv_order() {
        let exception = Exception {
            message: "boom".into(),
            stacktrace: "boom\n".into(),
        };
        let value = output(
            false,
            "T",
            Some("device_not_found"),
            Some(&exception),
            vec![("connection".into(), PyValue::str("lost"))],
        );
        assert_eq!(
            value.dumps(),
            r#"{"result": "failure", "datetime": "T", "error": "device_not_found", "exception": "boom", "stacktrace": "boom\n", "connection": "lost"}"#
        );
        assert_eq!(
            output(true, "T", Some(""), None, vec![]).dumps(),
            r#"{"result": "success", "datetime": "T"}"#
        );
    }
}
