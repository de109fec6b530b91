//! The input file, read in chunks: shared by every command that reads a CSV file.
//!
//! A file is opened read-only and read [`CHUNK_BYTES`] at a time into a few reused
//! buffers, so memory does not grow with the file; `-` reads standard input the same way.
//! The core takes chunks cut anywhere, so nothing here knows about rows.
//!
//! A file is read ahead on a thread of its own: the kernel's copy of the next chunk (a
//! tenth of the time of `watt check` on a file in the page cache) then runs on another
//! core while this one checks the current chunk. Standard input is read in place: a
//! reading thread could be left waiting on a terminal after the command has stopped.

use std::fs::File;
use std::io::{self, Read};
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::mpsc;

use crate::error::CliError;

/// Bytes read at a time.
pub const CHUNK_BYTES: usize = 1 << 20;

/// Chunks a file is read ahead of the one being processed.
const READ_AHEAD: usize = 2;

/// A source of bytes: a file or standard input.
pub struct Input {
    name: String,
    source: Source,
    size: Option<u64>,
}

enum Source {
    Stdin(io::StdinLock<'static>),
    File(File),
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
                source: Source::Stdin(io::stdin().lock()),
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
                source: Source::File(file),
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
        let read = match &mut self.source {
            Source::File(file) => read_ahead(file, f),
            Source::Stdin(stdin) => {
                let mut buf = vec![0u8; CHUNK_BYTES];
                loop {
                    match read_some(stdin, &mut buf) {
                        Ok(0) => break Ok(()),
                        Ok(n) if f(&buf[..n]).is_break() => break Ok(()),
                        Ok(_) => {}
                        Err(e) => break Err(e),
                    }
                }
            }
        };
        read.map_err(|source| CliError::InputUnreadable {
            path: self.name.clone(),
            source,
        })
    }
}

/// One `read`, retried when interrupted.
fn read_some(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match reader.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            read => return read,
        }
    }
}

/// Reads `file` on a thread of its own, up to [`READ_AHEAD`] chunks ahead of `f`; the
/// buffers go back to the reader once `f` is done with them.
fn read_ahead(file: &File, mut f: impl FnMut(&[u8]) -> ControlFlow<()>) -> io::Result<()> {
    std::thread::scope(|scope| {
        let (full, chunks) = mpsc::sync_channel::<io::Result<(Vec<u8>, usize)>>(READ_AHEAD);
        let (empty, empties) = mpsc::channel::<Vec<u8>>();
        scope.spawn(move || {
            let mut file = file;
            // The chunks in the channel, the one being read and the one `f` holds.
            let mut made = 0;
            loop {
                let mut buf = match empties.try_recv() {
                    Ok(buf) => buf,
                    Err(_) if made < READ_AHEAD + 2 => {
                        made += 1;
                        vec![0u8; CHUNK_BYTES]
                    }
                    // `f` has stopped when this fails.
                    Err(_) => match empties.recv() {
                        Ok(buf) => buf,
                        Err(_) => return,
                    },
                };
                let read = read_some(&mut file, &mut buf);
                let last = !matches!(read, Ok(n) if n > 0);
                // A failed send means `f` has stopped: nothing more to read.
                if full.send(read.map(|n| (buf, n))).is_err() || last {
                    return;
                }
            }
        });
        // Returning drops `chunks` and `empty`: a reader waiting on either stops.
        for chunk in chunks {
            let (buf, n) = chunk?;
            if n == 0 || f(&buf[..n]).is_break() {
                return Ok(());
            }
            // The reader may have stopped already (end of file).
            let _ = empty.send(buf);
        }
        Ok(())
    })
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
    fn a_file_read_ahead_comes_in_order_and_stops_midway() {
        // More chunks than the reader may hold at once: buffers must come back to it.
        let chunks = READ_AHEAD + 6;
        let data: Vec<u8> = (0..CHUNK_BYTES * chunks)
            .map(|i| (i / CHUNK_BYTES) as u8)
            .collect();
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(&data).unwrap();
        let mut input = Input::open(file.path()).unwrap();
        let mut seen = Vec::new();
        input
            .read_chunks(|c| {
                seen.extend_from_slice(c);
                ControlFlow::Continue(())
            })
            .unwrap();
        assert_eq!(seen, data);

        // Stopped after the third chunk while the reader is ahead: it stops too.
        let mut input = Input::open(file.path()).unwrap();
        let (mut calls, mut prefix) = (0, Vec::new());
        input
            .read_chunks(|c| {
                calls += 1;
                prefix.extend_from_slice(c);
                if calls == 3 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            })
            .unwrap();
        assert_eq!(calls, 3);
        assert_eq!(prefix, data[..prefix.len()]);
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
