//! Markdown tables, padded so they also read well in a terminal.

use std::fmt::Write;

/// A table: a header row and body rows of the same width.
#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column titles.
    pub(crate) fn new(header: &[&str]) -> Self {
        Self {
            header: header.iter().map(|&h| h.to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row (missing cells are left empty, extra ones dropped).
    pub(crate) fn row(&mut self, cells: Vec<String>) {
        let mut cells = cells;
        cells.resize(self.header.len(), String::new());
        self.rows.push(cells);
    }

    /// The table as GitHub-flavoured markdown, one line per row, ending in a newline.
    pub(crate) fn markdown(&self) -> String {
        let widths: Vec<usize> = (0..self.header.len())
            .map(|column| {
                std::iter::once(&self.header)
                    .chain(&self.rows)
                    .map(|row| row[column].chars().count())
                    .max()
                    .unwrap_or(0)
                    .max(3)
            })
            .collect();
        let mut out = String::new();
        let mut line = |cells: &[String]| {
            out.push('|');
            for (cell, &width) in cells.iter().zip(&widths) {
                let _ = write!(out, " {cell:<width$} |");
            }
            out.push('\n');
        };
        line(&self.header);
        line(&widths.iter().map(|&w| "-".repeat(w)).collect::<Vec<_>>());
        for row in &self.rows {
            line(row);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_columns() {
        let mut table = Table::new(&["What", "atv"]);
        table.row(vec!["scan".into(), "12.5 ms".into()]);
        table.row(vec!["x".into()]);
        assert_eq!(
            table.markdown(),
            "| What | atv     |\n| ---- | ------- |\n| scan | 12.5 ms |\n| x    |         |\n"
        );
    }
}
