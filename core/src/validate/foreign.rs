//! Foreign keys: each row's key (the values of a `foreignKeys` entry's fields) must be the
//! key of some row of the referenced table — this same table (`"resource": ""`), or another
//! resource of a Data Package.
//!
//! As for `primaryKey` (see [`super::keys`]), the keys are 64-bit hashes of the cells'
//! canonical values in a [`KeySet`], spilled past the budget, so memory stays flat however
//! long the file: the referencing key of each row goes in with its row, each referenced key
//! goes in as row 0, and one sorted pass at the end finds the rows whose key has no row-0
//! pair. A key to this same table thus matches a row before or after it; a key to another
//! table gets that table's keys from a [`ReferenceReader`] fed its bytes first.
//!
//! As in Frictionless (frictionless-py 5.18), a row whose key cells are all empty is not
//! checked, nor is a referenced row whose key cells are all empty a key; a cell that is not
//! of its field's type counts as empty, one that breaks a constraint keeps its value. Values
//! compare as typed values (`01` and `1` are the same integer), so two fields of different
//! types never match.

use crate::pairs::{PairLog, SpillConfig};
use crate::reader::{Reader, Record, RecordSink, SourceProblem};
use crate::report::{EncodingInfo, ErrorCode, Finding};
use crate::schema::{ForeignKey, Schema};
use crate::{Dialect, Options};

use super::keys::{self, KeySet};
use super::{Cell, RowKind, Validator};

/// The key of an empty cell within a key of several cells (`("A", empty)` matches only
/// `("A", empty)`).
const EMPTY_CELL: u64 = 0x6e75_6c6c_6b65_7921;

/// The keys of one table, for the foreign keys of another (or several) that reference it,
/// made by a [`ReferenceReader`] and handed to [`crate::Checker::with_reference`].
#[derive(Debug)]
pub struct ReferencedKeys {
    keys: PairLog,
}

/// The state of one `foreignKeys` entry during a check.
#[derive(Debug)]
pub(super) struct ForeignCheck {
    /// Fields of this table that the key references, when it references this table.
    own_reference: Option<Vec<usize>>,
    /// Keys of the referenced table, given before the first chunk.
    given: Option<PairLog>,
    /// Referencing keys with their rows, referenced keys at row 0; made at the start of the
    /// reading, for the keys that can be checked.
    set: Option<KeySet>,
    /// The first error taking in the given keys: the key was not verified.
    failed: Option<String>,
}

/// The foreign keys of a check, one [`ForeignCheck`] per `foreignKeys` entry.
#[derive(Debug, Default)]
pub(super) struct ForeignChecks {
    checks: Vec<ForeignCheck>,
}

impl ForeignChecks {
    pub(super) fn new(schema: &Schema) -> ForeignChecks {
        let checks = (schema.foreign_keys.iter())
            .map(|fk| ForeignCheck {
                own_reference: fk.resource.is_empty().then(|| {
                    (fk.reference_fields.iter())
                        .filter_map(|n| schema.field_index(n))
                        .collect()
                }),
                given: None,
                set: None,
                failed: None,
            })
            .collect();
        ForeignChecks { checks }
    }

    /// Whether field `field`'s value is read by a foreign key.
    pub(super) fn reads(&self, schema: &Schema, field: usize) -> bool {
        (schema.foreign_keys.iter().zip(&self.checks)).any(|(fk, check)| {
            fk.fields.contains(&field)
                || check
                    .own_reference
                    .as_ref()
                    .is_some_and(|r| r.contains(&field))
        })
    }

    /// Gives foreign key `index` the keys of the table it references.
    pub(super) fn give(
        &mut self,
        index: usize,
        keys: ReferencedKeys,
    ) -> Result<(), ReferenceError> {
        let check = (self.checks.get_mut(index)).ok_or(ReferenceError::NoSuchKey(index + 1))?;
        if check.own_reference.is_some() {
            return Err(ReferenceError::SameTable(index + 1));
        }
        check.given = Some(keys.keys);
        Ok(())
    }

    /// Makes the sets of the keys that can be checked (called once, at the start).
    pub(super) fn start(&mut self, show_values: bool, spill: Option<&SpillConfig>) {
        for check in &mut self.checks {
            if check.own_reference.is_none() && check.given.is_none() {
                continue;
            }
            let mut set = KeySet::new(show_values, spill.cloned());
            if let Some(given) = check.given.take() {
                if let Err(e) = set.absorb_referenced(given) {
                    check.failed = Some(e);
                }
            }
            check.set = Some(set);
        }
    }

