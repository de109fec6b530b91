//! Output files: written whole or not at all.
//!
//! An output is written to a temporary file beside its destination and renamed into place
//! at the end, so a reader never sees half a file and a run that fails (or finds the data
//! invalid) leaves nothing behind. The commands refuse an output that names one of their
//! inputs or another output before they open any (`crate::same_file`).

use std::io::Write;
use std::path::Path;

use crate::error::CliError;

/// Where an output goes: standard output (`-`), or a temporary file renamed at the end.
///
/// Only a regular file (or a new one) is replaced that way. A device, a FIFO or a socket
/// (`-o /dev/null`, `-o /dev/stdout`, a named pipe) is written to as it is: renaming a
/// file onto `/dev/null` would replace the device itself for every program of the machine.
/// A symbolic link is followed: the file it points to is replaced, the link stays.
pub enum OutputFile<'a> {
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

impl<'a> OutputFile<'a> {
    pub fn open(path: &'a Path) -> Result<OutputFile<'a>, CliError> {
        if path.as_os_str() == "-" {
            return Ok(OutputFile::Stdout(std::io::BufWriter::new(
                std::io::stdout(),
            )));
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
                return Ok(OutputFile::Special { out, path });
            }
        }
        let target = crate::same_file::link_target(path).map_err(unwritable)?;
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        };
        let tmp = tempfile::Builder::new()
            .prefix(".watt-output-")
            .suffix(".partial")
            .tempfile_in(dir)
            .map_err(unwritable)?;
        Ok(OutputFile::File { tmp, path, target })
    }

    pub fn write(&mut self, bytes: &[u8]) -> Result<(), CliError> {
        let (result, name) = match self {
            OutputFile::Stdout(out) => (out.write_all(bytes), "standard output".to_owned()),
            OutputFile::File { tmp, path, .. } => {
                (tmp.write_all(bytes), path.display().to_string())
            }
            OutputFile::Special { out, path } => (out.write_all(bytes), path.display().to_string()),
        };
        result.map_err(|source| CliError::OutputUnwritable { path: name, source })
    }

    /// Puts the output in place when `keep`; otherwise removes it. Returns the path written.
    pub fn finish(self, keep: bool) -> Result<Option<&'a Path>, CliError> {
        match self {
            OutputFile::Stdout(mut out) => {
                out.flush().map_err(|source| CliError::OutputUnwritable {
                    path: "standard output".into(),
                    source,
                })?;
                Ok(None)
            }
            OutputFile::File { tmp, path, target } if keep => {
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
            OutputFile::Special { mut out, path } => {
                out.flush().map_err(|source| CliError::OutputUnwritable {
                    path: path.display().to_string(),
                    source,
                })?;
                Ok(Some(path))
            }
            // Dropping the temporary file removes it.
            OutputFile::File { .. } => Ok(None),
        }
    }
}

/// Writes a small output (a report, a draft schema, an inventory) whole: through
/// [`OutputFile`], so a failure leaves the file as it was.
pub fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let mut out = OutputFile::open(path)?;
    out.write(bytes)?;
    out.finish(true)?;
    Ok(())
}
