//! The controller's identifiers, which a rekey needs: a pseudonym cannot be turned back into
//! its identifier, so moving it from an old key to the current one means computing it again
//! from the identifier, under both keys.
//!
//! Two forms (`--identifiers FILE`, repeatable):
//! - a CSV file whose header names pseudonymised columns (the meter or customer register,
//!   or the original exports themselves): read as `watt check` and `watt ingest` read a
//!   source (the core's reader: encoding and delimiter detected), every column whose name
//!   is one being moved is taken, the others ignored;
//! - with `--field F`, a plain list: one identifier per line, as `watt lake find` reads them
//!   from standard input.
//!
//! The files are streamed (1 MiB at a time) once per batch of objects; the identifiers are
//! handed over one by one and never kept, written or shown. Errors name the file and the
//! columns, never a value.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;

use watt_core::reader::{Reader, ReaderOptions, Record, RecordSink, SourceProblem};
use watt_core::report::EncodingInfo;
use watt_core::{Dialect, DialectOptions, Encoding, Schema};

/// A file of identifiers.
#[derive(Debug, Clone)]
pub struct Identifiers {
    pub path: PathBuf,
    /// A plain list of this column's identifiers; `None`: a CSV file with a header.
    pub field: Option<String>,
}

/// Why a file of identifiers cannot be used. Never holds a value.
#[derive(Debug, thiserror::Error)]
pub enum IdentifiersError {
    #[error("--identifiers {}: cannot be read ({source})", path.display())]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "--identifiers {}: its header names none of the pseudonymised columns to move ({}); name them in the header, or give a plain list with --field",
        path.display(),
        expected.join(", ")
    )]
    NoColumn {
        path: PathBuf,
        expected: Vec<String>,
    },
    #[error(
        "--field {field}: no object to move has a pseudonymised column of that name ({})",
        expected.join(", ")
    )]
    NoField {
        field: String,
        expected: Vec<String>,
    },
    #[error("--identifiers {}: {problem}", path.display())]
    Source { path: PathBuf, problem: String },
}

/// Reads `file`, handing each identifier of a column in `columns` to `each(column,
/// value)`; returns how many were handed over.
pub fn read(
    file: &Identifiers,
    schema: &Schema,
    columns: &[String],
    mut each: impl FnMut(&str, &str),
) -> Result<u64, IdentifiersError> {
    let unreadable = |source| IdentifiersError::Unreadable {
        path: file.path.clone(),
        source,
    };
    let f = std::fs::File::open(&file.path).map_err(unreadable)?;
    if let Some(field) = &file.field {
        let mut n = 0;
        for line in BufReader::with_capacity(1 << 20, f).lines() {
            let line = line.map_err(unreadable)?;
            let value = line.trim_end_matches('\r');
            if !value.trim().is_empty() {
                each(field, value);
                n += 1;
            }
        }
        return Ok(n);
    }
    let mut reader = Reader::new(
        schema,
        ReaderOptions {
            dialect: DialectOptions::default(),
            encoding: Encoding::Auto,
            max_record_bytes: watt_core::reader::DEFAULT_MAX_RECORD_BYTES,
        },
    );
    let mut sink = Sink {
        columns,
        map: None,
        each: &mut each,
        problem: None,
        values: 0,
    };
    let mut f = f;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).map_err(unreadable)?;
        if n == 0 {
            break;
        }
        reader.push(&buf[..n], &mut sink);
        if reader.stopped() {
            break;
        }
    }
    reader.finish(&mut sink);
    if let Some(problem) = sink.problem {
        return Err(IdentifiersError::Source {
            path: file.path.clone(),
            problem,
        });
    }
    // A file naming none of these columns may name those of another batch ([`check`] has
    // made sure it names some).
    Ok(sink.values)
}

