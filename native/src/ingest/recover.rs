//! What a run does first: deal with the writes that earlier runs left in the journal when
//! they stopped (killed, crashed, or failed by the store), in any lake.
//!
//! For each entry of a process no longer running (see journal.rs for the states):
//!
//! - about another lake, outside this run's prefix, or whose key does not name its run:
//!   reported and left in place, never acted on (an edited or planted entry must not make
//!   watt abort, remove or vouch for somebody else's object);
//! - `uploading`: the object cannot exist; the unfinished multipart upload is aborted (by
//!   its id, or looked for by key) and a local lake's partial file removed;
//! - `committing` or `committed`: if the manifest is there, nothing is left to do. Else the
//!   object is looked at (HEAD): when its size and CRC-64/NVME are those the journal says
//!   were sent, the manifest is written from the journal, marked `recoveredBy` this run; if
//!   the object is not there, the write never happened (`committing`: what it left is
//!   dropped) or the object went away (`committed`: said). An object that differs is
//!   reported, with no manifest. An object that cannot be looked at (HEAD not permitted)
//!   gets its manifest when the store had said it took it (`committed`, with what the store
//!   said then); otherwise it is reported `unverified` and the entry kept for a run that
//!   can look.
//!
//! Every case is a line of the summary (a `warning:` when a person should look) and a
//! `journal` event in the run log. Nothing here changes the run's exit code.

use super::journal::{Entry, Found, Journal, State};
use super::key::{RunId, manifest_key};
use super::lake::{LakeError, Leftovers, Pending, Place};
use super::manifest::Verification;
use super::pipeline::{Looked, look, now, put_manifest};
use super::runlog::TARGET;
use super::s3::S3Lake;

/// A line of the summary about the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// A person should look (`warning:`), or it is only said (`note:`).
    pub warning: bool,
    pub text: String,
}

impl Note {
    fn said(text: String) -> Note {
        Note {
            warning: false,
            text,
        }
    }

    fn warning(text: String) -> Note {
        Note {
            warning: true,
            text,
        }
    }
}

impl Leftovers for S3Lake {
    fn place(&self) -> Place {
        Place::Bucket(self.bucket().to_owned())
    }

    async fn discard(&self, key: &str, pending: Pending<'_>) -> Result<usize, LakeError> {
        match pending {
            // A PutObject is whole or nothing.
            Pending::Single => Ok(0),
            Pending::Multipart {
                upload_id: Some(id),
            } => self.abort_by_id(key, id).await.map(usize::from),
            Pending::Multipart { upload_id: None } => self.abort_uploads_of_key(key).await,
        }
    }
}

/// Deals with every journal entry left by runs no longer running (see the module doc).
pub async fn recover<L: Leftovers>(
    lake: &L,
    journal: &Journal,
    prefix: &str,
    run_id: &RunId,
) -> Vec<Note> {
    let here = lake.place();
    let mut notes = Vec::new();
    for found in journal.leftovers() {
        let found = match found {
            Ok(found) => found,
            Err((path, problem)) => {
                notes.push(Note::warning(format!(
                    "unreadable journal entry {} ({problem}): left in place",
                    path.display()
                )));
                continue;
            }
        };
        let e = &found.entry;
        match e.place() {
            Some(place) if place == here => {}
            Some(place) => {
                notes.push(Note::said(format!(
                    "left alone: an unfinished write of run {} in {place} (this run writes to {here}); see {}",
                    e.run_id,
                    found.path.display()
                )));
                continue;
            }
            None => {
                notes.push(Note::warning(format!(
                    "left alone: journal entry {} names no lake",
                    found.path.display()
                )));
                continue;
            }
        }
        if let Some(why) = e.misfit(prefix) {
            event(&found, "left alone", &why);
            notes.push(Note::warning(format!(
                "left alone: journal entry {} of run {}: {why}; it is not acted on",
                found.path.display(),
                e.run_id
            )));
            continue;
        }
        notes.push(match e.state {
            State::Uploading => undo(lake, &found).await,
            State::Committing | State::Committed => finish(lake, &found, run_id).await,
        });
    }
    notes
}

