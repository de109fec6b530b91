//! Frictionless Table Schema v1, loaded from JSON into a checked model.
//!
//! Table Schema lets a schema and its fields carry properties of their own (`x-unit`,
//! `description@en`, `rdfType`, a portal's `tablename`...): watt accepts them, checks
//! nothing in them, and keeps them in [`Schema::extra`] and [`Field::extra`] so that what
//! writes a schema back out loses none of them.
//!
//! Loading is otherwise strict on purpose: a typo such as `"minimun"` or `"contraints"`
//! would switch a check off without anyone noticing. So a property that is a likely typo
//! of a known one (`requried`, `constraint`, `primarykey`), a known one in the wrong place
//! (`required` on the field instead of inside `constraints`, `primaryKey` on a field), an
//! unknown constraint, an unknown type and a value of the wrong kind are errors that name
//! the field and the problem, with a "did you mean" hint; the `gdpr` objects accept no
//! property of their own at all (see [`crate::gdpr`]). `foreignKeys` are loaded into
//! [`ForeignKey`]s: a key to this same table is checked with the file, a key to another
//! resource when the file is checked within its Data Package.
//!
//! Each field may also carry a `gdpr` object (see [`crate::gdpr`]); the schema itself may
//! carry dataset-level `gdpr` facts.
//!
//! A schema is input like any other, and may be hostile: loading takes time and memory in
//! proportion to the text, and the text, the number of fields, the enum members and the
//! patterns are bounded ([`MAX_SCHEMA_BYTES`], [`MAX_FIELDS`], [`MAX_ENUM_MEMBERS`],
//! [`MAX_PATTERN_BYTES`], [`MAX_PATTERNS_MEMORY`]). A key written twice in one object is
//! refused rather than resolved silently (which of two `"action"`s applies is a policy
//! question, not a parsing one).

use std::collections::HashMap;
use std::fmt;

use serde_json::{Map, Value as Json};
use sha2::{Digest, Sha256};

use crate::gdpr::{DatasetPolicy, FieldPolicy};
use crate::json;
use crate::value::{
    GeoJsonFormat, GeoPointFormat, NumberStyle, TemporalFormat, Value, ValueParser,
};

/// Longest schema text: hand-written schemas are a few KiB, and a generous enum (the 35 000
/// French commune codes) a few hundred.
pub const MAX_SCHEMA_BYTES: usize = 8 << 20;
/// Most values (strings, numbers, arrays, objects...) in the schema's JSON, which bounds the
/// memory of the document read before it is checked.
pub const MAX_JSON_VALUES: usize = 500_000;
/// Most objects in the schema's JSON (a field, its constraints and its gdpr policy are
/// three).
pub const MAX_JSON_OBJECTS: usize = 50_000;
/// Most fields in a schema.
pub const MAX_FIELDS: usize = 10_000;
/// Most `enum` members, all fields together.
pub const MAX_ENUM_MEMBERS: usize = 100_000;
/// Longest `pattern`, in bytes of its text.
pub const MAX_PATTERN_BYTES: usize = 4096;
/// Most memory the compiled patterns of a schema may take, all fields together (each one is
/// also bounded by [`crate::pattern::SIZE_LIMIT`]).
pub const MAX_PATTERNS_MEMORY: usize = 64 << 20;

/// Why a schema could not be loaded. Every variant names where the problem is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    /// The text is not JSON at all.
    #[error("schema is not valid JSON (line {line}, column {column}): {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    /// A schema-level property is missing, unknown or of the wrong kind.
    #[error("schema: {problem}")]
    Schema { problem: String },
    /// A field declaration is wrong.
    #[error("field {name:?} (#{number}): {problem}")]
    Field {
        /// Field name, or `"?"` when the name itself is the problem.
        name: String,
        /// 1-based position of the field in `fields`.
        number: usize,
        problem: String,
    },
    /// A field's `gdpr` policy is wrong.
    #[error("field {name:?}: gdpr: {problem}")]
    Gdpr { name: String, problem: String },
    /// A key is written twice in one JSON object: which one applies would be a guess.
    #[error(
        "schema: the key {key:?} is written twice in the same object (line {line}, column {column}); keep one"
    )]
    DuplicateKey {
        key: String,
        line: usize,
        column: usize,
    },
}

impl SchemaError {
    fn schema(problem: impl Into<String>) -> Self {
        SchemaError::Schema {
            problem: problem.into(),
        }
    }
}

/// A loaded, checked Table Schema.
#[derive(Debug, Clone)]
pub struct Schema {
    /// The fields, in declaration order.
    pub fields: Vec<Field>,
    /// Strings read as "no value" (Table Schema `missingValues`, default `[""]`).
    pub missing_values: Vec<String>,
    /// Indices into `fields` of the primary key, in key order (empty when none).
    pub primary_key: Vec<usize>,
    /// Dataset-level GDPR facts, when the schema declares them.
    pub gdpr: Option<DatasetPolicy>,
    /// Things the schema declares that watt does not check, said out loud in reports.
    pub notes: Vec<String>,
    /// SHA-256 of the schema text, hex, so a manifest can name the exact schema used.
    pub sha256: String,
    /// The schema's `name`, when it gives one as a string.
    pub name: Option<String>,
    /// The schema's own properties, which watt does not read (`x-...`, `tablename`...), as
    /// written: kept for whatever writes the schema back out.
    pub extra: Map<String, Json>,
    /// The `foreignKeys`, in declaration order.
    pub foreign_keys: Vec<ForeignKey>,
}

/// A `foreignKeys` entry: the values of `fields` in a row must be the values of
/// `reference_fields` in some row of the referenced resource (rows whose key cells are all
/// empty are not checked, as in Frictionless).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    /// Indices into the schema's `fields`, in key order.
    pub fields: Vec<usize>,
    /// The referenced resource's name; empty for this same table.
    pub resource: String,
    /// Names of the referenced fields, in key order (as many as `fields`).
    pub reference_fields: Vec<String>,
}

/// The type of a field and its format.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldType {
    String(StringFormat),
    Integer,
    Number,
    Boolean,
    Date(TemporalFormat),
    Time(TemporalFormat),
    DateTime(TemporalFormat),
    Year,
    YearMonth,
    Object,
    Array,
    /// An ISO 8601 duration (see [`crate::value::duration`]).
    Duration,
    /// A longitude and a latitude (see [`crate::value::geo`]).
    GeoPoint(GeoPointFormat),
    /// A GeoJSON or TopoJSON object, its structure checked (see [`crate::value::geo`]).
    GeoJson(GeoJsonFormat),
    Any,
}

