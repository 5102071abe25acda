//! BENCHMARKS.md at the workspace root: one section per benchmark, each between marker
//! comments, so that a run replaces its own section and leaves the others alone.

use std::fs;
use std::path::Path;

/// What a new BENCHMARKS.md starts with.
const PREAMBLE: &str = "# Benchmarks\n\
\n\
Written by `cargo xtask bench` (xtask/src/bench/): atv against pyatv 0.18.0 on fake \
devices in network namespaces, both built or installed the way users get them (atv in \
release mode). The figures are measurements of one machine at one time, printed and \
recorded here, never asserted by any test. Each section says how to reproduce it and \
records the load average when it started: figures taken while other work shares the \
cores are slower than a quiet machine's.\n";

/// Replaces (or appends) section `key` of the file at `path` with `body`, creating the
/// file if needed.
pub(crate) fn update(path: &Path, key: &str, body: &str) -> Result<(), String> {
    let current = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => PREAMBLE.to_owned(),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    fs::write(path, with_section(&current, key, body))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// `text` with section `key` set to `body`.
fn with_section(text: &str, key: &str, body: &str) -> String {
    let begin = format!("<!-- bench:{key}:begin -->");
    let end = format!("<!-- bench:{key}:end -->");
    let section = format!("{begin}\n{}\n{end}", body.trim_end());
    let existing = text.find(&begin).and_then(|start| {
        let stop = start + text[start..].find(&end)? + end.len();
        Some((start, stop))
    });
    match existing {
        Some((start, stop)) => format!("{}{section}{}", &text[..start], &text[stop..]),
        None => format!("{}\n\n{section}\n", text.trim_end()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_then_replaces_only_its_section() {
        let text = with_section(PREAMBLE, "scan", "## Scan\nold");
        let text = with_section(&text, "connect", "## Connect\nfigures");
        let text = with_section(&text, "scan", "## Scan\nnew\n");
        assert!(text.starts_with("# Benchmarks\n"));
        assert_eq!(text.matches("bench:scan:begin").count(), 1);
        assert!(text.contains("<!-- bench:scan:begin -->\n## Scan\nnew\n<!-- bench:scan:end -->"));
        assert!(!text.contains("old"));
        assert!(text.contains("## Connect\nfigures"));
        assert!(text.find("Scan").unwrap() < text.find("Connect").unwrap());
    }
}
