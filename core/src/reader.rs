//! Chunk-fed CSV record reader: bytes in, whole records out, whatever the chunk boundaries.
//!
//! Built on `csv-core`, the push parser under the `csv` crate, so a chunk may end inside a
//! quoted field, a multi-byte character or a CRLF: the parser keeps its state and the
//! reader keeps the raw bytes of the unfinished record. Memory is bounded by the longest
//! record (capped by [`ReaderOptions::max_record_bytes`]), never by the file.
//!
//! Between records, a fast path (`Reader::plain_lines`) reads the records that need no
//! unescaping (most of a meter export) in place, a field per structural byte found by
//! `find::Structural`, with the encoding checked once per chunk; csv-core takes
//! the others. Both deliver identical records (tested on every cut of every edge case).
//!
//! The reader also owns what must happen before the first record: removing a UTF-8 BOM,
//! refusing UTF-16, and detecting the dialect from the first [`SNIFF_BYTES`] bytes.
//!
//! Records are numbered as Frictionless numbers rows (its reader is Python's `csv`): every
//! record is one number, however many lines its quoted cells span; a blank line is a record
//! of its own (with no field, so that the validator reports it as a `blank-row`), and so
//! is each line break beyond the one that ends the last record; a comment row
//! (`commentChar`) takes its number but is not delivered. CRLF, LF and a lone CR each end
//! a line.

use crate::dialect::{Dialect, DialectOptions, SNIFF_BYTES};
use crate::encoding::Encoding;
use crate::find::Structural;
use crate::report::EncodingInfo;
use crate::schema::Schema;
use crate::utf16::Utf16Decoder;

/// Reader settings.
#[derive(Debug, Clone)]
pub struct ReaderOptions {
    pub dialect: DialectOptions,
    pub encoding: Encoding,
    /// Longest record accepted. A longer one is almost always an unterminated quote that
    /// swallowed the rest of the file; reading stops there instead of filling memory.
    pub max_record_bytes: usize,
}

/// Default for [`ReaderOptions::max_record_bytes`]: 16 MiB.
pub const DEFAULT_MAX_RECORD_BYTES: usize = 16 << 20;

/// A field of a record whose bytes were not valid in the file's encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadBytes {
    /// 0-based field index.
    pub field: usize,
    /// Offset of the first invalid byte inside the field's (unquoted) bytes.
    pub at: usize,
}

/// One record, valid until the next one is read.
#[derive(Debug)]
pub struct Record<'a> {
    /// 1-based record number, counting blank and comment rows (the header, when it is the
    /// first line, is record 1).
    pub number: u64,
    /// Byte offset of the record's first byte in the source.
    pub start: u64,
    raw: &'a [u8],
    text: &'a str,
    ends: &'a [usize],
    /// Fields whose bytes were invalid (decoded with U+FFFD replacements).
    pub bad_bytes: &'a [BadBytes],
    delimiter: u8,
    quote: u8,
    /// Whether `text` holds the parser's output bytes unchanged (no decoding).
    as_read: bool,
    /// Where each field starts in `text` when `text` is the record's own bytes (read in
    /// place by the fast path, delimiters and quotes included); empty when `text` is the
    /// parser's output, fields end to end, where field `i` starts where `i - 1` ends.
    starts: &'a [usize],
}

impl<'a> Record<'a> {
    /// Number of fields.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the record has no field: it is a blank line (`""` is one empty field).
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Field `i`, decoded. Empty when out of range.
    pub fn field(&self, i: usize) -> &'a str {
        let Some(&end) = self.ends.get(i) else {
            return "";
        };
        let start = match (self.starts.get(i), i) {
            (Some(start), _) => *start,
            (None, 0) => 0,
            (None, _) => self.ends[i - 1],
        };
        self.text.get(start..end).unwrap_or("")
    }

    /// A record of `text`'s fields (ending at `ends`), for a header joined from several
    /// rows: `raw` is the bytes of one of them, where findings point.
    pub(crate) fn joined(
        number: u64,
        start: u64,
        raw: &'a [u8],
        text: &'a str,
        ends: &'a [usize],
        delimiter: u8,
        quote: u8,
    ) -> Record<'a> {
        Record {
            number,
            start,
            raw,
            text,
            ends,
            bad_bytes: &[],
            delimiter,
            quote,
            as_read: false,
            starts: &[],
        }
    }

    /// Whether the record is a comment row: its first cell starts with `comment`.
    fn is_comment(&self, comment: Option<&str>) -> bool {
        comment.is_some_and(|c| !self.is_empty() && self.field(0).starts_with(c))
    }

    /// The fields, in order.
    pub fn fields(&self) -> impl Iterator<Item = &'a str> + '_ {
        (0..self.len()).map(|i| self.field(i))
    }

    /// The record's source bytes.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// Byte offset in the source just after the record's last cell (before its line break).
    pub fn end_of_content(&self) -> u64 {
        let breaks = self
            .raw
            .iter()
            .rev()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        self.start + (self.raw.len() - breaks) as u64
    }

    /// Byte offset in the source of field `i`'s first byte (its opening quote when quoted).
    /// A record without quotes, read as it is, is its cells and their delimiters: the
    /// offset is a sum. Otherwise it is computed by re-reading the record's raw bytes.
    pub fn field_offset(&self, i: usize) -> u64 {
        if let Some(&start) = self.starts.get(i) {
            // In place, `raw` begins like `text`: a quoted field starts at its quote.
            let quoted = start > 0 && self.raw.get(start - 1) == Some(&self.quote);
            return self.start + (start - usize::from(quoted)) as u64;
        }
        if self.as_read && i < self.ends.len() && !self.raw.contains(&self.quote) {
            let before = if i == 0 { 0 } else { self.ends[i - 1] + i };
            return self.start + before as u64;
        }
        let mut parser = csv_core::ReaderBuilder::new()
            .delimiter(self.delimiter)
            .quote(self.quote)
            .build();
        let mut input = self.raw;
        let mut consumed = 0usize;
        let mut out = [0u8; 1024];
        let mut field = 0;
        while field < i {
            let (res, nin, _) = parser.read_field(input, &mut out);
            input = &input[nin..];
            consumed += nin;
            match res {
                csv_core::ReadFieldResult::OutputFull => continue,
                csv_core::ReadFieldResult::Field { record_end: false } => field += 1,
                _ => break,
            }
        }
        self.start + consumed as u64
    }
}

