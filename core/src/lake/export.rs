//! The export of an access request (`watt lake find --export FILE`): one person's rows
//! from every object that holds them, in one CSV file to hand over.
//!
//! Objects of one lake may not have the same columns (a column whose retention ended was
//! taken out of the older ones; a schema changed). The export's header is `object`, then
//! every column of the objects, in the order they first appear; each row is put under its
//! own columns, the cells as stored, and a column its object does not have stays empty.
//! Rows are written as the minimiser writes them (`,`, `"` when needed, `\n`).
//!
//! ```
//! use watt_core::lake::export::Export;
//!
//! let a = vec!["prm".to_owned(), "kwh".to_owned(), "comment".to_owned()];
//! let b = vec!["prm".to_owned(), "kwh".to_owned()];
//! let export = Export::new([&a[..], &b[..]]);
//! let mut out = export.header();
//! out.extend(export.rows("2024/01/a.csv", &a, b"p1,1.5,\"a, b\"\n"));
//! out.extend(export.rows("2025/01/b.csv", &b, b"p1,2\n"));
//! assert_eq!(
//!     String::from_utf8(out).unwrap(),
//!     "object,prm,kwh,comment\n2024/01/a.csv,p1,1.5,\"a, b\"\n2025/01/b.csv,p1,2,\n"
//! );
//! ```

use crate::lake::rows::records;
use crate::minimise::writer::CsvWriter;

/// The columns of an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    columns: Vec<String>,
}

impl Export {
    /// The union of the objects' headers, in the order columns first appear.
    pub fn new<'a>(headers: impl IntoIterator<Item = &'a [String]>) -> Export {
        let mut columns: Vec<String> = Vec::new();
        for header in headers {
            for name in header {
                if !columns.contains(name) {
                    columns.push(name.clone());
                }
            }
        }
        Export { columns }
    }

    /// `object` and the columns.
    pub fn header(&self) -> Vec<u8> {
        let mut w = CsvWriter::new();
        w.record(std::iter::once(&b"object"[..]).chain(self.columns.iter().map(|c| c.as_bytes())));
        w.bytes().to_vec()
    }

    /// The stored rows `stored` of the object `object`, whose header is `header`, under the
    /// export's columns.
    pub fn rows(&self, object: &str, header: &[String], stored: &[u8]) -> Vec<u8> {
        let at: Vec<Option<usize>> = self
            .columns
            .iter()
            .map(|c| header.iter().position(|h| h == c))
            .collect();
        let mut w = CsvWriter::new();
        for record in records(stored) {
            let cells = at.iter().map(|i| {
                i.and_then(|i| record.get(i))
                    .map_or(&b""[..], Vec::as_slice)
            });
            w.record(std::iter::once(object.as_bytes()).chain(cells));
        }
        w.bytes().to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn columns_in_another_order_or_missing_are_put_in_place() {
        let a = names(&["prm", "timestamp", "kwh"]);
        let b = names(&["kwh", "prm", "extra"]);
        let e = Export::new([&a[..], &b[..]]);
        assert_eq!(e.header(), b"object,prm,timestamp,kwh,extra\n");
        assert_eq!(
            e.rows("k2", &b, b"0.5,p1,x\n1,p1,\"q\"\"\"\n"),
            b"k2,p1,,0.5,x\nk2,p1,,1,\"q\"\"\"\n"
        );
        assert_eq!(e.rows("k1", &a, b""), b"");
    }
}
