//! The input file, read in chunks: shared by every command that reads a CSV file.
//!
//! A file is opened read-only and read [`CHUNK_BYTES`] at a time into one reused buffer,
//! so memory does not grow with the file; `-` reads standard input the same way. The core
//! takes chunks cut anywhere, so nothing here knows about rows.

use std::fs::File;
use std::io::{self, Read};
use std::ops::ControlFlow;
use std::path::Path;

use crate::error::CliError;

/// Bytes read at a time.
pub const CHUNK_BYTES: usize = 1 << 20;

/// A source of bytes: a file or standard input.
pub struct Input {
    name: String,
    reader: Box<dyn Read>,
    size: Option<u64>,
}

impl std::fmt::Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Input").field("name", &self.name).finish()
    }
}

impl Input {
    /// Opens `path` read-only, or standard input when `path` is `-`.
    pub fn open(path: &Path) -> Result<Input, CliError> {
        if path.as_os_str() == "-" {
            return Ok(Input {
                name: "standard input".to_owned(),
                reader: Box::new(io::stdin().lock()),
                size: None,
            });
        }
        let name = path.display().to_string();
        match File::open(path) {
            Ok(file) => Ok(Input {
                name,
                size: file
                    .metadata()
                    .ok()
                    .filter(|m| m.is_file())
                    .map(|m| m.len()),
                reader: Box::new(file),
            }),
            Err(source) => Err(CliError::InputUnreadable { path: name, source }),
        }
    }

    /// The input's size in bytes, when it is a regular file (a hint for the core).
    pub fn size(&self) -> Option<u64> {
        self.size
    }

    /// How messages name the input: its path, or "standard input".
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Reads to the end, handing each chunk to `f`, which may stop the reading early.
    pub fn read_chunks(
        &mut self,
        mut f: impl FnMut(&[u8]) -> ControlFlow<()>,
    ) -> Result<(), CliError> {
        let mut buf = vec![0u8; CHUNK_BYTES];
        loop {
            match self.reader.read(&mut buf) {
                Ok(0) => return Ok(()),
                Ok(n) => {
                    if f(&buf[..n]).is_break() {
                        return Ok(());
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(source) => {
                    return Err(CliError::InputUnreadable {
                        path: self.name.clone(),
                        source,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn reads_a_file_in_chunks_of_at_most_a_mebibyte() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        let data: Vec<u8> = (0..(CHUNK_BYTES * 2 + 10))
            .map(|i| (i % 251) as u8)
            .collect();
        file.write_all(&data).unwrap();
        let mut input = Input::open(file.path()).unwrap();
        let mut seen = Vec::new();
        let mut largest = 0;
        input
            .read_chunks(|c| {
                largest = largest.max(c.len());
                seen.extend_from_slice(c);
                ControlFlow::Continue(())
            })
            .unwrap();
        assert_eq!(seen, data);
        assert!(largest <= CHUNK_BYTES);
    }

    #[test]
    fn stops_when_asked() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(&vec![b'x'; CHUNK_BYTES * 3]).unwrap();
        let mut input = Input::open(file.path()).unwrap();
        let mut calls = 0;
        input
            .read_chunks(|_| {
                calls += 1;
                ControlFlow::Break(())
            })
            .unwrap();
        assert_eq!(calls, 1);
    }

    #[test]
    fn a_missing_file_names_its_path() {
        let err = Input::open(Path::new("/nonexistent/watt.csv")).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("cannot read /nonexistent/watt.csv: "),
            "{err}"
        );
    }
}