/// What a reader tells its consumer.
pub trait RecordSink {
    /// The dialect and encoding are known; called once, before the first record.
    fn start(&mut self, dialect: &Dialect, encoding: &EncodingInfo);
    /// One record.
    fn record(&mut self, record: &Record<'_>);
    /// The file cannot be read further; called at most once, and no record follows.
    fn source_error(&mut self, problem: SourceProblem);
}

/// Why reading stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceProblem {
    /// A record longer than the limit.
    RecordTooLarge { row: u64, byte: u64, limit: usize },
    /// The file ends inside a quoted field.
    UnterminatedQuote { row: u64, byte: u64 },
    /// The file is UTF-16, and was not to be read as such (`--encoding utf-16le` or `auto`).
    Utf16 { probable: &'static str },
    /// The file holds NUL bytes: it is binary, not CSV text.
    Binary { byte: u64 },
}

enum State {
    /// Collecting the first bytes to detect the dialect.
    Sniffing(Vec<u8>),
    Reading,
    /// A source error happened: the rest of the input is counted, not parsed.
    Stopped,
}

/// The chunk-fed reader.
pub struct Reader {
    options: ReaderOptions,
    /// What the dialect is detected against (`None`: a file with no schema yet).
    schema: Option<Schema>,
    state: State,
    dialect: Dialect,
    parser: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
    out_len: usize,
    ends_len: usize,
    /// Raw bytes of the unfinished record, from earlier chunks.
    carry: Vec<u8>,
    /// Offset of the next byte given to the parser.
    offset: u64,
    /// Offset where the unfinished record's raw bytes begin.
    record_start: u64,
    records: u64,
    /// Bytes pushed so far, including a BOM. Once a source error has stopped the reading:
    /// where it stopped, and what is pushed after is not counted, so the report is the same
    /// whether the shell goes on feeding (the browser) or stops (the command line).
    bytes: u64,
    decoded: String,
    decoded_ends: Vec<usize>,
    bad: Vec<BadBytes>,
    /// Whether [`Reader::plain_lines`] is used (always, but in the tests that compare it
    /// with csv-core).
    fast_path: bool,
    /// Field bounds of the record read by the fast path (`Reader::plain_lines`).
    line_starts: Vec<usize>,
    line_ends: Vec<usize>,
    /// Whether the last line break read was a CR: an LF right after it is the same break.
    after_cr: bool,
    /// A UTF-16 file: the stage that turns each chunk into UTF-8 before it is parsed, and
    /// the UTF-8 bytes parsed so far (the offsets of the report count those).
    utf16: Option<(Utf16Decoder, u64)>,
}

impl std::fmt::Debug for Reader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader")
            .field("records", &self.records)
            .field("bytes", &self.bytes)
            .finish_non_exhaustive()
    }
}

impl Reader {
    pub fn new(schema: &Schema, options: ReaderOptions) -> Reader {
        Reader::with_schema(Some(schema.clone()), options)
    }

    /// A reader for a file that has no schema yet ([`crate::infer`]): the dialect is
    /// detected as [`Dialect::sniff_without_schema`] does.
    pub fn without_schema(options: ReaderOptions) -> Reader {
        Reader::with_schema(None, options)
    }

    fn with_schema(schema: Option<Schema>, options: ReaderOptions) -> Reader {
        Reader {
            options,
            schema,
            state: State::Sniffing(Vec::new()),
            dialect: Dialect::default(),
            parser: csv_core::Reader::new(),
            out: vec![0; 64 * 1024],
            ends: vec![0; 64],
            out_len: 0,
            ends_len: 0,
            carry: Vec::new(),
            offset: 0,
            record_start: 0,
            records: 0,
            bytes: 0,
            decoded: String::new(),
            decoded_ends: Vec::new(),
            bad: Vec::new(),
            fast_path: true,
            line_starts: Vec::new(),
            line_ends: Vec::new(),
            after_cr: false,
            utf16: None,
        }
    }

    /// Total bytes pushed.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The dialect (final once [`RecordSink::start`] was called).
    pub fn dialect(&self) -> &Dialect {
        &self.dialect
    }

    /// Whether a source error has stopped the reading: what is pushed after it is ignored,
    /// so a shell may stop reading (an endless stream of NUL bytes ends here).
    pub fn stopped(&self) -> bool {
        matches!(self.state, State::Stopped)
    }

    /// Stops reading where the input was fed up to: the bytes of an unfinished record are
    /// dropped, not read as the file's last record (the file goes on: it is cut, not
    /// ended), and whatever is pushed after is only counted.
    pub fn abandon(&mut self) {
        self.state = State::Stopped;
        self.carry = Vec::new();
    }

    /// Feeds the next chunk.
    pub fn push(&mut self, chunk: &[u8], sink: &mut impl RecordSink) {
        if matches!(self.state, State::Stopped) {
            return;
        }
        let at = self.bytes;
        self.bytes += chunk.len() as u64;
        match &mut self.state {
            State::Stopped => {}
            State::Reading if self.utf16.is_some() => self.feed_utf16(chunk, false, sink),
            State::Reading => self.feed_text(chunk, at, sink),
            State::Sniffing(buf) => {
                buf.extend_from_slice(chunk);
                if buf.len() >= SNIFF_BYTES + 3 {
                    let buf = std::mem::take(buf);
                    self.begin(&buf, false, sink);
                }
            }
        }
    }

    /// Ends the input: the last record (without a final line break) is delivered.
    pub fn finish(&mut self, sink: &mut impl RecordSink) {
        if let State::Sniffing(buf) = &mut self.state {
            let buf = std::mem::take(buf);
            self.begin(&buf, true, sink);
        }
        if !matches!(self.state, State::Reading) {
            return;
        }
        if self.utf16.is_some() {
            self.feed_utf16(&[], true, sink);
            if !matches!(self.state, State::Reading) {
                return;
            }
        }
        if let Some(quote_at) = open_quote(
            &self.carry,
            self.dialect.delimiter_byte(),
            self.dialect.quote_byte(),
        ) {
            self.stop(
                SourceProblem::UnterminatedQuote {
                    row: self.records + 1,
                    byte: self.record_start + quote_at as u64,
                },
                sink,
            );
            return;
        }
        self.feed(&[], sink);
    }

