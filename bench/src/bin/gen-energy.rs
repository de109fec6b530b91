//! `gen-energy`: writes fictional French smart-meter readings as CSV, deterministically
//! from a seed, valid against `data/schemas/energy_consumption.schema.json`.
//!
//! ```text
//! gen-energy --rows 320 --meters 40 --seed 2024 --out sample.csv
//! gen-energy --target-mb 110 --meters 1000 --seed 7 --out big.csv
//! gen-energy --rows 1000 --style fr-excel > excel.csv
//! ```
//!
//! On stderr it prints what it wrote and how many personal values it planted in the
//! comments, by kind (counts only, never values).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDateTime;
use clap::{Parser, ValueEnum};
use watt_bench::energy::{Generator, Settings, default_start};
use watt_bench::output::{Limit, Style, Written, write_csv};

#[derive(Debug, Clone, Copy, ValueEnum)]
enum StyleArg {
    /// `,` delimiter, `.` decimals, LF, no BOM.
    Standard,
    /// `;` delimiter, `,` decimals, CRLF, UTF-8 BOM (Excel "CSV UTF-8", French Windows).
    FrExcel,
}

/// Generate fictional smart-meter readings (French, half-hourly) as CSV.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Data rows to write (default 1000 unless --target-mb is given).
    #[arg(long)]
    rows: Option<u64>,
    /// Write until the output reaches this many megabytes (10^6 bytes).
    #[arg(long, value_name = "X")]
    target_mb: Option<f64>,
    /// Meters (one customer each); rows cycle over them, one half-hour at a time.
    #[arg(long, default_value_t = 1000)]
    meters: u32,
    /// Seed of the pseudo-random generator: the same seed gives the same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Local Paris time of the first reading, `YYYY-MM-DDTHH:MM`.
    #[arg(long, value_parser = parse_start)]
    start: Option<NaiveDateTime>,
    #[arg(long, value_enum, default_value = "standard")]
    style: StyleArg,
    /// Output file (default: standard output).
    #[arg(long)]
    out: Option<PathBuf>,
}

fn parse_start(s: &str) -> Result<NaiveDateTime, String> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .map_err(|e| format!("expected YYYY-MM-DDTHH:MM ({e})"))
}

fn run(args: &Args) -> Result<Written, String> {
    let bytes = match args.target_mb {
        Some(mb) if mb.is_finite() && mb > 0.0 => Some((mb * 1e6).ceil() as u64),
        Some(_) => return Err("--target-mb must be a positive number".into()),
        None => None,
    };
    let limit = Limit {
        rows: args
            .rows
            .or(if bytes.is_none() { Some(1000) } else { None }),
        bytes,
    };
    let style = match args.style {
        StyleArg::Standard => Style::Standard,
        StyleArg::FrExcel => Style::FrExcel,
    };
    let mut generator = Generator::new(&Settings {
        meters: args.meters,
        seed: args.seed,
        start: args.start.unwrap_or_else(default_start),
    })
    .map_err(|e| e.to_string())?;
    let written = match &args.out {
        Some(path) => {
            let file =
                File::create(path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
            let mut out = BufWriter::with_capacity(1 << 20, file);
            let w = write_csv(&mut generator, style, limit, &mut out);
            w.and_then(|w| out.flush().map(|()| w))
        }
        None => {
            let mut out = BufWriter::with_capacity(1 << 20, io::stdout().lock());
            let w = write_csv(&mut generator, style, limit, &mut out);
            w.and_then(|w| out.flush().map(|()| w))
        }
    };
    written.map_err(|e| format!("cannot write: {e}"))
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(w) => {
            eprintln!(
                "gen-energy: {} rows, {} bytes; {} comments with planted personal data ({})",
                w.rows,
                w.bytes,
                w.tally.rows_with_personal_data,
                w.tally.summary()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen-energy: {e}");
            ExitCode::FAILURE
        }
    }
}
