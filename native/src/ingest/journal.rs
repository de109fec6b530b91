//! The journal of multipart uploads in progress: one small JSON file per upload in
//! `logs/.pending-uploads/`, written when the upload starts and removed when it is
//! completed or aborted.
//!
//! When the process or the store dies in the middle of an upload, S3 keeps the parts
//! already sent, invisible and billed, until someone aborts the upload. The journal
//! remembers which uploads those are, and every run starts by aborting the ones left by
//! runs that are no longer alive. (An S3 lifecycle rule `AbortIncompleteMultipartUpload` is
//! the second safety net: see docs/ingest.md.)

use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// An upload in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub bucket: String,
    pub key: String,
    pub upload_id: String,
    pub run_id: String,
    /// The process that started it: its uploads are left alone while it runs.
    pub pid: u32,
}

/// The journal folder.
#[derive(Debug, Clone)]
pub struct Journal {
    dir: PathBuf,
}

/// A journal entry read back from disk.
#[derive(Debug)]
pub struct Found {
    pub path: PathBuf,
    pub entry: Entry,
}

impl Journal {
    pub fn new(log_dir: &Path) -> Journal {
        Journal {
            dir: log_dir.join(".pending-uploads"),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Records an upload; returns the entry's path (to remove it when the upload ends).
    pub fn add(&self, entry: &Entry, file_index: usize) -> io::Result<PathBuf> {
        std::fs::create_dir_all(&self.dir)?;
        let path = self.dir.join(format!("{}-{file_index}.json", entry.run_id));
        let json = serde_json::to_vec_pretty(entry).map_err(io::Error::other)?;
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, json)?;
        if let Ok(f) = std::fs::File::open(&tmp) {
            let _ = f.sync_all();
        }
        std::fs::rename(&tmp, &path)?;
        Ok(path)
    }

    /// Removes an entry (its upload was completed or aborted).
    pub fn remove(path: &Path) -> io::Result<()> {
        match std::fs::remove_file(path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Entries left by processes that are no longer running (unreadable entries are
    /// returned as errors, to be reported, not deleted).
    pub fn leftovers(&self) -> Vec<Result<Found, (PathBuf, String)>> {
        let Ok(read) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut paths: Vec<PathBuf> = read
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        paths
            .into_iter()
            .filter_map(|path| {
                let parsed = std::fs::read(&path)
                    .map_err(|e| e.to_string())
                    .and_then(|b| serde_json::from_slice::<Entry>(&b).map_err(|e| e.to_string()));
                match parsed {
                    Ok(entry) if process_alive(entry.pid) => None,
                    Ok(entry) => Some(Ok(Found { path, entry })),
                    Err(e) => Some(Err((path, e))),
                }
            })
            .collect()
    }
}

/// Whether a process with this id runs (on Linux, through /proc; elsewhere every journal
/// entry is taken as left over, so concurrent runs must not share a log folder there).
fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    Path::new("/proc").join(pid.to_string()).exists() && Path::new("/proc/self").exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(pid: u32) -> Entry {
        Entry {
            bucket: "lake".into(),
            key: "p/2024/01/01/x_0123456789abcdef_000000.csv".into(),
            upload_id: "up-1".into(),
            run_id: "0123456789abcdef".into(),
            pid,
        }
    }

    #[test]
    fn entries_of_dead_processes_are_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(dir.path());
        assert!(journal.leftovers().is_empty(), "no folder, no leftovers");
        // A pid above the Linux maximum (2^22) never runs.
        let dead = journal.add(&entry(9_999_999), 0).unwrap();
        let alive = journal.add(&entry(std::process::id()), 1).unwrap();
        assert_eq!(
            dead,
            dir.path().join(".pending-uploads/0123456789abcdef-0.json")
        );
        let found = journal.leftovers();
        assert_eq!(found.len(), 1);
        let found = found.into_iter().next().unwrap().unwrap();
        assert_eq!(found.entry, entry(9_999_999));
        Journal::remove(&found.path).unwrap();
        Journal::remove(&found.path).unwrap();
        assert!(journal.leftovers().is_empty());
        assert!(alive.exists());
    }

    #[test]
    fn unreadable_entries_are_reported_not_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(dir.path());
        std::fs::create_dir_all(journal.dir()).unwrap();
        let bad = journal.dir().join("x.json");
        std::fs::write(&bad, "{").unwrap();
        let found = journal.leftovers();
        assert!(matches!(&found[..], [Err((p, _))] if *p == bad));
        assert!(bad.exists());
    }
}
