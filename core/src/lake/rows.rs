//! The row filter of `watt lake`: a minimised object read in chunks, its rows sorted into
//! those a request selects ("rows whose `prm` is one of these pseudonyms") and the others,
//! and the columns whose retention has ended taken out.
//!
//! The objects are `watt minimise`'s output: UTF-8, `,` between cells, `"` quotes, `\n`
//! after each row, a header. Selected rows are handed over as stored, byte for byte (an
//! access request answers with the data as it is held). Rows that stay are copied as stored
//! too, unless a column is dropped or a cell recoded: then they are written again, the way
//! the minimiser writes rows, so an object keeps one spelling.
//!
//! A [`Recode`] changes cells of named columns in the rows that stay: `watt lake rekey`
//! moves pseudonyms from an old key to the current one with it. The table of what becomes
//! what is the caller's (it is built from the controller's identifiers); the filter hands
//! it each cell and writes what it answers.
//!
//! Memory holds one record at a time (at most [`MAX_RECORD_BYTES`]): objects of any size
//! go through.
//!
//! ```
//! use watt_core::lake::rows::{Plan, RowFilter, Selection};
//!
//! let plan = Plan {
//!     select: Some(Selection::new("prm", ["p2"])),
//!     drop_columns: vec!["comment".into()],
//!     keep_rest: true,
//!     keep_selected: true,
//! };
//! let mut filter = RowFilter::new(plan);
//! let (mut kept, mut selected) = (Vec::new(), Vec::new());
//! for chunk in [&b"prm,kwh,comment\np1,1.5,RAS\np2,"[..], &b"0.5,\"a, b\"\np1,2,\n"[..]] {
//!     filter.push(chunk, &mut kept, &mut selected)?;
//! }
//! let tally = filter.finish(&mut kept, &mut selected)?;
//! assert_eq!(kept, b"prm,kwh\np1,1.5\np1,2\n");
//! assert_eq!(selected, b"p2,0.5,\"a, b\"\n");
//! assert_eq!((tally.rows, tally.selected, tally.kept), (3, 1, 2));
//! assert_eq!(tally.header, ["prm", "kwh", "comment"]);
//! # Ok::<(), watt_core::lake::rows::RowsError>(())
//! ```

use std::collections::BTreeSet;

use crate::minimise::writer::CsvWriter;

/// The longest record read (a row, quotes and all), as the checker's reader allows.
pub const MAX_RECORD_BYTES: usize = crate::reader::DEFAULT_MAX_RECORD_BYTES;

/// Rows to select: those whose cell in `column` is exactly one of `values`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    pub column: String,
    pub values: BTreeSet<Vec<u8>>,
}

impl Selection {
    pub fn new<I, V>(column: &str, values: I) -> Selection
    where
        I: IntoIterator<Item = V>,
        V: AsRef<[u8]>,
    {
        Selection {
            column: column.to_owned(),
            values: values.into_iter().map(|v| v.as_ref().to_vec()).collect(),
        }
    }
}

/// What a [`Recode`] made of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recoded {
    /// The cell stays as it is.
    Same,
    /// The new cell is what was appended to `out`.
    Changed,
    /// The cell cannot be recoded (a pseudonym the table does not know): it is counted in
    /// [`Tally::refused`], and left as it is; the caller decides what becomes of the object.
    Refused,
}

/// Changes the cells of some columns in the rows that stay (see the module doc).
pub trait Recode: Send + std::fmt::Debug {
    /// The columns whose cells are handed over (absent ones are ignored).
    fn columns(&self) -> &[String];
    /// The cell `cell` of column `columns()[column]`: append the new cell to `out` and say
    /// [`Recoded::Changed`], or say it stays or is refused (then `out` is ignored).
    fn recode(&mut self, column: usize, cell: &[u8], out: &mut Vec<u8>) -> Recoded;
}

/// What to do to an object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// The rows to take out (`None`: none).
    pub select: Option<Selection>,
    /// Columns to remove from the rows that stay (absent ones are ignored).
    pub drop_columns: Vec<String>,
    /// Write the header and the rows that stay (a rewrite), or not (a search).
    pub keep_rest: bool,
    /// Hand over the selected rows (an export), or only count them.
    pub keep_selected: bool,
}

