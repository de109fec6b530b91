//! Writes generated readings as CSV, the way the distribution operator exports them
//! ([`Style::Standard`]) or the way Excel saves them on a French Windows ([`Style::FrExcel`]).
//!
//! Quoting is left to the `csv` crate's writer, which quotes exactly the fields that hold
//! the delimiter, a quote or a line break.

use std::io::{self, Write};

use crate::comments::Tally;
use crate::energy::Generator;

/// The columns, in the schema's order.
pub const HEADER: [&str; 12] = [
    "prm",
    "customer_id",
    "full_name",
    "email",
    "phone",
    "address",
    "postcode",
    "city",
    "timestamp",
    "kwh",
    "contract_type",
    "comment",
];

/// How the file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `,` between fields, `.` in numbers, LF line ends, no BOM.
    Standard,
    /// Excel's "CSV UTF-8" on a French Windows: `;` between fields, `,` in numbers, CRLF
    /// line ends, a UTF-8 byte-order mark.
    FrExcel,
}

impl Style {
    pub fn delimiter(self) -> u8 {
        match self {
            Style::Standard => b',',
            Style::FrExcel => b';',
        }
    }

    pub fn decimal(self) -> u8 {
        match self {
            Style::Standard => b'.',
            Style::FrExcel => b',',
        }
    }
}

/// When to stop: after `rows` data rows, or once `bytes` bytes are written, whichever
/// comes first. With neither, only the header is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limit {
    pub rows: Option<u64>,
    pub bytes: Option<u64>,
}

impl Limit {
    pub fn rows(n: u64) -> Limit {
        Limit {
            rows: Some(n),
            bytes: None,
        }
    }

    pub fn bytes(n: u64) -> Limit {
        Limit {
            rows: None,
            bytes: Some(n),
        }
    }

    fn reached(&self, rows: u64, bytes: u64) -> bool {
        match (self.rows, self.bytes) {
            (None, None) => true,
            (r, b) => r.is_some_and(|r| rows >= r) || b.is_some_and(|b| bytes >= b),
        }
    }
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// Data rows (the header not counted).
    pub rows: u64,
    pub bytes: u64,
    pub tally: Tally,
}

