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
//! A batch holds at most [`BATCH_CELLS`] cells (rows × fields) and [`BATCH_TEXT`] bytes of
//! text, so a chunk may give several: a megabyte of one-character rows is half a million
//! rows, whose copied cells and output would be a hundred times the chunk's size in one
//! batch. Bounded, a batch's memory and its output do not depend on how short the rows are.
//!
//! The core stays free of threads: the shell moves the batches (see the native `minimise`
//! and `ingest` commands).

use crate::reader::{Reader, Record, RecordSink, SourceProblem};
use crate::report::{EncodingInfo, Report};
use crate::validate::{Cell, RowKind, Validator};
use crate::value::NumberStyle;

use super::{Engine, Fields, Minimiser, RowInput, Stage, number_styles};

/// Most cells (rows × fields) in a [`RowBatch`]: 1 MiB of cells, about half a megabyte of
/// rows of the energy schema (a batch or two per chunk).
pub(crate) const BATCH_CELLS: usize = 1 << 15;

/// Most bytes of text in a [`RowBatch`] (past this, the batch is full after its row).
pub(crate) const BATCH_TEXT: usize = 1 << 20;

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

    /// Whether the batch has reached its bounds: at most `rows` rows, [`BATCH_TEXT`] bytes.
    fn full(&self, rows: usize) -> bool {
        self.rows.len() >= rows || self.text.len() >= BATCH_TEXT
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
    /// The batch being filled.
    batch: RowBatch,
    fields: usize,
    /// Rows in a full batch: [`BATCH_CELLS`] cells.
    batch_rows: usize,
    styles: Vec<NumberStyle>,
    /// Data rows so far.
    rows: u64,
}

impl FrontSink {
    /// Hands the batch being filled to `emit`, and starts the next one.
    fn emit(&mut self, emit: &mut dyn FnMut(&mut RowBatch)) {
        self.batch.styles.clone_from(&self.styles);
        emit(&mut self.batch);
        self.batch.clear();
        self.batch.first_row = self.rows;
    }
}

/// The front's sink while it reads one chunk: full batches go to `emit` as they fill.
struct Filling<'a> {
    sink: &'a mut FrontSink,
    emit: &'a mut dyn FnMut(&mut RowBatch),
}

impl RecordSink for Filling<'_> {
    fn start(&mut self, dialect: &crate::Dialect, encoding: &EncodingInfo) {
        let sink = &mut *self.sink;
        sink.validator.start(dialect, encoding);
        sink.styles = number_styles(&sink.validator, sink.fields);
        sink.batch.start = true;
    }

    fn record(&mut self, record: &Record<'_>) {
        let sink = &mut *self.sink;
        sink.validator.record(record);
        if sink.validator.kind() == RowKind::Data {
            if sink.batch.rows.is_empty() {
                // The room of a full batch at once: grown by doubling, it would end up to
                // half as large again.
                let cells = sink.batch_rows.saturating_mul(sink.fields);
                sink.batch.cells.reserve_exact(cells);
            }
            sink.batch.push(record, &sink.validator);
            sink.rows += 1;
            if sink.batch.full(sink.batch_rows) {
                sink.emit(self.emit);
            }
        }
    }

    fn source_error(&mut self, problem: SourceProblem) {
        self.sink.validator.source_error(problem);
    }
}

/// What the front hands the back at the end: the validation.
#[derive(Debug)]
pub struct FrontDone {
    validator: Validator,
    bytes: u64,
}

impl MinimiseFront {
    /// Reads and validates the next chunk. Its data rows go to `emit` in batches, in
    /// order: each full one as it fills, then the rest (possibly none) at the end of the
    /// chunk. `emit` takes the batch's rows by swapping an empty batch in its place (one
    /// the back is done with, or a new one), or applies it where it is: the front empties
    /// whatever it is left with before filling it again.
    pub fn push(&mut self, chunk: &[u8], emit: &mut dyn FnMut(&mut RowBatch)) {
        self.fill(emit, |reader, sink| reader.push(chunk, sink));
    }

    /// Runs `read`, batches going to `emit`; the last one goes at the end.
    fn fill(
        &mut self,
        emit: &mut dyn FnMut(&mut RowBatch),
        read: impl FnOnce(&mut Reader, &mut Filling<'_>),
    ) {
        let mut filling = Filling {
            sink: &mut self.sink,
            emit,
        };
        read(&mut self.reader, &mut filling);
        let Filling { sink, emit } = filling;
        sink.emit(emit);
    }

    /// Bytes fed so far (for progress).
    pub fn bytes_read(&self) -> u64 {
        self.reader.bytes()
    }

    /// Whether a finding has been made so far (see [`Minimiser::has_findings`]).
    pub fn has_findings(&self) -> bool {
        self.sink.validator.has_findings()
    }

    /// Whether a source error has stopped the reading (see [`Minimiser::stopped`]).
    pub fn stopped(&self) -> bool {
        self.reader.stopped()
    }

    /// Ends the reading here, before the end of the input (see [`Minimiser::stop`]); then
    /// call [`finish`](MinimiseFront::finish).
    pub fn stop(&mut self) {
        super::stop(&mut self.reader, &mut self.sink.validator);
    }

    /// Ends the input: the last rows go to `emit`, as in [`push`](MinimiseFront::push).
    pub fn finish(mut self, emit: &mut dyn FnMut(&mut RowBatch)) -> FrontDone {
        self.fill(emit, |reader, sink| reader.finish(sink));
        FrontDone {
            validator: self.sink.validator,
            bytes: self.reader.bytes(),
        }
    }

    /// Sets the cells of a full batch (tests: many batches out of a few rows).
    #[cfg(test)]
    pub(crate) fn set_batch_cells(&mut self, cells: usize) {
        self.sink.batch_rows = rows_per_batch(cells, self.sink.fields);
    }
}

/// Rows in a batch of `cells` cells, for rows of `fields` fields (at least one row).
fn rows_per_batch(cells: usize, fields: usize) -> usize {
    (cells / fields.max(1)).max(1)
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
                batch_rows: rows_per_batch(BATCH_CELLS, fields),
                styles: Vec::new(),
                rows: 0,
            },
        };
        (front, MinimiseBack { stage, fields })
    }
}