/// Checks that a CSV file of identifiers names a column to move (before anything changes).
pub fn check(
    file: &Identifiers,
    schema: &Schema,
    columns: &[String],
) -> Result<(), IdentifiersError> {
    if let Some(field) = &file.field {
        std::fs::File::open(&file.path).map_err(|source| IdentifiersError::Unreadable {
            path: file.path.clone(),
            source,
        })?;
        if !columns.contains(field) {
            return Err(IdentifiersError::NoField {
                field: field.clone(),
                expected: columns.to_vec(),
            });
        }
        return Ok(());
    }
    // The header is in the first bytes: read until it is known.
    let f = std::fs::File::open(&file.path).map_err(|source| IdentifiersError::Unreadable {
        path: file.path.clone(),
        source,
    })?;
    let mut head = Vec::new();
    f.take(1 << 20)
        .read_to_end(&mut head)
        .map_err(|source| IdentifiersError::Unreadable {
            path: file.path.clone(),
            source,
        })?;
    let mut reader = Reader::new(
        schema,
        ReaderOptions {
            dialect: DialectOptions::default(),
            encoding: Encoding::Auto,
            max_record_bytes: watt_core::reader::DEFAULT_MAX_RECORD_BYTES,
        },
    );
    let mut ignore = |_: &str, _: &str| {};
    let mut sink = Sink {
        columns,
        map: None,
        each: &mut ignore,
        problem: None,
        values: 0,
    };
    reader.push(&head, &mut sink);
    reader.finish(&mut sink);
    match &sink.map {
        Some(m) if m.iter().any(Option::is_some) => Ok(()),
        _ => Err(IdentifiersError::NoColumn {
            path: file.path.clone(),
            expected: columns.to_vec(),
        }),
    }
}

struct Sink<'a, F: FnMut(&str, &str)> {
    columns: &'a [String],
    /// For each column of the file: the column to move it names (from the header).
    map: Option<Vec<Option<usize>>>,
    each: &'a mut F,
    problem: Option<String>,
    values: u64,
}

impl<F: FnMut(&str, &str)> RecordSink for Sink<'_, F> {
    fn start(&mut self, _: &Dialect, _: &EncodingInfo) {}

    fn record(&mut self, rec: &Record<'_>) {
        if rec.is_empty() {
            return;
        }
        let Some(map) = &self.map else {
            self.map = Some(
                rec.fields()
                    .map(|name| self.columns.iter().position(|c| c == name.trim()))
                    .collect(),
            );
            return;
        };
        for (i, c) in map.iter().enumerate() {
            let Some(c) = c else { continue };
            if i >= rec.len() {
                break;
            }
            let value = rec.field(i);
            if !value.trim().is_empty() {
                (self.each)(&self.columns[*c], value);
                self.values += 1;
            }
        }
    }

    fn source_error(&mut self, problem: SourceProblem) {
        self.problem = Some(match problem {
            SourceProblem::RecordTooLarge { row, limit, .. } => {
                format!("row {row} is longer than {limit} bytes (an unclosed quote?)")
            }
            SourceProblem::UnterminatedQuote { row, .. } => {
                format!("the file ends inside a quoted cell begun in row {row}")
            }
            SourceProblem::Utf16 { probable } => {
                format!("the file looks like {probable}: convert it to UTF-8")
            }
            SourceProblem::Binary { byte } => {
                format!("a NUL byte at byte {byte}: not a CSV file")
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Schema {
        Schema::from_json(
            r#"{"fields": [{"name": "prm", "gdpr": {"category": "direct-identifier", "action": "pseudonymise", "domain": "meter"}},
                {"name": "kwh", "type": "number"}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn a_csv_of_identifiers_gives_the_columns_to_move_and_ignores_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("register.csv");
        std::fs::write(&path, "name;prm;kwh\nA;111;1,5\n\nB;222;2\nC;;3\n").unwrap();
        let file = Identifiers {
            path: path.clone(),
            field: None,
        };
        let columns = vec!["prm".to_owned(), "customer_id".to_owned()];
        let mut got = Vec::new();
        let n = read(&file, &schema(), &columns, |c, v| {
            got.push((c.to_owned(), v.to_owned()))
        })
        .unwrap();
        assert_eq!(n, 2);
        assert_eq!(
            got,
            [("prm".into(), "111".into()), ("prm".into(), "222".into())]
        );
        assert!(check(&file, &schema(), &columns).is_ok());
        let e = check(&file, &schema(), &["customer_id".to_owned()]).unwrap_err();
        assert!(
            e.to_string()
                .contains("names none of the pseudonymised columns to move (customer_id)"),
            "{e}"
        );
        assert!(!e.to_string().contains("111"));
    }

    #[test]
    fn a_plain_list_gives_one_identifier_per_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("meters.txt");
        std::fs::write(&path, "111\r\n\n 222 \n").unwrap();
        let file = Identifiers {
            path,
            field: Some("prm".into()),
        };
        let mut got = Vec::new();
        read(&file, &schema(), &[], |c, v| got.push(format!("{c}={v}"))).unwrap();
        assert_eq!(got, ["prm=111", "prm= 222 "]);
    }
}
