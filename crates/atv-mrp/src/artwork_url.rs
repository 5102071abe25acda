//! Artwork the device points to by URL instead of sending it: the artwork identifier
//! can be a URL template (the iTunes image server's `{w}x{h}{c}.{f}`), and the item may
//! carry a fixed-size artwork URL. Pure string handling; fetching is done by an
//! [`ArtworkFetcher`](crate::ArtworkFetcher).

use crate::protobuf::ContentItemMetadata;

/// A size the image server reads as "keep the aspect ratio" (pyatv's choice).
const UNBOUNDED: u32 = 999_999;

/// Fills a template's `{w}`, `{h}`, `{c}` and `{f}` placeholders the way Python's
/// `str.format` does (`{{` and `}}` are literal braces). `None` when the template has
/// another placeholder or an unmatched brace.
pub fn fill_template(template: &str, width: u32, height: u32) -> Option<String> {
    let mut out = String::with_capacity(template.len() + 16);
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let mut name = String::new();
                loop {
                    match chars.next()? {
                        '}' => break,
                        other => name.push(other),
                    }
                }
                match name.as_str() {
                    "w" => out.push_str(&width.to_string()),
                    "h" => out.push_str(&height.to_string()),
                    "c" => out.push_str("bb"),
                    "f" => out.push_str("png"),
                    _ => return None,
                }
            }
            '}' => return None,
            other => out.push(other),
        }
    }
    Some(out)
}

/// Whether `text` looks like a URL: a scheme followed by `//` and a host.
pub fn is_url(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once("://") else {
        return false;
    };
    let scheme_ok = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    scheme_ok && !host.is_empty()
}

/// The URLs to try for the artwork of `metadata`, best first: the artwork identifier as
/// a template filled with the requested size (`width`/`height` below 1 ask for the
/// original size), then the fixed artwork URL.
pub fn artwork_urls(metadata: &ContentItemMetadata, width: i64, height: i64) -> Vec<String> {
    let size = |value: i64| {
        u32::try_from(value)
            .ok()
            .filter(|v| *v >= 1)
            .unwrap_or(UNBOUNDED)
    };
    let mut urls = Vec::new();
    if let Some(template) = &metadata.artwork_identifier
        && let Some(url) = fill_template(template, size(width), size(height))
        && is_url(&url)
    {
        urls.push(url);
    }
    if let Some(url) = &metadata.artwork_url {
        urls.push(url.clone());
    }
    urls
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_like_python_format() {
        assert_eq!(
            fill_template("http://h/a/{w}x{h}{c}.{f}", 123, 456).as_deref(),
            Some("http://h/a/123x456bb.png")
        );
        assert_eq!(fill_template("{{w}}", 1, 2).as_deref(), Some("{w}"));
        assert_eq!(fill_template("plain", 1, 2).as_deref(), Some("plain"));
        assert_eq!(fill_template("{x}", 1, 2), None);
        assert_eq!(fill_template("{w", 1, 2), None);
        assert_eq!(fill_template("w}", 1, 2), None);
    }

    #[test]
    fn urls_need_scheme_and_host() {
        assert!(is_url("http://localhost:8080/test"));
        assert!(is_url("https://is1-ssl.mzstatic.com/x.png"));
        assert!(!is_url("artwork"));
        assert!(!is_url("http:///path"));
        assert!(!is_url("://host"));
        assert!(!is_url("1http://host"));
    }

    #[test]
    fn template_first_then_fixed_url() {
        let metadata = ContentItemMetadata {
            artwork_identifier: Some("http://h/{w}x{h}{c}.{f}".into()),
            artwork_url: Some("http://h/1200x1200bb.heic".into()),
            ..Default::default()
        };
        assert_eq!(
            artwork_urls(&metadata, 123, 456),
            ["http://h/123x456bb.png", "http://h/1200x1200bb.heic"]
        );
        assert_eq!(
            artwork_urls(&metadata, 0, -1)[0],
            "http://h/999999x999999bb.png"
        );
        let identifier_only = ContentItemMetadata {
            artwork_identifier: Some("art1".into()),
            ..Default::default()
        };
        assert!(artwork_urls(&identifier_only, 1, 1).is_empty());
    }
}