/// Why an object cannot be read as a minimised CSV file. No variant holds a cell.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowsError {
    #[error("row {row} is longer than {limit} bytes (an unclosed quote?): not a file watt wrote")]
    RecordTooLong { row: u64, limit: usize },
}

/// What the filter saw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// The object's header as stored (empty for an empty object).
    pub header: Vec<String>,
    /// Data rows read (the header not counted).
    pub rows: u64,
    pub selected: u64,
    pub kept: u64,
    /// Whether the header has the selection's column (false: nothing could be selected).
    pub column_found: bool,
    /// The columns taken out, as the header names them.
    pub dropped: Vec<String>,
    /// Cells a [`Recode`] changed, and cells it refused.
    pub recoded: u64,
    pub refused: u64,
}

/// Reads an object fed in chunks cut anywhere (see the module doc).
#[derive(Debug)]
pub struct RowFilter {
    plan: Plan,
    reader: csv_core::Reader,
    /// The bytes of the record being read, as stored.
    raw: Vec<u8>,
    /// Its cells, end to end, and where each ends.
    cells: Vec<u8>,
    ends: Vec<usize>,
    cells_len: usize,
    ends_len: usize,
    header_seen: bool,
    select_at: Option<usize>,
    /// For each column: whether it goes.
    drop: Vec<bool>,
    writer: CsvWriter,
    tally: Tally,
    recode: Option<Box<dyn Recode>>,
    /// For each column: its index in the recoder's columns.
    recode_at: Vec<Option<usize>>,
    /// The cells a recoder wrote for the current row, end to end, and where each column's
    /// is (`None`: the cell as read).
    recoded: Vec<u8>,
    spans: Vec<Option<(usize, usize)>>,
}

impl RowFilter {
    pub fn new(plan: Plan) -> RowFilter {
        RowFilter {
            plan,
            reader: csv_core::ReaderBuilder::new().build(),
            raw: Vec::new(),
            cells: vec![0; 4096],
            ends: vec![0; 64],
            cells_len: 0,
            ends_len: 0,
            header_seen: false,
            select_at: None,
            drop: Vec::new(),
            writer: CsvWriter::new(),
            tally: Tally::default(),
            recode: None,
            recode_at: Vec::new(),
            recoded: Vec::new(),
            spans: Vec::new(),
        }
    }

    /// Hands the cells of `recode`'s columns, in the rows that stay, to `recode` (given
    /// before the first chunk).
    pub fn with_recode(mut self, recode: Box<dyn Recode>) -> RowFilter {
        self.recode = Some(recode);
        self
    }

    /// What the filter has seen so far (a caller may stop early on a refused cell).
    pub fn tally(&self) -> &Tally {
        &self.tally
    }

    /// Feeds the next chunk: the header and the rows that stay are appended to `kept` (with
    /// `keep_rest`), the selected rows to `selected` (with `keep_selected`).
    pub fn push(
        &mut self,
        mut chunk: &[u8],
        kept: &mut Vec<u8>,
        selected: &mut Vec<u8>,
    ) -> Result<(), RowsError> {
        while !chunk.is_empty() {
            let n = self.read(chunk, kept, selected)?;
            chunk = &chunk[n..];
        }
        Ok(())
    }

    /// The end of the object: its last row (if it has no line end), and the tally.
    pub fn finish(
        mut self,
        kept: &mut Vec<u8>,
        selected: &mut Vec<u8>,
    ) -> Result<Tally, RowsError> {
        // An empty input tells the reader the data has ended.
        self.read(&[], kept, selected)?;
        Ok(self.tally)
    }

