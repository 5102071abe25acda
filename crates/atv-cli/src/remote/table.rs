//! A plain text table as the `tabulate` package prints one in its default ("simple")
//! format, which pyatv's wizard uses: columns two spaces apart, a dashed rule under the
//! headers, each column at least two wider than its header.

/// The table of `rows` under `headers`; columns listed in `numeric` are aligned right,
/// the others left. Ends with a newline.
pub(crate) fn format_table(headers: &[&str], rows: &[Vec<String>], numeric: &[usize]) -> String {
    let widths: Vec<usize> = headers
        .iter()
        .enumerate()
        .map(|(column, header)| {
            rows.iter()
                .filter_map(|row| row.get(column))
                .map(|cell| cell.chars().count())
                .chain([header.chars().count() + 2])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &mut dyn Iterator<Item = &str>| -> String {
        let parts: Vec<String> = cells
            .zip(&widths)
            .enumerate()
            .map(|(column, (cell, width))| {
                if numeric.contains(&column) {
                    format!("{cell:>width$}")
                } else {
                    format!("{cell:<width$}")
                }
            })
            .collect();
        format!("{}\n", parts.join("  ").trim_end())
    };
    let mut out = line(&mut headers.iter().copied());
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    out.push_str(&format!("{}\n", rule.join("  ")));
    for row in rows {
        out.push_str(&line(&mut row.iter().map(String::as_str)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_tabulate_simple() {
        let rows = vec![
            vec![
                "1".to_owned(),
                "Living Room".to_owned(),
                "Apple TV 4K".to_owned(),
                "10.0.0.2".to_owned(),
            ],
            vec![
                "10".to_owned(),
                "K".to_owned(),
                "HomePod".to_owned(),
                "10.0.0.10".to_owned(),
            ],
        ];
        let text = format_table(&["", "Name", "Model", "Address"], &rows, &[0]);
        assert_eq!(
            text,
            "    Name         Model        Address\n\
             --  -----------  -----------  ---------\n \
             1  Living Room  Apple TV 4K  10.0.0.2\n\
             10  K            HomePod      10.0.0.10\n"
        );
    }
}
