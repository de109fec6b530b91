//! The journal of writes in progress: one small JSON file per file of a run in
//! `logs/.pending-uploads/`, kept from before the file's object is written until its
//! manifest is stored, whatever the lake (S3 or a local folder) and however the object is
//! written (one PutObject, a multipart upload, a partial file).
//!
//! An entry goes through three states, each written *before* the step it announces:
//!
//! - [`State::Uploading`]: the object is being written and cannot exist yet. A multipart
//!   upload may (its id is added as soon as the store returns it; an entry without one means
//!   "an upload of this key may exist", looked for by key), and so may a local lake's
//!   partial file. The next run drops them.
//! - [`State::Committing`]: the object is handed to the store (PutObject sent,
//!   CompleteMultipartUpload sent, partial file being linked) with the manifest as it will
//!   be written: the sums sent, the source's hash, the reports (counts, never values). It
//!   may or may not exist; the next run looks.
//! - [`State::Committed`]: the store said the object is in (and what it said is added to
//!   the manifest). Only the manifest is missing.
//!
//! The entry is removed once the manifest is stored, or once the write failed and left
//! nothing (or was reported). The next run finishes what the journal says was left (see
//! `ingest::recover`): it aborts, removes, or checks the object and writes its manifest.
//!
//! Entries hold object keys (made free of personal data, see `key.rs`), ids, checksums and
//! counts; the local lake's folder is recorded (absolute) to tell lakes apart. How entries
//! are written, replaced and found again is every journal's ([`crate::journal`]): the
//! folder is `0700` and the files `0600`, like the run log. (An S3 lifecycle rule
//! `AbortIncompleteMultipartUpload` is the second safety net for uploads: see
//! docs/ingest.md.)

use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::lake::{Pending, Place};
use super::manifest::Manifest;
use crate::journal::Folder;

/// How far a file's write went (see the module doc).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum State {
    /// Entries of older versions, which journaled multipart uploads only, read as this.
    #[default]
    Uploading,
    Committing,
    Committed,
}

/// How the object is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Write {
    Single,
    #[default]
    Multipart,
}

/// A file's write in progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    #[serde(default)]
    pub state: State,
    /// The bucket, for an S3 lake.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket: Option<String>,
    /// The folder, for a local lake.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lake_dir: Option<PathBuf>,
    pub key: String,
    #[serde(default)]
    pub write: Write,
    /// The multipart upload's id: `None` until the store has returned it (see the module
    /// doc).
    #[serde(default)]
    pub upload_id: Option<String>,
    pub run_id: String,
    /// The process that started it: its entries are left alone while it runs.
    pub pid: u32,
    /// The manifest to store beside the object, from [`State::Committing`] on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<Manifest>,
}

impl Entry {
    /// A new entry for a write of `key` in `place`.
    pub fn new(place: Place, key: &str, write: Write, run_id: String) -> Entry {
        let (bucket, lake_dir) = match place {
            Place::Bucket(b) => (Some(b), None),
            Place::Dir(d) => (None, Some(d)),
        };
        Entry {
            state: State::Uploading,
            bucket,
            lake_dir,
            key: key.to_owned(),
            write,
            upload_id: None,
            run_id,
            pid: std::process::id(),
            manifest: None,
        }
    }

    /// The lake the entry is about.
    pub fn place(&self) -> Option<Place> {
        match (&self.bucket, &self.lake_dir) {
            (Some(b), None) => Some(Place::Bucket(b.clone())),
            (None, Some(d)) => Some(Place::Dir(d.clone())),
            _ => None,
        }
    }

    /// What an interrupted write of this entry may have left.
    pub fn pending(&self) -> Pending<'_> {
        match self.write {
            Write::Single => Pending::Single,
            Write::Multipart => Pending::Multipart {
                upload_id: self.upload_id.as_deref(),
            },
        }
    }

    /// Why this run must not act on the entry, if it must not: its key is outside the
    /// run's prefix, or does not name the run that wrote the entry (an entry edited or
    /// planted to make watt abort, remove or vouch for somebody else's object).
    pub fn misfit(&self, prefix: &str) -> Option<String> {
        let key = &self.key;
        let under_prefix = prefix.is_empty()
            || key
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('/'));
        if !under_prefix {
            return Some(format!(
                "its key {key:?} is outside this run's prefix {prefix}"
            ));
        }
        let segments_ok = key
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != ".." && !s.contains('\\'));
        let run = &self.run_id;
        let run_ok = run.len() == 16
            && run
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        let names_run = key
            .rsplit('/')
            .next()
            .is_some_and(|name| name.contains(&format!("_{run}_")));
        if !segments_ok || !run_ok || !names_run {
            return Some(format!("its key {key:?} does not name run {run}"));
        }
        if self.state != State::Uploading && self.manifest.is_none() {
            return Some("it has no manifest to write".into());
        }
        None
    }
}

