//! The producers' landing bucket: the object an event names, streamed to the pipeline, and
//! an invalid one moved aside when asked.
//!
//! The object is read pinned to the content the event announced: by its version id, or, in
//! a bucket without versioning, with `If-Match` on its ETag. An object overwritten since
//! answers 412 ([`Fetched::Superseded`]: the newer upload has its own event, processed in
//! its turn), a deleted one 404 ([`Fetched::Gone`]); so events delivered out of order never
//! make a worker ingest bytes that another event announced.
//!
//! The body is streamed, never held whole: a task pulls it from the store into a channel of
//! [`CHUNKS_AHEAD`] chunks, and the pipeline's reader thread takes them from there through
//! [`StreamReader`], a blocking `Read`. The task also listens to the worker's stop signal:
//! once the worker gives up on its in-flight files, the reader gets an error, and the
//! pipeline aborts the upload as it does for any unreadable source.
//!
//! It uses the lake's S3 client (same credentials, endpoint and retries); its locations are
//! shown with the key's personal items replaced by their kind (see [`shown_key`]).

use std::io::{self, Read};
use std::path::Path;

use aws_sdk_s3::Client;
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ChecksumMode;
use bytes::Bytes;
use tokio::sync::{mpsc, watch};

use super::event::Created;
use crate::ingest::lake::LakeError;
use crate::ingest::s3::{classify, status};
use crate::ingest::shown;

/// Chunks of the body read ahead of the pipeline.
pub const CHUNKS_AHEAD: usize = 4;

/// A landing key as records and messages show it: its personal items replaced by their
/// kind (`in/<email>.csv`), control characters escaped.
pub fn shown_key(bucket: &str, key: &str) -> String {
    format!("s3://{bucket}/{}", shown::path(Path::new(key)))
}

/// What the store has of an event's object.
#[derive(Debug)]
pub enum Fetched {
    /// The body, and its size.
    Body(ByteStream, u64),
    /// Overwritten since the event (the ETag differs): the newer upload has its own event.
    Superseded,
    /// Deleted since the event (or the version is gone).
    Gone,
}

/// The landing side of the store.
#[derive(Debug, Clone)]
pub struct Landing {
    client: Client,
}

impl Landing {
    pub fn new(client: Client) -> Landing {
        Landing { client }
    }

    /// Starts reading the object of `created`, pinned to its version or ETag.
    pub async fn fetch(&self, created: &Created) -> Result<Fetched, LakeError> {
        let mut request = self
            .client
            .get_object()
            .bucket(&created.bucket)
            .key(&created.key)
            .checksum_mode(ChecksumMode::Enabled);
        match (&created.version_id, &created.etag) {
            (Some(v), _) => request = request.version_id(v),
            (None, Some(e)) => request = request.if_match(format!("\"{e}\"")),
            (None, None) => {}
        }
        match request.send().await {
            Ok(out) => {
                let size = out
                    .content_length()
                    .and_then(|n| u64::try_from(n).ok())
                    .unwrap_or(0);
                Ok(Fetched::Body(out.body, size))
            }
            Err(e) if status(&e) == Some(412) || e.code() == Some("PreconditionFailed") => {
                Ok(Fetched::Superseded)
            }
            Err(e)
                if status(&e) == Some(404)
                    || matches!(e.code(), Some("NoSuchKey" | "NoSuchVersion")) =>
            {
                Ok(Fetched::Gone)
            }
            Err(e) => Err(classify(
                e,
                "GetObject",
                shown_key(&created.bucket, &created.key),
            )),
        }
    }