impl FieldType {
    /// The Table Schema name of the type.
    pub fn name(&self) -> &'static str {
        match self {
            FieldType::String(_) => "string",
            FieldType::Integer => "integer",
            FieldType::Number => "number",
            FieldType::Boolean => "boolean",
            FieldType::Date(_) => "date",
            FieldType::Time(_) => "time",
            FieldType::DateTime(_) => "datetime",
            FieldType::Year => "year",
            FieldType::YearMonth => "yearmonth",
            FieldType::Object => "object",
            FieldType::Array => "array",
            FieldType::Duration => "duration",
            FieldType::GeoPoint(_) => "geopoint",
            FieldType::GeoJson(_) => "geojson",
            FieldType::Any => "any",
        }
    }

    /// The Table Schema `format`, or `None` for `default`.
    pub fn format(&self) -> Option<String> {
        match self {
            FieldType::String(StringFormat::Default) => None,
            FieldType::String(f) => Some(f.name().to_owned()),
            FieldType::Date(f) | FieldType::Time(f) | FieldType::DateTime(f) => match f {
                TemporalFormat::Default => None,
                TemporalFormat::Any => Some("any".to_owned()),
                TemporalFormat::Pattern(p) => Some(p.clone()),
            },
            FieldType::GeoPoint(GeoPointFormat::Array) => Some("array".to_owned()),
            FieldType::GeoPoint(GeoPointFormat::Object) => Some("object".to_owned()),
            FieldType::GeoJson(GeoJsonFormat::TopoJson) => Some("topojson".to_owned()),
            _ => None,
        }
    }
}

/// Formats of the `string` type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StringFormat {
    Default,
    Email,
    Uri,
    Uuid,
    Binary,
}

impl StringFormat {
    pub fn name(self) -> &'static str {
        match self {
            StringFormat::Default => "default",
            StringFormat::Email => "email",
            StringFormat::Uri => "uri",
            StringFormat::Uuid => "uuid",
            StringFormat::Binary => "binary",
        }
    }
}

/// One field of the schema.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub field_type: FieldType,
    /// How numbers are written (decimal and group characters, bare or not).
    pub number_style: NumberStyle,
    /// Strings read as `true` / `false` for boolean fields.
    pub true_values: Vec<String>,
    pub false_values: Vec<String>,
    pub constraints: Constraints,
    /// The field's GDPR policy, when declared.
    pub gdpr: Option<FieldPolicy>,
    /// The field's own properties, which watt does not read (`x-unit`, `description@en`,
    /// `rdfType`...), as written: kept for whatever writes the schema back out.
    pub extra: Map<String, Json>,
}

impl Field {
    /// A parser for this field's values, using the number style given (which may differ
    /// from the declared one when the dialect detected a decimal comma).
    pub fn parser(&self, number_style: NumberStyle) -> ValueParser {
        ValueParser::new(
            self.field_type.clone(),
            number_style,
            self.true_values.clone(),
            self.false_values.clone(),
        )
    }

    /// Whether the decimal character was written in the schema (so detection must not
    /// override it).
    pub fn declares_decimal_char(&self) -> bool {
        self.number_style.declared
    }
}

/// Checked constraints of a field. Bounds are already parsed into values of the field type.
#[derive(Debug, Clone, Default)]
pub struct Constraints {
    pub required: bool,
    pub unique: bool,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub minimum: Option<Bound>,
    pub maximum: Option<Bound>,
    pub exclusive_minimum: Option<Bound>,
    pub exclusive_maximum: Option<Bound>,
    pub pattern: Option<Pattern>,
    pub enumeration: Option<Vec<Bound>>,
}

/// A constraint bound: the typed value and how the schema wrote it (for messages).
#[derive(Debug, Clone)]
pub struct Bound {
    pub value: Value,
    pub text: String,
}

pub use crate::pattern::{Pattern, PatternCache};

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

const SCHEMA_KEYS: &[&str] = &[
    "fields",
    "missingValues",
    "primaryKey",
    "foreignKeys",
    "gdpr",
    "$schema",
    "name",
    "title",
    "description",
    "profile",
    "version",
];

const FIELD_KEYS: &[&str] = &[
    "name",
    "title",
    "description",
    "example",
    "type",
    "format",
    "constraints",
    "trueValues",
    "falseValues",
    "decimalChar",
    "groupChar",
    "bareNumber",
    "rdfType",
    "gdpr",
];

/// The properties of [`Schema`] and [`Field`] read into their members; all the others,
/// known or custom, are kept in `extra` as written.
const SCHEMA_READ: &[&str] = &["fields", "missingValues", "primaryKey", "gdpr", "name"];
const FIELD_READ: &[&str] = &[
    "name",
    "title",
    "description",
    "type",
    "format",
    "constraints",
    "trueValues",
    "falseValues",
    "decimalChar",
    "groupChar",
    "bareNumber",
    "gdpr",
];

/// Properties that belong to the schema: on a field they are misplaced.
const SCHEMA_ONLY_KEYS: &[&str] = &["fields", "primaryKey", "foreignKeys", "missingValues"];

/// Properties close to a known one that other specifications use with a meaning of their
/// own: kept as custom properties, not taken for typos.
const NOT_TYPOS: &[&str] = &["examples"];

const CONSTRAINT_KEYS: &[&str] = &[
    "required",
    "unique",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "pattern",
    "enum",
];

impl Schema {
    /// Loads a Table Schema from its JSON text.
    ///
    /// ```
    /// let err = watt_core::Schema::from_json(
    ///     r#"{"fields": [{"name": "kwh", "type": "numbr"}]}"#).unwrap_err();
    /// assert_eq!(err.to_string(), "field \"kwh\" (#1): unknown type \"numbr\" \
    ///     (expected one of string, integer, number, boolean, date, time, datetime, \
    ///     year, yearmonth, object, array, duration, geopoint, geojson, any)");
    /// ```
    pub fn from_json(text: &str) -> Result<Schema, SchemaError> {
        if text.len() > MAX_SCHEMA_BYTES {
            return Err(SchemaError::schema(format!(
                "the schema is larger than {} MiB (the limit)",
                MAX_SCHEMA_BYTES >> 20
            )));
        }
        let limits = json::Limits {
            values: MAX_JSON_VALUES,
            objects: MAX_JSON_OBJECTS,
        };
        let json = json::parse(text, limits).map_err(|e| {
            let (line, column) = (e.json.line(), e.json.column());
            match e.refusal {
                Some(json::Refusal::DuplicateKey(key)) => SchemaError::DuplicateKey {
                    key: shortened(&key),
                    line,
                    column,
                },
                Some(json::Refusal::TooManyValues(n)) => SchemaError::schema(format!(
                    "more than {n} JSON values (the limit), at line {line}, column {column}"
                )),
                Some(json::Refusal::TooManyObjects(n)) => SchemaError::schema(format!(
                    "more than {n} JSON objects (the limit), at line {line}, column {column}"
                )),
                None => SchemaError::Json {
                    line,
                    column,
                    message: strip_position(&e.json.to_string()),
                },
            }
        })?;
        let Json::Object(obj) = json else {
            return Err(SchemaError::schema("the schema must be a JSON object"));
        };
        let mut schema = Self::from_object(&obj)?;
        schema.sha256 = crate::codec::hex_lower(&Sha256::digest(text.as_bytes()));
        Ok(schema)
    }