    pub(super) fn reserve(&mut self, more: usize) {
        for set in self.checks.iter_mut().filter_map(|c| c.set.as_mut()) {
            set.reserve(more);
        }
    }

    /// Notes for the keys to other tables that were not given their keys (a file checked
    /// on its own, outside its Data Package).
    pub(super) fn notes(&self, schema: &Schema) -> Vec<String> {
        (schema.foreign_keys.iter().zip(&self.checks))
            .filter(|(_, c)| c.own_reference.is_none() && c.set.is_none() && c.given.is_none())
            .map(|(fk, _)| {
                format!(
                    "the foreign key ({}) to resource {:?} was not checked: it needs that table (check the Data Package: watt check datapackage.json)",
                    field_names(schema, fk),
                    fk.resource
                )
            })
            .collect()
    }
}

/// The key of `fields` in a record, or `None` when every one of its cells is empty (or not
/// of its type).
fn row_key(
    fields: &[usize],
    cells: &[Cell],
    columns: &[Option<usize>],
    rec: &Record<'_>,
) -> Option<u64> {
    let mut any = false;
    let key = keys::combine(fields.iter().map(|&f| {
        match (
            cells.get(f).and_then(|c| c.value()),
            columns.get(f).copied().flatten(),
        ) {
            (Some(v), Some(col)) => {
                any = true;
                v.key(rec.field(col))
            }
            _ => EMPTY_CELL,
        }
    }));
    any.then_some(key)
}

