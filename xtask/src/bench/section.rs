//! One benchmark's section of BENCHMARKS.md: heading, where and when, table, notes.

use std::fmt::Write;

use super::benchmarks_file;
use super::machine::Machine;
use super::table::Table;
use crate::venv::workspace_root;

/// A section, printed and written between its markers.
#[derive(Debug)]
pub(crate) struct Section {
    /// The marker key (`bench:KEY:begin`).
    pub(crate) key: &'static str,
    /// The heading.
    pub(crate) title: &'static str,
    /// Where and when it was measured.
    pub(crate) machine: Machine,
    /// The pyatv and Python versions (empty when pyatv took no part).
    pub(crate) versions: String,
    /// What the figures are, e.g. "10 runs of each; figures are medians with (min–max)".
    pub(crate) figures: String,
    /// The figures.
    pub(crate) table: Table,
    /// One bullet each: what was measured, how, and how to reproduce it.
    pub(crate) notes: Vec<String>,
}

impl Section {
    /// Prints the table and writes the section to BENCHMARKS.md.
    pub(crate) fn write(&self) -> Result<(), String> {
        let table = self.table.markdown();
        println!("\n{}\n\n{table}", self.title);
        let path = workspace_root().join("BENCHMARKS.md");
        benchmarks_file::update(&path, self.key, &self.text(&table))?;
        println!("written to {}", path.display());
        Ok(())
    }

    fn text(&self, table: &str) -> String {
        let mut text = format!("## {}\n\n", self.title);
        let versions = if self.versions.is_empty() {
            String::new()
        } else {
            format!("; {}", self.versions)
        };
        let _ = writeln!(
            text,
            "Measured {} on {}{versions}. {}.\n",
            self.machine.date, self.machine, self.figures
        );
        text.push_str(table);
        text.push('\n');
        for note in &self.notes {
            let _ = writeln!(text, "- {note}");
        }
        text
    }
}