/// The `journal` event of the run log for an entry.
fn event(found: &Found, recovered: &str, detail: &str) {
    tracing::info!(
        target: TARGET,
        stage = "journal",
        run_id = %found.entry.run_id,
        key = %found.entry.key,
        state = ?found.entry.state,
        recovered,
        detail,
        "a write left by an earlier run"
    );
}

fn done(found: &Found) {
    let _ = Journal::remove(&found.path);
}

/// A write that never reached its commit: what it left is dropped.
async fn undo<L: Leftovers>(lake: &L, found: &Found) -> Note {
    let e = &found.entry;
    let location = lake.location(&e.key);
    let local = matches!(lake.place(), Place::Dir(_));
    let pending = e.pending();
    match lake.discard(&e.key, pending).await {
        Ok(n) => {
            done(found);
            let text = match (local, pending, n) {
                (true, _, 0) => format!(
                    "run {} stopped before writing {location}; it left nothing",
                    e.run_id
                ),
                (true, _, _) => format!(
                    "removed the partial file of an unfinished write left by run {}: {location}",
                    e.run_id
                ),
                (false, Pending::Single, _) => format!(
                    "run {} stopped before storing {location}; the store holds nothing of it",
                    e.run_id
                ),
                (false, Pending::Multipart { upload_id: Some(_) }, n) => format!(
                    "aborted an unfinished upload left by run {}: {location}{}",
                    e.run_id,
                    if n > 0 {
                        ""
                    } else {
                        " (the store no longer had it)"
                    }
                ),
                (false, Pending::Multipart { upload_id: None }, 0) => format!(
                    "run {} stopped while creating an upload of {location}; the store holds none",
                    e.run_id
                ),
                (false, Pending::Multipart { upload_id: None }, n) => format!(
                    "aborted an unfinished upload left by run {}: {location} ({n} found by key)",
                    e.run_id
                ),
            };
            event(found, if local { "removed" } else { "aborted" }, &text);
            Note::said(text)
        }
        // An entry written before the store returned the upload id: this run may not list
        // uploads to find it.
        Err(err @ (LakeError::Forbidden { .. } | LakeError::Unsupported { .. }))
            if matches!(pending, Pending::Multipart { upload_id: None }) =>
        {
            done(found);
            let text = format!(
                "run {} stopped while creating an upload of {location}; this run cannot list uploads to find it ({err}), so the bucket's AbortIncompleteMultipartUpload lifecycle rule will remove it if it exists",
                e.run_id
            );
            event(found, "left to the lifecycle rule", &text);
            Note::said(text)
        }
        Err(err) => {
            let text = format!(
                "could not clean up an unfinished write left by run {} ({err}); will try again next run",
                e.run_id
            );
            event(found, "kept", &text);
            Note::warning(text)
        }
    }
}