/// `a, b`: the names of a key's fields.
fn field_names(schema: &Schema, fk: &ForeignKey) -> String {
    (fk.fields.iter())
        .map(|&f| schema.fields[f].name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Validator {
    /// Records the row's keys for every foreign key being checked (after the row's cells
    /// are read).
    pub(super) fn check_foreign_keys(&mut self, rec: &Record<'_>) {
        let fks = &self.schema.foreign_keys;
        for (fk, check) in fks.iter().zip(&mut self.foreign.checks) {
            let Some(set) = check.set.as_mut() else {
                continue;
            };
            if let Some(own) = &check.own_reference {
                if let Some(key) = row_key(own, &self.cells, &self.field_column, rec) {
                    set.insert_referenced(key);
                }
            }
            if let Some(key) = row_key(&fk.fields, &self.cells, &self.field_column, rec) {
                let text = if self.show_values {
                    (fk.fields.iter())
                        .map(|&f| match self.field_column[f] {
                            Some(col) if col < rec.len() => rec.field(col),
                            _ => "",
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                } else {
                    String::new()
                };
                set.insert(key, rec.number, rec.start, &text);
            }
        }
    }

    /// Finds the rows whose key has no match, as `foreign-key` findings in `deferred`.
    pub(super) fn resolve_foreign_keys(&mut self, keep: usize, deferred: &mut Vec<Finding>) {
        let checks = std::mem::take(&mut self.foreign.checks);
        for (fk, check) in self.schema.foreign_keys.iter().zip(checks) {
            let Some(set) = check.set else {
                continue;
            };
            let found = match check.failed {
                Some(e) => Err(e),
                None => set.finish_unmatched(keep),
            };
            let Some(missing) = Self::key_result(&mut self.findings, found) else {
                continue;
            };
            self.findings.count(ErrorCode::ForeignKey, missing.total);
            let names = field_names(&self.schema, fk);
            let target = if fk.resource.is_empty() {
                "this table".to_owned()
            } else {
                format!("resource {:?}", fk.resource)
            };
            let message = format!(
                "foreign key ({names}) not found in {target} as ({})",
                fk.reference_fields.join(", ")
            );
            deferred.extend(missing.first.into_iter().map(|d| Finding {
                code: ErrorCode::ForeignKey,
                row_number: Some(d.row),
                field_name: None,
                field_number: None,
                byte: d.byte,
                message: message.clone(),
                cell: d.text,
            }));
        }
    }
}

/// Why referenced keys cannot be given to a checker.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    /// The schema has fewer foreign keys (numbered from 1).
    #[error("the schema has no foreign key #{0}")]
    NoSuchKey(usize),
    /// The key references the checked table itself, whose keys are read with it.
    #[error("foreign key #{0} references this same table: its keys are read with it")]
    SameTable(usize),
}

/// Why a [`ReferenceReader`] cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the referenced table has no field {0:?}")]
pub struct UnknownField(pub String);

/// Reads the keys of a referenced table from its bytes, fed in chunks like a
/// [`crate::Checker`] (same reader, same parsing of values), for the foreign keys of other
/// tables: each key is a list of the referenced table's field names.
///
/// ```
/// use watt_core::{Checker, ErrorCode, Options, Schema};
/// use watt_core::validate::ReferenceReader;
/// let sites = Schema::from_json(r#"{"fields": [{"name": "id", "type": "integer"}]}"#)?;
/// let readings = Schema::from_json(r#"{"fields": [{"name": "site", "type": "integer"}],
///     "foreignKeys": [{"fields": "site", "reference": {"resource": "sites", "fields": "id"}}]}"#)?;
/// let mut reader = ReferenceReader::new(&sites, &[vec!["id".into()]], Options::default()).unwrap();
/// reader.push(b"id\n1\n2\n");
/// let keys = reader.finish().pop().unwrap();
/// let mut checker = Checker::new(&readings, Options::default()).with_reference(0, keys).unwrap();
/// checker.push(b"site\n2\n3\n01\n");
/// let report = checker.finish();
/// assert_eq!(report.error_counts[&ErrorCode::ForeignKey], 1);
/// assert_eq!(report.findings[0].row_number, Some(3));
/// # Ok::<(), watt_core::SchemaError>(())
/// ```
#[derive(Debug)]
pub struct ReferenceReader {
    reader: Reader,
    sink: KeyCollector,
}

#[derive(Debug)]
struct KeyCollector {
    validator: Validator,
    /// The fields of each key, and its keys so far.
    keys: Vec<(Vec<usize>, PairLog)>,
}

impl ReferenceReader {
    /// A reader of the keys `keys` (field names of `schema`) of a table read with
    /// `options`.
    pub fn new(
        schema: &Schema,
        keys: &[Vec<String>],
        options: Options,
    ) -> Result<ReferenceReader, UnknownField> {
        let keys = (keys.iter())
            .map(|names| {
                let fields = (names.iter())
                    .map(|n| schema.field_index(n).ok_or_else(|| UnknownField(n.clone())))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((fields, PairLog::new(None)))
            })
            .collect::<Result<Vec<_>, _>>()?;
        // Only the values are wanted: no key sets of the table's own, no findings kept.
        let mut values_only = schema.clone();
        values_only.primary_key.clear();
        values_only.foreign_keys.clear();
        for field in &mut values_only.fields {
            field.constraints.unique = false;
        }
        let options = Options {
            max_findings: 0,
            show_values: false,
            ..options
        };
        let mut validator = Validator::new(&values_only, &options);
        validator.keep_all_cells();
        Ok(ReferenceReader {
            reader: Reader::new(&values_only, options.reader_options()),
            sink: KeyCollector { validator, keys },
        })
    }

    /// Keeps the keys in `spill` past its budget (before the first chunk). Give the checker
    /// of the referencing table the same spill: the keys then change hands without being
    /// read back.
    pub fn with_spill(mut self, spill: SpillConfig) -> ReferenceReader {
        for (_, log) in &mut self.sink.keys {
            *log = PairLog::new(Some(spill.clone()));
        }
        self
    }

    /// Feeds the next chunk, cut anywhere.
    pub fn push(&mut self, chunk: &[u8]) {
        self.reader.push(chunk, &mut self.sink);
    }

    /// Whether a source error has stopped the reading (the rest would not be read).
    pub fn stopped(&self) -> bool {
        self.reader.stopped()
    }

    /// Ends the input: the keys, one [`ReferencedKeys`] per key asked for, in order.
    pub fn finish(mut self) -> Vec<ReferencedKeys> {
        self.reader.finish(&mut self.sink);
        (self.sink.keys.into_iter())
            .map(|(_, keys)| ReferencedKeys { keys })
            .collect()
    }
}

impl RecordSink for KeyCollector {
    fn start(&mut self, dialect: &Dialect, encoding: &EncodingInfo) {
        self.validator.start(dialect, encoding);
    }

    fn record(&mut self, rec: &Record<'_>) {
        self.validator.record(rec);
        if self.validator.kind() != RowKind::Data {
            return;
        }
        let (cells, columns) = (self.validator.cells(), self.validator.field_column());
        for (fields, log) in &mut self.keys {
            if let Some(key) = row_key(fields, cells, columns, rec) {
                log.push(key, 0);
            }
        }
    }

    fn source_error(&mut self, problem: SourceProblem) {
        self.validator.source_error(problem);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::Checker;
    use crate::pairs::MemorySpill;
    use crate::report::Report;

    fn schema(json: &str) -> Schema {
        Schema::from_json(json).expect("valid schema")
    }

    fn check(schema: &Schema, options: Options, data: &[u8]) -> Report {
        let mut checker = Checker::new(schema, options);
        checker.push(data);
        checker.finish()
    }

    /// `(code, row)` of every finding.
    fn found(report: &Report) -> Vec<(&'static str, u64)> {
        (report.findings.iter())
            .map(|f| (f.code.as_str(), f.row_number.unwrap_or(0)))
            .collect()
    }

    fn memory_spill(budget_bytes: usize) -> SpillConfig {
        SpillConfig {
            spill: Arc::new(Mutex::new(MemorySpill::default())),
            budget_bytes,
        }
    }

    const TREE: &str = r#"{"fields": [{"name": "id", "type": "integer"},
        {"name": "parent", "type": "integer"}, {"name": "a"}, {"name": "b", "type": "integer"}],
        "foreignKeys": [{"fields": "parent", "reference": {"resource": "", "fields": "id"}},
            {"fields": ["a", "b"], "reference": {"resource": "", "fields": ["a", "id"]}}]}"#;

    /// frictionless-py 5.18.1 on this file and schema reports: foreign-key row 4 (parent 9),
    /// foreign-key row 4 ((y, None)), type-error row 7 field 2, foreign-key row 7 ((q, 1)),
    /// foreign-key row 8 ((z, 3)); no field number on foreign-key errors.
    const TREE_CSV: &[u8] =
        b"id,parent,a,b\n1,,x,1\n2,1,x,2\n3,9,y,\n4,5,,\n5,2,z,7\n6,x,q,1\n7,4,z,3\n";

    #[test]
    fn a_key_to_the_same_table_matches_rows_before_and_after_as_frictionless_does() {
        let report = check(&schema(TREE), Options::default(), TREE_CSV);
        assert_eq!(
            found(&report),
            [
                ("foreign-key", 4),
                ("foreign-key", 4),
                ("type-error", 7),
                ("foreign-key", 7),
                ("foreign-key", 8)
            ]
        );
        assert_eq!(report.error_counts[&ErrorCode::ForeignKey], 4);
        let f = &report.findings[0];
        assert_eq!((f.field_name.as_deref(), f.field_number), (None, None));
        assert_eq!(
            f.message,
            "foreign key (parent) not found in this table as (id)"
        );
        assert_eq!(f.byte, 29, "the row's start");
        assert_eq!(f.cell, None, "no value without --show-values");
        assert_eq!(
            report.findings[1].message,
            "foreign key (a, b) not found in this table as (a, id)"
        );
        assert!(report.notes.is_empty(), "{:?}", report.notes);
    }

    #[test]
    fn values_are_shown_only_when_asked() {
        let options = Options {
            show_values: true,
            ..Options::default()
        };
        let report = check(&schema(TREE), options, TREE_CSV);
        let cells: Vec<_> = (report.findings.iter())
            .filter(|f| f.code == ErrorCode::ForeignKey)
            .map(|f| f.cell.as_deref().unwrap_or("-"))
            .collect();
        assert_eq!(cells, ["9", "y, ", "q, 1", "z, 3"]);
    }

    #[test]
    fn a_key_to_another_table_is_noted_when_its_keys_are_not_given() {
        let s = schema(
            r#"{"fields": [{"name": "site"}], "foreignKeys": [{"fields": "site",
                "reference": {"resource": "sites", "fields": "id"}}]}"#,
        );
        let report = check(&s, Options::default(), b"site\nS1\n");
        assert!(report.valid);
        assert_eq!(
            report.notes,
            [
                "the foreign key (site) to resource \"sites\" was not checked: it needs that table (check the Data Package: watt check datapackage.json)"
            ]
        );
    }

    fn referenced(
        schema: &Schema,
        keys: &[Vec<String>],
        data: &[u8],
        cut: usize,
    ) -> Vec<ReferencedKeys> {
        let mut reader = ReferenceReader::new(schema, keys, Options::default()).expect("fields");
        reader.push(&data[..cut]);
        reader.push(&data[cut..]);
        reader.finish()
    }

    #[test]
    fn keys_of_another_table_are_read_as_typed_values() {
        let sites = schema(
            r#"{"fields": [{"name": "id", "type": "integer", "constraints": {"maximum": 5}},
                {"name": "zone"}], "primaryKey": "id"}"#,
        );
        let readings = schema(
            r#"{"fields": [{"name": "site", "type": "integer"}, {"name": "zone"}],
                "foreignKeys": [{"fields": "site", "reference": {"resource": "sites", "fields": "id"}},
                {"fields": ["site", "zone"], "reference": {"resource": "sites", "fields": ["id", "zone"]}}]}"#,
        );
        // Site 7 breaks its maximum (a value all the same); "x" is not an integer (no key).
        let data = b"id,zone\n1,A\n02,B\n7,\nx,C\n";
        let keys = vec![
            vec!["id".to_owned()],
            vec!["id".to_owned(), "zone".to_owned()],
        ];
        for cut in [0, 5, 13, data.len()] {
            let mut given = referenced(&sites, &keys, data, cut).into_iter();
            let mut checker = Checker::new(&readings, Options::default());
            for (i, keys) in given.by_ref().enumerate() {
                checker = checker
                    .with_reference(i, keys)
                    .expect("a key to another table");
            }
            checker.push(b"site,zone\n1,A\n2,B\n7,\n,C\n3,A\n1,B\n");
            let report = checker.finish();
            assert_eq!(
                found(&report),
                [("foreign-key", 6), ("foreign-key", 6), ("foreign-key", 7)],
                "cut at {cut}"
            );
            assert!(report.notes.is_empty());
        }
        assert_eq!(
            ReferenceReader::new(&sites, &[vec!["nope".into()]], Options::default()).unwrap_err(),
            UnknownField("nope".into())
        );
        let keys = referenced(&sites, &[vec!["id".into()]], data, 0)
            .pop()
            .expect("one");
        let tree = schema(TREE);
        assert_eq!(
            Checker::new(&tree, Options::default())
                .with_reference(0, keys)
                .unwrap_err(),
            ReferenceError::SameTable(1)
        );
    }

    /// A self-referencing key on a file whose keys are many times the spill budget: the
    /// sets go to the spill and the report is the one made in memory.
    #[test]
    fn a_file_larger_than_the_spill_budget_gives_the_in_memory_report() {
        let s = schema(
            r#"{"fields": [{"name": "id", "type": "integer"}, {"name": "parent", "type": "integer"}],
                "primaryKey": "id",
                "foreignKeys": [{"fields": "parent", "reference": {"resource": "", "fields": "id"}}]}"#,
        );
        let mut data = b"id,parent\n".to_vec();
        let rows = 60_000u64;
        for i in 0..rows {
            // Parents after and before the row; every 997th names an id that is not there.
            let parent = if i % 997 == 5 {
                rows + i
            } else {
                (i * 7919) % rows
            };
            data.extend_from_slice(format!("{i},{parent}\n").as_bytes());
        }
        let options = Options {
            max_findings: 20,
            ..Options::default()
        };
        let memory = check(&s, options.clone(), &data);
        let budget = 4096 * 16;
        let spill = memory_spill(budget);
        let mut checker = Checker::new(&s, options).with_spill(spill.clone());
        for chunk in data.chunks(7777) {
            checker.push(chunk);
        }
        let spilled = checker.finish();
        // Appending nothing says how much was written.
        let written = spill.spill.lock().unwrap().append(&[]).unwrap() as usize;
        assert!(written > 4 * budget, "the keys went to the spill");
        let missing = (0..rows).filter(|i| i % 997 == 5).count() as u64;
        assert_eq!(memory.error_counts[&ErrorCode::ForeignKey], missing);
        assert_eq!(memory.findings.len(), 20);
        assert_eq!(memory.findings[0].row_number, Some(7));
        assert_eq!(
            serde_json::to_value(&spilled).unwrap(),
            serde_json::to_value(&memory).unwrap()
        );
    }
}
