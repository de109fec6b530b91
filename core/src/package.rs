//! Frictionless Data Package descriptors (`datapackage.json`): the resources to check, and
//! which tables each one's foreign keys need.
//!
//! Only what is needed to check the tables is read: each resource's `name`, `path`,
//! `schema` and `dialect` (inline, or the path of a JSON file), and `encoding`; other
//! properties (`title`, `licenses`, `bytes`, `hash`...) are let through. A resource's files
//! are named relative to the package and never outside it: an absolute path, a `..` step or
//! a URL is refused here (the shell, which opens the files, also refuses a link that leads
//! out of the package's folder). watt never fetches anything.
//!
//! The descriptor is read with the same strict JSON as a schema (a key written twice is an
//! error, the text and its numbers of values are bounded): an inline schema is policy too.
//!
//! ```
//! use watt_core::package::{Package, Part};
//! let package = Package::from_json(r#"{"name": "energy", "resources": [
//!     {"name": "sites", "path": "sites.csv", "schema": "sites.schema.json"}]}"#)?;
//! assert_eq!(package.resources[0].path, "sites.csv");
//! assert_eq!(package.resources[0].schema, Part::Path("sites.schema.json".into()));
//! # Ok::<(), watt_core::package::PackageError>(())
//! ```

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::dialect::DialectOptions;
use crate::encoding::Encoding;
use crate::json;
use crate::report::Report;
use crate::schema::{MAX_JSON_OBJECTS, MAX_JSON_VALUES, MAX_SCHEMA_BYTES, Schema};

/// Longest descriptor text: the same bound as a schema's (a descriptor holds its schemas).
pub const MAX_PACKAGE_BYTES: usize = MAX_SCHEMA_BYTES;

/// Why a descriptor (or a part of it) cannot be used. Every variant names where the problem
/// is; none quotes a cell of the data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackageError {
    #[error("not valid JSON (line {line}, column {column}): {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{0}")]
    Package(String),
    #[error("resource {name:?}: {problem}")]
    Resource { name: String, problem: String },
}

fn resource_error(name: &str, problem: impl Into<String>) -> PackageError {
    PackageError::Resource {
        name: name.to_owned(),
        problem: problem.into(),
    }
}

/// A loaded descriptor.
#[derive(Debug, Clone, PartialEq)]
pub struct Package {
    /// The package's `name`, when it gives one.
    pub name: Option<String>,
    pub resources: Vec<Resource>,
}

/// One resource: a CSV table of the package.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub name: String,
    /// The table's file, relative to the package (checked by [`check_path`]).
    pub path: String,
    pub schema: Part,
    pub dialect: Option<Part>,
    /// The resource's `encoding`, when it gives one.
    pub encoding: Option<Encoding>,
}

/// A schema or a dialect: written in the descriptor (as JSON text), or the path of a file
/// of the package that holds it (checked by [`check_path`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Inline(String),
    Path(String),
}

/// The report of a package: one [`Report`] per resource, in the descriptor's order. The
/// package is valid when every resource is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageReport {
    /// Version of the watt engine.
    pub watt: String,
    pub valid: bool,
    /// The package's `name`, when it gives one.
    pub package: Option<String>,
    pub resources: Vec<ResourceReport>,
}

/// The report of one resource of a package.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceReport {
    pub name: String,
    /// The table's file, as the descriptor writes it.
    pub path: String,
    pub report: Report,
}

impl PackageReport {
    pub fn new(package: &Package, reports: Vec<Report>) -> PackageReport {
        let resources: Vec<ResourceReport> = (package.resources.iter())
            .zip(reports)
            .map(|(r, report)| ResourceReport {
                name: r.name.clone(),
                path: r.path.clone(),
                report,
            })
            .collect();
        PackageReport {
            watt: crate::VERSION.to_owned(),
            valid: resources.iter().all(|r| r.report.valid),
            package: package.name.clone(),
            resources,
        }
    }
}

/// The tables a package's foreign keys need, read before the tables that reference them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferencePlan {
    /// The referenced resource (index into the package's resources).
    pub resource: usize,
    /// Its keys to read (field names of its schema), one per referencing foreign key.
    pub keys: Vec<Vec<String>>,
    /// For each of `keys`: the referencing resource and the index of its foreign key.
    pub users: Vec<(usize, usize)>,
}

