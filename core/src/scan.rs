//! Scanning: where is personal data that the schema does not declare?
//!
//! A [`Scanner`] runs the minimisation engine without a key and without output. It searches
//! every column declared `non-personal`, every column without a `gdpr` policy and every
//! column the schema does not know, with the detectors of [`crate::pii`], and measures the
//! k-anonymity the minimised output would have. It answers "can this file be shared as the
//! schema says?" before anything is written.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::gdpr::Category;
use crate::minimise::{Engine, Mode};
use crate::pii::PiiKind;
use crate::reader::Reader;
use crate::report::Report;
use crate::schema::Schema;
use crate::validate::Options;

/// Personal data found where the schema does not expect it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanReport {
    /// Whether any scanned column holds personal data.
    pub personal_data_found: bool,
    pub fields: Vec<ScannedField>,
}

/// One scanned column: counts only, never values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScannedField {
    /// The field name, or `column N` for a column the schema does not have.
    pub name: String,
    /// 1-based column in the file (none when the file lacks the field).
    pub column: Option<usize>,
    /// The declared category (`None`: not declared).
    pub declared: Option<Category>,
    pub cells_scanned: u64,
    pub cells_with_pii: u64,
    pub pii: BTreeMap<PiiKind, u64>,
}

/// Scans a CSV file fed in chunks. Needs no key and no complete policy.
///
/// ```
/// use watt_core::{scan::Scanner, Options, Schema};
/// let schema = Schema::from_json(r#"{"fields": [{"name": "tariff"}, {"name": "note",
///     "gdpr": {"category": "non-personal", "action": "keep"}}]}"#)?;
/// let mut scanner = Scanner::new(&schema, Options::default());
/// scanner.push(b"tariff,note\nBASE,rappeler au 06 12 34 56 78\n");
/// let scan = scanner.finish().scan.expect("scan section");
/// assert!(scan.personal_data_found);
/// assert_eq!(scan.fields[1].pii[&watt_core::pii::PiiKind::Phone], 1);
/// # Ok::<(), watt_core::SchemaError>(())
/// ```
#[derive(Debug)]
pub struct Scanner {
    reader: Reader,
    engine: Engine,
}

impl Scanner {
    pub fn new(schema: &Schema, options: Options) -> Scanner {
        Scanner {
            reader: Reader::new(schema, options.reader_options()),
            engine: Engine::new(schema, &options, Mode::Scan, None),
        }
    }

    /// Keeps the state that grows with the file in `spill` past its budget (see
    /// [`crate::Minimiser::with_spill`]).
    pub fn with_spill(mut self, spill: crate::pairs::SpillConfig) -> Scanner {
        self.engine.set_spill(spill);
        self
    }

    pub fn push(&mut self, chunk: &[u8]) {
        self.reader.push(chunk, &mut self.engine);
    }

    pub fn bytes_read(&self) -> u64 {
        self.reader.bytes()
    }

    /// Whether a source error has stopped the reading (see [`crate::Checker::stopped`]).
    pub fn stopped(&self) -> bool {
        self.reader.stopped()
    }

    /// The report: validation, the minimisation summary (with k-anonymity) and the scan.
    pub fn finish(mut self) -> Report {
        self.reader.finish(&mut self.engine);
        self.engine.into_report(self.reader.bytes())
    }
}
