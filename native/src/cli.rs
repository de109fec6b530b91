//! The commands and their arguments, as clap derive definitions.
//!
//! Options that say how to read a CSV file ([`ReadArgs`]) are shared: every command that
//! reads one flattens them in, so `--encoding` or `--delimiter` mean the same everywhere.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use watt_core::infer::DEFAULT_ROWS;
use watt_core::{DialectOptions, Encoding, Options};

/// Validate and GDPR-minimise energy-consumption CSV files.
#[derive(Debug, Parser)]
#[command(name = "watt", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a CSV file against a Table Schema.
    ///
    /// Exit code 0 when the file is valid, 1 when it is not, 2 when it could not be
    /// checked (unreadable file, invalid schema, bad option).
    Check(CheckArgs),
    /// Work with Table Schemas.
    #[command(subcommand)]
    Schema(SchemaCommand),
    /// Minimise a CSV file as its schema's gdpr policy says, into a new file.
    ///
    /// Identifiers become keyed pseudonyms (key from --key-file, WATT_PSEUDONYM_KEY or
    /// .env; there is no default key), quasi-identifiers are generalised, free text is
    /// redacted, the rest is kept or dropped. The output is written only when the data is
    /// valid. Exit code 0 written, 1 invalid data, 2 could not run.
    #[command(visible_alias = "minimize")]
    Minimise(MinimiseArgs),
    /// Find personal data the schema does not declare, and measure k-anonymity.
    ///
    /// Searches columns declared non-personal, columns without a gdpr policy and columns
    /// the schema does not know. No key needed, nothing written. Exit code 1 when personal
    /// data was found there, k is below the threshold, or the data is invalid.
    Scan(ScanArgs),
    /// Print the pseudonym of an identifier, as `watt minimise` writes it with the same key.
    ///
    /// Answers data-subject requests: find one person's rows in minimised data. Without
    /// VALUE, reads one value per line from standard input.
    Pseudonym(PseudonymArgs),
    /// Print the data inventory (GDPR Art. 30 register, field by field) of a schema, as CSV.
    Register(RegisterArgs),
    /// Print (or write to a new file, mode 0600) a random 256-bit pseudonymisation key.
    Keygen(KeygenArgs),
}

#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// Write a draft Table Schema inferred from the first rows of a CSV file.
    ///
    /// The draft gives each column the narrowest type all sampled values fit, marks
    /// columns with no empty value as required, keeps digit codes (meter ids, postcodes)
    /// as strings with a pattern, and suggests a gdpr category from column names. Review
    /// it before use.
    Infer(InferArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// CSV file to check (`-` reads standard input).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Table Schema (JSON) to check the file against.
    #[arg(long, short = 's', value_name = "SCHEMA")]
    pub schema: PathBuf,

    /// Report format: `text` for people, `json` for programs (the report structure is
    /// documented in docs/report-format.md).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Findings listed in the report (all of them are counted).
    #[arg(long, value_name = "N", default_value_t = Options::default().max_findings)]
    pub max_findings: usize,

    /// Put each offending cell's value in the report. Off by default: reports are copied
    /// into tickets and chats, and cells hold personal data.
    #[arg(long)]
    pub show_values: bool,

    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Args)]
pub struct InferArgs {
    /// CSV file to infer the schema of (`-` reads standard input).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Write the schema to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "OUT")]
    pub output: Option<PathBuf>,

    /// Data rows sampled from the start of the file.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_ROWS, value_parser = parse_rows)]
    pub rows: usize,

    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Args)]
pub struct MinimiseArgs {
    /// CSV file to minimise (`-` reads standard input).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Table Schema with a gdpr policy for every field.
    #[arg(long, short = 's', value_name = "SCHEMA")]
    pub schema: PathBuf,

    /// Where to write the minimised CSV (`-`: standard output).
    #[arg(long, short = 'o', value_name = "OUT")]
    pub output: PathBuf,

    /// File holding the pseudonymisation key (else WATT_PSEUDONYM_KEY, from the environment
    /// or .env).
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,

    /// Also write the full report (JSON) to this file.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,

    /// `json` prints the full report on standard output (when OUT is a file).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Write the minimised rows even when the data is invalid.
    #[arg(long)]
    pub allow_invalid: bool,

    /// Findings listed in the report (all of them are counted).
    #[arg(long, value_name = "N", default_value_t = Options::default().max_findings)]
    pub max_findings: usize,

    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// CSV file to scan (`-` reads standard input).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Table Schema (a gdpr policy is not required).
    #[arg(long, short = 's', value_name = "SCHEMA")]
    pub schema: PathBuf,

    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Findings listed in the report (all of them are counted).
    #[arg(long, value_name = "N", default_value_t = Options::default().max_findings)]
    pub max_findings: usize,

    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Args)]