    /// Detects the encoding (`auto`) and the dialect from the first bytes, then reads them.
    fn begin(&mut self, buf: &[u8], complete: bool, sink: &mut impl RecordSink) {
        // `--encoding auto`: the encoding is decided on the same first bytes as the dialect.
        let detected = self.options.encoding == Encoding::Auto;
        let sample = buf.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(buf);
        self.options.encoding = self
            .options
            .encoding
            .resolve(&sample[..sample.len().min(SNIFF_BYTES)]);
        let Some(big_endian) = self.options.encoding.utf16_big_endian() else {
            let bom = buf.len() > sample.len();
            let encoding = EncodingInfo {
                name: self.options.encoding.name().to_owned(),
                bom,
                probable: None,
                detected,
            };
            return self.begin_text(buf, complete, encoding, sink);
        };
        // UTF-16: what follows reads its UTF-8 transcoding.
        let mark: [u8; 2] = if big_endian {
            [0xFE, 0xFF]
        } else {
            [0xFF, 0xFE]
        };
        let bom = buf.starts_with(&mark);
        let encoding = EncodingInfo {
            name: self.options.encoding.name().to_owned(),
            bom,
            probable: None,
            detected,
        };
        self.options.encoding = Encoding::Utf8;
        let mut decoder = Utf16Decoder::new(big_endian);
        let mut text = Vec::new();
        decoder.decode(&buf[2 * usize::from(bom)..], &mut text);
        if complete {
            decoder.finish(&mut text);
        }
        self.utf16 = Some((decoder, text.len() as u64));
        self.begin_text(&text, complete, encoding, sink);
    }

    /// Transcodes a chunk of a UTF-16 file (`end`: the end of the file), and reads it.
    fn feed_utf16(&mut self, chunk: &[u8], end: bool, sink: &mut impl RecordSink) {
        let Some((decoder, parsed)) = &mut self.utf16 else {
            return;
        };
        let mut text = Vec::new();
        decoder.decode(chunk, &mut text);
        if end {
            decoder.finish(&mut text);
        }
        let at = *parsed;
        *parsed += text.len() as u64;
        self.feed_text(&text, at, sink);
    }

    /// Detects the dialect from the first bytes of text (with a UTF-8 BOM when `encoding`
    /// says so), then reads them.
    fn begin_text(
        &mut self,
        buf: &[u8],
        complete: bool,
        encoding: EncodingInfo,
        sink: &mut impl RecordSink,
    ) {
        let bom = buf.starts_with(&[0xEF, 0xBB, 0xBF]);
        let body = if bom { &buf[3..] } else { buf };
        let sample = &body[..body.len().min(SNIFF_BYTES)];
        let nul = sample.iter().position(|b| *b == 0);
        let utf16 = body.starts_with(&[0xFF, 0xFE])
            || body.starts_with(&[0xFE, 0xFF])
            // Without a mark: as `--encoding auto` would detect it (NULs at one parity).
            || (nul.is_some()
                && matches!(
                    crate::encoding::detect(sample),
                    crate::encoding::Detected::Utf16Le | crate::encoding::Detected::Utf16Be
                ));
        let complete = complete && body.len() <= SNIFF_BYTES;
        self.dialect = match &self.schema {
            Some(schema) => Dialect::sniff(sample, complete, schema, &self.options.dialect),
            None => Dialect::sniff_without_schema(sample, complete, &self.options.dialect),
        };
        self.parser = self.dialect.parser();
        // The fast path reads cells as they are written: an escape character or spaces to
        // skip need the state machine.
        self.fast_path &= self.dialect.escape_char.is_none() && !self.dialect.skip_initial_space;
        sink.start(&self.dialect, &encoding);
        if utf16 {
            self.stop(
                SourceProblem::Utf16 {
                    probable: crate::encoding::guess(body),
                },
                sink,
            );
            return;
        }
        if let Some(i) = nul {
            let byte = (i + usize::from(bom) * 3) as u64;
            self.stop(SourceProblem::Binary { byte }, sink);
            return;
        }
        self.state = State::Reading;
        self.offset = if bom { 3 } else { 0 };
        self.record_start = self.offset;
        self.feed_text(body, self.offset, sink);
    }

    /// Parses `input`, which starts at byte `at` of the source, up to its first NUL byte,
    /// if any: text files have none, so the records before it are read and the file is
    /// then refused as binary, wherever the NUL is (past the first bytes the dialect is
    /// detected on too). An endless stream of NUL bytes stops at its first.
    fn feed_text(&mut self, input: &[u8], at: u64, sink: &mut impl RecordSink) {
        let Some(nul) = memchr::memchr(0, input) else {
            if !input.is_empty() {
                self.feed(input, sink);
            }
            return;
        };
        // An empty input means the end of the file to `feed`.
        if nul > 0 {
            self.feed(&input[..nul], sink);
        }
        if matches!(self.state, State::Reading) {
            let byte = at + nul as u64;
            self.stop(SourceProblem::Binary { byte }, sink);
        }
    }

    fn stop(&mut self, problem: SourceProblem, sink: &mut impl RecordSink) {
        // The bytes read are those before the problem, whatever the chunks were.
        let at = match &problem {
            SourceProblem::RecordTooLarge { byte, .. } | SourceProblem::Binary { byte } => *byte,
            SourceProblem::Utf16 { .. } => 0,
            SourceProblem::UnterminatedQuote { .. } => self.bytes,
        };
        self.bytes = self.bytes.min(at);
        self.state = State::Stopped;
        self.carry = Vec::new();
        sink.source_error(problem);
    }

