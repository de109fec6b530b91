//! The output CSV writer: `csv-core` writing whole records into a reusable buffer.
//!
//! Output is RFC 4180 with `\n` line ends: cells are quoted only when they hold a `,`, a
//! `"` or a line break. A record made of one empty cell is written `""` (csv-core does it),
//! because an empty line would be skipped by readers and the row lost.

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
        // csv-core itself quotes a record made of one empty cell.
        for (i, field) in fields.enumerate() {
            if i > 0 {
                self.emit(csv_core::Writer::delimiter);
            }
            self.field(field);
        }
        self.emit(csv_core::Writer::terminator);
    }

    fn field(&mut self, mut input: &[u8]) {
        let mut buf = [0u8; 4096];
        loop {
            let (res, nin, nout) = self.core.field(input, &mut buf);
            self.out.extend_from_slice(&buf[..nout]);
            input = &input[nin..];
            if res == csv_core::WriteResult::InputEmpty {
                return;
            }
        }
    }

    fn emit(
        &mut self,
        step: fn(&mut csv_core::Writer, &mut [u8]) -> (csv_core::WriteResult, usize),
    ) {
        let mut buf = [0u8; 8];
        loop {
            let (res, n) = step(&mut self.core, &mut buf);
            self.out.extend_from_slice(&buf[..n]);
            if res == csv_core::WriteResult::InputEmpty {
                return;
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
