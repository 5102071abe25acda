//! DNS-SD names: building them from strings and splitting them into instance and service
//! type, working on raw label bytes so that instance names may hold spaces, dots,
//! apostrophes and any UTF-8.

use crate::error::Error;
use crate::message::Name;

/// Longest label DNS allows.
const MAX_LABEL: usize = 63;

/// A name split the DNS-SD way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceName {
    /// The instance part (the labels before the service label, joined with dots), if any.
    pub instance: Option<String>,
    /// The service type with its domain, e.g. `_airplay._tcp.local`.
    pub service_type: String,
}

/// Splits a name into instance and service type: the service type starts at the first label
/// beginning with `_` that is followed by `_tcp` or `_udp`. Returns `None` for names that
/// are neither a service type nor a service instance (host names, reverse lookups).
pub fn split_service_name(name: &Name) -> Option<ServiceName> {
    let labels: Vec<&[u8]> = name.iter().collect();
    let index = labels.windows(2).position(|pair| match pair {
        [service, proto] => {
            service.first() == Some(&b'_')
                && (proto.eq_ignore_ascii_case(b"_tcp") || proto.eq_ignore_ascii_case(b"_udp"))
        }
        _ => false,
    })?;
    let (instance, service) = labels.split_at(index);
    let instance = (!instance.is_empty()).then(|| join_labels(instance));
    Some(ServiceName {
        instance,
        service_type: join_labels(service),
    })
}

/// Joins labels with dots, decoding each as UTF-8 (invalid bytes become U+FFFD).
pub fn join_labels(labels: &[&[u8]]) -> String {
    labels
        .iter()
        .map(|label| String::from_utf8_lossy(label))
        .collect::<Vec<_>>()
        .join(".")
}

/// The first label of a name as text (the human name of a service instance).
pub fn first_label(name: &Name) -> String {
    name.iter()
        .next()
        .map(|label| String::from_utf8_lossy(label).into_owned())
        .unwrap_or_default()
}

/// Builds a name from dot-separated text, e.g. `_airplay._tcp.local` or `Kitchen.local`
/// (a trailing dot is accepted).
pub fn dotted_name(text: &str) -> Result<Name, Error> {
    let trimmed = text.strip_suffix('.').unwrap_or(text);
    let labels: Vec<&[u8]> = trimmed.split('.').map(str::as_bytes).collect();
    name_from_labels(text, labels)
}

/// Builds a service type name (`_name._tcp.local`), checking its shape.
pub fn service_type_name(service_type: &str) -> Result<Name, Error> {
    let name = dotted_name(service_type)?;
    match split_service_name(&name) {
        Some(ServiceName { instance: None, .. }) => Ok(name),
        _ => Err(Error::invalid_name(
            service_type,
            "not a service type of the form _service._tcp.local",
        )),
    }
}

/// Builds a service instance name: `instance` is one label (it may contain dots and
/// spaces), cut to 63 bytes at a character boundary, followed by the service type.
pub fn instance_name(instance: &str, service_type: &str) -> Result<Name, Error> {
    let service = service_type_name(service_type)?;
    let label = truncate_label(instance);
    if label.is_empty() {
        return Err(Error::invalid_name(instance, "empty instance name"));
    }
    service
        .prepend_label(label.as_bytes())
        .map_err(|e| Error::invalid_name(instance, e.to_string()))
}

/// Cuts text to at most 63 bytes without splitting a character (as DNS-SD responders do
/// with long names).
pub fn truncate_label(text: &str) -> &str {
    if text.len() <= MAX_LABEL {
        return text;
    }
    let mut end = MAX_LABEL;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn name_from_labels(original: &str, labels: Vec<&[u8]>) -> Result<Name, Error> {
    if labels.iter().any(|label| label.is_empty()) {
        return Err(Error::invalid_name(original, "empty label"));
    }
    let mut name =
        Name::from_labels(labels).map_err(|e| Error::invalid_name(original, e.to_string()))?;
    name.set_fqdn(true);
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(labels: &[&[u8]]) -> Name {
        Name::from_labels(labels.iter().copied()).unwrap()
    }

    // Cases from pyatv's test_dns.py (service instance name splitting).
    #[test]
    fn splits_like_dns_sd() {
        let split = |labels: &[&[u8]]| split_service_name(&raw(labels));
        assert_eq!(
            split(&[b"_http", b"_tcp", b"local"]),
            Some(ServiceName {
                instance: None,
                service_type: "_http._tcp.local".into()
            })
        );
        assert_eq!(
            split(&[b"foo", b"_http", b"_tcp", b"local"])
                .unwrap()
                .instance,
            Some("foo".into())
        );
        // Two labels before the service, or one label holding a dot: same text.
        assert_eq!(
            split(&[b"foo", b"bar", b"_http", b"_tcp", b"local"])
                .unwrap()
                .instance,
            Some("foo.bar".into())
        );
        assert_eq!(
            split(&[b"Dot.Within", b"_http", b"_tcp", b"example", b"local"]),
            Some(ServiceName {
                instance: Some("Dot.Within".into()),
                service_type: "_http._tcp.example.local".into()
            })
        );
        for bad in [
            &[b"_http" as &[u8], b"local"][..],
            &[b"_tcp" as &[u8], b"local"][..],
            &[b"_http" as &[u8], b"foo", b"_tcp", b"local"][..],
            &[b"_tcp" as &[u8], b"_http", b"local"][..],
            &[b"Kitchen" as &[u8], b"local"][..],
        ] {
            assert_eq!(split(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn keeps_utf8_and_nbsp_in_instance_names() {
        // pyatv's "unicode" and "nbsp" label vectors.
        let name = raw(&[
            b"\xe5\xb1\x85\xe9\x96\x93 Apple\xc2\xa0TV. En Espa\xc3\xb1ol",
            b"_airplay",
            b"_tcp",
            b"local",
        ]);
        let split = split_service_name(&name).unwrap();
        assert_eq!(
            split.instance.as_deref(),
            Some("居間 Apple\u{a0}TV. En Español")
        );
        assert_eq!(
            first_label(&raw(&[b"Apple\xc2\xa0TV (4167)", b"local"])),
            "Apple\u{a0}TV (4167)"
        );
    }

    #[test]
    fn builds_names_from_text() {
        let name = instance_name("Dot.Within", "_http._tcp.example.local").unwrap();
        let labels: Vec<&[u8]> = name.iter().collect();
        assert_eq!(
            labels,
            [
                b"Dot.Within" as &[u8],
                b"_http",
                b"_tcp",
                b"example",
                b"local"
            ]
        );
        assert!(name.is_fqdn());
        assert!(service_type_name("_airplay._tcp.local.").is_ok());
        assert!(service_type_name("airplay.local").is_err());
        assert!(dotted_name("a..local").is_err());
        assert!(instance_name("", "_airplay._tcp.local").is_err());
    }

    #[test]
    fn truncates_at_character_boundary() {
        // pyatv's "truncated_unicode" vector: 'a' then kana of 3 bytes each.
        let text = "aがあいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめも";
        let cut = truncate_label(text);
        assert_eq!(cut.len(), 61);
        assert!(text.starts_with(cut));
        let ascii =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        assert_eq!(
            truncate_label(ascii),
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijk"
        );
    }
}