    /// Parses `input`; an empty `input` means end of file.
    fn feed(&mut self, input: &[u8], sink: &mut impl RecordSink) {
        let mut pos = 0;
        let mut begin = 0;
        // Whole lines of valid text in `input`, from the offset given.
        let mut lines: Option<(usize, &str)> = None;
        // No bad byte seen in `input` yet.
        let mut clean = true;
        loop {
            if self.fast_path && self.carry.is_empty() && self.out_len == 0 && self.ends_len == 0 {
                // Between records: the plain lines ahead need no CSV state machine. Their
                // encoding is checked once for the chunk (again only past a bad byte).
                let known = lines
                    .filter(|(at, text)| (*at..*at + text.len()).contains(&pos))
                    .and_then(|(at, text)| text.get(pos - at..));
                let text = match known {
                    Some(text) => text,
                    None => {
                        lines = valid_lines(&input[pos..], self.options.encoding, &mut clean)
                            .map(|text| (pos, text));
                        lines.map_or("", |(_, text)| text)
                    }
                };
                let n = self.plain_lines(text, sink);
                if n > 0 {
                    pos += n;
                    self.offset += n as u64;
                    begin = pos;
                    self.record_start = self.offset;
                    // csv-core may have been left after a CR, waiting for its LF: the
                    // lines read since start afresh (a lone LF ahead is a blank line,
                    // skipped all the same).
                    self.parser.reset();
                }
            }
            let (res, nin, nout, nend) = self.parser.read_record(
                &input[pos..],
                &mut self.out[self.out_len..],
                &mut self.ends[self.ends_len..],
            );
            pos += nin;
            self.offset += nin as u64;
            self.out_len += nout;
            self.ends_len += nend;
            match res {
                csv_core::ReadRecordResult::InputEmpty => {
                    // Blank lines before a record (and the LF of the previous one's CRLF)
                    // are records of their own, not part of it: they must not count
                    // towards its length (20 MB of them between two rows are not a
                    // runaway quote). A record never starts with a line break, so every
                    // leading one is a blank line. (Carried bytes start with none.)
                    if self.carry.is_empty() {
                        let lead = line_breaks(&input[begin..pos]);
                        self.blank_lines(&input[begin..begin + lead], self.record_start, sink);
                        begin += lead;
                        self.record_start += lead as u64;
                    }
                    self.carry.extend_from_slice(&input[begin..pos]);
                    if self.carry.len() > self.options.max_record_bytes {
                        self.too_large(sink);
                    }
                    return;
                }
                csv_core::ReadRecordResult::OutputFull => {
                    if self.out.len() >= self.options.max_record_bytes {
                        self.too_large(sink);
                        return;
                    }
                    let len = self.out.len() * 2;
                    self.out.resize(len, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    let len = self.ends.len() * 2;
                    self.ends.resize(len, 0);
                }
                csv_core::ReadRecordResult::Record => {
                    // Blank lines and the previous record's LF (after a CR) come first:
                    // the record starts after them. (Carried bytes start with none.)
                    if self.carry.is_empty() {
                        let lead = line_breaks(&input[begin..pos]);
                        self.blank_lines(&input[begin..begin + lead], self.record_start, sink);
                        begin += lead;
                        self.record_start += lead as u64;
                    }
                    let raw: &[u8] = if self.carry.is_empty() {
                        &input[begin..pos]
                    } else {
                        self.carry.extend_from_slice(&input[begin..pos]);
                        &self.carry
                    };
                    self.after_cr = raw.last() == Some(&b'\r');
                    self.records += 1;
                    let start = self.record_start;
                    deliver(
                        Delivery {
                            number: self.records,
                            start,
                            raw,
                            out: &self.out[..self.out_len],
                            ends: &self.ends[..self.ends_len],
                            encoding: self.options.encoding,
                            delimiter: self.dialect.delimiter_byte(),
                            quote: self.dialect.quote_byte(),
                            comment: self.dialect.comment_char.as_deref(),
                            skip_initial_space: self.dialect.skip_initial_space,
                            escape: self.dialect.escape_char,
                        },
                        &mut self.decoded,
                        &mut self.decoded_ends,
                        &mut self.bad,
                        sink,
                    );
                    self.carry.clear();
                    self.out_len = 0;
                    self.ends_len = 0;
                    begin = pos;
                    self.record_start = self.offset;
                }
                csv_core::ReadRecordResult::End => return,
            }
        }
    }

    /// The fast path: delivers the records at the head of `text` that csv-core would read
    /// the same way without unescaping anything, in place, and returns the bytes they took.
    /// Their fields are unquoted, or quoted without a doubled quote inside and followed by
    /// a delimiter or the line's end; records end at LF or CRLF (blank lines skipped). The
    /// first other record is left to csv-core. `text` is whole lines of valid text without
    /// a lone CR (see [`valid_lines`]). Most records of a meter export qualify: reading them
    /// here takes a bit of a mask per field where the state machine copies every byte.
    fn plain_lines(&mut self, text: &str, sink: &mut impl RecordSink) -> usize {
        let bytes = text.as_bytes();
        let (delimiter, quote) = (self.dialect.delimiter_byte(), self.dialect.quote_byte());
        let mut structural = Structural::new(bytes, [delimiter, quote, b'\n']);
        let max = self.options.max_record_bytes;
        // After the last record delivered: what the caller hands on to csv-core.
        let mut done = 0;
        loop {
            let lead = line_breaks(&bytes[done..]);
            if lead > 0 {
                self.blank_lines(&bytes[done..done + lead], self.offset + done as u64, sink);
                done += lead;
            }
            let line = done;
            self.line_starts.clear();
            self.line_ends.clear();
            let mut cur = line;
            // Each turn reads one field; the loop ends with the record's terminator (the CR
            // of a CRLF, or the LF).
            let term = loop {
                let (content, after) = if bytes.get(cur) == Some(&quote) {
                    // The closing quote: the next structural byte that is a quote
                    // (delimiters and line feeds inside the quotes are text).
                    let mut close = cur;
                    loop {
                        match structural.next(close + 1) {
                            Some(p) if bytes[p] == quote => break close = p,
                            Some(p) => close = p,
                            None => return done,
                        }
                    }
                    ((cur + 1, close), close + 1)
                } else {
                    let Some(p) = structural.next(cur) else {
                        return done;
                    };
                    ((cur, p), p)
                };
                let (start, mut end) = content;
                let ends_record = match bytes.get(after) {
                    Some(b) if *b == delimiter => false,
                    Some(b'\n') => true,
                    Some(b'\r') if bytes.get(after + 1) == Some(&b'\n') => true,
                    // A quote inside an unquoted field or after a quoted one, a doubled
                    // quote, or the end of the text: csv-core's to read.
                    _ => return done,
                };
                let mut term = after;
                if ends_record && end > start && bytes[end - 1] == b'\r' && end == after {
                    // CRLF after an unquoted field: the CR ends the record, as in csv-core.
                    end -= 1;
                    term = end;
                }
                self.line_starts.push(start - line);
                self.line_ends.push(end - line);
                if ends_record {
                    break term;
                }
                cur = after + 1;
            };
            if term - line > max {
                return done;
            }
            self.records += 1;
            self.after_cr = bytes[term] == b'\r';
            let record = Record {
                number: self.records,
                start: self.offset + line as u64,
                raw: &bytes[line..=term],
                text: &text[line..term],
                ends: &self.line_ends,
                bad_bytes: &[],
                delimiter,
                quote,
                as_read: true,
                starts: &self.line_starts,
            };
            if !record.is_comment(self.dialect.comment_char.as_deref()) {
                sink.record(&record);
            }
            done = term + 1;
        }
    }

    /// Delivers a blank record for each line break of `gap` (line breaks only, from byte
    /// `at` of the source), but for the LF of a CRLF whose CR was read before.
    fn blank_lines(&mut self, gap: &[u8], at: u64, sink: &mut impl RecordSink) {
        let (delimiter, quote) = (self.dialect.delimiter_byte(), self.dialect.quote_byte());
        for (i, &b) in gap.iter().enumerate() {
            if b == b'\n' && std::mem::take(&mut self.after_cr) {
                continue;
            }
            self.after_cr = b == b'\r';
            self.records += 1;
            sink.record(&Record {
                number: self.records,
                start: at + i as u64,
                raw: &gap[i..=i],
                text: "",
                ends: &[],
                bad_bytes: &[],
                delimiter,
                quote,
                as_read: true,
                starts: &[],
            });
        }
    }

    fn too_large(&mut self, sink: &mut impl RecordSink) {
        let problem = SourceProblem::RecordTooLarge {
            row: self.records + 1,
            byte: self.record_start,
            limit: self.options.max_record_bytes,
        };
        self.stop(problem, sink);
    }
}

struct Delivery<'a> {
    number: u64,
    start: u64,
    raw: &'a [u8],
    out: &'a [u8],
    ends: &'a [usize],
    encoding: Encoding,
    delimiter: u8,
    quote: u8,
    comment: Option<&'a str>,
    skip_initial_space: bool,
    escape: Option<char>,
}

