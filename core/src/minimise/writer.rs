//! The output CSV writer: `csv-core` writing whole records into a reusable buffer.
//!
//! Output is RFC 4180 with `\n` line ends: cells are quoted only when they hold a `,`, a
//! `"` or a line break. A record made of one empty cell is written `""`, because an empty
//! line would be skipped by readers and the row lost. Fields that need no quotes (nearly
//! all) are copied as they are; the others are quoted by csv-core.

/// Writes records into a byte buffer that the caller drains after each chunk.
#[derive(Debug)]
pub(crate) struct CsvWriter {
    core: csv_core::Writer,
    out: Vec<u8>,
}

impl CsvWriter {
    pub(crate) fn new() -> CsvWriter {
        CsvWriter {
            core: csv_core::WriterBuilder::new()
                .terminator(csv_core::Terminator::Any(b'\n'))
                .build(),
            out: Vec::new(),
        }
    }

    /// Writes one record.
    pub(crate) fn record<'a>(&mut self, fields: impl Iterator<Item = &'a [u8]>) {
        let mut count = 0;
        let mut lone_empty = false;
        for (i, field) in fields.enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            if needs_quotes(field) {
                self.quoted(field);
            } else {
                self.out.extend_from_slice(field);
            }
            count = i + 1;
            lone_empty = i == 0 && field.is_empty();
        }
        // A record made of one empty cell would be an empty line, which readers skip.
        if count == 1 && lone_empty {
            self.out.extend_from_slice(b"\"\"");
        }
        self.out.push(b'\n');
    }

    /// Writes one record whose fields are, end to end, exactly the bytes of `all`: when
    /// none of them needs quotes (nearly every row) the check is one pass over the whole row
    /// instead of one per field.
    pub(crate) fn record_within<'a>(&mut self, all: &[u8], fields: impl Iterator<Item = &'a [u8]>) {
        if needs_quotes(all) {
            self.record(fields);
            return;
        }
        self.out.reserve(all.len() + 64);
        let mut count = 0;
        for field in fields {
            if count > 0 {
                self.out.push(b',');
            }
            self.out.extend_from_slice(field);
            count += 1;
        }
        // A record made of one empty cell would be an empty line, which readers skip.
        if count == 1 && all.is_empty() {
            self.out.extend_from_slice(b"\"\"");
        }
        self.out.push(b'\n');
    }

    /// A field that needs quotes goes through csv-core, writing straight into the buffer.
    fn quoted(&mut self, mut input: &[u8]) {
        loop {
            let start = self.out.len();
            // Room for every byte doubled plus the quotes: csv-core never needs more.
            self.out.resize(start + input.len() * 2 + 2, 0);
            let (res, nin, nout) = self.core.field(input, &mut self.out[start..]);
            self.out.truncate(start + nout);
            input = &input[nin..];
            if res == csv_core::WriteResult::InputEmpty {
                break;
            }
        }
        // csv-core closes the quotes when told the field ends.
        let mut end = [0u8; 2];
        loop {
            let (res, n) = self.core.delimiter(&mut end);
            // The delimiter it wrote after the closing quote is ours to place: drop it.
            let closing = &end[..n];
            self.out
                .extend_from_slice(closing.strip_suffix(b",").unwrap_or(closing));
            if res == csv_core::WriteResult::InputEmpty {
                break;
            }
        }
    }

    pub(crate) fn clear(&mut self) {
        self.out.clear();
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.out
    }
}

/// Whether a field must be quoted (RFC 4180): it holds a delimiter, a quote or a line break.
fn needs_quotes(field: &[u8]) -> bool {
    // Without an early exit, so that it vectorises: most fields need no quotes and are
    // read to the end anyway.
    field
        .iter()
        .fold(false, |q, b| q | matches!(b, b',' | b'"' | b'\n' | b'\r'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(records: &[&[&str]]) -> String {
        let mut w = CsvWriter::new();
        for r in records {
            w.record(r.iter().map(|f| f.as_bytes()));
        }
        String::from_utf8(w.bytes().to_vec()).unwrap()
    }

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(
            write(&[
                &["a", "b, c", "say \"hi\"", "two\nlines", ""],
                &["1", "2", "3", "4", "5"]
            ]),
            "a,\"b, c\",\"say \"\"hi\"\"\",\"two\nlines\",\n1,2,3,4,5\n"
        );
    }

    /// The one-pass path writes what the per-field path writes, quoted or not.
    #[test]
    fn record_within_matches_record() {
        let rows: &[&[&str]] = &[
            &["a", "b", ""],
            &[""],
            &["", ""],
            &["x,y", "z"],
            &["q\"", "line\nbreak", "é"],
            &["plain", "cr\r"],
        ];
        for row in rows {
            let all: String = row.concat();
            let mut one = CsvWriter::new();
            one.record_within(all.as_bytes(), row.iter().map(|f| f.as_bytes()));
            let mut each = CsvWriter::new();
            each.record(row.iter().map(|f| f.as_bytes()));
            assert_eq!(one.bytes(), each.bytes(), "{row:?}");
        }
    }

    #[test]
    fn a_lone_empty_cell_is_kept() {
        assert_eq!(write(&[&["h"], &[""], &["x"]]), "h\n\"\"\nx\n");
    }

    #[test]
    fn long_fields() {
        let long = "é".repeat(5000);
        assert_eq!(write(&[&[&long, "x"]]), format!("{long},x\n"));
    }
}
