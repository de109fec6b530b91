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
//! account. It writes to a temporary file in the destination folder, syncs it, then links it
//! to its final name with `hard_link`, which fails when the name exists: an atomic
//! create-only write. A failed or aborted write removes the temporary file.

use std::fmt;
use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;

use super::integrity::Sums;

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
}

/// A lake in a local folder (`./datalake` by default): objects are files at `<root>/<key>`.
#[derive(Debug, Clone)]
pub struct DirLake {
    root: PathBuf,
}

/// A write in progress in a [`DirLake`]: a temporary file beside the final one, removed
/// when dropped unless it was linked to its final name.
#[derive(Debug)]
pub struct DirUpload {
    key: String,
    path: PathBuf,
    file: Arc<std::fs::File>,
    tmp: std::sync::Mutex<Option<tempfile::TempPath>>,
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

    /// Creates the temporary file in the destination folder.
    fn create(&self, key: &str) -> Result<DirUpload, LakeError> {
        let path = self.path(key);
        let dir = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.root.clone());
        let err = self.io_error(key);
        std::fs::create_dir_all(&dir).map_err(&err)?;
        let (file, tmp) = tempfile::Builder::new()
            .prefix(".watt-")
            .suffix(".partial")
            .tempfile_in(&dir)
            .map_err(&err)?
            .into_parts();
        Ok(DirUpload {
            key: key.to_owned(),
            path,
            file: Arc::new(file),
            tmp: std::sync::Mutex::new(Some(tmp)),
        })
    }

    /// Syncs the temporary file and links it to its final name (fails if the name exists).
    fn link(&self, upload: &DirUpload) -> Result<(), LakeError> {
        let err = self.io_error(&upload.key);
        upload.file.sync_all().map_err(&err)?;
        let tmp = upload
            .tmp
            .lock()
            .map_err(|_| err(io::Error::other("a part writer panicked")))?
            .take();
        let Some(tmp) = tmp else {
            return Err(err(io::Error::other("the write was already committed")));
        };
        match std::fs::hard_link(&tmp, &upload.path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                return Err(LakeError::AlreadyExists {
                    location: self.location(&upload.key),
                });
            }
            Err(e) => return Err(err(e)),
        }
        // Dropping the temporary path removes the temporary name; the data stays under the
        // final name. Sync the folder so the new name survives a crash.
        drop(tmp);
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
        let tmp = upload.tmp.lock().ok().and_then(|mut t| t.take());
        if let Some(tmp) = tmp {
            tmp.close().map_err(self.io_error(&upload.key))?;
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_aborted_write_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let lake = DirLake::new(dir.path());
        let up = lake.begin("a/b.csv").await.unwrap();
        lake.write_part(
            &up,
            Part {
                number: 1,
                offset: 0,
                crc64nvme: 0,
                bytes: Bytes::from_static(b"half"),
            },
        )
        .await
        .unwrap();
        lake.abort(&up).await.unwrap();
        assert_eq!(files_in(dir.path()), Vec::<String>::new());
        drop(up);
        assert!(lake.head("a/b.csv").await.unwrap().is_none());
    }
}
