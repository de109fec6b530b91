//! The run log: `logs/ingestion_<run_id>.log`, one JSON object per line (tracing's JSON
//! format), one event per stage — run started, config, then per file validation result,
//! destination and upload result, then the final status.
//!
//! Only watt's own events are written (the AWS SDK's are filtered out), and what they carry
//! is chosen here: settings with their origin but never a credential, source names but not
//! paths, counts and checksums but never a cell value or the pseudonymisation key (only its
//! fingerprint).

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing::Level;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;

use super::config::Settings;
use super::key::RunId;

/// The target of every event, so the filter keeps watt's and nothing else.
pub const TARGET: &str = "watt::ingest";

/// The log file of a run.
#[derive(Debug)]
pub struct RunLog {
    path: PathBuf,
}

impl RunLog {
    /// Creates `<dir>/ingestion_<run_id>.log` (never an existing one) and sends this
    /// process's ingest events to it.
    pub fn start(dir: &Path, run: &RunId) -> io::Result<RunLog> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join(format!("ingestion_{run}.log"));
        let file = File::options().write(true).create_new(true).open(&path)?;
        let layer = tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .with_target(false)
            .with_ansi(false)
            .with_writer(Mutex::new(file));
        let subscriber = tracing_subscriber::registry()
            .with(layer)
            .with(Targets::new().with_target(TARGET, Level::INFO));
        // A second run in the same process (tests) keeps the first subscriber.
        let _ = tracing::subscriber::set_global_default(subscriber);
        Ok(RunLog { path })
    }

    pub fn path(&self) -> &Path {
        &self.path
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
