//! The report as text for people: a verdict line saying how the file was read, then the
//! findings grouped by code, then hints and notes.
//!
//! ```text
//! invalid: 3 findings in 4 data rows (212 bytes), read as UTF-8, semicolon-separated with a header row, decimal comma, CRLF line ends
//!
//! Type error: a value is not of its field's type [type-error] 2 findings
//!   row 3, field kwh (col 3), byte 57: not a number (decimal ",")
//! ```
//!
//! Cell values appear only when the report carries them (`--show-values`).

use std::io::{self, Write};

use watt_core::report::EncodingInfo;
use watt_core::{Dialect, ErrorCode, Finding, Report};

use super::Palette;

pub fn write(report: &Report, palette: &Palette, out: &mut dyn Write) -> io::Result<()> {
    verdict(report, palette, out)?;
    for code in ErrorCode::ALL {
        let count = report.error_counts.get(&code).copied().unwrap_or(0);
        if count > 0 {
            group(report, code, count, palette, out)?;
        }
    }
    let hints = hints(report);
    let notes = &report.notes;
    if !hints.is_empty() || !notes.is_empty() {
        writeln!(out)?;
    }
    let (h, n) = (palette.hint, palette.note);
    for hint in hints {
        writeln!(out, "{h}hint:{h:#} {hint}")?;
    }
    for note in notes {
        writeln!(out, "{n}note:{n:#} {note}")?;
    }
    Ok(())
}

fn verdict(report: &Report, palette: &Palette, out: &mut dyn Write) -> io::Result<()> {
    let rows = plural(report.stats.rows, "data row", "data rows");
    let bytes = plural(report.stats.bytes, "byte", "bytes");
    let read_as = format!(
        "read as {}, {}",
        encoding(&report.encoding),
        dialect(&report.dialect)
    );
    if report.valid {
        let style = palette.valid;
        writeln!(out, "{style}valid{style:#}: {rows} ({bytes}), {read_as}")
    } else {
        let style = palette.invalid;
        let findings = plural(report.findings_total, "finding", "findings");
        writeln!(
            out,
            "{style}invalid{style:#}: {findings} in {rows} ({bytes}), {read_as}"
        )
    }
}

fn group(
    report: &Report,
    code: ErrorCode,
    count: u64,
    palette: &Palette,
    out: &mut dyn Write,
) -> io::Result<()> {
    let (heading, counted) = (palette.heading, palette.count);
    writeln!(out)?;
    writeln!(
        out,
        "{heading}{}{heading:#} [{code}] {counted}{}{counted:#}",
        code.title(),
        plural(count, "finding", "findings")
    )?;
    let mut shown = 0u64;
    for finding in report.findings.iter().filter(|f| f.code == code) {
        shown += 1;
        let location = palette.location;
        write!(
            out,
            "  {location}{}{location:#}: {}",
            where_(finding),
            finding.message
        )?;
        match &finding.cell {
            Some(cell) => writeln!(out, " (value {cell:?})")?,
            None => writeln!(out)?,
        }
    }
    if count > shown {
        let unlisted = count - shown;
        let what = if shown == 0 {
            unlisted.to_string()
        } else {
            format!("and {unlisted} more")
        };
        writeln!(
            out,
            "  ... {what} not listed (raise --max-findings to list them)"
        )?;
    }
    Ok(())
}

/// `row 3, field kwh (col 3), byte 57`, leaving out what the finding does not have.
fn where_(f: &Finding) -> String {
    let mut parts = Vec::with_capacity(3);
    if let Some(row) = f.row_number {
        parts.push(format!("row {row}"));
    }
    match (&f.field_name, f.field_number) {
        (Some(name), Some(col)) => parts.push(format!("field {name} (col {col})")),
        (Some(name), None) => parts.push(format!("field {name}")),
        (None, Some(col)) => parts.push(format!("col {col}")),
        (None, None) => {}
    }
    parts.push(format!("byte {}", f.byte));
    parts.join(", ")
}

fn hints(report: &Report) -> Vec<String> {
    let mut hints = Vec::new();
    let encoding_errors = report
        .error_counts
        .get(&ErrorCode::EncodingError)
        .copied()
        .unwrap_or(0);
    if encoding_errors > 0 {
        let probable = report
            .encoding
            .probable
            .as_deref()
            .unwrap_or("windows-1252");
        hints.push(format!(
            "the file is not valid {}; it looks like {probable}: check it again with --encoding {probable}",
            encoding_name(&report.encoding.name)
        ));
    }
    hints
}