    fn from_object(obj: &Map<String, Json>) -> Result<Schema, SchemaError> {
        let extra = custom_properties(obj, SCHEMA_KEYS, SCHEMA_READ, Place::Schema)
            .map_err(SchemaError::schema)?;
        let missing_values = match obj.get("missingValues") {
            None => vec![String::new()],
            Some(v) => string_list(v)
                .ok_or_else(|| SchemaError::schema("missingValues must be an array of strings"))?,
        };
        let raw_fields = match obj.get("fields") {
            Some(Json::Array(a)) => a,
            Some(_) => return Err(SchemaError::schema("fields must be an array")),
            None => return Err(SchemaError::schema("fields is missing")),
        };
        if raw_fields.is_empty() {
            return Err(SchemaError::schema("fields is empty"));
        }
        if raw_fields.len() > MAX_FIELDS {
            return Err(SchemaError::schema(format!(
                "fields has {} entries; watt reads at most {MAX_FIELDS}",
                raw_fields.len()
            )));
        }
        let mut fields: Vec<Field> = Vec::with_capacity(raw_fields.len());
        let mut index: HashMap<String, usize> = HashMap::with_capacity(raw_fields.len());
        let mut budget = Budget::default();
        for (i, raw) in raw_fields.iter().enumerate() {
            let field = load_field(raw, i + 1, &mut budget)?;
            if index.contains_key(&field.name) {
                return Err(SchemaError::Field {
                    name: field.name,
                    number: i + 1,
                    problem: "the name is used by another field".into(),
                });
            }
            index.insert(field.name.clone(), i);
            fields.push(field);
        }
        let primary_key = match obj.get("primaryKey") {
            None => Vec::new(),
            Some(v) => {
                let names = match v {
                    Json::String(s) => vec![s.clone()],
                    other => string_list(other).ok_or_else(|| {
                        SchemaError::schema("primaryKey must be a field name or an array of names")
                    })?,
                };
                let mut idx = Vec::with_capacity(names.len());
                for n in names {
                    let i = *index.get(&n).ok_or_else(|| {
                        SchemaError::schema(format!("primaryKey names {n:?}, which is not a field"))
                    })?;
                    idx.push(i);
                }
                idx
            }
        };
        let foreign_keys = match obj.get("foreignKeys") {
            None => Vec::new(),
            Some(v) => foreign_keys(v, &index)?,
        };
        let gdpr = match obj.get("gdpr") {
            None => None,
            Some(v) => Some(DatasetPolicy::from_json(v, &fields)?),
        };
        let name = obj.get("name").and_then(Json::as_str).map(str::to_owned);
        Ok(Schema {
            fields,
            missing_values,
            primary_key,
            gdpr,
            notes: Vec::new(),
            sha256: String::new(),
            name,
            extra,
            foreign_keys,
        })
    }

    /// The field with this name.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Position of the field with this name.
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }
}

/// What is left of the schema-wide bounds as the fields load.
#[derive(Debug)]
struct Budget {
    enum_members: usize,
    patterns_memory: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            enum_members: MAX_ENUM_MEMBERS,
            patterns_memory: MAX_PATTERNS_MEMORY,
        }
    }
}

impl Budget {
    fn take_enum_members(&mut self, n: usize) -> Result<(), String> {
        self.enum_members = self.enum_members.checked_sub(n).ok_or_else(|| {
            format!(
                "constraint enum: the schema's enums list more than {MAX_ENUM_MEMBERS} values, all fields together (the limit)"
            )
        })?;
        Ok(())
    }

    fn take_pattern(&mut self, pattern: &Pattern) -> Result<(), String> {
        self.patterns_memory = self
            .patterns_memory
            .checked_sub(pattern.memory_usage())
            .ok_or_else(|| {
                format!(
                    "constraint pattern: the schema's patterns take more than {} MiB once compiled, all fields together (the limit)",
                    MAX_PATTERNS_MEMORY >> 20
                )
            })?;
        Ok(())
    }
}

/// A key as an error message quotes it: at most 64 characters.
fn shortened(key: &str) -> String {
    match key.char_indices().nth(64) {
        Some((i, _)) => format!("{}...", &key[..i]),
        None => key.to_owned(),
    }
}

/// serde_json appends " at line L column C" to its messages; we report those separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// `foreignKeys`: field names (one, or an array) and a reference to a resource's fields.
/// A key to this same table (`"resource": ""`, or none) must name fields of this schema.
fn foreign_keys(v: &Json, index: &HashMap<String, usize>) -> Result<Vec<ForeignKey>, SchemaError> {
    let names = |v: Option<&Json>, what: &str| {
        match v {
            Some(Json::String(s)) => Some(vec![s.clone()]),
            Some(other) => string_list(other).filter(|l| !l.is_empty()),
            None => None,
        }
        .ok_or_else(|| {
            SchemaError::schema(format!(
                "foreignKeys: {what} must be a field name or a non-empty array of names"
            ))
        })
    };
    let keys = v
        .as_array()
        .ok_or_else(|| SchemaError::schema("foreignKeys must be an array"))?;
    let mut out = Vec::with_capacity(keys.len());
    for key in keys {
        let Some(Json::Object(reference)) = key.get("reference") else {
            return Err(SchemaError::schema(
                "foreignKeys: each key needs a reference object (resource and fields)",
            ));
        };
        let fields = names(key.get("fields"), "fields")?;
        let reference_fields = names(reference.get("fields"), "reference fields")?;
        let resource = match reference.get("resource") {
            None => String::new(),
            Some(Json::String(s)) => s.clone(),
            Some(_) => {
                return Err(SchemaError::schema(
                    "foreignKeys: reference resource must be a string",
                ));
            }
        };
        if fields.len() != reference_fields.len() {
            return Err(SchemaError::schema(format!(
                "foreignKeys: {} field(s) reference {} field(s); they must be as many",
                fields.len(),
                reference_fields.len()
            )));
        }
        let local = |n: &String| {
            index.get(n).copied().ok_or_else(|| {
                SchemaError::schema(format!("foreignKeys names {n:?}, which is not a field"))
            })
        };
        if resource.is_empty() {
            reference_fields
                .iter()
                .try_for_each(|n| local(n).map(drop))?;
        }
        out.push(ForeignKey {
            fields: fields.iter().map(local).collect::<Result<_, _>>()?,
            resource,
            reference_fields,
        });
    }
    Ok(out)
}

fn string_list(v: &Json) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|s| s.as_str().map(str::to_owned))
        .collect()
}