    /// Moves an invalid object to `<to_prefix>/<its key>` in its bucket: copied (that
    /// version), then that version deleted. In a bucket without versioning the delete is
    /// made only while the key still holds the event's ETag (a HEAD just before), so a
    /// newer upload is not deleted with it, but for a race of a few milliseconds.
    pub async fn move_aside(&self, created: &Created, to_prefix: &str) -> Result<(), LakeError> {
        let bucket = &created.bucket;
        let shown = shown_key(bucket, &created.key);
        let target = if to_prefix.is_empty() {
            created.key.clone()
        } else {
            format!("{to_prefix}/{}", created.key)
        };
        let mut source = format!(
            "{bucket}/{}",
            percent_encoding::utf8_percent_encode(&created.key, COPY_SOURCE)
        );
        if let Some(v) = &created.version_id {
            source.push_str(&format!("?versionId={v}"));
        }
        let mut copy = self
            .client
            .copy_object()
            .bucket(bucket)
            .key(&target)
            .copy_source(source);
        if created.version_id.is_none() {
            if let Some(e) = &created.etag {
                copy = copy.copy_source_if_match(format!("\"{e}\""));
            }
        }
        match copy.send().await {
            Ok(_) => {}
            // Moved already (a redelivery), or overwritten since: nothing left to move.
            Err(e)
                if matches!(status(&e), Some(404 | 412))
                    || matches!(
                        e.code(),
                        Some("NoSuchKey" | "NoSuchVersion" | "PreconditionFailed")
                    ) =>
            {
                return Ok(());
            }
            Err(e) => return Err(classify(e, "CopyObject", shown)),
        }
        let delete = self.client.delete_object().bucket(bucket).key(&created.key);
        let delete = match &created.version_id {
            Some(v) => delete.version_id(v),
            None => {
                let head = self
                    .client
                    .head_object()
                    .bucket(bucket)
                    .key(&created.key)
                    .send()
                    .await;
                match head {
                    Ok(h) if h.e_tag().map(|t| t.trim_matches('"')) == created.etag.as_deref() => {
                        delete
                    }
                    // Overwritten or deleted since: the copy is all there is to do.
                    Ok(_) => return Ok(()),
                    Err(e) if status(&e) == Some(404) => return Ok(()),
                    Err(e) => return Err(classify(e, "HeadObject", shown)),
                }
            }
        };
        delete
            .send()
            .await
            .map(|_| ())
            .map_err(|e| classify(e, "DeleteObject", shown))
    }
}

/// What a copy source escapes: all but the unreserved characters and `/`.
const COPY_SOURCE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A body being streamed from the store, read as a blocking `Read` (on the pipeline's
/// reader thread).
#[derive(Debug)]
pub struct StreamReader {
    chunks: mpsc::Receiver<io::Result<Bytes>>,
    current: Bytes,
}

impl StreamReader {
    /// Starts pulling `body` on the runtime; `stop` turning true makes the next read fail.
    pub fn spawn(mut body: ByteStream, mut stop: watch::Receiver<bool>) -> StreamReader {
        let (tx, rx) = mpsc::channel(CHUNKS_AHEAD);
        tokio::spawn(async move {
            loop {
                if *stop.borrow() {
                    let _ = tx
                        .send(Err(io::Error::other("the worker is stopping")))
                        .await;
                    return;
                }
                let next = tokio::select! {
                    next = body.try_next() => next,
                    _ = stop.changed() => continue,
                };
                let item = match next {
                    Ok(Some(bytes)) => Ok(bytes),
                    Ok(None) => return,
                    Err(e) => Err(io::Error::other(format!("reading the object failed: {e}"))),
                };
                let failed = item.is_err();
                if tx.send(item).await.is_err() || failed {
                    return;
                }
            }
        });
        StreamReader {
            chunks: rx,
            current: Bytes::new(),
        }
    }
}

impl Read for StreamReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            match self.chunks.blocking_recv() {
                Some(Ok(bytes)) => self.current = bytes,
                Some(Err(e)) => return Err(e),
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn landing_keys_are_shown_without_their_personal_items() {
        assert_eq!(
            shown_key("landing", "in/export jean.dupont@example.com\n.csv"),
            r"s3://landing/in/export <email>\n.csv"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_stream_reads_whole_and_stops_on_demand() {
        let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let (_keep, stop) = watch::channel(false);
        let mut reader =
            StreamReader::spawn(ByteStream::from(Bytes::from(data.clone())), stop.clone());
        let read = tokio::task::spawn_blocking(move || {
            let mut out = Vec::new();
            reader.read_to_end(&mut out).map(|_| out)
        })
        .await
        .unwrap()
        .unwrap();
        assert_eq!(read, data);

        let (stopping, stop) = watch::channel(true);
        let mut reader = StreamReader::spawn(ByteStream::from(Bytes::from(data)), stop);
        let err = tokio::task::spawn_blocking(move || reader.read_to_end(&mut Vec::new()))
            .await
            .unwrap()
            .unwrap_err();
        assert_eq!(err.to_string(), "the worker is stopping");
        drop(stopping);
    }
}
