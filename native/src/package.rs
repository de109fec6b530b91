//! `watt check datapackage.json`: every table of a Frictionless Data Package checked
//! against its own schema, and the foreign keys between the tables verified.
//!
//! The descriptor is read as a small file (bounded like a schema) and loaded by the core
//! ([`watt_core::package`]), which refuses files named outside the package. Here the files
//! are opened, and a path that leads out of the package's folder through a link is refused
//! too: a descriptor from elsewhere must not make watt read `/etc/shadow` or a file the user
//! did not give. Nothing is ever fetched from the network.
//!
//! Two passes, each file read once per pass, memory flat whatever the sizes: first the key
//! columns of every table that another one references are read into key sets (spilled to
//! the run's temporary file past `--spill-after`, like the primary key's), then every table
//! is checked, with the keys of the tables it references. The report is one core
//! [`Report`](watt_core::Report) per resource in a [`PackageReport`].

use std::path::{Path, PathBuf};

use watt_core::package::{self, Package, PackageReport, Part};
use watt_core::validate::{ReferenceReader, ReferencedKeys};
use watt_core::{Checker, DialectOptions, Options, Schema};

use crate::cli::{CheckArgs, Format};
use crate::commands::check::check_input;
use crate::commands::{Outcome, load_schema};
use crate::error::CliError;
use crate::input::Input;
use crate::output::{self, Palette};
use crate::small_file;

/// A resource ready to read: its file, schema and reading options.
struct Table {
    file: PathBuf,
    schema: Schema,
    dialect: DialectOptions,
    encoding: watt_core::Encoding,
}

pub fn check(args: &CheckArgs) -> Result<Outcome, CliError> {
    let shown = args.file.display().to_string();
    let invalid = |problem: String| CliError::PackageInvalid {
        path: shown.clone(),
        problem,
    };
    let text = small_file::read_to_string(&args.file, small_file::PACKAGE).map_err(|source| {
        CliError::PackageUnreadable {
            path: shown.clone(),
            source,
        }
    })?;
    let package = Package::from_json(&text).map_err(|e| invalid(e.to_string()))?;
    let folder = match args.file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let root = folder
        .canonicalize()
        .map_err(|source| CliError::InputUnreadable {
            path: folder.display().to_string(),
            source,
        })?;
    let tables = (package.resources.iter())
        .map(|r| table(&root, r, args).map_err(|e| with_package(e, &shown)))
        .collect::<Result<Vec<_>, _>>()?;
    let schemas: Vec<Schema> = tables.iter().map(|t| t.schema.clone()).collect();
    let plans = package
        .references(&schemas)
        .map_err(|e| invalid(e.to_string()))?;
    let spill = crate::spill::config(args.read.spill_after);
    let options = |t: &Table, input: &Input| Options {
        dialect: t.dialect.clone(),
        encoding: t.encoding,
        max_findings: args.max_findings,
        show_values: args.show_values,
        size_hint: input.size(),
        ..Options::default()
    };

    // Pass 1: the keys of the referenced tables.
    let mut given: Vec<Vec<(usize, ReferencedKeys)>> = tables.iter().map(|_| Vec::new()).collect();
    for plan in &plans {
        let t = &tables[plan.resource];
        let mut input = Input::open(&t.file)?;
        let mut reader = ReferenceReader::new(&t.schema, &plan.keys, options(t, &input))
            .map_err(|e| invalid(e.to_string()))?;
        if let Some(spill) = &spill {
            reader = reader.with_spill(spill.clone());
        }
        input.read_chunks(|chunk| {
            if reader.stopped() {
                return std::ops::ControlFlow::Break(());
            }
            reader.push(chunk);
            std::ops::ControlFlow::Continue(())
        })?;
        for (keys, &(user, fk)) in reader.finish().into_iter().zip(&plan.users) {
            given[user].push((fk, keys));
        }
    }

    // Pass 2: every table, with the keys of the tables it references.
    let mut reports = Vec::with_capacity(tables.len());
    for (t, keys) in tables.iter().zip(given) {
        let mut input = Input::open(&t.file)?;
        let mut checker = Checker::new(&t.schema, options(t, &input));
        if let Some(spill) = &spill {
            checker = checker.with_spill(spill.clone());
        }
        for (fk, keys) in keys {
            checker = checker
                .with_reference(fk, keys)
                .map_err(|e| invalid(e.to_string()))?;
        }
        reports.push(check_input(checker, &mut input)?);
    }

    let report = PackageReport::new(&package, reports);
    match args.format {
        Format::Json => output::to_stdout(|out| {
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)
        })?,
        Format::Text => {
            let palette = Palette::for_stdout();
            output::to_stdout(|out| {
                for (i, r) in report.resources.iter().enumerate() {
                    if i > 0 {
                        writeln!(out)?;
                    }
                    let h = palette.heading;
                    writeln!(out, "{h}resource {:?} ({}){h:#}", r.name, r.path)?;
                    output::text::write(&r.report, &palette, out)?;
                }
                Ok(())
            })?;
        }
    }
    Ok(if report.valid {
        Outcome::Success
    } else {
        Outcome::Invalid
    })
}

/// A core refusal about a resource, said of the package.
fn with_package(err: CliError, shown: &str) -> CliError {
    match err {
        CliError::PackageInvalid { problem, .. } => CliError::PackageInvalid {
            path: shown.to_owned(),
            problem,
        },
        other => other,
    }
}

/// The file, schema and dialect of `resource`.
fn table(root: &Path, resource: &package::Resource, args: &CheckArgs) -> Result<Table, CliError> {
    let invalid = |problem: String| CliError::PackageInvalid {
        path: String::new(),
        problem: format!("resource {:?}: {problem}", resource.name),
    };
    let file = inside(root, &resource.path).map_err(&invalid)?;
    let schema = match &resource.schema {
        Part::Inline(text) => {
            Schema::from_json(text).map_err(|e| invalid(format!("schema: {e}")))?
        }
        Part::Path(p) => load_schema(&inside(root, p).map_err(&invalid)?)?,
    };
    let dialect = match &resource.dialect {
        None => DialectOptions::default(),
        Some(Part::Inline(text)) => {
            package::dialect_options(&resource.name, text).map_err(|e| invalid_of(e.to_string()))?
        }
        Some(Part::Path(p)) => {
            let path = inside(root, p).map_err(&invalid)?;
            let text = small_file::read_to_string(&path, small_file::DIALECT)
                .map_err(|e| invalid(format!("dialect {p}: {e}")))?;
            package::dialect_options(&resource.name, &text)
                .map_err(|e| invalid_of(e.to_string()))?
        }
    };
    Ok(Table {
        file,
        schema,
        dialect,
        encoding: resource.encoding.unwrap_or(args.read.encoding),
    })
}

fn invalid_of(problem: String) -> CliError {
    CliError::PackageInvalid {
        path: String::new(),
        problem,
    }
}

/// The file `relative` names in the package whose folder is `root` (canonical), when it is
/// inside it: checked as written (no absolute path, `..` or URL), then as it resolves
/// (no link out of the folder).
fn inside(root: &Path, relative: &str) -> Result<PathBuf, String> {
    package::check_path(relative)?;
    let real = root
        .join(relative)
        .canonicalize()
        .map_err(|e| format!("cannot read {relative}: {e}"))?;
    if !real.starts_with(root) {
        return Err(format!(
            "path {relative:?} leads out of the package's folder (through a link): a resource's files must be inside it"
        ));
    }
    Ok(real)
}