fn load_field(raw: &Json, number: usize, budget: &mut Budget) -> Result<Field, SchemaError> {
    let Json::Object(obj) = raw else {
        return Err(SchemaError::Field {
            name: "?".into(),
            number,
            problem: "a field must be a JSON object".into(),
        });
    };
    let name = match obj.get("name") {
        Some(Json::String(s)) if !s.is_empty() => s.clone(),
        Some(Json::String(_)) => {
            return Err(SchemaError::Field {
                name: String::new(),
                number,
                problem: "name is empty".into(),
            });
        }
        Some(_) => {
            return Err(SchemaError::Field {
                name: "?".into(),
                number,
                problem: "name must be a string".into(),
            });
        }
        None => {
            return Err(SchemaError::Field {
                name: "?".into(),
                number,
                problem: "name is missing".into(),
            });
        }
    };
    let err = |problem: String| SchemaError::Field {
        name: name.clone(),
        number,
        problem,
    };
    let extra = custom_properties(obj, FIELD_KEYS, FIELD_READ, Place::Field).map_err(&err)?;
    let opt_str = |key: &str| -> Result<Option<String>, SchemaError> {
        match obj.get(key) {
            None => Ok(None),
            Some(Json::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(err(format!("{key} must be a string"))),
        }
    };
    let type_name = opt_str("type")?.unwrap_or_else(|| "string".into());
    let format = opt_str("format")?;
    let field_type = parse_type(&type_name, format.as_deref()).map_err(&err)?;

    let is_numeric = matches!(field_type, FieldType::Number | FieldType::Integer);
    let decimal_char = opt_str("decimalChar")?;
    let group_char = opt_str("groupChar")?;
    let bare_number = match obj.get("bareNumber") {
        None => true,
        Some(Json::Bool(b)) => *b,
        Some(_) => return Err(err("bareNumber must be true or false".into())),
    };
    if !is_numeric
        && (decimal_char.is_some() || group_char.is_some() || obj.contains_key("bareNumber"))
    {
        return Err(err(format!(
            "decimalChar, groupChar and bareNumber apply to number and integer fields, not {type_name}"
        )));
    }
    let single_char = |key: &str, v: Option<String>| -> Result<Option<char>, SchemaError> {
        match v {
            None => Ok(None),
            Some(s) => {
                let mut chars = s.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) if !c.is_ascii_digit() => Ok(Some(c)),
                    _ => Err(err(format!(
                        "{key} must be one character that is not a digit"
                    ))),
                }
            }
        }
    };
    let declared_decimal = decimal_char.is_some();
    let decimal = single_char("decimalChar", decimal_char)?.unwrap_or('.');
    // `"groupChar": ""` is frictionless-py's default: no group character.
    let group = single_char("groupChar", group_char.filter(|g| !g.is_empty()))?;
    if group == Some(decimal) {
        return Err(err("decimalChar and groupChar must differ".into()));
    }
    if field_type == FieldType::Integer && declared_decimal {
        return Err(err(
            "decimalChar applies to number fields, not integer".into()
        ));
    }
    let number_style = NumberStyle {
        decimal,
        group,
        bare: bare_number,
        declared: declared_decimal,
    };

    let bool_list = |key: &str, default: &[&str]| -> Result<Vec<String>, SchemaError> {
        match obj.get(key) {
            None => Ok(default.iter().map(|s| (*s).to_owned()).collect()),
            Some(v) if field_type == FieldType::Boolean => {
                string_list(v).ok_or_else(|| err(format!("{key} must be an array of strings")))
            }
            Some(_) => Err(err(format!("{key} applies to boolean fields only"))),
        }
    };
    let true_values = bool_list("trueValues", &["true", "True", "TRUE", "1"])?;
    let false_values = bool_list("falseValues", &["false", "False", "FALSE", "0"])?;
    if let Some(v) = true_values.iter().find(|v| false_values.contains(v)) {
        return Err(err(format!("{v:?} is both in trueValues and falseValues")));
    }

    let parser = ValueParser::new(
        field_type.clone(),
        number_style,
        true_values.clone(),
        false_values.clone(),
    );
    let constraints = match obj.get("constraints") {
        None => Constraints::default(),
        Some(Json::Object(c)) => load_constraints(c, &field_type, &parser, budget).map_err(&err)?,
        Some(_) => return Err(err("constraints must be an object".into())),
    };
    let gdpr = match obj.get("gdpr") {
        None => None,
        Some(v) => Some(FieldPolicy::from_json(v, &name, &field_type)?),
    };
    Ok(Field {
        title: opt_str("title")?,
        description: opt_str("description")?,
        name,
        field_type,
        number_style,
        true_values,
        false_values,
        constraints,
        gdpr,
        extra,
    })
}

/// Where a property is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Schema,
    Field,
}

/// The properties of `obj` that watt does not `read`, returned to be kept: the known ones
/// it does not use and the custom ones. A property that is not `known` and is a known one
/// in the wrong place or a likely typo of one is an error saying what was probably meant.
fn custom_properties(
    obj: &Map<String, Json>,
    known: &[&'static str],
    read: &[&str],
    place: Place,
) -> Result<Map<String, Json>, String> {
    let mut extra = Map::new();
    for (key, value) in obj {
        if read.contains(&key.as_str()) {
            continue;
        }
        if !known.contains(&key.as_str()) {
            if let Some(problem) = misplaced_or_typo(key, known, place) {
                return Err(problem);
            }
        }
        extra.insert(key.clone(), value.clone());
    }
    Ok(extra)
}

/// Why `key` (not in `known`) is not taken for a custom property, if it is not.
fn misplaced_or_typo(key: &str, known: &[&'static str], place: Place) -> Option<String> {
    let key_shown = shortened(key);
    if CONSTRAINT_KEYS.contains(&key) {
        return Some(format!(
            "{key:?} is a constraint: write it inside \"constraints\" (\"constraints\": {{{key:?}: ...}}){}",
            if place == Place::Schema {
                " of a field"
            } else {
                ""
            }
        ));
    }
    if place == Place::Field && key == "missingValues" {
        // Table Schema v2 allows it on a field; ignoring it would change the verdict.
        return Some(
            "watt reads \"missingValues\" on the schema only: write it beside \"fields\"".into(),
        );
    }
    if place == Place::Field && SCHEMA_ONLY_KEYS.contains(&key) {
        return Some(format!(
            "{key:?} is a property of the schema, not of a field: write it beside \"fields\""
        ));
    }
    if place == Place::Schema && key == "constraints" {
        return Some("\"constraints\" is a property of a field, not of the schema".into());
    }
    if NOT_TYPOS.contains(&key) {
        return None;
    }
    let nearest = |list: &[&'static str]| {
        list.iter()
            .copied()
            .filter(|k| is_likely_typo(key, k))
            .min_by_key(|k| edit_distance(key, k, 2))
    };
    let (elsewhere, inside) = match place {
        Place::Schema => (&[][..], ""),
        Place::Field => (SCHEMA_ONLY_KEYS, " (a property of the schema)"),
    };
    if let Some(k) = nearest(known) {
        return Some(format!(
            "unknown property {key_shown:?}: did you mean {k:?}?"
        ));
    }
    if let Some(k) = nearest(CONSTRAINT_KEYS) {
        return Some(format!(
            "unknown property {key_shown:?}: did you mean {k:?} (inside \"constraints\")?"
        ));
    }
    if let Some(k) = nearest(elsewhere) {
        return Some(format!(
            "unknown property {key_shown:?}: did you mean {k:?}{inside}?"
        ));
    }
    None
}

/// Whether `key` is close enough to the known property `known` to be a typo of it: the
/// same but for letter case, or one edit away (two for names longer than five letters), an
/// edit being a letter added, removed, changed or two neighbours swapped.
fn is_likely_typo(key: &str, known: &str) -> bool {
    let allowed = if known.len() > 5 { 2 } else { 1 };
    edit_distance(key, known, allowed) <= allowed
}

/// Edit distance between `a` and `b` ignoring letter case (optimal string alignment:
/// insertions, deletions, substitutions and swaps of neighbours), or `limit + 1` when it
/// is more than `limit`. Keys are short; longer texts are cut off early by their lengths.
fn edit_distance(a: &str, b: &str, limit: usize) -> usize {
    if a.chars().count().abs_diff(b.chars().count()) > limit {
        return limit + 1;
    }
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let mut before: Vec<usize> = Vec::new();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            current[j] = d;
        }
        before = std::mem::replace(&mut previous, std::mem::take(&mut current));
        current = vec![0; b.len() + 1];
    }
    previous[b.len()].min(limit + 1)
}

