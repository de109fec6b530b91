//! `watt minimise FILE --schema S -o OUT`: applies the schema's GDPR policy and writes the
//! minimised CSV.
//!
//! The output is written to a temporary file next to `OUT` and renamed into place only when
//! the data is valid: an invalid file leaves no output behind (unless `--allow-invalid`), and
//! a reader of `OUT` never sees half a file. The source is only read. A summary goes to
//! standard error, the full report to `--report FILE` or, with `--format json`, to standard
//! output.

use std::io::Write;
use std::ops::ControlFlow;
use std::path::Path;

use watt_core::{Minimiser, Options};

use super::{Outcome, load_schema, refuse_same_file};
use crate::cli::{Format, MinimiseArgs};
use crate::error::CliError;
use crate::input::Input;
use crate::key;
use crate::output::{self, Palette};
use crate::staged;

pub fn run(args: &MinimiseArgs) -> Result<Outcome, CliError> {
    let schema = load_schema(&args.schema)?;
    let to_stdout = args.output.as_os_str() == "-";
    if !to_stdout {
        refuse_same_file(&args.file, &args.output)?;
    }
    let key = key::load(args.key_file.as_deref())?.map(|(k, _)| k);
    let mut input = Input::open(&args.file)?;
    let options = Options {
        dialect: args.read.dialect(),
        encoding: args.read.encoding,
        max_findings: args.max_findings,
        size_hint: input.size(),
        ..Options::default()
    };
    let spill = crate::spill::config(args.read.spill_after);
    let make = || -> Result<Minimiser, CliError> {
        let m =
            Minimiser::new(&schema, options.clone(), key.clone()).map_err(CliError::minimise)?;
        Ok(match &spill {
            Some(spill) => m.with_spill(spill.clone()),
            None => m,
        })
    };
    let minimiser = make()?;
    // One minimising thread per core besides this one's reading (see `crate::staged`).
    let more = (1..staged::backs())
        .map(|_| make())
        .collect::<Result<Vec<_>, _>>()?;
    let mut sink = Sink::open(&args.output)?;
    let mut write_error = None;
    // Invalid data is not written: once it is known invalid, the rest is not read.
    let until = if args.allow_invalid {
        staged::Until::End
    } else {
        staged::Until::Invalid
    };
    // Validation on this thread, minimisation and writing on others.
    let staged = staged::minimise(
        minimiser,
        more,
        until,
        |f| input.read_chunks(f),
        &mut |bytes| match sink.write(bytes) {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                write_error = Some(e);
                ControlFlow::Break(())
            }
        },
    )?;
    let report = match (staged, write_error) {
        (_, Some(e)) => return Err(e),
        (Some(staged), None) => staged.report,
        // Only a failed write stops the run; should it stop otherwise, nothing is kept.
        (None, None) => {
            return Err(CliError::OutputUnwritable {
                path: args.output.display().to_string(),
                source: std::io::Error::other("minimisation stopped before the end"),
            });
        }
    };
    let keep = report.valid || args.allow_invalid;
    let written = sink.finish(keep)?;
    if let Some(path) = &args.report {
        let json = serde_json::to_string_pretty(&report).unwrap_or_default();
        std::fs::write(path, format!("{json}\n")).map_err(|source| CliError::OutputUnwritable {
            path: path.display().to_string(),
            source,
        })?;
    }
    let palette = Palette::for_stderr();
    let mut err = std::io::stderr().lock();
    let _ = output::text::write(&report, &palette, &mut err);
    let _ = output::minimisation::write(&report, &palette, &mut err);
    let _ = match (&written, report.valid) {
        (Some(path), _) => writeln!(err, "wrote {}", path.display()),
        (None, false) if !to_stdout => writeln!(
            err,
            "nothing written: the data is invalid (fix it, or pass --allow-invalid to write the minimised rows anyway)"
        ),
        _ => Ok(()),
    };
    if args.format == Format::Json && !to_stdout {
        output::to_stdout(|out| output::json::write(&report, out))?;
    }
    Ok(if report.valid {
        Outcome::Success
    } else {
        Outcome::Invalid
    })
}