    /// Reads what it can of `input`; returns how many bytes were used.
    fn read(
        &mut self,
        input: &[u8],
        kept: &mut Vec<u8>,
        selected: &mut Vec<u8>,
    ) -> Result<usize, RowsError> {
        use csv_core::ReadRecordResult as R;
        let mut used = 0;
        loop {
            let (result, nin, nout, nend) = self.reader.read_record(
                &input[used..],
                &mut self.cells[self.cells_len..],
                &mut self.ends[self.ends_len..],
            );
            self.raw.extend_from_slice(&input[used..used + nin]);
            used += nin;
            self.cells_len += nout;
            self.ends_len += nend;
            if self.raw.len() > MAX_RECORD_BYTES {
                return Err(RowsError::RecordTooLong {
                    row: self.tally.rows + u64::from(self.header_seen) + 1,
                    limit: MAX_RECORD_BYTES,
                });
            }
            match result {
                R::InputEmpty => return Ok(used),
                R::OutputFull => {
                    let len = self.cells.len();
                    self.cells.resize(len * 2, 0);
                }
                R::OutputEndsFull => {
                    let len = self.ends.len();
                    self.ends.resize(len * 2, 0);
                }
                R::Record => {
                    self.record(kept, selected);
                    self.raw.clear();
                    self.cells_len = 0;
                    self.ends_len = 0;
                }
                R::End => {
                    self.raw.clear();
                    self.cells_len = 0;
                    return Ok(used);
                }
            }
        }
    }

    fn cell(&self, i: usize) -> Option<&[u8]> {
        cell(&self.cells, &self.ends[..self.ends_len], i)
    }

    fn record(&mut self, kept: &mut Vec<u8>, selected: &mut Vec<u8>) {
        if !self.header_seen {
            self.header_seen = true;
            self.header(kept);
            return;
        }
        self.tally.rows += 1;
        let chosen = match (&self.plan.select, self.select_at) {
            (Some(s), Some(i)) => self.cell(i).is_some_and(|c| s.values.contains(c)),
            _ => false,
        };
        if chosen {
            self.tally.selected += 1;
            if self.plan.keep_selected {
                selected.extend_from_slice(&self.raw);
            }
            return;
        }
        self.tally.kept += 1;
        let changed = self.recode_row();
        if self.plan.keep_rest {
            self.write_kept(kept, changed);
        }
    }

    /// Hands the row's cells to the recoder; whether one changed.
    fn recode_row(&mut self) -> bool {
        let Some(recode) = &mut self.recode else {
            return false;
        };
        self.recoded.clear();
        self.spans.clear();
        let ends = &self.ends[..self.ends_len];
        let mut changed = false;
        for i in 0..ends.len() {
            let span = match self.recode_at.get(i).copied().flatten() {
                Some(c) => {
                    let value = cell(&self.cells, ends, i).unwrap_or_default();
                    let start = self.recoded.len();
                    match recode.recode(c, value, &mut self.recoded) {
                        Recoded::Changed => {
                            changed = true;
                            self.tally.recoded += 1;
                            Some((start, self.recoded.len()))
                        }
                        other => {
                            if other == Recoded::Refused {
                                self.tally.refused += 1;
                            }
                            self.recoded.truncate(start);
                            None
                        }
                    }
                }
                None => None,
            };
            self.spans.push(span);
        }
        changed
    }

    fn header(&mut self, kept: &mut Vec<u8>) {
        let names: Vec<String> = (0..self.ends_len)
            .filter_map(|i| self.cell(i))
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        if let Some(s) = &self.plan.select {
            self.select_at = names.iter().position(|n| *n == s.column);
            self.tally.column_found = self.select_at.is_some();
        }
        self.drop = names
            .iter()
            .map(|n| self.plan.drop_columns.contains(n))
            .collect();
        self.tally.dropped = names
            .iter()
            .zip(&self.drop)
            .filter(|(_, d)| **d)
            .map(|(n, _)| n.clone())
            .collect();
        if let Some(r) = &self.recode {
            self.recode_at = names
                .iter()
                .map(|n| r.columns().iter().position(|c| c == n))
                .collect();
        }
        self.tally.header = names;
        if self.plan.keep_rest {
            self.write_kept(kept, false);
        }
    }

