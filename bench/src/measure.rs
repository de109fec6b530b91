//! The passes a throughput measurement times, shared by the `throughput` binary and the
//! criterion bench so both measure the same code.
//!
//! - [`floor`]: a bare `csv::Reader` reading every record. Nothing that parses the same
//!   CSV can be much faster, so the checker's speed is given as a ratio to it.
//! - [`check`]: `watt_core::Checker` fed with chunks, as the CLI and the browser feed it.
//! - [`minimise`]: `watt_core::Minimiser` fed the same way, its output counted and dropped.
//!
//! A pass reads from any [`Read`] (a file, or a byte slice for in-memory benches) through
//! a buffer of [`CHUNK_BYTES`], and returns an [`Outcome`] to keep the work observable.

use std::io::{self, Read};

use watt_core::{
    Checker, Dialect, DialectOptions, Minimiser, Options, PseudonymKey, Report, Schema,
};

/// Size of the chunks read from the source (1 MiB), for every pass.
pub const CHUNK_BYTES: usize = 1 << 20;

/// What a pass saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// Bytes read.
    pub bytes: u64,
    /// CSV records read, the header included.
    pub records: u64,
    /// Bytes written (by the minimiser; 0 for passes that only read).
    pub written: u64,
}

/// The pseudonymisation key of benchmark runs. Not a secret: benchmark output is thrown
/// away, and the key only has to be valid.
pub const BENCH_KEY: &[u8] = b"watt-bench throughput key, not a secret: 0123456789";

/// The delimiter of a file, detected by the core from its first bytes (as `watt check`
/// does), so the floor reads the file the same way.
pub fn detect_delimiter(head: &[u8], schema: &Schema) -> u8 {
    let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let sample = &body[..body.len().min(watt_core::dialect::SNIFF_BYTES)];
    Dialect::sniff(
        sample,
        sample.len() == body.len(),
        schema,
        &DialectOptions::default(),
    )
    .delimiter_byte()
}

/// The floor: every record read by `csv::Reader::read_byte_record`, nothing else.
pub fn floor(source: impl Read, delimiter: u8) -> io::Result<Outcome> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(CHUNK_BYTES)
        .from_reader(source);
    let mut record = csv::ByteRecord::new();
    let mut records = 0;
    while reader
        .read_byte_record(&mut record)
        .map_err(io::Error::other)?
    {
        records += 1;
    }
    Ok(Outcome {
        bytes: reader.position().byte(),
        records,
        written: 0,
    })
}

/// Reads `source` in chunks of `chunk` bytes and hands each to `push`.
pub fn for_each_chunk(
    mut source: impl Read,
    chunk: usize,
    mut push: impl FnMut(&[u8]),
) -> io::Result<u64> {
    let mut buf = vec![0u8; chunk.max(1)];
    let mut total = 0u64;
    loop {
        let n = match source.read(&mut buf) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        total += n as u64;
        push(&buf[..n]);
    }
}

/// The checker: `watt_core::Checker` with default options (and the input's size, as the
/// CLI gives it), fed `chunk`-byte chunks.
pub fn check(
    source: impl Read,
    schema: &Schema,
    chunk: usize,
    size_hint: Option<u64>,
) -> io::Result<(Outcome, Report)> {
    let options = Options {
        size_hint,
        ..Options::default()
    };
    let mut checker = Checker::new(schema, options);
    let bytes = for_each_chunk(source, chunk, |c| checker.push(c))?;
    let report = checker.finish();
    let records = report.stats.rows + u64::from(report.dialect.header);
    Ok((
        Outcome {
            bytes,
            records,
            written: 0,
        },
        report,
    ))
}

/// The minimiser: `watt_core::Minimiser` with default options and [`BENCH_KEY`], fed
/// `chunk`-byte chunks; its output is counted, not kept.
pub fn minimise(
    source: impl Read,
    schema: &Schema,
    chunk: usize,
    size_hint: Option<u64>,
) -> io::Result<(Outcome, Report)> {
    let key = PseudonymKey::new(BENCH_KEY).map_err(io::Error::other)?;
    let options = Options {
        size_hint,
        ..Options::default()
    };
    let mut minimiser = Minimiser::new(schema, options, Some(key)).map_err(io::Error::other)?;
    let mut written = 0u64;
    let bytes = for_each_chunk(source, chunk, |c| {
        written += minimiser.push(c).len() as u64;
    })?;
    let done = minimiser.finish();
    written += done.tail.len() as u64;
    let report = done.report;
    let records = report.stats.rows + u64::from(report.dialect.header);
    Ok((
        Outcome {
            bytes,
            records,
            written,
        },
        report,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::energy::{Generator, Settings};
    use crate::output::{Limit, Style, write_csv};

    fn schema() -> Schema {
        Schema::from_json(include_str!(
            "../../data/schemas/energy_consumption.schema.json"
        ))
        .unwrap()
    }

    fn data(style: Style) -> Vec<u8> {
        let mut g = Generator::new(&Settings {
            meters: 30,
            ..Settings::default()
        })
        .unwrap();
        let mut out = Vec::new();
        write_csv(&mut g, style, Limit::rows(600), &mut out).unwrap();
        out
    }

    #[test]
    fn floor_and_check_see_the_same_records() {
        let schema = schema();
        for style in [Style::Standard, Style::FrExcel] {
            let data = data(style);
            let d = detect_delimiter(&data, &schema);
            assert_eq!(d, style.delimiter());
            let f = floor(&data[..], d).unwrap();
            let (c, report) = check(&data[..], &schema, 4096, None).unwrap();
            assert_eq!(f.records, 601);
            assert_eq!(c.records, 601);
            assert_eq!(c.bytes, data.len() as u64);
            assert_eq!(f.bytes, data.len() as u64);
            assert!(report.valid, "{:?}", report.findings);
            let (m, report) = minimise(&data[..], &schema, 4096, None).unwrap();
            assert!(report.valid, "{:?}", report.findings);
            assert_eq!((m.bytes, m.records), (c.bytes, c.records));
            assert!(m.written > 0 && m.written < m.bytes, "{m:?}");
        }
    }

    #[test]
    fn chunks_cover_the_source() {
        let mut seen = Vec::new();
        let n = for_each_chunk(&b"abcdefghij"[..], 3, |c| seen.push(c.to_vec())).unwrap();
        assert_eq!(n, 10);
        assert_eq!(seen, [&b"abc"[..], b"def", b"ghi", b"j"]);
    }
}
