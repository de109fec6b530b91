//! Where minimised files land: the [`Lake`] trait, and [`DirLake`], a lake in a local folder.
//!
//! A lake stores objects under keys (`watt-about-it/raw/2024/01/15/name_run_HHMMSS.csv`) and
//! promises two things whatever the implementation: an object is never overwritten (every
//! write is create-only, and an existing object is an [`LakeError::AlreadyExists`]), and an
//! object is never half-written (a write is committed whole or aborted, leaving nothing).
//! Large objects arrive in parts, possibly out of order, while the file is still being read;
//! small ones in one call. [`crate::ingest::s3::S3Lake`] is the S3 implementation.
//!
//! [`DirLake`] keeps the same key layout under a folder, so the quick start needs no cloud
//! account. It writes to a partial file beside the final one (`.<name>.watt-partial`),
//! syncs it, then links it to its final name with `hard_link`, which fails when the name
//! exists: an atomic create-only write. A failed or aborted write removes the partial file.
//! A write cut short by a kill leaves it: the partial file is named after the key (unique
//! to its run), so the journal, which records the key before the write starts, lets the
//! next run find and remove it ([`Leftovers::discard`]). Folders are created `0700` and
//! files `0600`, whatever the umask.
//!
//! [`Leftovers`] is what the next run needs to deal with what an interrupted write left in
//! a lake: which lake a journal entry is about, and how to drop an unfinished write.

use std::fmt;
use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bytes::Bytes;

use super::integrity::Sums;
use super::private;

/// Content type of the minimised CSV objects.
pub const CSV_CONTENT_TYPE: &str = "text/csv; charset=utf-8";

/// Why a write to the lake failed. Messages name keys and stores, never data or secrets.
#[derive(Debug, thiserror::Error)]
pub enum LakeError {
    #[error("{location} already exists: watt never overwrites an object")]
    AlreadyExists { location: String },
    #[error(
        "the store rejected the checksum of {location}: the bytes were damaged on the way ({detail})"
    )]
    ChecksumRejected { location: String, detail: String },
    #[error("{location}: the store reports {what} {reported}, watt sent {sent}")]
    Mismatch {
        location: String,
        what: &'static str,
        reported: String,
        sent: String,
    },
    #[error("{location} is missing after it was written")]
    Missing { location: String },
    #[error("access denied by the store for {operation} on {location}")]
    Forbidden {
        operation: &'static str,
        location: String,
    },
    #[error("the store does not implement {operation} (needed for {location})")]
    Unsupported {
        operation: &'static str,
        location: String,
    },
    #[error("{operation} failed for {location}: {detail}")]
    Store {
        operation: &'static str,
        location: String,
        detail: String,
    },
    #[error("cannot write {path}: {source}")]
    Io { path: String, source: io::Error },
}

/// One part of an object: its number (from 1), where it starts in the object, its bytes and
/// their CRC-64/NVME.
#[derive(Debug, Clone)]
pub struct Part {
    pub number: u32,
    pub offset: u64,
    pub bytes: Bytes,
    pub crc64nvme: u64,
}

/// A part the lake accepted, as the commit needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartDone {
    pub number: u32,
    pub etag: Option<String>,
    pub crc64nvme: u64,
}

/// What the store said when an object was committed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stored {
    /// The full-object CRC-64/NVME the store computed (base64), when it says.
    pub crc64nvme: Option<String>,
    pub etag: Option<String>,
    /// Server-side encryption the store applied (`AES256`, `aws:kms`), when it says.
    pub encryption: Option<String>,
}

/// What a HEAD of an object tells.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectInfo {
    pub size: u64,
    /// Full-object CRC-64/NVME (base64), when the store returns it.
    pub crc64nvme: Option<String>,
    pub encryption: Option<String>,
}