    /// The record as stored, or written again without the dropped columns and with the
    /// recoded cells (`recoded`: the recoder changed a cell of this row).
    fn write_kept(&mut self, kept: &mut Vec<u8>, recoded: bool) {
        if !recoded && !self.drop.iter().any(|d| *d) {
            kept.extend_from_slice(&self.raw);
            return;
        }
        self.writer.clear();
        let (cells, ends, drop) = (&self.cells, &self.ends[..self.ends_len], &self.drop);
        let (new, spans) = (&self.recoded, &self.spans);
        self.writer.record(
            (0..ends.len())
                .filter(|i| !drop.get(*i).copied().unwrap_or(false))
                .map(|i| match spans.get(i).copied().flatten() {
                    Some((a, b)) if recoded => new.get(a..b).unwrap_or_default(),
                    _ => cell(cells, ends, i).unwrap_or_default(),
                }),
        );
        kept.extend_from_slice(self.writer.bytes());
    }
}

/// Cell `i` of a record read by csv-core: its cells end to end, and where each ends.
fn cell<'a>(cells: &'a [u8], ends: &[usize], i: usize) -> Option<&'a [u8]> {
    let end = *ends.get(i)?;
    let start = if i == 0 { 0 } else { ends[i - 1] };
    cells.get(start..end)
}