/// How many line breaks `bytes` starts with.
fn line_breaks(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .take_while(|b| matches!(b, b'\r' | b'\n'))
        .count()
}

/// Decodes a parsed record and hands it to the sink.
fn deliver(
    d: Delivery<'_>,
    decoded: &mut String,
    decoded_ends: &mut Vec<usize>,
    bad: &mut Vec<BadBytes>,
    sink: &mut impl RecordSink,
) {
    bad.clear();
    let bytes = &d.out[..d.ends.last().copied().unwrap_or(0)];
    let fast = match d.encoding {
        Encoding::Utf8 => simdutf8::basic::from_utf8(bytes)
            .ok()
            // Field boundaries must be character boundaries: "\xC3" and "\xA9" are two bad
            // fields even though together they spell "é".
            .filter(|s| d.ends.iter().all(|e| s.is_char_boundary(*e))),
        _ => bytes
            .is_ascii()
            .then(|| std::str::from_utf8(bytes).ok())
            .flatten(),
    };
    // Spaces to skip change the cells: they are copied.
    let fast = fast.filter(|_| !d.skip_initial_space);
    let as_read = fast.is_some();
    let (text, ends): (&str, &[usize]) = match fast {
        Some(s) => (s, d.ends),
        None => {
            decoded.clear();
            decoded_ends.clear();
            let mut start = 0;
            for (i, &end) in d.ends.iter().enumerate() {
                let field = &d.out[start..end];
                match d.encoding {
                    Encoding::Utf8 => match std::str::from_utf8(field) {
                        Ok(s) => decoded.push_str(s),
                        Err(e) => {
                            bad.push(BadBytes {
                                field: i,
                                at: e.valid_up_to(),
                            });
                            decoded.push_str(&String::from_utf8_lossy(field));
                        }
                    },
                    enc => enc.decode_single_byte(field, decoded),
                }
                decoded_ends.push(decoded.len());
                start = end;
            }
            if d.skip_initial_space {
                skip_initial_spaces(decoded, decoded_ends, d.delimiter, d.quote, d.escape);
            }
            (decoded.as_str(), decoded_ends.as_slice())
        }
    };
    let record = Record {
        number: d.number,
        start: d.start,
        raw: d.raw,
        text,
        ends,
        bad_bytes: bad,
        delimiter: d.delimiter,
        quote: d.quote,
        as_read,
        starts: &[],
    };
    if !record.is_comment(d.comment) {
        sink.record(&record);
    }
}

/// Removes the spaces that start each cell, as Python's `csv` does with
/// `skipinitialspace` (under Frictionless' `skipInitialSpace`). A quote after them opens a
/// quoted cell, so `a, "b,c"` is `a` and `b,c`: csv-core, which has no such option, read
/// that cell unquoted and split it at the delimiters inside, so the pieces are joined
/// back. (A line break inside such a cell has ended the record: that case stays as
/// csv-core read it.)
fn skip_initial_spaces(
    text: &mut String,
    ends: &mut Vec<usize>,
    delimiter: u8,
    quote: u8,
    escape: Option<char>,
) {
    let (delimiter, quote) = (char::from(delimiter), char::from(quote));
    let old = std::mem::take(text);
    let old_ends = std::mem::take(ends);
    let mut start = 0;
    let fields: Vec<&str> = (old_ends.iter())
        .map(|&end| {
            let field = old.get(start..end).unwrap_or("");
            start = end;
            field
        })
        .collect();
    let mut i = 0;
    while let Some(field) = fields.get(i) {
        let cell = field.trim_start_matches(' ');
        match cell.strip_prefix(quote) {
            Some(rest) if cell.len() < field.len() => {
                let mut rest = rest.to_owned();
                let mut joined = i;
                loop {
                    if let Some(content) = quoted(&rest, quote, escape) {
                        text.push_str(&content);
                        i = joined;
                        break;
                    }
                    match fields.get(joined + 1) {
                        Some(next) => {
                            joined += 1;
                            rest.push(delimiter);
                            rest.push_str(next);
                        }
                        // Never closed: the cell as it was read.
                        None => {
                            text.push_str(cell);
                            break;
                        }
                    }
                }
            }
            _ => text.push_str(cell),
        }
        ends.push(text.len());
        i += 1;
    }
}

/// The content of a quoted cell from the text after its opening quote, when that text ends
/// with the closing quote: doubled quotes and escaped characters read as one.
fn quoted(rest: &str, quote: char, escape: Option<char>) -> Option<String> {
    let mut out = String::with_capacity(rest.len());
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        if Some(c) == escape {
            out.push(chars.next()?);
        } else if c == quote {
            if chars.next_if_eq(&quote).is_some() {
                out.push(quote);
            } else {
                return chars.next().is_none().then_some(out);
            }
        } else {
            out.push(c);
        }
    }
    None
}