/// The journal folder (the mechanics are those of every journal: [`crate::journal`]).
#[derive(Debug, Clone)]
pub struct Journal {
    folder: Folder<Entry>,
}

/// A journal entry read back from disk.
pub type Found = crate::journal::Found<Entry>;

impl crate::journal::Entry for Entry {
    fn pid(&self) -> u32 {
        self.pid
    }
}

impl Journal {
    pub fn new(log_dir: &Path) -> Journal {
        Journal {
            folder: Folder::new(log_dir.join(".pending-uploads")),
        }
    }

    pub fn dir(&self) -> &Path {
        self.folder.dir()
    }

    /// Records an upload, or replaces its record (same run and file index: same path);
    /// returns the entry's path (to remove it when the upload ends).
    pub fn add(&self, entry: &Entry, file_index: usize) -> io::Result<PathBuf> {
        self.folder
            .write(&format!("{}-{file_index}", entry.run_id), entry)
    }

    /// Removes an entry (its upload was completed or aborted).
    pub fn remove(path: &Path) -> io::Result<()> {
        Folder::<Entry>::remove(path)
    }

    /// Entries left by processes that are no longer running (unreadable entries are
    /// returned as errors, to be reported, not deleted).
    pub fn leftovers(&self) -> Vec<Result<Found, (PathBuf, String)>> {
        self.folder.leftovers()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(pid: u32) -> Entry {
        Entry {
            upload_id: Some("up-1".into()),
            pid,
            ..Entry::new(
                Place::Bucket("lake".into()),
                "p/2024/01/01/x_0123456789abcdef_000000.csv",
                Write::Multipart,
                "0123456789abcdef".into(),
            )
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

    #[test]
    fn entries_of_older_versions_read_as_multipart_uploads() {
        let old = r#"{"bucket": "lake", "key": "p/x_0123456789abcdef_000000.csv",
            "uploadId": "up-1", "runId": "0123456789abcdef", "pid": 1}"#;
        let e: Entry = serde_json::from_str(old).unwrap();
        assert_eq!(e.state, State::Uploading);
        assert_eq!(
            e.pending(),
            Pending::Multipart {
                upload_id: Some("up-1")
            }
        );
        assert_eq!(e.place(), Some(Place::Bucket("lake".into())));
        assert_eq!(e.misfit("p"), None);
    }

    #[test]
    fn entries_outside_the_prefix_or_not_naming_their_run_are_misfits() {
        let e = entry(1);
        assert_eq!(e.misfit("p"), None);
        assert_eq!(e.misfit(""), None);
        assert!(
            e.misfit("p/2024/01/01/x")
                .unwrap()
                .contains("outside this run's prefix")
        );
        assert!(e.misfit("q").unwrap().contains("outside this run's prefix"));
        assert!(e.misfit("p/2024/0").unwrap().contains("outside"));
        let other_run = Entry {
            run_id: "ffffffffffffffff".into(),
            ..entry(1)
        };
        assert!(
            other_run
                .misfit("p")
                .unwrap()
                .contains("does not name run ffffffffffffffff")
        );
        let climbing = Entry {
            key: "p/../../etc/x_0123456789abcdef_000000.csv".into(),
            ..entry(1)
        };
        assert!(climbing.misfit("p").unwrap().contains("does not name run"));
        let no_manifest = Entry {
            state: State::Committed,
            ..entry(1)
        };
        assert!(no_manifest.misfit("p").unwrap().contains("no manifest"));
    }

    #[cfg(unix)]
    #[test]
    fn entries_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(dir.path());
        let path = journal.add(&entry(1), 0).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(journal.dir()), 0o700);
    }
}