/// A write that reached its commit: its manifest is written if the object is there and is
/// what was sent (see the module doc).
async fn finish<L: Leftovers>(lake: &L, found: &Found, run_id: &RunId) -> Note {
    let e = &found.entry;
    let location = lake.location(&e.key);
    let Some(manifest) = &e.manifest else {
        // `misfit` keeps these out.
        return Note::warning(format!(
            "journal entry {} has no manifest: left in place",
            found.path.display()
        ));
    };
    if let Ok(Some(_)) = lake.head(&manifest_key(&e.key)).await {
        done(found);
        let _ = lake.discard(&e.key, Pending::Single).await;
        let text = format!("run {} had stored {location} and its manifest", e.run_id);
        event(found, "manifest already stored", &text);
        return Note::said(text);
    }
    let (head, confirmed) = match look(
        lake,
        &e.key,
        manifest.object.bytes,
        &manifest.object.checksum.value,
    )
    .await
    {
        Looked::Same(head, confirmed) => (head, confirmed),
        Looked::Different(err) => {
            let text = format!(
                "{location}, left by run {} without its manifest, is not what that run sent ({err}): no manifest is written; see {}",
                e.run_id,
                found.path.display()
            );
            event(found, "different", &text);
            return Note::warning(text);
        }
        Looked::Missing => return missing(lake, found, &location).await,
        Looked::Unknown(head, err) => {
            if e.state == State::Committing {
                return unverified(lake, found, &location, &err).await;
            }
            (head, false)
        }
    };
    let mut written = manifest.clone();
    written.verification = Verification {
        store_checksum: match e.state {
            State::Committed => manifest.verification.store_checksum.clone(),
            _ => "not seen (the run stopped first)".into(),
        },
        head: head.into(),
        checksum_confirmed: confirmed
            || (e.state == State::Committed && manifest.verification.checksum_confirmed),
        recovered_by: Some(run_id.to_string()),
    };
    written.times.manifest_written = now();
    // A local lake's partial manifest, left by the stopped run, would block the write.
    let _ = lake.discard(&manifest_key(&e.key), Pending::Single).await;
    match put_manifest(lake, &written).await {
        // Stored by the stopped run after all (its HEAD just now was not permitted or
        // failed): create-only, this run's copy is refused and the stored one stays.
        Err(LakeError::AlreadyExists { .. }) => {
            done(found);
            let _ = lake.discard(&e.key, Pending::Single).await;
            let text = format!("run {} had stored {location} and its manifest", e.run_id);
            event(found, "manifest already stored", &text);
            Note::said(text)
        }
        Ok(()) => {
            done(found);
            let _ = lake.discard(&e.key, Pending::Single).await;
            let unknown = match head {
                "matched" | "size matched, no checksum returned" => String::new(),
                _ => format!(
                    "; the store's checksum on write: {}",
                    written.verification.store_checksum
                ),
            };
            let text = format!(
                "wrote the missing manifest of {location}, left by run {} (checked: {head}{unknown})",
                e.run_id
            );
            event(found, "manifest written", &text);
            Note::said(text)
        }
        Err(err) => {
            let text = format!(
                "could not write the missing manifest of {location}, left by run {} ({err}); will try again next run",
                e.run_id
            );
            event(found, "kept", &text);
            Note::warning(text)
        }
    }
}

/// The object is not in the store.
async fn missing<L: Leftovers>(lake: &L, found: &Found, location: &str) -> Note {
    let e = &found.entry;
    if e.state == State::Committing {
        // The commit never happened: what the write left goes.
        return undo(lake, found).await;
    }
    done(found);
    let text = format!(
        "{location}, which the store said it had stored for run {}, is no longer there: no manifest is written",
        e.run_id
    );
    event(found, "missing", &text);
    Note::warning(text)
}

/// The object may or may not be there, and cannot be looked at. A multipart upload that
/// can still be aborted was not completed; otherwise a person (or a run with read access)
/// must look.
async fn unverified<L: Leftovers>(
    lake: &L,
    found: &Found,
    location: &str,
    err: &LakeError,
) -> Note {
    let e: &Entry = &found.entry;
    if let Pending::Multipart { upload_id: Some(_) } = e.pending() {
        if let Ok(1..) = lake.discard(&e.key, e.pending()).await {
            done(found);
            let text = format!(
                "aborted an unfinished upload left by run {}: {location} (it was never completed)",
                e.run_id
            );
            event(found, "aborted", &text);
            return Note::said(text);
        }
    }
    let text = format!(
        "unverified: run {} may have stored {location} without its manifest; this run cannot check it ({err}); the entry stays in {} for a run that can",
        e.run_id,
        found.path.display()
    );
    event(found, "unverified", &text);
    Note::warning(text)
}
