//! Case-insensitive key/value properties (mDNS TXT records, pyatv's `CaseInsensitiveDict`).

use std::fmt;

/// String properties whose keys compare without regard to ASCII case, keeping the
/// original spelling and insertion order (as TXT records arrive).
#[derive(Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(
    from = "std::collections::BTreeMap<String, String>",
    into = "std::collections::BTreeMap<String, String>"
)]
pub struct Properties {
    entries: Vec<(String, String)>,
}

impl Properties {
    /// An empty set of properties.
    pub fn new() -> Self {
        Self::default()
    }

    /// The value for `key`, compared case-insensitively.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }

    /// Whether `key` is present (case-insensitively).
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key` to `value`, replacing an existing entry whose key matches case-insensitively
    /// (the new spelling of the key wins, as in pyatv).
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<String>) {
        let key = key.into();
        let value = value.into();
        match self
            .entries
            .iter_mut()
            .find(|(k, _)| k.eq_ignore_ascii_case(&key))
        {
            Some(entry) => *entry = (key, value),
            None => self.entries.push((key, value)),
        }
    }

    /// Removes `key` (case-insensitively), returning its value.
    pub fn remove(&mut self, key: &str) -> Option<String> {
        let index = self
            .entries
            .iter()
            .position(|(k, _)| k.eq_ignore_ascii_case(key))?;
        Some(self.entries.remove(index).1)
    }

    /// The entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl fmt::Debug for Properties {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Properties {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut props = Self::new();
        for (k, v) in iter {
            props.insert(k, v);
        }
        props
    }
}

impl From<std::collections::BTreeMap<String, String>> for Properties {
    fn from(map: std::collections::BTreeMap<String, String>) -> Self {
        map.into_iter().collect()
    }
}

impl From<Properties> for std::collections::BTreeMap<String, String> {
    fn from(props: Properties) -> Self {
        props.entries.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_compare_without_case_and_keep_order() {
        let mut p: Properties = [("Name", "a"), ("model", "b")].into_iter().collect();
        assert_eq!(p.get("NAME"), Some("a"));
        p.insert("MODEL", "c");
        assert_eq!(
            p.iter().collect::<Vec<_>>(),
            vec![("Name", "a"), ("MODEL", "c")]
        );
        assert_eq!(p.remove("name").as_deref(), Some("a"));
        assert_eq!(p.len(), 1);
    }
}