pub struct PseudonymArgs {
    /// The identifier (e.g. a meter id). Omit it to read values from standard input.
    #[arg(value_name = "VALUE")]
    pub value: Option<String>,

    /// The schema field whose pseudonymisation to apply (its domain and normalisation).
    #[arg(long, short = 'f', value_name = "FIELD")]
    pub field: String,

    #[arg(long, short = 's', value_name = "SCHEMA")]
    pub schema: PathBuf,

    /// File holding the pseudonymisation key (else WATT_PSEUDONYM_KEY).
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RegisterArgs {
    #[arg(long, short = 's', value_name = "SCHEMA")]
    pub schema: PathBuf,

    /// Write the CSV to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "OUT")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Write the key to this new file (mode 0600; an existing file is never replaced).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// How to read the CSV file; what is not given is detected.
#[derive(Debug, Args)]
pub struct ReadArgs {
    /// Character encoding of the file.
    #[arg(long, value_name = "LABEL", default_value = "utf-8", value_parser = parse_encoding,
          long_help = format!("Character encoding of the file: {}", Encoding::LABELS))]
    pub encoding: Encoding,

    /// Cell delimiter (detected when not given): one ASCII character, or `tab`.
    #[arg(long, value_name = "C", value_parser = parse_delimiter)]
    pub delimiter: Option<char>,

    /// Quote character (detected when not given): one ASCII character.
    #[arg(long, value_name = "C", value_parser = parse_ascii_char)]
    pub quote: Option<char>,

    /// The first row is a header (detected when neither --header nor --no-header is given).
    #[arg(long, overrides_with = "no_header")]
    pub header: bool,

    /// The first row is data, not a header.
    #[arg(long, overrides_with = "header")]
    pub no_header: bool,

    /// Decimal character of numbers whose schema field does not declare one (detected when
    /// not given: `,` in files such as French Excel exports).
    #[arg(long, value_name = "C", value_parser = parse_decimal_char)]
    pub decimal_char: Option<char>,
}

impl ReadArgs {
    /// The dialect the user gave.
    pub fn dialect(&self) -> DialectOptions {
        DialectOptions {
            delimiter: self.delimiter,
            quote_char: self.quote,
            header: if self.header {
                Some(true)
            } else if self.no_header {
                Some(false)
            } else {
                None
            },
            decimal_char: self.decimal_char,
        }
    }
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

fn parse_encoding(label: &str) -> Result<Encoding, String> {
    Encoding::from_label(label).ok_or_else(|| {
        format!(
            "unknown encoding {label:?}; watt reads {}",
            Encoding::LABELS
        )
    })
}

fn parse_rows(s: &str) -> Result<usize, String> {
    s.parse::<usize>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| "expected a whole number of at least 1".to_owned())
}

fn parse_ascii_char(s: &str) -> Result<char, String> {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii() && !c.is_ascii_alphanumeric() && c != '\n' && c != '\r' => {
            Ok(c)
        }
        _ => {
            Err("expected one ASCII character that is not a letter, a digit or a line break".into())
        }
    }
}

fn parse_delimiter(s: &str) -> Result<char, String> {
    match s {
        "tab" | "\\t" => Ok('\t'),
        _ => parse_ascii_char(s),
    }
}

fn parse_decimal_char(s: &str) -> Result<char, String> {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if !c.is_ascii_digit() => Ok(c),
        _ => Err("expected one character that is not a digit".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn header_flags_give_a_tri_state() {
        let parse = |args: &[&str]| {
            let mut all = vec!["watt", "check", "f.csv", "--schema", "s.json"];
            all.extend_from_slice(args);
            match Cli::try_parse_from(all).map(|c| c.command) {
                Ok(Command::Check(a)) => a.read.dialect().header,
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(parse(&[]), None);
        assert_eq!(parse(&["--header"]), Some(true));
        assert_eq!(parse(&["--no-header"]), Some(false));
        assert_eq!(parse(&["--header", "--no-header"]), Some(false));
    }

    #[test]
    fn character_options() {
        assert_eq!(parse_delimiter("tab"), Ok('\t'));
        assert_eq!(parse_delimiter(";"), Ok(';'));
        assert!(parse_delimiter(";;").is_err());
        assert!(parse_delimiter("é").is_err());
        assert!(parse_ascii_char("a").is_err());
        assert_eq!(parse_decimal_char(","), Ok(','));
        assert!(parse_decimal_char("1").is_err());
        assert_eq!(parse_encoding("latin1"), Ok(Encoding::Windows1252));
        assert_eq!(
            parse_encoding("shift_jis"),
            Err("unknown encoding \"shift_jis\"; watt reads utf-8, windows-1252 (latin1, iso-8859-1), iso-8859-15 (latin9)".into())
        );
    }
}