/// The head of `input` that is whole lines of valid text: up to the last line break
/// before the first byte the encoding does not accept (or the end). `None` when that is
/// nothing.
fn valid_lines<'a>(input: &'a [u8], encoding: Encoding, clean: &mut bool) -> Option<&'a str> {
    let lines = &input[..memchr::memrchr(b'\n', input)? + 1];
    let text = match encoding {
        // Once the chunk was found to hold a bad byte, `compat`, which stops at the first
        // one, so that a file with one on every line is read in one pass, not one per
        // line; the faster `basic`, which reads to the end before saying, before.
        Encoding::Utf8 if !*clean => match simdutf8::compat::from_utf8(lines) {
            Ok(text) => text,
            Err(e) => simdutf8::basic::from_utf8(&lines[..e.valid_up_to()]).ok()?,
        },
        Encoding::Utf8 => match simdutf8::basic::from_utf8(lines) {
            Ok(text) => text,
            Err(_) => {
                *clean = false;
                match simdutf8::compat::from_utf8(lines) {
                    Ok(text) => text,
                    Err(e) => simdutf8::basic::from_utf8(&lines[..e.valid_up_to()]).ok()?,
                }
            }
        },
        _ => {
            let ascii = lines.iter().position(|b| !b.is_ascii());
            std::str::from_utf8(&lines[..ascii.unwrap_or(lines.len())]).ok()?
        }
    };
    // A CR not followed by LF ends a record anywhere but in quotes: rare enough (old Mac
    // files) to leave those lines to csv-core.
    let bytes = text.as_bytes();
    let lone_cr = memchr::memchr_iter(b'\r', bytes).find(|&i| bytes.get(i + 1) != Some(&b'\n'));
    let end = lone_cr.unwrap_or(bytes.len());
    text.get(..memchr::memrchr(b'\n', &bytes[..end])? + 1)
}