const TYPES: &str = "string, integer, number, boolean, date, time, datetime, year, yearmonth, \
                     object, array, duration, geopoint, geojson, any";

fn parse_type(name: &str, format: Option<&str>) -> Result<FieldType, String> {
    let format = format.filter(|f| *f != "default");
    let no_format = |t: FieldType| match format {
        None => Ok(t),
        Some(f) => Err(format!("type {name} has no format {f:?}")),
    };
    let temporal = |f: Option<&str>| -> Result<TemporalFormat, String> {
        match f {
            None => Ok(TemporalFormat::Default),
            Some("any") => Ok(TemporalFormat::Any),
            Some(p) => {
                // Table Schema v1 once spelled patterns "fmt:%d/%m/%Y".
                let p = p.strip_prefix("fmt:").unwrap_or(p);
                TemporalFormat::pattern(p).map_err(|problem| {
                    format!("format {p:?} is not a valid date pattern: {problem}")
                })
            }
        }
    };
    match name {
        "string" => Ok(FieldType::String(match format {
            None => StringFormat::Default,
            Some("email") => StringFormat::Email,
            Some("uri") => StringFormat::Uri,
            Some("uuid") => StringFormat::Uuid,
            Some("binary") => StringFormat::Binary,
            Some(f) => {
                return Err(format!(
                    "string format {f:?} is not supported (expected default, email, uri, uuid or binary)"
                ));
            }
        })),
        "integer" => no_format(FieldType::Integer),
        "number" => no_format(FieldType::Number),
        "boolean" => no_format(FieldType::Boolean),
        "date" => Ok(FieldType::Date(temporal(format)?)),
        "time" => Ok(FieldType::Time(temporal(format)?)),
        "datetime" => Ok(FieldType::DateTime(temporal(format)?)),
        "year" => no_format(FieldType::Year),
        "yearmonth" => no_format(FieldType::YearMonth),
        "object" => no_format(FieldType::Object),
        "array" => no_format(FieldType::Array),
        "any" => no_format(FieldType::Any),
        "duration" => no_format(FieldType::Duration),
        "geopoint" => Ok(FieldType::GeoPoint(match format {
            None => GeoPointFormat::Default,
            Some("array") => GeoPointFormat::Array,
            Some("object") => GeoPointFormat::Object,
            Some(f) => {
                return Err(format!(
                    "geopoint format {f:?} is not one of default, array, object"
                ));
            }
        })),
        "geojson" => Ok(FieldType::GeoJson(match format {
            None => GeoJsonFormat::Default,
            Some("topojson") => GeoJsonFormat::TopoJson,
            Some(f) => {
                return Err(format!(
                    "geojson format {f:?} is not one of default, topojson"
                ));
            }
        })),
        other => Err(format!("unknown type {other:?} (expected one of {TYPES})")),
    }
}

fn load_constraints(
    c: &Map<String, Json>,
    ty: &FieldType,
    parser: &ValueParser,
    budget: &mut Budget,
) -> Result<Constraints, String> {
    if let Some(key) = c.keys().find(|k| !CONSTRAINT_KEYS.contains(&k.as_str())) {
        let hint = CONSTRAINT_KEYS
            .iter()
            .filter(|k| is_likely_typo(key, k))
            .min_by_key(|k| edit_distance(key, k, 2))
            .map(|k| format!("did you mean {k:?}? "))
            .unwrap_or_default();
        return Err(format!(
            "unknown constraint {:?} ({hint}expected one of {})",
            shortened(key),
            CONSTRAINT_KEYS.join(", ")
        ));
    }
    let flag = |key: &str| -> Result<bool, String> {
        match c.get(key) {
            None => Ok(false),
            Some(Json::Bool(b)) => Ok(*b),
            Some(_) => Err(format!("constraint {key} must be true or false")),
        }
    };
    let length = |key: &str| -> Result<Option<usize>, String> {
        match c.get(key) {
            None => Ok(None),
            Some(v) => {
                if !matches!(
                    ty,
                    FieldType::String(_) | FieldType::Array | FieldType::Object | FieldType::Any
                ) {
                    return Err(format!(
                        "constraint {key} applies to string, array and object fields, not {}",
                        ty.name()
                    ));
                }
                v.as_u64()
                    .and_then(|n| usize::try_from(n).ok())
                    .map(Some)
                    .ok_or_else(|| format!("constraint {key} must be a non-negative integer"))
            }
        }
    };
    let orderable = matches!(
        ty,
        FieldType::Integer
            | FieldType::Number
            | FieldType::Date(_)
            | FieldType::Time(_)
            | FieldType::DateTime(_)
            | FieldType::Year
            | FieldType::YearMonth
    );
    let bound = |key: &str| -> Result<Option<Bound>, String> {
        match c.get(key) {
            None => Ok(None),
            Some(v) => {
                if !orderable {
                    return Err(format!(
                        "constraint {key} applies to numbers, dates and times, not {}",
                        ty.name()
                    ));
                }
                parse_bound(v, parser)
                    .map(Some)
                    .map_err(|p| format!("constraint {key}: {p}"))
            }
        }
    };
    let pattern = match c.get("pattern") {
        None => None,
        Some(Json::String(p)) if p.len() > MAX_PATTERN_BYTES => {
            return Err(format!(
                "constraint pattern is {} bytes long; watt reads patterns of at most {MAX_PATTERN_BYTES}",
                p.len()
            ));
        }
        Some(Json::String(p)) => {
            let pattern = Pattern::new(p).map_err(|e| {
                format!("constraint pattern is not a valid regular expression: {e}")
            })?;
            budget.take_pattern(&pattern)?;
            Some(pattern)
        }
        Some(_) => return Err("constraint pattern must be a string".into()),
    };
    let enumeration = match c.get("enum") {
        None => None,
        Some(Json::Array(values)) if !values.is_empty() => {
            budget.take_enum_members(values.len())?;
            Some(
                values
                    .iter()
                    .map(|v| parse_bound(v, parser).map_err(|p| format!("constraint enum: {p}")))
                    .collect::<Result<Vec<_>, _>>()?,
            )
        }
        Some(_) => return Err("constraint enum must be a non-empty array".into()),
    };
    let constraints = Constraints {
        required: flag("required")?,
        unique: flag("unique")?,
        min_length: length("minLength")?,
        max_length: length("maxLength")?,
        minimum: bound("minimum")?,
        maximum: bound("maximum")?,
        exclusive_minimum: bound("exclusiveMinimum")?,
        exclusive_maximum: bound("exclusiveMaximum")?,
        pattern,
        enumeration,
    };
    if let (Some(min), Some(max)) = (constraints.min_length, constraints.max_length) {
        if min > max {
            return Err(format!("minLength {min} is greater than maxLength {max}"));
        }
    }
    if let (Some(min), Some(max)) = (&constraints.minimum, &constraints.maximum) {
        if min.value.compare(&max.value) == Some(std::cmp::Ordering::Greater) {
            return Err(format!(
                "minimum {} is greater than maximum {}",
                min.text, max.text
            ));
        }
    }
    Ok(constraints)
}

