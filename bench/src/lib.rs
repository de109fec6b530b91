//! # watt-bench
//!
//! Test data and measurements for watt, kept out of the core because they use files,
//! clocks and randomness (seeded) that the core must not.
//!
//! - [`energy`]: a deterministic generator of fictional French smart-meter readings that
//!   validate against `data/schemas/energy_consumption.schema.json`, with personal data
//!   planted in the free-text comments ([`comments`]) so that redaction can be tested.
//! - [`checksum`]: the check digits that make planted NIR, IBAN and SIRET values valid
//!   (written here independently of the core's detectors, so tests can cross-check them).
//! - [`output`]: writes generated readings as CSV, in the standard or French Excel style.
//! - [`pii_corpus`], [`pii_score`]: a labelled corpus of French free text (planted personal
//!   items in every spelling family, hard negatives) and the scoring of the core's
//!   detectors on it, per kind and per family; [`names`]: the people's names it plants,
//!   from lists independent of the core's (`bench/data/names/`).
//! - [`measure`]: the throughput passes shared by the `throughput` binary and the criterion
//!   bench (a bare `csv` read as the floor, then `watt_core::Checker`).
//!
//! ```
//! use watt_bench::energy::{Generator, Settings};
//! use watt_bench::output::{Limit, Style, write_csv};
//!
//! let mut generator = Generator::new(&Settings { meters: 3, seed: 1, ..Settings::default() })?;
//! let mut csv = Vec::new();
//! let written = write_csv(&mut generator, Style::Standard, Limit::rows(6), &mut csv)?;
//! assert_eq!(written.rows, 6);
//! assert!(csv.starts_with(b"prm,customer_id,full_name,email,phone,address,postcode,"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod checksum;
pub mod comments;
pub mod energy;
pub mod france;
pub mod measure;
pub mod names;
pub mod output;
pub mod pii_corpus;
pub mod pii_score;
pub mod prng;