/// A writer that counts the bytes it passes on.
struct Counting<W> {
    inner: W,
    count: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.count += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// `wh` thousandths of a kWh as `1.234` (or `1,234`).
fn format_kwh(wh: u32, decimal: u8, out: &mut [u8; 16]) -> &[u8] {
    let int = (wh / 1000).to_string();
    let frac = wh % 1000;
    let n = int.len();
    out[..n].copy_from_slice(int.as_bytes());
    out[n] = decimal;
    out[n + 1] = b'0' + (frac / 100) as u8;
    out[n + 2] = b'0' + (frac / 10 % 10) as u8;
    out[n + 3] = b'0' + (frac % 10) as u8;
    &out[..n + 4]
}

/// Writes the header and rows from `generator` until `limit`, and flushes `out`.
///
/// With a byte limit the output ends at the first record boundary at or after the limit
/// (give or take the writer's 8 KiB buffer), so it is at least that long.
pub fn write_csv<W: Write>(
    generator: &mut Generator,
    style: Style,
    limit: Limit,
    out: W,
) -> io::Result<Written> {
    let mut counting = Counting {
        inner: out,
        count: 0,
    };
    if style == Style::FrExcel {
        counting.write_all(b"\xEF\xBB\xBF")?;
    }
    let mut csv = csv::WriterBuilder::new()
        .delimiter(style.delimiter())
        .terminator(match style {
            Style::Standard => csv::Terminator::Any(b'\n'),
            Style::FrExcel => csv::Terminator::CRLF,
        })
        .from_writer(counting);
    csv.write_record(HEADER)?;
    let mut tally = crate::comments::Tally::new();
    let mut rows = 0;
    let mut kwh = [0u8; 16];
    while !limit.reached(rows, csv.get_ref().count) {
        let row = generator.next_row();
        let m = row.meter;
        csv.write_record([
            m.prm.as_bytes(),
            m.customer_id.as_bytes(),
            m.full_name.as_bytes(),
            m.email.as_bytes(),
            m.phone.as_bytes(),
            m.address.as_bytes(),
            m.postcode.as_bytes(),
            m.city.as_bytes(),
            row.timestamp.as_bytes(),
            format_kwh(row.wh, style.decimal(), &mut kwh),
            m.contract.as_str().as_bytes(),
            row.comment.as_bytes(),
        ])?;
        tally.add(row.planted);
        rows += 1;
    }
    csv.flush()?;
    let counting = csv.into_inner().map_err(|e| e.into_error())?;
    Ok(Written {
        rows,
        bytes: counting.count,
        tally,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::energy::Settings;

    fn generate(style: Style, limit: Limit) -> (Vec<u8>, Written) {
        let mut g = Generator::new(&Settings {
            meters: 12,
            seed: 5,
            ..Settings::default()
        })
        .unwrap();
        let mut out = Vec::new();
        let w = write_csv(&mut g, style, limit, &mut out).unwrap();
        (out, w)
    }

    #[test]
    fn kwh_formatting() {
        let mut b = [0u8; 16];
        assert_eq!(format_kwh(50, b'.', &mut b), b"0.050");
        assert_eq!(format_kwh(3500, b',', &mut b), b"3,500");
        assert_eq!(format_kwh(1234, b'.', &mut b), b"1.234");
    }

    #[test]
    fn standard_style() {
        let (out, w) = generate(Style::Standard, Limit::rows(200));
        assert_eq!(w.rows, 200);
        assert_eq!(w.bytes, out.len() as u64);
        assert_eq!(w.tally.rows, 200);
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with(
            "prm,customer_id,full_name,email,phone,address,postcode,city,timestamp,kwh,contract_type,comment\n"
        ));
        assert!(!text.contains('\r'));
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let records: Vec<csv::StringRecord> = r.records().map(|r| r.unwrap()).collect();
        assert_eq!(records.len(), 200);
        for rec in &records {
            assert_eq!(rec.len(), 12);
            let kwh: f64 = rec[9].parse().unwrap();
            assert!((0.05..=3.5).contains(&kwh));
            assert_eq!(rec[9].len(), 5, "three decimals: {}", &rec[9]);
        }
    }

    #[test]
    fn french_excel_style() {
        let (out, w) = generate(Style::FrExcel, Limit::rows(200));
        assert!(out.starts_with(b"\xEF\xBB\xBFprm;customer_id;full_name;"));
        assert_eq!(w.bytes, out.len() as u64);
        let text = std::str::from_utf8(&out[3..]).unwrap();
        let mut r = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(text.as_bytes());
        let records: Vec<csv::StringRecord> = r.records().map(|r| r.unwrap()).collect();
        assert_eq!(records.len(), 200);
        assert!(records.iter().all(|r| r[9].contains(',') && r.len() == 12));
        // Every record ends with CRLF; line breaks inside comments stay LF.
        let (standard, _) = generate(Style::Standard, Limit::rows(200));
        let standard = String::from_utf8(standard).unwrap();
        let records_lf = csv::Reader::from_reader(standard.as_bytes())
            .records()
            .count();
        assert_eq!(records_lf, 200);
        assert_eq!(text.matches("\r\n").count(), 201);
    }

    #[test]
    fn same_rows_in_both_styles() {
        let (a, _) = generate(Style::Standard, Limit::rows(100));
        let (b, _) = generate(Style::FrExcel, Limit::rows(100));
        let read = |data: &[u8], d: u8| -> Vec<Vec<String>> {
            csv::ReaderBuilder::new()
                .delimiter(d)
                .from_reader(data)
                .records()
                .map(|r| r.unwrap().iter().map(|c| c.replace(',', ".")).collect())
                .collect()
        };
        assert_eq!(read(&a, b','), read(&b[3..], b';'));
    }

    #[test]
    fn byte_limit_is_reached_at_a_record_boundary() {
        let (out, w) = generate(Style::Standard, Limit::bytes(100_000));
        assert!(w.bytes >= 100_000);
        assert!(w.bytes < 100_000 + 8 * 1024 + 1024, "{}", w.bytes);
        assert_eq!(out.last(), Some(&b'\n'));
        let (header_only, w) = generate(Style::Standard, Limit::default());
        assert_eq!(w.rows, 0);
        assert_eq!(header_only.iter().filter(|b| **b == b'\n').count(), 1);
    }
}