/// The file a path names once its symbolic links are followed, even to a file that does not
/// exist yet (a link made ahead of the output).
fn link_target(path: &Path) -> std::io::Result<std::path::PathBuf> {
    let mut target = path.to_path_buf();
    // As many links as the kernel follows (ELOOP past that).
    for _ in 0..40 {
        match std::fs::symlink_metadata(&target) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = std::fs::read_link(&target)?;
                target = match target.parent() {
                    Some(dir) => dir.join(link),
                    None => link,
                };
            }
            _ => return Ok(target),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// Where the minimised bytes go: standard output, or a temporary file renamed at the end.
///
/// Only a regular file (or a new one) is replaced that way. A device, a FIFO or a socket
/// (`-o /dev/null`, `-o /dev/stdout`, a named pipe) is written to as it is: renaming a
/// file onto `/dev/null` would replace the device itself for every program of the machine.
/// A symbolic link is followed: the file it points to is replaced, the link stays.
enum Sink<'a> {
    /// Not locked: the writing thread is not the one that opened it.
    Stdout(std::io::BufWriter<std::io::Stdout>),
    File {
        tmp: tempfile::NamedTempFile,
        /// The path given, for messages.
        path: &'a Path,
        /// Where the file goes: `path`, or what its symbolic link points to.
        target: std::path::PathBuf,
    },
    Special {
        out: std::io::BufWriter<std::fs::File>,
        path: &'a Path,
    },
}

impl<'a> Sink<'a> {
    fn open(path: &'a Path) -> Result<Sink<'a>, CliError> {
        if path.as_os_str() == "-" {
            return Ok(Sink::Stdout(std::io::BufWriter::new(std::io::stdout())));
        }
        let unwritable = |source| CliError::OutputUnwritable {
            path: path.display().to_string(),
            source,
        };
        // `metadata` follows symbolic links: it describes what is written to.
        if let Ok(meta) = std::fs::metadata(path) {
            if !meta.is_file() && !meta.is_dir() {
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(path)
                    .map_err(unwritable)?;
                let out = std::io::BufWriter::new(file);
                return Ok(Sink::Special { out, path });
            }
        }
        let target = link_target(path).map_err(unwritable)?;
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        };
        let tmp = tempfile::Builder::new()
            .prefix(".watt-minimise-")
            .suffix(".partial")
            .tempfile_in(dir)
            .map_err(unwritable)?;
        Ok(Sink::File { tmp, path, target })
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), CliError> {
        let (result, name) = match self {
            Sink::Stdout(out) => (out.write_all(bytes), "standard output".to_owned()),
            Sink::File { tmp, path, .. } => (tmp.write_all(bytes), path.display().to_string()),
            Sink::Special { out, path } => (out.write_all(bytes), path.display().to_string()),
        };
        result.map_err(|source| CliError::OutputUnwritable { path: name, source })
    }

    /// Puts the output in place when `keep`; otherwise removes it. Returns the path written.
    fn finish(self, keep: bool) -> Result<Option<&'a Path>, CliError> {
        match self {
            Sink::Stdout(mut out) => {
                out.flush().map_err(|source| CliError::OutputUnwritable {
                    path: "standard output".into(),
                    source,
                })?;
                Ok(None)
            }
            Sink::File { tmp, path, target } if keep => {
                let unwritable = |source| CliError::OutputUnwritable {
                    path: path.display().to_string(),
                    source,
                };
                tmp.as_file().sync_all().map_err(unwritable)?;
                tmp.persist(&target).map_err(|e| unwritable(e.error))?;
                Ok(Some(path))
            }
            // What went out cannot be taken back: a device or pipe is written as it goes,
            // like standard output.
            Sink::Special { mut out, path } => {
                out.flush().map_err(|source| CliError::OutputUnwritable {
                    path: path.display().to_string(),
                    source,
                })?;
                Ok(Some(path))
            }
            // Dropping the temporary file removes it.
            Sink::File { .. } => Ok(None),
        }
    }
}