impl Package {
    /// Loads a descriptor from its JSON text.
    pub fn from_json(text: &str) -> Result<Package, PackageError> {
        let root = strict(text)?;
        let Json::Object(obj) = root else {
            return Err(PackageError::Package(
                "a Data Package descriptor must be a JSON object".into(),
            ));
        };
        let resources = match obj.get("resources") {
            Some(Json::Array(r)) if !r.is_empty() => r,
            _ => {
                return Err(PackageError::Package(
                    "a Data Package needs a non-empty \"resources\" array".into(),
                ));
            }
        };
        let mut out: Vec<Resource> = Vec::with_capacity(resources.len());
        for (i, raw) in resources.iter().enumerate() {
            let resource = load_resource(raw, i + 1)?;
            if out.iter().any(|r| r.name == resource.name) {
                return Err(resource_error(
                    &resource.name,
                    "the name is used by another resource",
                ));
            }
            out.push(resource);
        }
        Ok(Package {
            name: obj.get("name").and_then(Json::as_str).map(str::to_owned),
            resources: out,
        })
    }

    /// Which tables the foreign keys of `schemas` (the resources' schemas, in order) need:
    /// keys to this same table are left to the check itself. An error names a key whose
    /// resource or fields do not exist.
    pub fn references(&self, schemas: &[Schema]) -> Result<Vec<ReferencePlan>, PackageError> {
        let index: HashMap<&str, usize> = (self.resources.iter().enumerate())
            .map(|(i, r)| (r.name.as_str(), i))
            .collect();
        let mut plans: Vec<ReferencePlan> = Vec::new();
        for (user, (resource, schema)) in self.resources.iter().zip(schemas).enumerate() {
            for (k, fk) in schema.foreign_keys.iter().enumerate() {
                if fk.resource.is_empty() {
                    continue;
                }
                let &target = index.get(fk.resource.as_str()).ok_or_else(|| {
                    resource_error(
                        &resource.name,
                        format!(
                            "foreign key #{} references resource {:?}, which is not in the package",
                            k + 1,
                            fk.resource
                        ),
                    )
                })?;
                let target_schema = schemas.get(target).ok_or_else(|| {
                    PackageError::Package("a schema per resource is needed".into())
                })?;
                if let Some(missing) =
                    (fk.reference_fields.iter()).find(|n| target_schema.field_index(n).is_none())
                {
                    return Err(resource_error(
                        &resource.name,
                        format!(
                            "foreign key #{} references field {missing:?} of resource {:?}, which has no such field",
                            k + 1,
                            fk.resource
                        ),
                    ));
                }
                let at = match plans.iter().position(|p| p.resource == target) {
                    Some(at) => at,
                    None => {
                        plans.push(ReferencePlan {
                            resource: target,
                            keys: Vec::new(),
                            users: Vec::new(),
                        });
                        plans.len() - 1
                    }
                };
                plans[at].keys.push(fk.reference_fields.clone());
                plans[at].users.push((user, k));
            }
        }
        Ok(plans)
    }
}

/// The dialect options of a resource's `dialect` (its JSON text), read as `--dialect FILE`
/// reads a dialect file ([`DialectOptions::from_json`]): the same properties, the same
/// refusals.
pub fn dialect_options(resource: &str, text: &str) -> Result<DialectOptions, PackageError> {
    DialectOptions::from_json(text).map_err(|e| resource_error(resource, e.to_string()))
}

/// Checks that `path` names a file inside the package: relative, without `..`, not a URL.
pub fn check_path(path: &str) -> Result<(), String> {
    let refuse = |why: &str| Err(format!("path {path:?} {why}"));
    if path.is_empty() {
        return refuse("is empty");
    }
    if path.contains('\\') || path.contains('\0') {
        return refuse("holds a backslash or a NUL: write paths with /");
    }
    if path.starts_with('/') {
        return refuse("is absolute: a resource's files must be inside the package");
    }
    // `https://...`, `file:...`, `C:...`: watt reads local files of the package only.
    if path
        .split('/')
        .next()
        .is_some_and(|first| first.contains(':'))
    {
        return refuse(
            "is a URL or a drive: watt reads only the package's own files, never the network",
        );
    }
    if path.split('/').any(|step| step == "..") {
        return refuse("goes out of the package (..): a resource's files must be inside it");
    }
    Ok(())
}

