//! A journal folder: one small JSON file per change in progress, written before the change
//! starts and removed once it is over, so a process stopped anywhere leaves the next one
//! what it needs to finish or undo it. `watt ingest` keeps its writes in one
//! (`logs/.pending-uploads/`, see `ingest::journal`), `watt lake` its rewrites and
//! deletions in another (`logs/.pending-lake/`, see `lake::journal`); this module is what
//! they share: how an entry is written, replaced, removed and found again.
//!
//! An entry is written to a temporary file named with the writer's pid, synced, then
//! renamed over the entry: a reader sees the old entry or the new one, never half of one,
//! and a temporary file left by a killed writer is recognised and removed by
//! [`Folder::leftovers`]. The folder is `0700` and the files `0600`, whatever the umask.

use std::io::{self, Write as _};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::ingest::private;

/// What a journal entry must tell: the process that wrote it (its entries are left alone
/// while it runs).
pub trait Entry: Serialize + DeserializeOwned {
    fn pid(&self) -> u32;
}

/// A journal folder of entries of type `E`.
#[derive(Debug)]
pub struct Folder<E> {
    dir: PathBuf,
    entries: PhantomData<fn() -> E>,
}

impl<E> Clone for Folder<E> {
    fn clone(&self) -> Self {
        Folder {
            dir: self.dir.clone(),
            entries: PhantomData,
        }
    }
}

/// An entry read back from disk.
#[derive(Debug)]
pub struct Found<E> {
    pub path: PathBuf,
    pub entry: E,
}

impl<E: Entry> Folder<E> {
    pub fn new(dir: PathBuf) -> Folder<E> {
        Folder {
            dir,
            entries: PhantomData,
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes the entry `<name>.json`, or replaces it whole; returns its path.
    pub fn write(&self, name: &str, entry: &E) -> io::Result<PathBuf> {
        private::create_dir_all(&self.dir)?;
        let path = self.dir.join(format!("{name}.json"));
        let json = serde_json::to_vec_pretty(entry).map_err(io::Error::other)?;
        let tmp = path.with_extension(format!("json.{}.tmp", std::process::id()));
        let written = private::create_new(&tmp).and_then(|mut f| {
            f.write_all(&json)?;
            f.sync_all()
        });
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        std::fs::rename(&tmp, &path)?;
        Ok(path)
    }

    /// Removes an entry (its change is over); one already gone is not an error.
    pub fn remove(path: &Path) -> io::Result<()> {
        match std::fs::remove_file(path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Entries left by processes that are no longer running, in name order (unreadable
    /// entries are returned as errors, to be reported, not deleted).
    pub fn leftovers(&self) -> Vec<Result<Found<E>, (PathBuf, String)>> {
        let Ok(read) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut paths = Vec::new();
        for path in read.filter_map(Result::ok).map(|e| e.path()) {
            if path.extension().is_some_and(|x| x == "json") {
                paths.push(path);
            } else if let Some(pid) = tmp_writer(&path) {
                // A killed writer's temporary file: the entry it was replacing (if any) is
                // still there, so it holds nothing the journal needs.
                if !process_alive(pid) {
                    let _ = std::fs::remove_file(&path);
                }
            }
        }
        paths.sort();
        paths
            .into_iter()
            .filter_map(|path| {
                let parsed = std::fs::read(&path)
                    .map_err(|e| e.to_string())
                    .and_then(|b| serde_json::from_slice::<E>(&b).map_err(|e| e.to_string()));
                match parsed {
                    Ok(entry) if process_alive(entry.pid()) => None,
                    Ok(entry) => Some(Ok(Found { path, entry })),
                    Err(e) => Some(Err((path, e))),
                }
            })
            .collect()
    }
}

/// The pid in a temporary entry's name (`<name>.json.<pid>.tmp`).
fn tmp_writer(path: &Path) -> Option<u32> {
    let name = path.file_name()?.to_str()?;
    let (rest, pid) = name.strip_suffix(".tmp")?.rsplit_once('.')?;
    rest.ends_with(".json").then_some(())?;
    pid.parse().ok()
}

/// Whether a process with this id runs (on Linux, through /proc; elsewhere every journal
/// entry is taken as left over, so concurrent runs must not share a log folder there).
pub fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    Path::new("/proc").join(pid.to_string()).exists() && Path::new("/proc/self").exists()
}
