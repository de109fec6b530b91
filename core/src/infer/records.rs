//! The records of a file fed in chunks, decoded, for schema inference.
//!
//! csv-core keeps its state between chunks (a chunk may end inside a quoted field or a
//! multi-byte character); the record being parsed is kept until it ends, up to
//! [`DEFAULT_MAX_RECORD_BYTES`], the reader's own limit, so memory is bounded by the
//! longest record, never by the file.

use std::ops::ControlFlow;

use super::InferError;
use crate::dialect::Dialect;
use crate::encoding::{self, Encoding};
use crate::reader::DEFAULT_MAX_RECORD_BYTES;

/// One decoded record, valid until the next one.
pub(super) struct Row<'a> {
    text: &'a str,
    ends: &'a [usize],
}

impl<'a> Row<'a> {
    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    pub(super) fn field(&self, i: usize) -> Option<&'a str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.text.get(start..end)
    }

    pub(super) fn to_strings(&self) -> Vec<String> {
        (0..self.len())
            .map(|i| self.field(i).unwrap_or("").to_owned())
            .collect()
    }
}

/// The chunk-fed record parser.
#[derive(Debug)]
pub(super) struct Records {
    parser: csv_core::Reader,
    encoding: Encoding,
    out: Vec<u8>,
    ends: Vec<usize>,
    out_len: usize,
    ends_len: usize,
    records: u64,
    decoded: String,
    decoded_ends: Vec<usize>,
    /// The record being parsed began in an earlier chunk: its raw bytes so far, for the
    /// guess of the encoding when it turns out not to decode.
    raw: Vec<u8>,
    /// The first bytes of the file, which the guess of the encoding reads too.
    context: Vec<u8>,
}

impl Records {
    pub(super) fn new(dialect: &Dialect, encoding: Encoding) -> Records {
        Records {
            parser: dialect.parser(),
            encoding,
            out: vec![0; 64 * 1024],
            ends: vec![0; 64],
            out_len: 0,
            ends_len: 0,
            records: 0,
            decoded: String::new(),
            decoded_ends: Vec::new(),
            raw: Vec::new(),
            context: Vec::new(),
        }
    }

    /// The first bytes of the file, for the guess of its encoding should a record not
    /// decode.
    pub(super) fn set_context(&mut self, first: &[u8]) {
        self.context = first.to_vec();
    }

    /// Records read so far.
    pub(super) fn count(&self) -> u64 {
        self.records
    }

    /// Parses `input` (empty: the end of the file) and hands `each` every record it ends.
    /// Returns `Break` when `each` did (no more input is wanted).
    pub(super) fn feed(
        &mut self,
        mut input: &[u8],
        each: &mut dyn FnMut(&Row<'_>) -> ControlFlow<()>,
    ) -> Result<ControlFlow<()>, InferError> {
        let eof = input.is_empty();
        let mut begin = input;
        loop {
            let (res, nin, nout, nend) = self.parser.read_record(
                input,
                &mut self.out[self.out_len..],
                &mut self.ends[self.ends_len..],
            );
            input = &input[nin..];
            self.out_len += nout;
            self.ends_len += nend;
            match res {
                csv_core::ReadRecordResult::InputEmpty => {
                    if !eof {
                        let used = begin.len() - input.len();
                        if self.raw.len() < encoding::GUESS_BYTES {
                            let room = encoding::GUESS_BYTES - self.raw.len();
                            self.raw.extend_from_slice(&begin[..used.min(room)]);
                        }
                    }
                    return Ok(ControlFlow::Continue(()));
                }
                csv_core::ReadRecordResult::OutputFull => {
                    if self.out.len() >= DEFAULT_MAX_RECORD_BYTES {
                        return Err(InferError::RecordTooLarge {
                            row: self.records + 1,
                            limit_mib: DEFAULT_MAX_RECORD_BYTES >> 20,
                        });
                    }
                    let len = self.out.len() * 2;
                    self.out.resize(len, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    let len = self.ends.len() * 2;
                    self.ends.resize(len, 0);
                }
                csv_core::ReadRecordResult::Record => {
                    self.records += 1;
                    let used = begin.len() - input.len();
                    let raw_tail = &begin[..used];
                    begin = input;
                    let flow = self.deliver(raw_tail, each)?;
                    self.raw.clear();
                    self.out_len = 0;
                    self.ends_len = 0;
                    if flow.is_break() {
                        return Ok(flow);
                    }
                }
                csv_core::ReadRecordResult::End => return Ok(ControlFlow::Continue(())),
            }
        }
    }

    fn deliver(
        &mut self,
        raw_tail: &[u8],
        each: &mut dyn FnMut(&Row<'_>) -> ControlFlow<()>,
    ) -> Result<ControlFlow<()>, InferError> {
        let ends = &self.ends[..self.ends_len];
        let bytes = &self.out[..ends.last().copied().unwrap_or(0)];
        let fast = std::str::from_utf8(bytes)
            .ok()
            .filter(|s| ends.iter().all(|e| s.is_char_boundary(*e)))
            .filter(|s| self.encoding == Encoding::Utf8 || s.is_ascii());
        let (text, ends): (&str, &[usize]) = match fast {
            Some(text) => (text, ends),
            None => {
                self.decoded.clear();
                self.decoded_ends.clear();
                let mut start = 0;
                for &end in ends {
                    let field = &self.out[start..end];
                    match self.encoding {
                        Encoding::Utf8 => match std::str::from_utf8(field) {
                            Ok(s) => self.decoded.push_str(s),
                            Err(_) => {
                                // The record first: the sample is cut at its end.
                                let mut sample = std::mem::take(&mut self.raw);
                                sample.extend_from_slice(raw_tail);
                                sample.extend_from_slice(&self.context);
                                return Err(InferError::Encoding {
                                    row: self.records,
                                    probable: encoding::guess(&sample),
                                });
                            }
                        },
                        single_byte => single_byte.decode_single_byte(field, &mut self.decoded),
                    }
                    self.decoded_ends.push(self.decoded.len());
                    start = end;
                }
                (&self.decoded, &self.decoded_ends)
            }
        };
        Ok(each(&Row { text, ends }))
    }
}