/// A bound or enum member, written in the schema as a JSON number, string or boolean, read
/// with the field's own parser so that it compares like the cells do.
fn parse_bound(v: &Json, parser: &ValueParser) -> Result<Bound, String> {
    let text = match v {
        Json::String(s) => s.clone(),
        Json::Number(n) => n.to_string(),
        Json::Bool(b) => b.to_string(),
        _ => return Err("must be a string, number or boolean".into()),
    };
    // Numbers in JSON are always written with a '.', whatever the field's decimalChar.
    let parsed = match v {
        Json::Number(_) => parser.parse_json_number(&text),
        _ => parser.parse(&text),
    };
    match parsed {
        Ok(value) => Ok(Bound { value, text }),
        Err(problem) => Err(format!("{text:?} is {problem}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(json: &str) -> String {
        Schema::from_json(json).unwrap_err().to_string()
    }

    #[test]
    fn loads_every_type_and_constraint() {
        let s = Schema::from_json(
            r#"{
            "fields": [
              {"name": "s", "type": "string", "format": "email",
               "constraints": {"required": true, "minLength": 3, "maxLength": 50, "pattern": ".+@.+"}},
              {"name": "i", "type": "integer", "constraints": {"minimum": 0, "maximum": 10, "unique": true}},
              {"name": "n", "type": "number", "decimalChar": ",", "groupChar": " ",
               "constraints": {"minimum": 0.5, "enum": [0.5, 1, 1.5]}},
              {"name": "b", "type": "boolean", "trueValues": ["oui"], "falseValues": ["non"]},
              {"name": "d", "type": "date", "format": "%d/%m/%Y", "constraints": {"minimum": "01/01/2020"}},
              {"name": "dt", "type": "datetime", "constraints": {"maximum": "2030-01-01T00:00:00Z"}},
              {"name": "t", "type": "time"},
              {"name": "y", "type": "year"},
              {"name": "ym", "type": "yearmonth"},
              {"name": "u", "type": "string", "format": "uuid"},
              {"name": "a", "type": "any"}
            ],
            "missingValues": ["", "NA"],
            "primaryKey": ["i", "s"]
        }"#,
        )
        .expect("valid schema");
        assert_eq!(s.fields.len(), 11);
        assert_eq!(s.primary_key, vec![1, 0]);
        assert_eq!(s.missing_values, vec!["", "NA"]);
        assert_eq!(s.fields[2].number_style.decimal, ',');
        assert_eq!(s.fields[2].number_style.group, Some(' '));
        assert!(s.fields[2].declares_decimal_char());
        assert_eq!(
            s.fields[2].constraints.enumeration.as_ref().map(Vec::len),
            Some(3)
        );
        assert_eq!(s.sha256.len(), 64);
    }

    #[test]
    fn primary_key_may_be_a_single_name() {
        let s =
            Schema::from_json(r#"{"fields": [{"name": "a"}, {"name": "b"}], "primaryKey": "b"}"#)
                .expect("valid");
        assert_eq!(s.primary_key, vec![1]);
        assert_eq!(
            s.fields[0].field_type,
            FieldType::String(StringFormat::Default)
        );
    }

    #[test]
    fn malformed_json_says_where() {
        assert_eq!(
            err("{\"fields\": [\n  {\"name\": \"a\",}\n]}"),
            "schema is not valid JSON (line 2, column 16): trailing comma"
        );
    }

    #[test]
    fn errors_name_the_field_and_the_problem() {
        assert_eq!(
            err(
                r#"{"fields": [{"name": "kwh", "type": "number", "constraints": {"minimun": 0}}]}"#
            ),
            "field \"kwh\" (#1): unknown constraint \"minimun\" (did you mean \"minimum\"? expected one of \
             required, unique, minLength, maxLength, minimum, maximum, exclusiveMinimum, exclusiveMaximum, \
             pattern, enum)"
        );
        assert_eq!(
            err(
                r#"{"fields": [{"name": "a"}, {"name": "kwh", "type": "number", "constraints": {"minimum": "low"}}]}"#
            ),
            "field \"kwh\" (#2): constraint minimum: \"low\" is not a number"
        );
        assert_eq!(
            err(r#"{"fields": [{"name": "a", "contraints": {}}]}"#),
            "field \"a\" (#1): unknown property \"contraints\": did you mean \"constraints\"?"
        );
        assert_eq!(
            err(r#"{"fields": [{"name": "a", "type": "string", "constraints": {"minimum": 1}}]}"#),
            "field \"a\" (#1): constraint minimum applies to numbers, dates and times, not string"
        );
        assert_eq!(
            err(r#"{"fields": [{"name": "a", "constraints": {"pattern": "("}}]}"#)
                .split('\n')
                .next()
                .map(str::to_owned)
                .unwrap_or_default(),
            "field \"a\" (#1): constraint pattern is not a valid regular expression: regex parse error:"
        );
        assert_eq!(
            err(r#"{"fields": [{"name": "d", "type": "date", "format": "%Q"}]}"#),
            "field \"d\" (#1): format \"%Q\" is not a valid date pattern: unknown directive"
        );
        assert_eq!(
            err(r#"{"fields": [{"name": "a"}, {"type": "integer"}]}"#),
            "field \"?\" (#2): name is missing"
        );
        assert_eq!(
            err(r#"{"fields": [{"name": "a"}, {"name": "a"}]}"#),
            "field \"a\" (#2): the name is used by another field"
        );
        assert_eq!(
            err(r#"{"fields": [{"name": "a", "type": "geopoint", "format": "wkt"}]}"#),
            "field \"a\" (#1): geopoint format \"wkt\" is not one of default, array, object"
        );
        assert_eq!(
            err(
                r#"{"fields": [{"name": "a", "type": "duration", "constraints": {"minimum": "P1D"}}]}"#
            ),
            "field \"a\" (#1): constraint minimum applies to numbers, dates and times, not duration"
        );
        assert_eq!(
            err(
                r#"{"fields": [{"name": "a", "type": "integer", "constraints": {"minimum": 5, "maximum": 1}}]}"#
            ),
            "field \"a\" (#1): minimum 5 is greater than maximum 1"
        );
        assert_eq!(
            err(r#"{"fields": [{"name": "a", "type": "string", "decimalChar": ","}]}"#),
            "field \"a\" (#1): decimalChar, groupChar and bareNumber apply to number and integer fields, not string"
        );
    }

    #[test]
    fn schema_level_errors() {
        assert_eq!(err("[]"), "schema: the schema must be a JSON object");
        assert_eq!(err("{}"), "schema: fields is missing");
        assert_eq!(err(r#"{"fields": []}"#), "schema: fields is empty");
        assert_eq!(
            err(r#"{"fields": [{"name": "a"}], "primaryKey": ["b"]}"#),
            "schema: primaryKey names \"b\", which is not a field"
        );
        assert_eq!(
            err(r#"{"fields": [{"name": "a"}], "primarykey": ["a"]}"#),
            "schema: unknown property \"primarykey\": did you mean \"primaryKey\"?"
        );
    }

    #[test]
    fn a_key_written_twice_is_refused_wherever_it_is() {
        // serde_json alone keeps the second "fields": a reviewer reads the first.
        assert_eq!(
            err("{\"fields\": [{\"name\": \"prm\"}],\n \"fields\": [{\"name\": \"a\"}]}"),
            "schema: the key \"fields\" is written twice in the same object (line 2, column 9); keep one"
        );
        let hidden = r#"{"fields": [{"name": "prm", "gdpr": {"category": "direct-identifier",
            "action": "drop", "action": "keep"}}]}"#;
        assert!(matches!(
            Schema::from_json(hidden),
            Err(SchemaError::DuplicateKey { key, line: 2, .. }) if key == "action"
        ));
    }

    #[test]
    fn sizes_are_bounded() {
        let big = format!(
            "{{\"fields\": [{{\"name\": \"a\"}}], \"description\": \"{}\"}}",
            "x".repeat(MAX_SCHEMA_BYTES)
        );
        assert_eq!(
            err(&big),
            "schema: the schema is larger than 8 MiB (the limit)"
        );

        let fields = |n: usize| {
            let list: Vec<String> = (0..n).map(|i| format!("{{\"name\": \"f{i}\"}}")).collect();
            format!("{{\"fields\": [{}]}}", list.join(","))
        };
        assert_eq!(
            Schema::from_json(&fields(MAX_FIELDS)).map(|s| s.fields.len()),
            Ok(MAX_FIELDS)
        );
        assert_eq!(
            err(&fields(MAX_FIELDS + 1)),
            "schema: fields has 10001 entries; watt reads at most 10000"
        );

        let members: Vec<String> = (0..=MAX_ENUM_MEMBERS / 2).map(|i| i.to_string()).collect();
        let field = |name: &str| {
            format!(
                r#"{{"name": "{name}", "type": "integer", "constraints": {{"enum": [{}]}}}}"#,
                members.join(",")
            )
        };
        assert!(Schema::from_json(&format!(r#"{{"fields": [{}]}}"#, field("a"))).is_ok());
        assert_eq!(
            err(&format!(
                r#"{{"fields": [{}, {}]}}"#,
                field("a"),
                field("b")
            )),
            "field \"b\" (#2): constraint enum: the schema's enums list more than 100000 values, all fields together (the limit)"
        );

        let values = format!("[{}]", vec!["0"; MAX_JSON_VALUES].join(","));
        assert!(
            err(&format!(
                r#"{{"fields": [{{"name": "a"}}], "x": {values}}}"#
            ))
            .starts_with("schema: more than 500000 JSON values (the limit), at line 1, column ")
        );
        let objects = format!("[{}]", vec!["{}"; MAX_JSON_OBJECTS].join(","));
        assert!(
            err(&format!(
                r#"{{"fields": [{{"name": "a"}}], "x": {objects}}}"#
            ))
            .starts_with("schema: more than 50000 JSON objects (the limit), at line 1, column ")
        );
    }

    #[test]
    fn patterns_are_bounded_one_by_one_and_together() {
        let long = format!(
            r#"{{"fields": [{{"name": "a", "constraints": {{"pattern": "{}"}}}}]}}"#,
            "a".repeat(MAX_PATTERN_BYTES + 1)
        );
        assert_eq!(
            err(&long),
            "field \"a\" (#1): constraint pattern is 4097 bytes long; watt reads patterns of at most 4096"
        );
        // The budget is shared by the fields: what one takes, the next cannot.
        let field = |i: usize| serde_json::json!({"name": format!("f{i}"), "constraints": {"pattern": "(a|bc)[0-9a-z]{3000}"}});
        let one = Pattern::new("(a|bc)[0-9a-z]{3000}").expect("compiles");
        let mut budget = Budget {
            patterns_memory: 2 * one.memory_usage(),
            ..Budget::default()
        };
        assert!(load_field(&field(1), 1, &mut budget).is_ok());
        assert!(load_field(&field(2), 2, &mut budget).is_ok());
        assert_eq!(
            load_field(&field(3), 3, &mut budget)
                .map(|_| ())
                .unwrap_err()
                .to_string(),
            "field \"f3\" (#3): constraint pattern: the schema's patterns take more than 64 MiB once compiled, all fields together (the limit)"
        );
    }

    /// Table Schema allows properties of one's own on the schema and on its fields: they
    /// were refused ("unknown property"); they are kept as written.
    #[test]
    fn custom_properties_are_accepted_and_kept() {
        let s = Schema::from_json(
            r#"{"fields": [{"name": "kwh", "type": "number", "x-unit": "kWh",
                            "description@en": "energy", "rdfType": "http://schema.org/Energy",
                            "example": "1.5", "examples": ["1.5"], "unit": {"symbol": "kWh"}}],
                "tablename": "readings", "csv": {"delimiter": ";"}, "$schema": "x",
                "foreignKeys": [], "profile": "tabular-data-resource"}"#,
        )
        .expect("custom properties are allowed");
        let keys = |m: &Map<String, Json>| m.keys().cloned().collect::<Vec<_>>();
        assert_eq!(
            keys(&s.fields[0].extra),
            [
                "description@en",
                "example",
                "examples",
                "rdfType",
                "unit",
                "x-unit"
            ]
        );
        assert_eq!(
            s.fields[0].extra["unit"],
            serde_json::json!({"symbol": "kWh"})
        );
        assert_eq!(
            keys(&s.extra),
            ["$schema", "csv", "foreignKeys", "profile", "tablename"]
        );
        assert_eq!(s.extra["csv"], serde_json::json!({"delimiter": ";"}));
    }

    /// A property that is probably a typo of a known one, or a known one in the wrong
    /// place, would switch a check off silently: it stays an error, with a hint.
    #[test]
    fn typos_and_misplaced_properties_say_what_was_meant() {
        let field = |p: &str| err(&format!(r#"{{"fields": [{{"name": "a", {p}}}]}}"#));
        assert_eq!(
            field(r#""requried": true"#),
            "field \"a\" (#1): unknown property \"requried\": did you mean \"required\" (inside \"constraints\")?"
        );
        assert_eq!(
            field(r#""constraint": {"required": true}"#),
            "field \"a\" (#1): unknown property \"constraint\": did you mean \"constraints\"?"
        );
        assert_eq!(
            field(r#""Type": "integer""#),
            "field \"a\" (#1): unknown property \"Type\": did you mean \"type\"?"
        );
        assert_eq!(
            field(r#""gpdr": {}"#),
            "field \"a\" (#1): unknown property \"gpdr\": did you mean \"gdpr\"?"
        );
        assert_eq!(
            field(r#""required": true"#),
            "field \"a\" (#1): \"required\" is a constraint: write it inside \"constraints\" (\"constraints\": {\"required\": ...})"
        );
        for key in ["unique", "enum", "minimum", "maxLength", "pattern"] {
            assert!(
                field(&format!(r#""{key}": 1"#)).contains("is a constraint: write it inside"),
                "{key}"
            );
        }
        assert_eq!(
            field(r#""primaryKey": true"#),
            "field \"a\" (#1): \"primaryKey\" is a property of the schema, not of a field: write it beside \"fields\""
        );
        assert_eq!(
            field(r#""primarykey": true"#),
            "field \"a\" (#1): unknown property \"primarykey\": did you mean \"primaryKey\" (a property of the schema)?"
        );
        assert_eq!(
            field(r#""missingValues": ["NA"]"#),
            "field \"a\" (#1): watt reads \"missingValues\" on the schema only: write it beside \"fields\""
        );
        assert_eq!(
            err(r#"{"fields": [{"name": "a"}], "feilds": []}"#),
            "schema: unknown property \"feilds\": did you mean \"fields\"?"
        );
        assert_eq!(
            err(r#"{"fields": [{"name": "a"}], "missingValue": ["NA"]}"#),
            "schema: unknown property \"missingValue\": did you mean \"missingValues\"?"
        );
        assert_eq!(
            err(r#"{"fields": [{"name": "a"}], "required": true}"#),
            "schema: \"required\" is a constraint: write it inside \"constraints\" (\"constraints\": {\"required\": ...}) of a field"
        );
        assert_eq!(
            err(r#"{"fields": [{"name": "a", "constraints": {"requred": true}}]}"#)
                .split(" expected")
                .next(),
            Some("field \"a\" (#1): unknown constraint \"requred\" (did you mean \"required\"?")
        );
        // The gdpr object keeps watt's strictness: no property of one's own there.
        assert!(
            field(r#""gdpr": {"category": "personal", "action": "drop", "x-note": "y"}"#)
                .contains("x-note")
        );
    }

    #[test]
    fn edit_distance_counts_swaps_and_case() {
        assert_eq!(edit_distance("requried", "required", 2), 1);
        assert_eq!(edit_distance("PRIMARYKEY", "primaryKey", 2), 0);
        assert_eq!(edit_distance("x-unit", "unique", 2), 3);
        assert_eq!(edit_distance(&"y".repeat(1000), "unique", 2), 3);
        assert!(!is_likely_typo("unit", "unique"));
        assert!(!is_likely_typo("note", "name"));
        assert!(!is_likely_typo("time", "title"));
    }

    /// `"groupChar": ""` is frictionless-py's default, no group character: it was refused
    /// ("must be one character").
    #[test]
    fn an_empty_group_char_is_no_group_char() {
        let s = Schema::from_json(
            r#"{"fields": [{"name": "n", "type": "number", "groupChar": ""},
                           {"name": "i", "type": "integer", "groupChar": ""}]}"#,
        )
        .expect("valid");
        assert_eq!(s.fields[0].number_style.group, None);
        assert_eq!(s.fields[1].number_style.group, None);
    }

    /// The three types watt refused (`duration`, `geopoint`, `geojson`) load with their
    /// formats, and their constraints are those frictionless-py allows.
    #[test]
    fn duration_geopoint_and_geojson_load_with_their_formats() {
        let s = Schema::from_json(
            r#"{"fields": [{"name": "d", "type": "duration", "constraints": {"enum": ["P1D"]}},
                           {"name": "g", "type": "geopoint", "format": "array"},
                           {"name": "o", "type": "geopoint", "format": "object"},
                           {"name": "p", "type": "geopoint", "format": "default"},
                           {"name": "j", "type": "geojson"},
                           {"name": "t", "type": "geojson", "format": "topojson"}]}"#,
        )
        .expect("valid");
        let described: Vec<(&str, Option<String>)> = s
            .fields
            .iter()
            .map(|f| (f.field_type.name(), f.field_type.format()))
            .collect();
        assert_eq!(
            described,
            [
                ("duration", None),
                ("geopoint", Some("array".into())),
                ("geopoint", Some("object".into())),
                ("geopoint", None),
                ("geojson", None),
                ("geojson", Some("topojson".into())),
            ]
        );
        assert_eq!(
            err(r#"{"fields": [{"name": "j", "type": "geojson", "format": "wkt"}]}"#),
            "field \"j\" (#1): geojson format \"wkt\" is not one of default, topojson"
        );
        assert_eq!(
            err(
                r#"{"fields": [{"name": "j", "type": "geojson", "constraints": {"minLength": 1}}]}"#
            ),
            "field \"j\" (#1): constraint minLength applies to string, array and object fields, not geojson"
        );
    }

    #[test]
    fn the_schema_name_is_kept() {
        let s =
            Schema::from_json(r#"{"name": "energy", "fields": [{"name": "a"}]}"#).expect("valid");
        assert_eq!(s.name.as_deref(), Some("energy"));
    }

    #[test]
    fn foreign_keys_are_loaded() {
        let s = Schema::from_json(
            r#"{"fields": [{"name": "a"}, {"name": "b"}], "foreignKeys": [
                {"fields": "a", "reference": {"resource": "x", "fields": "id"}},
                {"fields": ["b", "a"], "reference": {"resource": "", "fields": ["a", "b"]}}]}"#,
        )
        .expect("valid");
        assert!(s.notes.is_empty());
        assert_eq!(
            s.foreign_keys,
            [
                ForeignKey {
                    fields: vec![0],
                    resource: "x".into(),
                    reference_fields: vec!["id".into()]
                },
                ForeignKey {
                    fields: vec![1, 0],
                    resource: String::new(),
                    reference_fields: vec!["a".into(), "b".into()]
                }
            ]
        );
        for (keys, problem) in [
            (
                r#"[{"fields": "c", "reference": {"resource": "x", "fields": "id"}}]"#,
                "foreignKeys names \"c\", which is not a field",
            ),
            (
                r#"[{"fields": "a", "reference": {"resource": "", "fields": "id"}}]"#,
                "foreignKeys names \"id\", which is not a field",
            ),
            (
                r#"[{"fields": ["a", "b"], "reference": {"resource": "x", "fields": "id"}}]"#,
                "foreignKeys: 2 field(s) reference 1 field(s); they must be as many",
            ),
            (
                r#"[{"fields": "a"}]"#,
                "foreignKeys: each key needs a reference object (resource and fields)",
            ),
            (
                r#"[{"fields": [], "reference": {"fields": "a"}}]"#,
                "foreignKeys: fields must be a field name or a non-empty array of names",
            ),
            (r#"{}"#, "foreignKeys must be an array"),
        ] {
            let text = format!(
                r#"{{"fields": [{{"name": "a"}}, {{"name": "b"}}], "foreignKeys": {keys}}}"#
            );
            assert_eq!(err(&text), format!("schema: {problem}"), "{keys}");
        }
    }
}