/// A store of objects with create-only writes. Methods return `Send` futures so uploads of
/// several parts and files run on the tokio runtime at once.
pub trait Lake: Send + Sync + 'static {
    /// A multipart write in progress.
    type Upload: fmt::Debug + Send + Sync + 'static;
    /// An object being read.
    type Body: Send + 'static;

    /// How people and manifests name an object (`s3://bucket/key`, `datalake/key`).
    fn location(&self, key: &str) -> String;

    /// The id a journal keeps for an upload the store holds on to until it is completed or
    /// aborted (S3's upload id), or `None` when an interrupted write needs no cleaning by a
    /// later run.
    fn pending_id(upload: &Self::Upload) -> Option<&str>;

    /// Writes a whole object in one call, create-only, with its checksums.
    fn put_small(
        &self,
        key: &str,
        body: Bytes,
        sums: &Sums,
    ) -> impl Future<Output = Result<Stored, LakeError>> + Send;

    /// Starts a multipart write of `key`.
    fn begin(&self, key: &str) -> impl Future<Output = Result<Self::Upload, LakeError>> + Send;

    /// Writes one part; parts may be written in any order and at the same time.
    fn write_part(
        &self,
        upload: &Self::Upload,
        part: Part,
    ) -> impl Future<Output = Result<PartDone, LakeError>> + Send;

    /// Makes the object appear, whole, create-only. `parts` are in number order.
    fn commit(
        &self,
        upload: &Self::Upload,
        parts: Vec<PartDone>,
        sums: &Sums,
    ) -> impl Future<Output = Result<Stored, LakeError>> + Send;

    /// Drops a multipart write and everything written for it.
    fn abort(&self, upload: &Self::Upload) -> impl Future<Output = Result<(), LakeError>> + Send;

    /// The object's size and checksum, or `None` when there is no such object.
    fn head(&self, key: &str)
    -> impl Future<Output = Result<Option<ObjectInfo>, LakeError>> + Send;

    /// Whether an object exists.
    fn exists(&self, key: &str) -> impl Future<Output = Result<bool, LakeError>> + Send {
        async move { Ok(self.head(key).await?.is_some()) }
    }

    /// Starts reading an object, or `None` when there is no such object.
    fn get(&self, key: &str) -> impl Future<Output = Result<Option<Self::Body>, LakeError>> + Send;

    /// The next bytes of an object being read, `None` at its end.
    fn chunk<'a>(
        &'a self,
        key: &'a str,
        body: &'a mut Self::Body,
    ) -> impl Future<Output = Result<Option<Bytes>, LakeError>> + Send + 'a;
}

/// Which lake a journal entry is about: a bucket, or a local folder (absolute).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Bucket(String),
    Dir(PathBuf),
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Bucket(b) => write!(f, "bucket {b}"),
            Place::Dir(d) => write!(f, "folder {}", d.display()),
        }
    }
}

/// An interrupted write, as the journal recorded it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending<'a> {
    /// One call (PutObject; a partial file in a local lake).
    Single,
    /// A multipart upload, with its id once the store returned it.
    Multipart { upload_id: Option<&'a str> },
}

/// What the next run needs to clean up after a write that was cut short.
pub trait Leftovers: Lake {
    /// The lake this is, as journal entries name it.
    fn place(&self) -> Place;

    /// Drops what an interrupted write of `key` may have left (an unfinished multipart
    /// upload, a partial file); returns how many such things were found. Never touches a
    /// committed object.
    fn discard(
        &self,
        key: &str,
        pending: Pending<'_>,
    ) -> impl Future<Output = Result<usize, LakeError>> + Send;
}

/// A lake in a local folder (`./datalake` by default): objects are files at `<root>/<key>`.
#[derive(Debug, Clone)]
pub struct DirLake {
    root: PathBuf,
}

/// A write in progress in a [`DirLake`]: a partial file beside the final one, removed when
/// dropped unless it was linked to its final name.
#[derive(Debug)]
pub struct DirUpload {
    key: String,
    path: PathBuf,
    file: Arc<std::fs::File>,
    /// The partial file, until it is linked to the final name or removed.
    partial: Mutex<Option<PathBuf>>,
}

impl DirUpload {
    fn take_partial(&self) -> Option<PathBuf> {
        self.partial.lock().ok().and_then(|mut p| p.take())
    }
}