pub(crate) fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn encoding_name(name: &str) -> String {
    match name {
        "utf-8" => "UTF-8".to_owned(),
        "windows-1252" => "Windows-1252".to_owned(),
        "iso-8859-15" => "ISO-8859-15".to_owned(),
        "iso-8859-7" => "ISO-8859-7".to_owned(),
        "utf-16le" => "UTF-16LE".to_owned(),
        "utf-16be" => "UTF-16BE".to_owned(),
        other => other.to_owned(),
    }
}

fn encoding(e: &EncodingInfo) -> String {
    let mut name = encoding_name(&e.name);
    if e.detected {
        name.push_str(" (detected)");
    }
    if e.bom {
        name.push_str(" with BOM");
    }
    name
}

/// `semicolon-separated with a header row, decimal comma, CRLF line ends`.
fn dialect(d: &Dialect) -> String {
    let delimiter = match d.delimiter {
        ',' => "comma".to_owned(),
        ';' => "semicolon".to_owned(),
        '\t' => "tab".to_owned(),
        '|' => "pipe".to_owned(),
        other => format!("{other:?}"),
    };
    let mut words = format!(
        "{delimiter}-separated {} a header row",
        if d.header { "with" } else { "without" }
    );
    match d.quote_char {
        '"' => {}
        '\'' => words.push_str(", single quotes"),
        other => words.push_str(&format!(", quote {other}")),
    }
    if d.decimal_char == ',' {
        words.push_str(", decimal comma");
    } else if d.decimal_char != '.' {
        words.push_str(&format!(", decimal {:?}", d.decimal_char));
    }
    match d.line_terminator.as_str() {
        "\r\n" => words.push_str(", CRLF line ends"),
        "\r" => words.push_str(", CR line ends"),
        _ => {}
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;
    use watt_core::{Checker, Options, Schema};

    fn report(schema: &str, csv: &str, options: Options) -> Report {
        let schema = Schema::from_json(schema).unwrap();
        let mut checker = Checker::new(&schema, options);
        checker.push(csv.as_bytes());
        checker.finish()
    }

    fn text(report: &Report, palette: &Palette) -> String {
        let mut out = Vec::new();
        write(report, palette, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    const SCHEMA: &str = r#"{"fields": [{"name": "id", "type": "integer"},
                                         {"name": "kwh", "type": "number"}]}"#;

    #[test]
    fn valid_file_is_one_line() {
        let r = report(SCHEMA, "id,kwh\n1,2.5\n", Options::default());
        assert_eq!(
            text(&r, &Palette::default()),
            "valid: 1 data row (13 bytes), read as UTF-8, comma-separated with a header row\n"
        );
    }

    #[test]
    fn findings_are_grouped_and_truncation_said() {
        let r = report(
            SCHEMA,
            "id;kwh\r\n1;x\r\ny;2\r\nz;3\r\n",
            Options {
                max_findings: 2,
                ..Options::default()
            },
        );
        assert_eq!(
            text(&r, &Palette::default()),
            "invalid: 3 findings in 3 data rows (23 bytes), read as UTF-8, semicolon-separated with a header row, CRLF line ends\n\
             \n\
             Type error: a value is not of its field's type [type-error] 3 findings\n\
             \x20 row 2, field kwh (col 2), byte 10: not a number\n\
             \x20 row 3, field id (col 1), byte 13: not an integer\n\
             \x20 ... and 1 more not listed (raise --max-findings to list them)\n"
        );
    }

    #[test]
    fn colours_only_with_a_coloured_palette() {
        let r = report(SCHEMA, "id,kwh\n1,x\n", Options::default());
        assert!(!text(&r, &Palette::default()).contains('\x1b'));
        let coloured = text(&r, &Palette::coloured());
        assert!(coloured.starts_with("\x1b["), "{coloured:?}");
        assert!(coloured.contains("invalid\x1b[0m"), "{coloured:?}");
    }

    #[test]
    fn values_only_when_the_report_has_them() {
        let hidden = report(SCHEMA, "id,kwh\n1,secret\n", Options::default());
        assert!(!text(&hidden, &Palette::default()).contains("secret"));
        let shown = report(
            SCHEMA,
            "id,kwh\n1,secret\n",
            Options {
                show_values: true,
                ..Options::default()
            },
        );
        assert!(
            text(&shown, &Palette::default()).contains("byte 9: not a number (value \"secret\")")
        );
    }

    #[test]
    fn dialect_in_plain_words() {
        let d = Dialect {
            delimiter: '\t',
            quote_char: '\'',
            header: false,
            decimal_char: ',',
            line_terminator: "\r".into(),
            ..Dialect::default()
        };
        assert_eq!(
            dialect(&d),
            "tab-separated without a header row, single quotes, decimal comma, CR line ends"
        );
    }
}
