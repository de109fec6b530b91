//! # watt-core
//!
//! The pure heart of watt: it validates energy-consumption CSV files against a
//! [Frictionless Table Schema](https://specs.frictionlessdata.io/table-schema/) and
//! minimises them under the GDPR, fed by byte chunks cut anywhere.
//!
//! Nothing in this crate touches a file, the network, the clock or a random source: bytes,
//! keys and time come in as arguments. That is what lets the browser (through `watt-wasm`)
//! and the command line (through `watt`) produce the same report and the same output bytes
//! for the same input.
//!
//! ```
//! use watt_core::{Checker, Options, Schema};
//!
//! let schema = Schema::from_json(r#"{"fields": [
//!     {"name": "id", "type": "integer", "constraints": {"required": true}},
//!     {"name": "kwh", "type": "number", "constraints": {"minimum": 0}}
//! ]}"#)?;
//! let mut checker = Checker::new(&schema, Options::default());
//! for chunk in [&b"id,kwh\n1,2."[..], &b"5\n2,-1\n"[..]] {
//!     checker.push(chunk);
//! }
//! let report = checker.finish();
//! assert!(!report.valid);
//! assert_eq!(report.findings[0].message, "below minimum 0");
//! assert_eq!(report.findings[0].row_number, Some(3));
//! # Ok::<(), watt_core::SchemaError>(())
//! ```

mod codec;
pub mod dialect;
pub mod encoding;
mod find;
pub mod gdpr;
pub mod infer;
mod json;
pub mod lake;
pub mod minimise;
pub mod package;
pub mod pairs;
pub mod pattern;
pub mod pii;
pub mod reader;
pub mod register;
pub mod report;
pub mod retention;
pub mod scan;
pub mod schema;
pub mod utf16;
pub mod validate;
pub mod value;

pub use dialect::{Dialect, DialectOptions};
pub use encoding::Encoding;
pub use minimise::{MinimiseError, Minimiser, PseudonymKey};
pub use report::{ErrorCode, Finding, Report};
pub use schema::{Schema, SchemaError};
pub use validate::{Checker, Options};

/// Version of the watt engine, written into every report so a report can be traced to the
/// code that produced it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