impl Drop for DirUpload {
    fn drop(&mut self) {
        if let Some(p) = self.take_partial() {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// The partial file of the object at `path`: hidden, beside it, named after it.
fn partial_of(path: &Path) -> PathBuf {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    path.with_file_name(format!(".{name}.watt-partial"))
}

impl DirLake {
    pub fn new(root: impl Into<PathBuf>) -> DirLake {
        DirLake { root: root.into() }
    }

    fn path(&self, key: &str) -> PathBuf {
        self.root.join(key)
    }

    fn io_error(&self, key: &str) -> impl Fn(io::Error) -> LakeError + Send + use<> {
        let path = self.location(key);
        move |source| LakeError::Io {
            path: path.clone(),
            source,
        }
    }

    /// Creates the partial file in the destination folder (a new one: a partial file
    /// already there belongs to another write of the same key, which the journal reports).
    fn create(&self, key: &str) -> Result<DirUpload, LakeError> {
        let path = self.path(key);
        let dir = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.root.clone());
        let err = self.io_error(key);
        private::create_dir_all(&dir).map_err(&err)?;
        let partial = partial_of(&path);
        let file = private::create_new(&partial).map_err(&err)?;
        Ok(DirUpload {
            key: key.to_owned(),
            path,
            file: Arc::new(file),
            partial: Mutex::new(Some(partial)),
        })
    }

    /// Syncs the partial file and links it to its final name (fails if the name exists).
    fn link(&self, upload: &DirUpload) -> Result<(), LakeError> {
        let err = self.io_error(&upload.key);
        upload.file.sync_all().map_err(&err)?;
        let Some(partial) = upload.take_partial() else {
            return Err(err(io::Error::other("the write was already committed")));
        };
        let linked = std::fs::hard_link(&partial, &upload.path);
        // The data stays under the final name, if it got one; the partial name goes.
        let _ = std::fs::remove_file(&partial);
        match linked {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                return Err(LakeError::AlreadyExists {
                    location: self.location(&upload.key),
                });
            }
            Err(e) => return Err(err(e)),
        }
        // Sync the folder so the new name survives a crash.
        if let Some(dir) = upload.path.parent() {
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }
}

#[cfg(unix)]
fn write_at(file: &std::fs::File, bytes: &[u8], offset: u64) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.write_all_at(bytes, offset)
}

#[cfg(windows)]
fn write_at(file: &std::fs::File, mut bytes: &[u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !bytes.is_empty() {
        let n = file.seek_write(bytes, offset)?;
        bytes = &bytes[n..];
        offset += n as u64;
    }
    Ok(())
}

/// Runs blocking file work off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, LakeError> + Send + 'static,
) -> Result<T, LakeError> {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| {
        Err(LakeError::Io {
            path: "local lake".into(),
            source: io::Error::other(e.to_string()),
        })
    })
}

impl Lake for DirLake {
    type Upload = DirUpload;
    type Body = std::fs::File;

    fn location(&self, key: &str) -> String {
        self.path(key).display().to_string()
    }

    fn pending_id(_upload: &DirUpload) -> Option<&str> {
        None
    }

    async fn put_small(&self, key: &str, body: Bytes, sums: &Sums) -> Result<Stored, LakeError> {
        let upload = self.begin(key).await?;
        let part = Part {
            number: 1,
            offset: 0,
            crc64nvme: sums.crc64nvme,
            bytes: body,
        };
        let done = self.write_part(&upload, part).await?;
        self.commit(&upload, vec![done], sums).await
    }

    async fn begin(&self, key: &str) -> Result<DirUpload, LakeError> {
        let lake = self.clone();
        let key = key.to_owned();
        blocking(move || lake.create(&key)).await
    }

    async fn write_part(&self, upload: &DirUpload, part: Part) -> Result<PartDone, LakeError> {
        let file = Arc::clone(&upload.file);
        let err = self.io_error(&upload.key);
        let number = part.number;
        let crc = part.crc64nvme;
        blocking(move || write_at(&file, &part.bytes, part.offset).map_err(err)).await?;
        Ok(PartDone {
            number,
            etag: None,
            crc64nvme: crc,
        })
    }

    async fn commit(
        &self,
        upload: &DirUpload,
        _parts: Vec<PartDone>,
        _sums: &Sums,
    ) -> Result<Stored, LakeError> {
        tokio::task::block_in_place(|| self.link(upload))?;
        Ok(Stored::default())
    }

    async fn abort(&self, upload: &DirUpload) -> Result<(), LakeError> {
        if let Some(partial) = upload.take_partial() {
            match std::fs::remove_file(&partial) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    // Still there: the journal keeps the write for the next run.
                    return Err(self.io_error(&upload.key)(e));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The size, and the CRC-64/NVME of the bytes read back from the file: in a local lake
    /// the check reads what was written.
    async fn head(&self, key: &str) -> Result<Option<ObjectInfo>, LakeError> {
        let path = self.path(key);
        let err = self.io_error(key);
        blocking(move || {
            let mut file = match std::fs::File::open(&path) {
                Ok(f) => f,
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(err(e)),
            };
            let (size, crc) = super::integrity::crc64nvme_of(&mut file).map_err(err)?;
            Ok(Some(ObjectInfo {
                size,
                crc64nvme: Some(super::integrity::crc64_base64(crc)),
                encryption: None,
            }))
        })
        .await
    }

    async fn get(&self, key: &str) -> Result<Option<std::fs::File>, LakeError> {
        match std::fs::File::open(self.path(key)) {
            Ok(f) => Ok(Some(f)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.io_error(key)(e)),
        }
    }

    async fn chunk<'a>(
        &'a self,
        key: &'a str,
        body: &'a mut std::fs::File,
    ) -> Result<Option<Bytes>, LakeError> {
        use std::io::Read;
        let mut buf = vec![0u8; 1 << 20];
        let read = tokio::task::block_in_place(|| {
            loop {
                match body.read(&mut buf) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    other => break other,
                }
            }
        });
        match read.map_err(self.io_error(key))? {
            0 => Ok(None),
            n => {
                buf.truncate(n);
                Ok(Some(Bytes::from(buf)))
            }
        }
    }
}