fn strict(text: &str) -> Result<Json, PackageError> {
    if text.len() > MAX_PACKAGE_BYTES {
        return Err(PackageError::Package(format!(
            "larger than {} MiB (the limit)",
            MAX_PACKAGE_BYTES >> 20
        )));
    }
    let limits = json::Limits {
        values: MAX_JSON_VALUES,
        objects: MAX_JSON_OBJECTS,
    };
    json::parse(text, limits).map_err(|e| {
        let (line, column) = (e.json.line(), e.json.column());
        let message = match e.refusal {
            Some(json::Refusal::DuplicateKey(key)) => {
                format!("the key {key:?} is written twice in the same object; keep one")
            }
            Some(json::Refusal::TooManyValues(n)) => format!("more than {n} JSON values"),
            Some(json::Refusal::TooManyObjects(n)) => format!("more than {n} JSON objects"),
            None => e.json.to_string(),
        };
        PackageError::Json {
            line,
            column,
            message,
        }
    })
}

fn load_resource(raw: &Json, number: usize) -> Result<Resource, PackageError> {
    let Json::Object(obj) = raw else {
        return Err(PackageError::Package(format!(
            "resource #{number} must be a JSON object"
        )));
    };
    let name = match obj.get("name") {
        Some(Json::String(s)) if !s.is_empty() => s.clone(),
        _ => {
            return Err(PackageError::Package(format!(
                "resource #{number} needs a name"
            )));
        }
    };
    let path = match obj.get("path") {
        Some(Json::String(p)) => p.clone(),
        Some(Json::Array(_)) => {
            return Err(resource_error(
                &name,
                "a path made of several files is not supported: give one CSV file",
            ));
        }
        Some(_) => return Err(resource_error(&name, "path must be a string")),
        None if obj.contains_key("data") => {
            return Err(resource_error(
                &name,
                "inline data is not supported: watt checks CSV files",
            ));
        }
        None => return Err(resource_error(&name, "path is missing")),
    };
    check_path(&path).map_err(|p| resource_error(&name, p))?;
    if let Some(format) = obj.get("format").and_then(Json::as_str) {
        if !["csv", "tsv"].contains(&format.to_ascii_lowercase().as_str()) {
            return Err(resource_error(
                &name,
                format!("format {format:?} is not supported: watt checks CSV files"),
            ));
        }
    }
    let part = |key: &str| -> Result<Option<Part>, PackageError> {
        match obj.get(key) {
            None => Ok(None),
            Some(Json::String(p)) => {
                check_path(p).map_err(|e| resource_error(&name, format!("{key}: {e}")))?;
                Ok(Some(Part::Path(p.clone())))
            }
            Some(v @ Json::Object(_)) => Ok(Some(Part::Inline(v.to_string()))),
            Some(_) => Err(resource_error(
                &name,
                format!("{key} must be an object or the path of a JSON file"),
            )),
        }
    };
    let schema = part("schema")?.ok_or_else(|| {
        resource_error(
            &name,
            "no schema: watt checks a table against its declared Table Schema",
        )
    })?;
    let dialect = part("dialect")?;
    let encoding = match obj.get("encoding") {
        None => None,
        Some(Json::String(label)) => Some(Encoding::from_label(label).ok_or_else(|| {
            resource_error(
                &name,
                format!(
                    "unknown encoding {label:?}; watt reads {}",
                    Encoding::LABELS
                ),
            )
        })?),
        Some(_) => return Err(resource_error(&name, "encoding must be a string")),
    };
    Ok(Resource {
        name,
        path,
        schema,
        dialect,
        encoding,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        Package::from_json(text).unwrap_err().to_string()
    }

    #[test]
    fn resources_are_read_with_their_parts() {
        let p = Package::from_json(
            r#"{"name": "energy", "title": "T", "resources": [
                {"name": "sites", "path": "data/sites.csv", "schema": {"fields": [{"name": "id"}]},
                 "dialect": "dialect.json", "encoding": "latin1", "bytes": 10},
                {"name": "readings", "path": "./readings.csv", "schema": "schemas/readings.json"}]}"#,
        )
        .unwrap();
        assert_eq!(p.name.as_deref(), Some("energy"));
        assert_eq!(
            p.resources[0].schema,
            Part::Inline(r#"{"fields":[{"name":"id"}]}"#.into())
        );
        assert_eq!(
            p.resources[0].dialect,
            Some(Part::Path("dialect.json".into()))
        );
        assert!(p.resources[0].encoding.is_some());
        assert_eq!(p.resources[1].path, "./readings.csv");
        assert_eq!(p.resources[1].dialect, None);
    }

    #[test]
    fn paths_out_of_the_package_are_refused() {
        for (path, why) in [
            ("/etc/passwd", "is absolute"),
            ("../secret.csv", "goes out of the package"),
            ("data/../../x.csv", "goes out of the package"),
            ("https://example.org/a.csv", "is a URL"),
            ("file:///etc/passwd", "is a URL"),
            ("C:/data.csv", "is a URL or a drive"),
            ("data\\a.csv", "backslash"),
            ("", "is empty"),
        ] {
            let e = check_path(path).unwrap_err();
            assert!(e.contains(why), "{path}: {e}");
        }
        assert!(check_path("data/a..b.csv").is_ok());
        let e = err(r#"{"resources": [{"name": "a", "path": "a.csv", "schema": "../s.json"}]}"#);
        assert_eq!(
            e,
            "resource \"a\": schema: path \"../s.json\" goes out of the package (..): a resource's files must be inside it"
        );
    }

    #[test]
    fn descriptor_errors_name_the_resource() {
        assert_eq!(err("[]"), "a Data Package descriptor must be a JSON object");
        assert_eq!(
            err(r#"{"resources": []}"#),
            "a Data Package needs a non-empty \"resources\" array"
        );
        assert_eq!(
            err(r#"{"resources": [{"path": "a.csv"}]}"#),
            "resource #1 needs a name"
        );
        assert_eq!(
            err(r#"{"resources": [{"name": "a", "data": [[1]], "schema": {}}]}"#),
            "resource \"a\": inline data is not supported: watt checks CSV files"
        );
        assert_eq!(
            err(r#"{"resources": [{"name": "a", "path": "a.csv"}]}"#),
            "resource \"a\": no schema: watt checks a table against its declared Table Schema"
        );
        assert_eq!(
            err(
                r#"{"resources": [{"name": "a", "path": "a.xlsx", "format": "xlsx", "schema": {}}]}"#
            ),
            "resource \"a\": format \"xlsx\" is not supported: watt checks CSV files"
        );
        assert_eq!(
            err(
                r#"{"resources": [{"name": "a", "path": "a.csv", "schema": {}},
                {"name": "a", "path": "b.csv", "schema": {}}]}"#
            ),
            "resource \"a\": the name is used by another resource"
        );
        assert!(err(r#"{"resources": [], "resources": []}"#).contains("written twice"));
    }

    #[test]
    fn a_resource_dialect_is_read_as_a_dialect_file() {
        assert_eq!(
            dialect_options("a", "{}").unwrap(),
            DialectOptions::default()
        );
        assert_eq!(
            dialect_options("a", r#"{"delimiter": ";", "header": false}"#).unwrap(),
            DialectOptions::from_json(r#"{"delimiter": ";", "header": false}"#).unwrap()
        );
        assert_eq!(
            dialect_options("a", r#"{"delimitter": ";"}"#)
                .unwrap_err()
                .to_string(),
            format!(
                "resource \"a\": {}",
                DialectOptions::from_json(r#"{"delimitter": ";"}"#).unwrap_err()
            )
        );
    }

    #[test]
    fn foreign_keys_are_planned_per_referenced_table() {
        let p = Package::from_json(
            r#"{"resources": [{"name": "sites", "path": "s.csv", "schema": {}},
                {"name": "readings", "path": "r.csv", "schema": {}}]}"#,
        )
        .unwrap();
        let sites = Schema::from_json(
            r#"{"fields": [{"name": "id"}, {"name": "up"}],
            "foreignKeys": [{"fields": "up", "reference": {"resource": "", "fields": "id"}}]}"#,
        )
        .unwrap();
        let readings = |to: &str| {
            Schema::from_json(&format!(
                r#"{{"fields": [{{"name": "site"}}], "foreignKeys": [
                    {{"fields": "site", "reference": {{"resource": "sites", "fields": "{to}"}}}},
                    {{"fields": "site", "reference": {{"resource": "sites", "fields": "up"}}}}]}}"#
            ))
            .unwrap()
        };
        let plans = p.references(&[sites.clone(), readings("id")]).unwrap();
        assert_eq!(
            plans,
            [ReferencePlan {
                resource: 0,
                keys: vec![vec!["id".into()], vec!["up".into()]],
                users: vec![(1, 0), (1, 1)],
            }]
        );
        assert_eq!(
            p.references(&[sites, readings("nope")])
                .unwrap_err()
                .to_string(),
            "resource \"readings\": foreign key #1 references field \"nope\" of resource \"sites\", which has no such field"
        );
    }
}