/// When raw record bytes end inside a quoted field, the offset of its opening quote.
/// Mirrors csv-core's states: a quote opens a field only at the field's start, and a
/// doubled quote inside a quoted field is an escaped quote.
fn open_quote(raw: &[u8], delimiter: u8, quote: u8) -> Option<usize> {
    #[derive(Clone, Copy, PartialEq)]
    enum S {
        Start,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut s = S::Start;
    let mut opened = 0;
    for (i, &b) in raw.iter().enumerate() {
        s = match s {
            S::Start if b == quote => {
                opened = i;
                S::Quoted
            }
            S::Start | S::Unquoted if b == delimiter || b == b'\n' || b == b'\r' => S::Start,
            S::Start | S::Unquoted => S::Unquoted,
            S::Quoted if b == quote => S::QuoteInQuoted,
            S::Quoted => S::Quoted,
            S::QuoteInQuoted if b == quote => S::Quoted,
            S::QuoteInQuoted if b == delimiter || b == b'\n' || b == b'\r' => S::Start,
            S::QuoteInQuoted => S::Unquoted,
        };
    }
    (s == S::Quoted).then_some(opened)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Collect {
        records: Vec<(u64, u64, Vec<String>, Vec<BadBytes>)>,
        raw: Vec<Vec<u8>>,
        ends: Vec<u64>,
        offsets: Vec<Vec<u64>>,
        problem: Option<SourceProblem>,
        dialect: Option<Dialect>,
    }

    impl RecordSink for Collect {
        fn start(&mut self, dialect: &Dialect, _: &EncodingInfo) {
            self.dialect = Some(dialect.clone());
        }
        fn record(&mut self, r: &Record<'_>) {
            self.records.push((
                r.number,
                r.start,
                r.fields().map(str::to_owned).collect(),
                r.bad_bytes.to_vec(),
            ));
            self.offsets
                .push((0..r.len()).map(|i| r.field_offset(i)).collect());
            self.raw.push(r.raw().to_vec());
            self.ends.push(r.end_of_content());
        }
        fn source_error(&mut self, p: SourceProblem) {
            self.problem = Some(p);
        }
    }

    fn schema() -> Schema {
        Schema::from_json(r#"{"fields": [{"name": "a"}, {"name": "b"}]}"#).unwrap()
    }

    fn read(chunks: &[&[u8]], encoding: Encoding, max: usize) -> Collect {
        read_with(chunks, encoding, max, true)
    }

    fn read_with(chunks: &[&[u8]], encoding: Encoding, max: usize, fast: bool) -> Collect {
        let mut r = Reader::new(
            &schema(),
            ReaderOptions {
                dialect: DialectOptions::default(),
                encoding,
                max_record_bytes: max,
            },
        );
        r.fast_path = fast;
        let mut c = Collect::default();
        for chunk in chunks {
            r.push(chunk, &mut c);
        }
        r.finish(&mut c);
        c
    }

    /// Reads `data` cut at every byte, with and without the fast path, with `dialect`.
    fn every_way(data: &[u8], dialect: &DialectOptions) -> Vec<Collect> {
        (0..=data.len())
            .flat_map(|i| [true, false].map(|fast| (i, fast)))
            .map(|(i, fast)| {
                let mut r = Reader::new(
                    &schema(),
                    ReaderOptions {
                        dialect: dialect.clone(),
                        encoding: Encoding::Utf8,
                        max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
                    },
                );
                r.fast_path = fast;
                let mut c = Collect::default();
                r.push(&data[..i], &mut c);
                r.push(&data[i..], &mut c);
                r.finish(&mut c);
                c
            })
            .collect()
    }

    /// A comment row (its first cell, read, starts with the comment text) is not
    /// delivered but keeps its number, on both paths, wherever the input is cut; so does a
    /// comment spanning lines in a quoted cell.
    #[test]
    fn comment_rows_keep_their_numbers() {
        let dialect = DialectOptions {
            comment_char: Some("#".into()),
            header: Some(true),
            ..DialectOptions::default()
        };
        let data = b"# head\r\na,b\r\n1,x\r\n\"#q\nr\",s\r\n\r\n#,t\n2,y";
        for c in every_way(data, &dialect) {
            let got: Vec<_> = c.records.iter().map(|r| (r.0, r.2.clone())).collect();
            assert_eq!(
                got,
                [
                    (2, vec!["a".to_owned(), "b".into()]),
                    (3, vec!["1".to_owned(), "x".into()]),
                    (5, vec![]),
                    (7, vec!["2".to_owned(), "y".into()]),
                ]
            );
        }
    }

    /// With skipInitialSpace, spaces after a delimiter go, and a quote after them opens a
    /// quoted cell (whose delimiters csv-core had split it at); escapeChar escapes a quote.
    #[test]
    fn skip_initial_space_and_escape_char() {
        let dialect = DialectOptions {
            skip_initial_space: Some(true),
            escape_char: Some('\\'),
            ..DialectOptions::default()
        };
        let data = b"a, b\n1,  \"x, y\"\n \"q\\\"r\", \"s\"\"t\"\n";
        for c in every_way(data, &dialect) {
            let got: Vec<_> = c.records.iter().map(|r| r.2.clone()).collect();
            assert_eq!(
                got,
                [
                    vec!["a".to_owned(), "b".into()],
                    vec!["1".to_owned(), "x, y".into()],
                    vec!["q\"r".to_owned(), "s\"t".into()],
                ]
            );
        }
    }

    fn all_splits(data: &[u8]) -> Vec<Collect> {
        (0..=data.len())
            .map(|i| {
                read(
                    &[&data[..i], &data[i..]],
                    Encoding::Utf8,
                    DEFAULT_MAX_RECORD_BYTES,
                )
            })
            .collect()
    }

    #[test]
    fn records_offsets_and_numbers() {
        let data = "\u{feff}a,b\r\n\r\n\"x,\"\"y\",é\r\nlast,1".as_bytes();
        for c in all_splits(data) {
            assert_eq!(
                c.records
                    .iter()
                    .map(|r| (r.0, r.1, r.2.clone()))
                    .collect::<Vec<_>>(),
                vec![
                    (1, 3, vec!["a".into(), "b".into()]),
                    (2, 8, vec![]),
                    (3, 10, vec!["x,\"y".into(), "é".into()]),
                    (4, 22, vec!["last".into(), "1".into()]),
                ]
            );
            assert_eq!(
                c.offsets,
                vec![vec![3, 5], vec![], vec![10, 18], vec![22, 27]]
            );
            assert_eq!(c.problem, None);
        }
    }

    /// The fast path must deliver exactly what csv-core does: fields, numbers, offsets,
    /// raw bytes, errors; whole or cut anywhere.
    #[test]
    fn the_fast_path_reads_what_csv_core_reads() {
        let cases: &[&[u8]] = &[
            b"a,b\nc,d\n",
            b"a,b\r\nc,d\r\n\r\n\r\ne,f",
            b"a,b\n\"x,y\",z\n\"\",\"\"\n,\n,,\n",
            b"a,b\n\"multi\nline\",\"with\r\ncrlf\"\nnext,1\n",
            b"a,b\n\"esc \"\"q\"\"\",1\nplain,2\n",
            b"a,b\nmid\"quote,1\n\"after\"junk,2\nok,3\n",
            b"a,b\nlone\rcr,1\nok,2\n",
            b"a,b\n\"x\"\r\ny,\"z\"\r\n",
            b"a,b\ncaf\xe9,1\nok,2\n\xc3,\xa9\n",
            b"a,b\n\"unterminated,1\nok,2\n",
            b"a,b\n\"\"\"\",1\n",
            b"a,b\nx,\"\"\n\n\n",
            b"a;b\n1,5;2\n\"3;4\";5\n",
            b"a,b\n\"trailing quote\"\r",
            "a,b\r\né,\"ü,ß\"\r\n".as_bytes(),
        ];
        for data in cases {
            let slow = read_with(&[data], Encoding::Utf8, DEFAULT_MAX_RECORD_BYTES, false);
            let text = String::from_utf8_lossy(data);
            for i in 0..=data.len() {
                let fast = read(
                    &[&data[..i], &data[i..]],
                    Encoding::Utf8,
                    DEFAULT_MAX_RECORD_BYTES,
                );
                assert_eq!(fast.records, slow.records, "{text:?} cut at {i}");
                assert_eq!(fast.offsets, slow.offsets, "{text:?} cut at {i}");
                assert_eq!(fast.raw, slow.raw, "{text:?} cut at {i}");
                assert_eq!(fast.ends, slow.ends, "{text:?} cut at {i}");
                assert_eq!(fast.problem, slow.problem, "{text:?} cut at {i}");
            }
            let latin = read(&[data], Encoding::Windows1252, DEFAULT_MAX_RECORD_BYTES);
            let latin_slow = read_with(
                &[data],
                Encoding::Windows1252,
                DEFAULT_MAX_RECORD_BYTES,
                false,
            );
            assert_eq!(
                latin.records, latin_slow.records,
                "{text:?} as Windows-1252"
            );
            assert_eq!(
                latin.offsets, latin_slow.offsets,
                "{text:?} as Windows-1252"
            );
        }
        // A line longer than the limit is left to csv-core, which applies the limit.
        let long = format!("a,b\n{},1\n", "x".repeat(100));
        let (fast, slow) = (
            read(&[long.as_bytes()], Encoding::Utf8, 64),
            read_with(&[long.as_bytes()], Encoding::Utf8, 64, false),
        );
        assert_eq!((fast.records, fast.problem), (slow.records, slow.problem));
    }

    #[test]
    fn invalid_utf8_is_flagged_per_field() {
        let c = read(&[b"a,b\nok,caf\xe9\n\xc3,\xa9\n"], Encoding::Utf8, 1024);
        assert_eq!(c.records[1].2, vec!["ok".to_owned(), "caf\u{fffd}".into()]);
        assert_eq!(c.records[1].3, vec![BadBytes { field: 1, at: 3 }]);
        // Two halves of "é" in two fields are two bad fields, not one good character.
        assert_eq!(
            c.records[2].3,
            vec![BadBytes { field: 0, at: 0 }, BadBytes { field: 1, at: 0 }]
        );
    }

    #[test]
    fn single_byte_encodings_decode_after_parsing() {
        let c = read(&[b"a,b\n\"caf\xe9\",\x80\n"], Encoding::Windows1252, 1024);
        assert_eq!(c.records[1].2, vec!["café".to_owned(), "€".into()]);
        assert!(c.records[1].3.is_empty());
        assert_eq!(c.offsets[1], vec![4, 11]);
        // Decoded text is longer than the source bytes: offsets still count source bytes.
        let c = read(
            &[b"a,b\ncaf\xe9\xe9,\x80x\n,\n"],
            Encoding::Windows1252,
            1024,
        );
        assert_eq!(c.records[1].2, vec!["caféé".to_owned(), "€x".into()]);
        assert_eq!(c.offsets[1..], [vec![4, 10], vec![13, 14]]);
    }

    #[test]
    fn unterminated_quote_is_a_source_error() {
        for c in all_splits(b"a,b\n1,\"oops\n2,3\n") {
            assert_eq!(c.records.len(), 1);
            assert_eq!(
                c.problem,
                Some(SourceProblem::UnterminatedQuote { row: 2, byte: 6 })
            );
        }
        let ok = read(&[b"a,b\n1,\"x\"\"\"\n"], Encoding::Utf8, 1024);
        assert_eq!(ok.problem, None);
        assert_eq!(ok.records[1].2, vec!["1".to_owned(), "x\"".into()]);
    }

    #[test]
    fn records_over_the_limit_stop_reading() {
        let mut data = b"a,b\n1,\"".to_vec();
        data.extend(std::iter::repeat_n(b'x', 5000));
        let c = read(&[&data[..100], &data[100..]], Encoding::Utf8, 1000);
        assert_eq!(c.records.len(), 1);
        assert_eq!(
            c.problem,
            Some(SourceProblem::RecordTooLarge {
                row: 2,
                byte: 4,
                limit: 1000
            })
        );
    }

    /// 20 MB of blank lines between two rows are blank records, not read as one record
    /// past the 16 MiB limit (they were: a false "row longer than 16 MiB" source error).
    #[test]
    fn blank_lines_do_not_count_towards_a_record() {
        let mut data = b"a,b\n1,2\n".to_vec();
        // Past the bytes the dialect is detected on, which are read at once.
        let blank = SNIFF_BYTES + 5000;
        data.extend(std::iter::repeat_n(b'\n', blank));
        data.extend(b"\r\n\r\n3,4\n");
        for fast in [true, false] {
            let chunks: Vec<&[u8]> = data.chunks(1000).collect();
            let c = read_with(&chunks, Encoding::Utf8, 1000, fast);
            assert_eq!(c.problem, None, "fast path {fast}");
            let rows: Vec<_> = c.records.iter().map(|r| (r.0, r.1, r.2.clone())).collect();
            assert_eq!(rows.len(), 3 + blank + 2, "fast path {fast}");
            assert_eq!(rows[2], (3, 8, vec![]), "fast path {fast}");
            assert_eq!(
                rows[rows.len() - 3..],
                [
                    (3 + blank as u64, data.len() as u64 - 8, vec![]),
                    (4 + blank as u64, data.len() as u64 - 6, vec![]),
                    (
                        5 + blank as u64,
                        data.len() as u64 - 4,
                        vec!["3".to_owned(), "4".into()]
                    ),
                ],
                "fast path {fast}"
            );
        }
    }

    /// Rows are numbered as Frictionless (Python's `csv`) numbers them: each blank line is
    /// a record with no field, whatever its line break (CRLF, LF, lone CR) and wherever the
    /// chunks are cut; a line break beyond the last record's is a blank line too; a quoted
    /// cell over several lines is one record.
    #[test]
    fn blank_lines_are_numbered_records() {
        let numbers = |data: &[u8]| -> Vec<Vec<(u64, usize)>> {
            (0..=data.len())
                .flat_map(|i| [true, false].map(|fast| (i, fast)))
                .map(|(i, fast)| {
                    let c = read_with(
                        &[&data[..i], &data[i..]],
                        Encoding::Utf8,
                        DEFAULT_MAX_RECORD_BYTES,
                        fast,
                    );
                    c.records.iter().map(|r| (r.0, r.2.len())).collect()
                })
                .collect()
        };
        for (data, want) in [
            (
                &b"a,b\n1,x\n\n2,y\n"[..],
                &[(1, 2), (2, 2), (3, 0), (4, 2)][..],
            ),
            (
                b"a,b\n1,x\n2,y\n\n\n",
                &[(1, 2), (2, 2), (3, 2), (4, 0), (5, 0)],
            ),
            (b"a,b\n1,x\n2,y", &[(1, 2), (2, 2), (3, 2)]),
            (b"a,b\r1,x\r\r2,y\r", &[(1, 2), (2, 2), (3, 0), (4, 2)]),
            (
                b"a,b\r\n1,x\r\n\n\r\n2,y\r\n",
                &[(1, 2), (2, 2), (3, 0), (4, 0), (5, 2)],
            ),
            (b"a,b\n1,\"x\n\ny\"\nz,y\n", &[(1, 2), (2, 2), (3, 2)]),
            (b"\n\na,b\n", &[(1, 0), (2, 0), (3, 2)]),
            (b"a,b\n\"\"\n", &[(1, 2), (2, 1)]),
        ] {
            for got in numbers(data) {
                assert_eq!(got, want, "{:?}", String::from_utf8_lossy(data));
            }
        }
    }

    /// A NUL byte past the first bytes makes the file binary too: the rows before it are
    /// read, and reading stops there (an endless stream of NULs was read to its end).
    #[test]
    fn a_nul_past_the_sniffed_bytes_stops_the_reading() {
        let mut data = b"a,b\n".to_vec();
        while data.len() < SNIFF_BYTES + 100 {
            data.extend(b"1,2\n");
        }
        let rows = (data.len() - 4) / 4;
        let nul_at = data.len() as u64 + 2;
        data.extend(b"3,\x004\n5,6\n");
        for cut in [1, 4096, SNIFF_BYTES + 3, data.len() - 9, data.len() - 8] {
            let (head, tail) = data.split_at(cut);
            let c = read(&[head, tail], Encoding::Utf8, 1024);
            assert_eq!(c.records.len(), rows + 1, "cut at {cut}");
            assert_eq!(
                c.problem,
                Some(SourceProblem::Binary { byte: nul_at }),
                "cut at {cut}"
            );
        }
        let mut r = Reader::new(
            &schema(),
            ReaderOptions {
                dialect: DialectOptions::default(),
                encoding: Encoding::Utf8,
                max_record_bytes: 1024,
            },
        );
        let mut c = Collect::default();
        r.push(&data, &mut c);
        assert!(r.stopped());
        r.push(&[0; 1000], &mut c);
        assert_eq!(
            r.bytes(),
            nul_at,
            "where reading stopped; what follows is ignored"
        );
    }

    #[test]
    fn utf16_is_refused() {
        let c = read(&[b"\xff\xfea\x00,\x00b\x00\n\x00"], Encoding::Utf8, 1024);
        assert_eq!(
            c.problem,
            Some(SourceProblem::Utf16 {
                probable: "utf-16le"
            })
        );
        assert!(c.records.is_empty());
    }

    #[test]
    fn binary_is_refused() {
        let c = read(&[b"a,b\n\x00\x01\x02junk\xff\n"], Encoding::Utf8, 1024);
        assert_eq!(c.problem, Some(SourceProblem::Binary { byte: 4 }));
        let no_bom = read(&[b"a\x00b\x00,\x00c\x00\n\x00"], Encoding::Utf8, 1024);
        assert_eq!(
            no_bom.problem,
            Some(SourceProblem::Utf16 {
                probable: "utf-16le"
            })
        );
    }

    #[test]
    fn empty_input() {
        let c = read(&[], Encoding::Utf8, 1024);
        assert!(c.records.is_empty());
        assert!(c.dialect.is_some());
        assert_eq!(c.problem, None);
    }

    #[test]
    fn open_quote_states() {
        assert_eq!(open_quote(b"1,\"abc", b',', b'"'), Some(2));
        assert_eq!(open_quote(b"1,\"a\"\"bc\"", b',', b'"'), None);
        assert_eq!(open_quote(b"1,a\"bc", b',', b'"'), None);
        assert_eq!(open_quote(b"\"a\"x,\"", b',', b'"'), Some(5));
    }
}