impl Leftovers for DirLake {
    fn place(&self) -> Place {
        Place::Dir(std::path::absolute(&self.root).unwrap_or_else(|_| self.root.clone()))
    }

    async fn discard(&self, key: &str, _pending: Pending<'_>) -> Result<usize, LakeError> {
        let partial = partial_of(&self.path(key));
        match std::fs::remove_file(&partial) {
            Ok(()) => Ok(1),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(0),
            Err(e) => Err(self.io_error(key)(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::integrity::Hashing;

    fn sums(bytes: &[u8]) -> Sums {
        let mut h = Hashing::default();
        h.update(bytes);
        h.finish()
    }

    fn files_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = walk(dir)
            .into_iter()
            .map(|p| p.strip_prefix(dir).unwrap().display().to_string())
            .collect();
        names.sort();
        names
    }

    fn walk(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
        out
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_small_object_is_written_once_and_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let lake = DirLake::new(dir.path());
        let body = Bytes::from_static(b"a,b\n1,2\n");
        lake.put_small("p/2024/x.csv", body.clone(), &sums(&body))
            .await
            .unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("p/2024/x.csv")).unwrap(),
            body
        );
        let err = lake
            .put_small(
                "p/2024/x.csv",
                Bytes::from_static(b"other"),
                &sums(b"other"),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, LakeError::AlreadyExists { .. }), "{err}");
        assert_eq!(
            std::fs::read(dir.path().join("p/2024/x.csv")).unwrap(),
            body,
            "the first object is untouched"
        );
        assert_eq!(
            files_in(dir.path()),
            ["p/2024/x.csv"],
            "no temporary file left"
        );
        let info = lake.head("p/2024/x.csv").await.unwrap().unwrap();
        assert_eq!(info.size, body.len() as u64);
        assert_eq!(info.crc64nvme, Some(sums(&body).crc64_base64()));
        assert!(!lake.exists("p/2024/y.csv").await.unwrap());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn parts_written_out_of_order_make_the_whole_object() {
        let dir = tempfile::tempdir().unwrap();
        let lake = DirLake::new(dir.path());
        let up = lake.begin("k.csv").await.unwrap();
        let data = b"0123456789abcdef";
        for (number, offset, end) in [(2u32, 6u64, 12usize), (1, 0, 6), (3, 12, 16)] {
            let bytes = Bytes::copy_from_slice(&data[offset as usize..end]);
            lake.write_part(
                &up,
                Part {
                    number,
                    offset,
                    crc64nvme: 0,
                    bytes,
                },
            )
            .await
            .unwrap();
        }
        assert!(
            !lake.exists("k.csv").await.unwrap(),
            "invisible until committed"
        );
        lake.commit(&up, vec![], &sums(data)).await.unwrap();
        assert_eq!(std::fs::read(dir.path().join("k.csv")).unwrap(), data);
        assert_eq!(files_in(dir.path()), ["k.csv"]);
    }

    /// A write of `key` begun, with one part of four bytes written.
    async fn half_written(lake: &DirLake, key: &str) -> DirUpload {
        let up = lake.begin(key).await.unwrap();
        let half = Part {
            number: 1,
            offset: 0,
            crc64nvme: 0,
            bytes: Bytes::from_static(b"half"),
        };
        lake.write_part(&up, half).await.unwrap();
        up
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_aborted_write_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let lake = DirLake::new(dir.path());
        let up = half_written(&lake, "a/b.csv").await;
        lake.abort(&up).await.unwrap();
        assert_eq!(files_in(dir.path()), Vec::<String>::new());
        drop(up);
        assert!(lake.head("a/b.csv").await.unwrap().is_none());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_write_cut_short_is_found_by_its_key() {
        let dir = tempfile::tempdir().unwrap();
        let lake = DirLake::new(dir.path());
        let up = half_written(&lake, "a/b.csv").await;
        // A killed process drops nothing: its partial file stays.
        std::mem::forget(up);
        assert_eq!(files_in(dir.path()), ["a/.b.csv.watt-partial"]);
        assert_eq!(lake.discard("a/b.csv", Pending::Single).await.unwrap(), 1);
        assert_eq!(files_in(dir.path()), Vec::<String>::new());
        assert_eq!(lake.discard("a/b.csv", Pending::Single).await.unwrap(), 0);
        assert_eq!(
            lake.place(),
            Place::Dir(std::path::absolute(dir.path()).unwrap())
        );
    }
}