/// The records of stored rows (selected rows handed over by [`RowFilter`]), each as its
/// unquoted cells.
pub fn records(rows: &[u8]) -> Vec<Vec<Vec<u8>>> {
    let mut reader = csv_core::ReaderBuilder::new().build();
    // A record's cells are never longer than the bytes, nor more numerous than them + 1.
    let mut out = vec![0u8; rows.len() + 1];
    let mut ends = vec![0usize; rows.len() + 2];
    let (mut input, mut written, mut ended) = (rows, 0, 0);
    let mut found = Vec::new();
    loop {
        let (result, nin, nout, nend) =
            reader.read_record(input, &mut out[written..], &mut ends[ended..]);
        input = &input[nin..];
        written += nout;
        ended += nend;
        match result {
            // Once the bytes are used up, the next call (with no input) ends the last record.
            csv_core::ReadRecordResult::InputEmpty => {}
            csv_core::ReadRecordResult::Record => {
                let mut start = 0;
                found.push(
                    ends[..ended]
                        .iter()
                        .map(|&end| {
                            let cell = out.get(start..end).unwrap_or_default().to_vec();
                            start = end;
                            cell
                        })
                        .collect(),
                );
                (written, ended) = (0, 0);
            }
            _ => return found,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OBJECT: &str = "prm,customer_id,kwh,comment\n\
        aa,c1,1.5,RAS\n\
        bb,c2,0.25,\"relevé estimé, compteur\"\n\
        aa,c1,2,\"deux\nlignes\"\n\
        cc,c3,\"\",\n";

    fn run(plan: Plan, data: &[u8], cut: usize) -> (Vec<u8>, Vec<u8>, Tally) {
        let mut f = RowFilter::new(plan);
        let (mut kept, mut selected) = (Vec::new(), Vec::new());
        for chunk in data.chunks(cut.max(1)) {
            f.push(chunk, &mut kept, &mut selected).unwrap();
        }
        let tally = f.finish(&mut kept, &mut selected).unwrap();
        (kept, selected, tally)
    }

    fn erase(values: &[&str]) -> Plan {
        Plan {
            select: Some(Selection::new("prm", values)),
            drop_columns: vec![],
            keep_rest: true,
            keep_selected: true,
        }
    }

    #[test]
    fn selected_rows_are_taken_out_as_stored_whatever_the_cuts() {
        for cut in [1, 2, 3, 7, 16, 1000] {
            let (kept, selected, tally) = run(erase(&["aa"]), OBJECT.as_bytes(), cut);
            assert_eq!(
                String::from_utf8(kept).unwrap(),
                "prm,customer_id,kwh,comment\nbb,c2,0.25,\"relevé estimé, compteur\"\ncc,c3,\"\",\n",
                "cut {cut}"
            );
            assert_eq!(
                String::from_utf8(selected).unwrap(),
                "aa,c1,1.5,RAS\naa,c1,2,\"deux\nlignes\"\n"
            );
            assert_eq!((tally.rows, tally.selected, tally.kept), (4, 2, 2));
            assert!(tally.column_found);
            assert_eq!(tally.header, ["prm", "customer_id", "kwh", "comment"]);
        }
    }

    #[test]
    fn nothing_selected_gives_the_object_back_byte_for_byte() {
        for cut in [1, 5, 64] {
            let (kept, selected, tally) = run(erase(&["zz"]), OBJECT.as_bytes(), cut);
            assert_eq!(kept, OBJECT.as_bytes());
            assert!(selected.is_empty());
            assert_eq!(tally.selected, 0);
        }
    }

    #[test]
    fn a_value_must_match_the_whole_cell_of_its_column() {
        // `c1` is in another column, `a` is a part of `aa`.
        let (_, _, tally) = run(erase(&["c1", "a"]), OBJECT.as_bytes(), 9);
        assert_eq!(tally.selected, 0);
        let plan = Plan {
            select: Some(Selection::new("customer_id", ["c1", "c3"])),
            ..erase(&[])
        };
        let (_, _, tally) = run(plan, OBJECT.as_bytes(), 9);
        assert_eq!(tally.selected, 3);
    }

    #[test]
    fn a_missing_column_selects_nothing_and_says_so() {
        let plan = Plan {
            select: Some(Selection::new("email", ["aa"])),
            ..erase(&[])
        };
        let (kept, _, tally) = run(plan, OBJECT.as_bytes(), 4);
        assert!(!tally.column_found);
        assert_eq!(kept, OBJECT.as_bytes());
    }

    #[test]
    fn dropped_columns_leave_every_row_written_as_the_minimiser_writes() {
        let plan = Plan {
            select: Some(Selection::new("prm", ["bb"])),
            drop_columns: vec!["comment".into(), "absent".into()],
            keep_rest: true,
            keep_selected: false,
        };
        for cut in [1, 3, 100] {
            let (kept, selected, tally) = run(plan.clone(), OBJECT.as_bytes(), cut);
            assert_eq!(
                String::from_utf8(kept).unwrap(),
                "prm,customer_id,kwh\naa,c1,1.5\naa,c1,2\ncc,c3,\n"
            );
            assert!(selected.is_empty(), "counted, not handed over");
            assert_eq!(tally.selected, 1);
            assert_eq!(tally.dropped, ["comment"]);
        }
    }

    #[test]
    fn a_search_writes_nothing() {
        let plan = Plan {
            keep_rest: false,
            keep_selected: false,
            ..erase(&["aa"])
        };
        let (kept, selected, tally) = run(plan, OBJECT.as_bytes(), 10);
        assert!(kept.is_empty() && selected.is_empty());
        assert_eq!(tally.selected, 2);
    }

    #[test]
    fn a_last_row_without_line_end_and_an_empty_object() {
        let (kept, selected, tally) = run(erase(&["bb"]), b"prm,kwh\naa,1\nbb,2", 3);
        assert_eq!(kept, b"prm,kwh\naa,1\n");
        assert_eq!(selected, b"bb,2");
        assert_eq!(tally.rows, 2);
        let (kept, _, tally) = run(erase(&["bb"]), b"", 3);
        assert!(kept.is_empty());
        assert_eq!(tally, Tally::default());
    }

    #[test]
    fn an_endless_quote_is_an_error_not_a_memory_hog() {
        let mut f = RowFilter::new(erase(&["aa"]));
        let (mut kept, mut selected) = (Vec::new(), Vec::new());
        f.push(b"prm,kwh\naa,\"", &mut kept, &mut selected).unwrap();
        let chunk = vec![b'x'; 1 << 20];
        let mut err = None;
        for _ in 0..20 {
            if let Err(e) = f.push(&chunk, &mut kept, &mut selected) {
                err = Some(e);
                break;
            }
        }
        assert_eq!(
            err,
            Some(RowsError::RecordTooLong {
                row: 2,
                limit: MAX_RECORD_BYTES
            })
        );
    }

    /// Recodes `prm` by a table; refuses what it does not know; leaves empty cells.
    #[derive(Debug)]
    struct Table(Vec<String>, Vec<(&'static str, &'static str)>);

    impl Recode for Table {
        fn columns(&self) -> &[String] {
            &self.0
        }
        fn recode(&mut self, column: usize, cell: &[u8], out: &mut Vec<u8>) -> Recoded {
            assert_eq!(column, 0);
            if cell.is_empty() {
                return Recoded::Same;
            }
            match self.1.iter().find(|(old, _)| old.as_bytes() == cell) {
                Some((_, new)) => {
                    out.extend_from_slice(new.as_bytes());
                    Recoded::Changed
                }
                None => Recoded::Refused,
            }
        }
    }

    fn recoding(
        table: &[(&'static str, &'static str)],
        plan: Plan,
        data: &[u8],
        cut: usize,
    ) -> (Vec<u8>, Vec<u8>, Tally) {
        let mut f =
            RowFilter::new(plan).with_recode(Box::new(Table(vec!["prm".into()], table.to_vec())));
        let (mut kept, mut selected) = (Vec::new(), Vec::new());
        for chunk in data.chunks(cut) {
            f.push(chunk, &mut kept, &mut selected).unwrap();
        }
        let tally = f.finish(&mut kept, &mut selected).unwrap();
        (kept, selected, tally)
    }

    #[test]
    fn recoded_cells_are_written_and_the_rest_of_the_row_kept_as_the_minimiser_writes() {
        let keep = Plan {
            keep_rest: true,
            ..Plan::default()
        };
        let table = [("aa", "xx"), ("bb", "yy"), ("cc", "z,z")];
        for cut in [1, 4, 1000] {
            let (kept, _, tally) = recoding(&table, keep.clone(), OBJECT.as_bytes(), cut);
            assert_eq!(
                String::from_utf8(kept).unwrap(),
                concat!(
                    "prm,customer_id,kwh,comment\n",
                    "xx,c1,1.5,RAS\n",
                    "yy,c2,0.25,\"relevé estimé, compteur\"\n",
                    "xx,c1,2,\"deux\nlignes\"\n",
                    "\"z,z\",c3,,\n",
                ),
                "cut {cut}"
            );
            assert_eq!((tally.rows, tally.recoded, tally.refused), (4, 4, 0));
        }
        // A cell the table does not know is refused, counted, and left as it is.
        let (kept, _, tally) = recoding(&table[..1], keep, OBJECT.as_bytes(), 7);
        assert_eq!((tally.recoded, tally.refused), (2, 2));
        assert!(String::from_utf8(kept).unwrap().contains("\nbb,c2,"));
    }

    #[test]
    fn a_recoding_count_writes_nothing_and_selected_rows_are_not_recoded() {
        let count = Plan {
            select: Some(Selection::new("customer_id", ["c2"])),
            ..Plan::default()
        };
        let (kept, selected, tally) = recoding(&[("aa", "xx")], count, OBJECT.as_bytes(), 5);
        assert!(kept.is_empty() && selected.is_empty());
        // bb (row 2) is selected: not handed to the recoder; cc is refused.
        assert_eq!((tally.selected, tally.recoded, tally.refused), (1, 2, 1));
    }

    #[test]
    fn records_of_stored_rows() {
        let cells = |row: &[u8]| records(row).into_iter().next().unwrap_or_default();
        assert_eq!(
            cells(b"aa,\"x, \"\"y\"\"\",\n"),
            [b"aa".to_vec(), b"x, \"y\"".to_vec(), vec![]]
        );
        assert_eq!(cells(b"a,b"), [b"a".to_vec(), b"b".to_vec()]);
        assert_eq!(
            records(b"\"two\nlines\",z\nb,\"\"\n"),
            [
                vec![b"two\nlines".to_vec(), b"z".to_vec()],
                vec![b"b".to_vec(), vec![]]
            ]
        );
        assert!(records(b"").is_empty());
    }
}
