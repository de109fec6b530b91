//! The run log: `logs/ingestion_<run_id>.log`, one JSON object per line (tracing's JSON
//! format), one event per stage — run started, config, then per file validation result,
//! destination and upload result, then the final status.
//!
//! Only watt's own events are written (the AWS SDK's are filtered out), and what they carry
//! is chosen here: settings with their origin but never a credential, source names but not
//! paths, counts and checksums but never a cell value or the pseudonymisation key (only its
//! fingerprint).

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tracing::Level;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;

use super::config::Settings;
use super::key::RunId;
use super::private;

/// The target of every event, so the filter keeps watt's and nothing else.
pub const TARGET: &str = "watt::ingest";

/// The log file of a run.
#[derive(Debug)]
pub struct RunLog {
    path: PathBuf,
    sink: Arc<Recorded<File>>,
}

impl RunLog {
    /// Creates `<dir>/ingestion_<run_id>.log` (never an existing one; the folder, when
    /// created, and the file readable by their owner only, whatever the umask) and sends
    /// this process's ingest events to it.
    pub fn start(dir: &Path, run: &RunId) -> io::Result<RunLog> {
        private::create_dir_all(dir)?;
        let path = dir.join(format!("ingestion_{run}.log"));
        let file = private::create_new(&path)?;
        let sink = Arc::new(Recorded::new(file));
        let layer = tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .with_target(false)
            .with_ansi(false)
            // Write errors are recorded by the sink and reported once, at the end.
            .log_internal_errors(false)
            .with_writer(Sink(Arc::clone(&sink)));
        let subscriber = tracing_subscriber::registry()
            .with(layer)
            .with(Targets::new().with_target(TARGET, Level::INFO));
        // A second run in the same process (tests) keeps the first subscriber.
        let _ = tracing::subscriber::set_global_default(subscriber);
        Ok(RunLog { path, sink })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes and syncs the log; the first error met writing it, if any. The log is the
    /// run's audit trail: a run whose log lost events failed (exit 3).
    pub fn finish(&self) -> io::Result<()> {
        self.sink.finish(|f| f.sync_all())
    }
}

/// A writer behind a lock that remembers the first error it met. tracing's layer drops
/// the errors of its writer (a full disk gave a 0-byte log and exit 0): the run asks
/// this one at the end.
#[derive(Debug)]
pub struct Recorded<W> {
    inner: Mutex<W>,
    error: Mutex<Option<io::Error>>,
}

impl<W: Write> Recorded<W> {
    pub fn new(inner: W) -> Recorded<W> {
        Recorded {
            inner: Mutex::new(inner),
            error: Mutex::new(None),
        }
    }

    fn note<T>(&self, result: io::Result<T>) -> io::Result<T> {
        if let Err(e) = &result {
            if let Ok(mut first) = self.error.lock() {
                first.get_or_insert_with(|| io::Error::new(e.kind(), e.to_string()));
            }
        }
        result
    }

    fn with<T>(&self, f: impl FnOnce(&mut W) -> io::Result<T>) -> io::Result<T> {
        let result = match self.inner.lock() {
            Ok(mut w) => f(&mut w),
            Err(_) => Err(io::Error::other("a thread writing the log panicked")),
        };
        self.note(result)
    }

    /// Flushes, then `sync` (an fsync, for a file); the first error met since the start.
    pub fn finish(&self, sync: impl FnOnce(&mut W) -> io::Result<()>) -> io::Result<()> {
        let _ = self.with(|w| {
            w.flush()?;
            sync(w)
        });
        match self.error.lock() {
            Ok(first) => match &*first {
                Some(e) => Err(io::Error::new(e.kind(), e.to_string())),
                None => Ok(()),
            },
            Err(_) => Err(io::Error::other("a thread writing the log panicked")),
        }
    }
}

/// The writer tracing is given: a handle on the [`Recorded`] file.
#[derive(Debug)]
struct Sink<W>(Arc<Recorded<W>>);

impl<'a, W: Write + 'a> MakeWriter<'a> for Sink<W> {
    type Writer = &'a Recorded<W>;

    fn make_writer(&'a self) -> Self::Writer {
        &self.0
    }
}

impl<W: Write> Write for &Recorded<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.with(|w| w.write(buf))
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        // One event, one locked write: lines of events from several threads never mix.
        self.with(|w| w.write_all(buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.with(|w| w.flush())
    }
}

/// The settings as one JSON object (`{"bucket": {"value": "lake", "from": "flag"}, ...}`).
pub fn settings_json(settings: &Settings) -> String {
    let map: serde_json::Map<String, serde_json::Value> = settings
        .described
        .iter()
        .map(|(name, value, origin)| {
            (
                (*name).to_owned(),
                serde_json::json!({"value": value, "from": origin.as_str()}),
            )
        })
        .collect();
    serde_json::Value::Object(map).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::config::{Env, Settings};

    /// A disk that takes `room` bytes, then is full.
    struct Full {
        room: usize,
        written: Vec<u8>,
    }

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::Error::from(io::ErrorKind::StorageFull));
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            self.written.extend_from_slice(&buf[..n]);
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failed_write_is_remembered_until_the_end() {
        let log = Recorded::new(Full {
            room: 10,
            written: Vec::new(),
        });
        let mut w = &log;
        w.write_all(b"0123456").unwrap();
        assert!(log.finish(|_| Ok(())).is_ok(), "nothing failed yet");
        assert!(w.write_all(b"789abc").is_err());
        // Later writes may fail or not: the first error stays.
        let _ = w.write_all(b"d");
        let err = log.finish(|_| Ok(())).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::StorageFull);
        // A failed sync (the data never reached the disk) is a failure too.
        let log = Recorded::new(Vec::new());
        (&log).write_all(b"event\n").unwrap();
        let err = log
            .finish(|_| Err(io::Error::other("fsync failed")))
            .unwrap_err();
        assert_eq!(err.to_string(), "fsync failed");
    }

    #[test]
    fn settings_carry_their_origin_and_no_secret() {
        let cli = <crate::cli::Cli as clap::Parser>::try_parse_from([
            "watt",
            "ingest",
            "f.csv",
            "--bucket",
            "lake",
            "--endpoint-url",
            "http://127.0.0.1:9000",
        ])
        .unwrap();
        let crate::cli::Command::Ingest(args) = cli.command else {
            panic!("ingest")
        };
        let env = Env::from_pairs(
            &[],
            &[
                ("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEKEYID"),
                ("AWS_SECRET_ACCESS_KEY", "very-secret-value"),
            ],
        );
        let settings = Settings::resolve(&args, &env).unwrap();
        let json: serde_json::Value = serde_json::from_str(&settings_json(&settings)).unwrap();
        assert_eq!(
            json["bucket"],
            serde_json::json!({"value": "lake", "from": "flag"})
        );
        assert_eq!(json["credentials"]["value"], "keys from .env");
        let text = json.to_string();
        assert!(!text.contains("very-secret-value") && !text.contains("AKIAEXAMPLEKEYID"));
    }
}
