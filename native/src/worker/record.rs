//! What a worker says: one JSON object per line on standard output, where container
//! platforms and Lambda collect logs (CloudWatch, Loki, Elasticsearch).
//!
//! - a record per step of each object: `received`, then one of `stored`, `confirmed` (a
//!   redelivery or a rival found the object already there, with the same bytes),
//!   `quarantined`, `superseded`, `gone`, `ignored`, `retried` (left on the queue, to come
//!   back), `abandoned` (a stop cut it short; released at once), with the time it took;
//! - a `summary` line of counters every `--summary-every` seconds (a minute by default),
//!   and one when the worker stops.
//!
//! No record holds a personal value: landing keys are shown with their personal items
//! replaced by their kind ([`super::landing::shown_key`]), messages are the pipeline's
//! (counts and codes, never cells), and nothing from a message body is copied.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{SecondsFormat, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

/// How an object ended (or what was said of it), as records name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Step {
    Received,
    Stored,
    Confirmed,
    Quarantined,
    Superseded,
    Gone,
    Ignored,
    Retried,
    Abandoned,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Received => "received",
            Step::Stored => "stored",
            Step::Confirmed => "confirmed",
            Step::Quarantined => "quarantined",
            Step::Superseded => "superseded",
            Step::Gone => "gone",
            Step::Ignored => "ignored",
            Step::Retried => "retried",
            Step::Abandoned => "abandoned",
        }
    }

    /// Whether the message can be deleted after this: the object reached an end.
    pub fn is_final(self) -> bool {
        !matches!(self, Step::Received | Step::Retried | Step::Abandoned)
    }

    const ALL: [Step; 9] = [
        Step::Received,
        Step::Stored,
        Step::Confirmed,
        Step::Quarantined,
        Step::Superseded,
        Step::Gone,
        Step::Ignored,
        Step::Retried,
        Step::Abandoned,
    ];
}

/// Where records go, and the counters of the summary.
pub struct Records {
    out: Mutex<Box<dyn Write + Send>>,
    counts: [AtomicU64; Step::ALL.len()],
    bytes_in: AtomicU64,
    bytes_out: AtomicU64,
    /// Counters at the last summary, for the per-interval figures.
    last: Mutex<(u64, u64, [u64; Step::ALL.len()])>,
}

impl std::fmt::Debug for Records {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Records")
            .field("received", &self.count(Step::Received))
            .finish_non_exhaustive()
    }
}

impl Records {
    /// Records to standard output.
    pub fn stdout() -> Records {
        Records::to(Box::new(std::io::stdout()))
    }

    pub fn to(out: Box<dyn Write + Send>) -> Records {
        Records {
            out: Mutex::new(out),
            counts: Default::default(),
            bytes_in: AtomicU64::new(0),
            bytes_out: AtomicU64::new(0),
            last: Mutex::new((0, 0, [0; Step::ALL.len()])),
        }
    }

    /// Writes one record: `{"time", "record": step, ...fields}`; counts it.
    pub fn step(&self, step: Step, fields: Map<String, Value>) {
        self.counts[step as usize].fetch_add(1, Ordering::Relaxed);
        if step == Step::Stored {
            let n = |k: &str| fields.get(k).and_then(Value::as_u64).unwrap_or(0);
            self.bytes_in.fetch_add(n("sourceBytes"), Ordering::Relaxed);
            self.bytes_out.fetch_add(n("bytes"), Ordering::Relaxed);
        }
        let mut line = Map::new();
        line.insert("time".into(), now().into());
        line.insert("record".into(), step.as_str().into());
        line.extend(fields);
        self.write(&Value::Object(line));
    }

    /// A line about the worker rather than an object (`{"record": "worker", "event":
    /// "started"}`, queue errors...): not counted.
    pub fn line(&self, record: &str, fields: Map<String, Value>) {
        let mut line = Map::new();
        line.insert("time".into(), now().into());
        line.insert("record".into(), record.into());
        line.extend(fields);
        self.write(&Value::Object(line));
    }

    /// The summary line: totals since the start, and what the last interval added.
    pub fn summary(&self, in_flight: usize, final_line: bool) {
        let counts: Vec<u64> = self
            .counts
            .iter()
            .map(|c| c.load(Ordering::Relaxed))
            .collect();
        let (bytes_in, bytes_out) = (
            self.bytes_in.load(Ordering::Relaxed),
            self.bytes_out.load(Ordering::Relaxed),
        );
        let mut totals = BTreeMap::new();
        let mut interval = BTreeMap::new();
        let Ok(mut last) = self.last.lock() else {
            return;
        };
        for (i, step) in Step::ALL.iter().enumerate() {
            totals.insert(step.as_str(), counts[i]);
            interval.insert(step.as_str(), counts[i] - last.2[i]);
        }
        let line = serde_json::json!({
            "time": now(),
            "record": "summary",
            "final": final_line,
            "inFlight": in_flight,
            "totals": totals,
            "sourceBytes": bytes_in,
            "bytes": bytes_out,
            "sinceLast": {
                "counts": interval,
                "sourceBytes": bytes_in - last.0,
                "bytes": bytes_out - last.1,
            },
        });
        *last = (bytes_in, bytes_out, counts.try_into().unwrap_or([0; 9]));
        drop(last);
        self.write(&line);
    }

    /// How many records of a step were written.
    pub fn count(&self, step: Step) -> u64 {
        self.counts[step as usize].load(Ordering::Relaxed)
    }

    fn write(&self, value: &Value) {
        if let Ok(mut out) = self.out.lock() {
            // One line, one write: lines of several tasks never mix.
            let mut line = value.to_string();
            line.push('\n');
            let _ = out.write_all(line.as_bytes());
            let _ = out.flush();
        }
    }
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn records_are_json_lines_and_the_summary_counts_them() {
        let out = Shared::default();
        let records = Records::to(Box::new(out.clone()));
        let mut fields = Map::new();
        fields.insert("sourceBytes".into(), 100.into());
        fields.insert("bytes".into(), 60.into());
        records.step(Step::Received, Map::new());
        records.step(Step::Stored, fields);
        records.summary(1, false);
        records.step(Step::Confirmed, Map::new());
        records.summary(0, true);
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 5);
        assert_eq!(lines[1]["record"], "stored");
        assert_eq!(lines[2]["totals"]["stored"], 1);
        assert_eq!(lines[2]["sourceBytes"], 100);
        assert_eq!(lines[4]["totals"]["confirmed"], 1);
        assert_eq!(lines[4]["sinceLast"]["counts"]["confirmed"], 1);
        assert_eq!(lines[4]["sinceLast"]["counts"]["stored"], 0);
        assert_eq!(lines[4]["final"], true);
        assert!(Step::Confirmed.is_final() && !Step::Retried.is_final());
    }
}
