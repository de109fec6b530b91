//! Minimisation in two stages, so that a shell with threads can run them on two cores.
//!
//! Reading and validating a row costs about a third of minimising it; pseudonymising,
//! redacting and writing the rest. [`Minimiser::split`] cuts a minimiser in two: a
//! [`MinimiseFront`] that reads and validates, and hands the validated data rows over in
//! [`RowBatch`]es, and a [`MinimiseBack`] that turns them into output bytes. Each stage is
//! the same code the whole minimiser runs, in the same order, so the output bytes and the
//! report are identical to [`Minimiser`]'s for the same input — the browser, which has one
//! thread here, and the command line, which runs one back per core, still agree byte for
//! byte.
//!
//! The core stays free of threads: the shell moves the batches (see the native `minimise`
//! and `ingest` commands).

use crate::reader::{Reader, Record, RecordSink, SourceProblem};
use crate::report::{EncodingInfo, Report};
use crate::validate::{Cell, RowKind, Validator};
use crate::value::NumberStyle;

use super::{Engine, Fields, Minimiser, RowInput, Stage, number_styles};

/// Validated data rows, copied out of the input, on their way from the front to the back.
/// Reuse one across calls: its buffers keep their capacity.
#[derive(Debug, Default)]
pub struct RowBatch {
    /// The dialect became known in this batch: the header goes out first.
    start: bool,
    /// How each field's numbers are written (empty until the dialect is known).
    styles: Vec<NumberStyle>,
    /// Data rows before this batch's first.
    first_row: u64,
    /// The column each field is read from.
    columns: Vec<Option<usize>>,
    text: String,
    /// End of each cell in `text`, relative to its row's start.
    ends: Vec<usize>,
    rows: Vec<CopiedRow>,
    cells: Vec<Cell>,
}

#[derive(Debug, Clone, Copy)]
struct CopiedRow {
    text: usize,
    ends: usize,
    len: usize,
    cells: usize,
}

impl RowBatch {
    /// Data rows in the batch.
    pub fn rows(&self) -> usize {
        self.rows.len()
    }

    fn clear(&mut self) {
        self.start = false;
        self.text.clear();
        self.ends.clear();
        self.rows.clear();
        self.cells.clear();
    }

    fn push(&mut self, rec: &Record<'_>, validator: &Validator) {
        if self.rows.is_empty() {
            self.columns.clear();
            self.columns.extend_from_slice(validator.field_column());
        }
        let row = CopiedRow {
            text: self.text.len(),
            ends: self.ends.len(),
            len: rec.len(),
            cells: self.cells.len(),
        };
        for field in rec.fields() {
            self.text.push_str(field);
            self.ends.push(self.text.len() - row.text);
        }
        self.cells.extend_from_slice(validator.cells());
        self.rows.push(row);
    }

    fn input(&self, i: usize, fields: usize) -> RowInput<'_> {
        let row = self.rows[i];
        let text_end = self
            .rows
            .get(i + 1)
            .map_or(self.text.len(), |next| next.text);
        RowInput {
            cells: &self.cells[row.cells..row.cells + fields],
            columns: &self.columns,
            fields: Fields::Copied {
                text: &self.text[row.text..text_end],
                ends: &self.ends[row.ends..row.ends + row.len],
            },
            index: self.first_row + i as u64 + 1,
        }
    }
}

/// The reading and validating stage.
#[derive(Debug)]
pub struct MinimiseFront {
    reader: Reader,
    sink: FrontSink,
}

#[derive(Debug)]
struct FrontSink {
    validator: Validator,
    batch: RowBatch,
    fields: usize,
    styles: Vec<NumberStyle>,
    /// Data rows so far.
    rows: u64,
}

impl RecordSink for FrontSink {
    fn start(&mut self, dialect: &crate::Dialect, encoding: &EncodingInfo) {
        self.validator.start(dialect, encoding);
        self.styles = number_styles(&self.validator, self.fields);
        self.batch.start = true;
    }

    fn record(&mut self, record: &Record<'_>) {
        self.validator.record(record);
        if self.validator.kind() == RowKind::Data {
            self.batch.push(record, &self.validator);
            self.rows += 1;
        }
    }

    fn source_error(&mut self, problem: SourceProblem) {
        self.validator.source_error(problem);
    }
}

/// What the front hands the back at the end: the validation.
#[derive(Debug)]
pub struct FrontDone {
    validator: Validator,
    bytes: u64,
}

impl MinimiseFront {
    /// Reads and validates the next chunk; its data rows are put in `batch` (emptied first).
    pub fn push(&mut self, chunk: &[u8], batch: &mut RowBatch) {
        self.fill(batch, |reader, sink| reader.push(chunk, sink));
    }

    /// Runs `read` with `batch` (emptied) as the one rows are put in.
    fn fill(&mut self, batch: &mut RowBatch, read: impl FnOnce(&mut Reader, &mut FrontSink)) {
        batch.clear();
        batch.first_row = self.sink.rows;
        std::mem::swap(&mut self.sink.batch, batch);
        read(&mut self.reader, &mut self.sink);
        std::mem::swap(&mut self.sink.batch, batch);
        batch.styles.clone_from(&self.sink.styles);
    }

    /// Bytes fed so far (for progress).
    pub fn bytes_read(&self) -> u64 {
        self.reader.bytes()
    }

    /// Ends the input: the last rows go in `batch`.
    pub fn finish(mut self, batch: &mut RowBatch) -> FrontDone {
        self.fill(batch, |reader, sink| reader.finish(sink));
        FrontDone {
            validator: self.sink.validator,
            bytes: self.reader.bytes(),
        }
    }
}

/// The minimising and writing stage.
#[derive(Debug)]
pub struct MinimiseBack {
    stage: Stage,
    fields: usize,
}

impl MinimiseBack {
    /// Minimises a batch, in order after the previous ones; returns its output bytes
    /// (valid until the next call).
    pub fn apply(&mut self, batch: &RowBatch) -> &[u8] {
        self.stage.writer.clear();
        if batch.start {
            self.stage.start(batch.styles.clone());
        } else if self.stage.styles.is_empty() {
            // Another back wrote the header.
            self.stage.styles.clone_from(&batch.styles);
        }
        for i in 0..batch.rows.len() {
            self.stage.row(&batch.input(i, self.fields));
        }
        self.stage.writer.bytes()
    }

    /// Adds what `other` counted: the rows of the same file it minimised. A file's batches
    /// may be shared between several backs (each made by [`Minimiser::split`] of a
    /// minimiser like this one's, output put back in batch order); merged, they report
    /// what one back fed every batch would.
    pub fn merge(&mut self, other: MinimiseBack) {
        self.stage.merge(other.stage);
    }

    /// The report, validation and minimisation, as [`Minimiser::finish`] gives it.
    pub fn finish(self, front: FrontDone) -> Report {
        let engine = Engine {
            validator: front.validator,
            stage: self.stage,
        };
        engine.into_report(front.bytes)
    }
}

impl Minimiser {
    /// Cuts the minimiser into its reading and its minimising stage (see [`split`](self)).
    /// Fed the same chunks, the two give the bytes and the report the whole one gives.
    pub fn split(self) -> (MinimiseFront, MinimiseBack) {
        let Engine { validator, stage } = self.engine;
        let fields = stage.plans.len();
        let front = MinimiseFront {
            reader: self.reader,
            sink: FrontSink {
                validator,
                batch: RowBatch::default(),
                fields,
                styles: Vec::new(),
                rows: 0,
            },
        };
        (front, MinimiseBack { stage, fields })
    }
}
