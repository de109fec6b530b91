//! The journal of multipart uploads in progress: one small JSON file per upload in
//! `logs/.pending-uploads/`, written *before* the upload is created (with its key only),
//! completed with the store's upload id as soon as the store returns it, and removed when
//! the upload is completed or aborted.
//!
//! Writing first closes the window where the process could die between the store
//! creating the upload and the journal recording it: an entry without an upload id means
//! "an upload of this key may exist", and the next run looks for it by key.
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
    /// `None` until the store has returned it (see the module doc).
    #[serde(default)]
    pub upload_id: Option<String>,
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

    /// Records an upload, or replaces its record (same run and file index: same path);
    /// returns the entry's path (to remove it when the upload ends).
    ///
    /// The entry is written to a temporary file named with the writer's pid, synced, then
    /// renamed over the entry: a reader sees the old entry or the new one, never half of
    /// one, and a temporary file left by a killed writer is recognised and removed by
    /// [`Journal::leftovers`].
    pub fn add(&self, entry: &Entry, file_index: usize) -> io::Result<PathBuf> {
        std::fs::create_dir_all(&self.dir)?;
        let path = self.dir.join(format!("{}-{file_index}.json", entry.run_id));
        let json = serde_json::to_vec_pretty(entry).map_err(io::Error::other)?;
        let tmp = path.with_extension(format!("json.{}.tmp", std::process::id()));
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

/// The pid in a temporary entry's name (`<run>-<i>.json.<pid>.tmp`).
fn tmp_writer(path: &Path) -> Option<u32> {
    let name = path.file_name()?.to_str()?;
    let (rest, pid) = name.strip_suffix(".tmp")?.rsplit_once('.')?;
    rest.ends_with(".json").then_some(())?;
    pid.parse().ok()
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
            upload_id: Some("up-1".into()),
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
    fn an_entry_is_replaced_whole_and_may_lack_an_upload_id() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(dir.path());
        let intent = Entry {
            upload_id: None,
            ..entry(9_999_999)
        };
        let path = journal.add(&intent, 3).unwrap();
        let found = journal.leftovers();
        assert!(matches!(&found[..], [Ok(f)] if f.entry.upload_id.is_none()));
        // Older journals always had an id; a missing one reads as `None`.
        let json = std::fs::read_to_string(&path).unwrap();
        assert!(json.contains("\"uploadId\": null"), "{json}");
        assert_eq!(journal.add(&entry(9_999_999), 3).unwrap(), path);
        let found = journal.leftovers();
        assert!(matches!(&found[..], [Ok(f)] if f.entry.upload_id.as_deref() == Some("up-1")));
        assert_eq!(
            std::fs::read_dir(journal.dir()).unwrap().count(),
            1,
            "no temporary file left"
        );
    }

    #[test]
    fn temporary_files_of_dead_writers_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(dir.path());
        std::fs::create_dir_all(journal.dir()).unwrap();
        let dead = journal.dir().join("0123456789abcdef-0.json.9999999.tmp");
        let alive = journal.dir().join(format!(
            "0123456789abcdef-1.json.{}.tmp",
            std::process::id()
        ));
        let other = journal.dir().join("notes.txt");
        for p in [&dead, &alive, &other] {
            std::fs::write(p, "{").unwrap();
        }
        assert!(journal.leftovers().is_empty());
        assert!(!dead.exists());
        assert!(alive.exists(), "a live writer's file is left alone");
        assert!(
            other.exists(),
            "files the journal did not write are left alone"
        );
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
