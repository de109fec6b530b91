//! The commands and their arguments, as clap derive definitions.
//!
//! Options that say how to read a CSV file ([`ReadArgs`]) are shared: every command that
//! reads one flattens them in, so `--encoding` or `--delimiter` mean the same everywhere.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::error::ErrorKind;
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use watt_core::{DialectOptions, Encoding, Options};

/// Validate and GDPR-minimise energy-consumption CSV files.
#[derive(Debug, Parser)]
#[command(name = "watt", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The command line, or exit 2 with clap's usage error. Options valid one by one but
    /// not together are refused here too, as the core judges them
    /// ([`DialectOptions::check`], which the browser's options go through as well):
    /// `--delimiter , --quote ,` would read every comma as both.
    pub fn parse_checked() -> Cli {
        Cli::try_parse_checked(std::env::args_os()).unwrap_or_else(|e| e.exit())
    }

    /// [`Cli::parse_checked`] of the given arguments, without exiting.
    pub fn try_parse_checked<I, T>(args: I) -> Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let cli = Cli::try_parse_from(args)?;
        if let Command::Check(check) = &cli.command {
            check
                .usage()
                .map_err(|problem| Cli::command().error(ErrorKind::ArgumentConflict, problem))?;
        }
        if let Some(read) = cli.command.read_args() {
            read.dialect()
                .check()
                .map_err(|problem| Cli::command().error(ErrorKind::ArgumentConflict, problem))?;
        }
        Ok(cli)
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a CSV file against a Table Schema, or every table of a Data Package.
    ///
    /// `watt check FILE --schema SCHEMA` checks one CSV file; `watt check datapackage.json`
    /// (a JSON file, no --schema) checks every resource of the package against its own
    /// schema, and the foreign keys between them. Exit code 0 when the data is valid, 1 when
    /// it is not, 2 when it could not be checked (unreadable file, invalid schema or
    /// package, bad option).
    Check(CheckArgs),
    /// Work with Table Schemas.
    #[command(subcommand)]
    Schema(SchemaCommand),
    /// Minimise a CSV file as its schema's gdpr policy says, into a new file.
    ///
    /// Identifiers become keyed pseudonyms (key from --key-file, --key-secret-id,
    /// WATT_PSEUDONYM_KEY or WATT_PSEUDONYM_KEY_SECRET_ID; there is no default key), quasi-identifiers are generalised, free text is
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
    ///
    /// With --kms-key-id, AWS KMS makes the key and the file holds it encrypted under that
    /// KMS key (kms:GenerateDataKey); commands given the file with --key-file decrypt it
    /// with kms:Decrypt, in memory.
    Keygen(KeygenArgs),
    /// Work with pseudonymisation keys: list the keyring, rotate the key.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Validate, minimise and upload CSV files into the data lake (S3, or a local folder).
    ///
    /// One streaming pass per file: read, validate, minimise as the schema's gdpr policy
    /// says, upload. Objects go to <prefix>/<YYYY>/<MM>/<DD>/<source>_<run>_<HHMMSS>.csv
    /// with a <key>.manifest.json beside them, create-only. Without a bucket (--bucket or
    /// DATA_LAKE_BUCKET), files go to the local lake ./datalake. Settings: flags, then the
    /// environment, then .env, then defaults. Exit code 0 stored, 1 invalid data (nothing
    /// written), 2 bad usage or unreadable file, 3 storage failure.
    Ingest(IngestArgs),
    /// Look after the lake once data has landed: retention, access and erasure requests.
    ///
    /// `ls` lists the objects with their manifests; `expire` deletes what the schema's
    /// retention says is due (and removes columns whose own retention ended); `find`
    /// lists where a person's rows are (Art. 15) and exports them; `erase` rewrites the
    /// objects without them (Art. 17); `recover` finishes what a stopped `expire` or `erase`
    /// left. Every change is journaled and leaves a record in the lake's `_audit/`, with
    /// counts and names, never a value or a pseudonym. Exit code 0 done, 1 not all of the
    /// lake could be searched or changed (said which), 2 bad usage, 3 storage failure.
    #[command(subcommand)]
    Lake(LakeCommand),
    /// Ingest the objects S3 announces on an SQS queue, as they arrive (long-running).
    ///
    /// Takes the S3 ObjectCreated notifications of a landing bucket (direct, through SNS or
    /// EventBridge) from --queue, and runs each object through the pipeline of `watt
    /// ingest`, into the bucket given as for ingest (--bucket or DATA_LAKE_BUCKET). Keys
    /// and run ids are derived from the source object, so a message delivered twice gives
    /// one object. Invalid objects get their report under --quarantine-prefix. A message
    /// is deleted once its object is stored and verified with its manifest; failed ones
    /// come back, and go to the queue's dead-letter queue after its maxReceiveCount.
    /// SIGTERM finishes (or cleanly gives up) the objects in flight. One JSON line per
    /// object and a summary every minute on standard output. Exit code 0 when stopped, 2
    /// when it could not start.
    Worker(WorkerArgs),
}

impl Command {
    /// How the command reads its CSV file, when it reads one.
    fn read_args(&self) -> Option<&ReadArgs> {
        match self {
            Command::Check(a) => Some(&a.read),
            Command::Schema(SchemaCommand::Infer(a)) => Some(&a.read),
            Command::Minimise(a) => Some(&a.read),
            Command::Scan(a) => Some(&a.read),
            Command::Ingest(a)
            | Command::Worker(WorkerArgs {
                objects: ObjectArgs { ingest: a, .. },
                ..
            }) => Some(&a.read),
            Command::Pseudonym(_)
            | Command::Register(_)
            | Command::Keygen(_)
            | Command::Key(_)
            | Command::Lake(_) => None,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// Write a draft Table Schema inferred from a CSV file, which the file checks valid against.
    ///
    /// The whole file is read, once, in bounded memory. The draft gives each column the
    /// narrowest type all its values fit, marks columns with no empty value as required,
    /// keeps digit codes (meter ids, postcodes) as strings with a pattern, lists small
    /// vocabularies in an enum, and suggests a gdpr category from column names and values.
    /// Review it before use.
    Infer(InferArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// CSV file to check (`-` reads standard input), or a Data Package descriptor (a
    /// `.json` file such as `datapackage.json`, given without --schema).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Table Schema (JSON) to check the CSV file against (a Data Package names its own).
    #[arg(long, short = 's', value_name = "SCHEMA")]
    pub schema: Option<PathBuf>,

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

impl CheckArgs {
    /// Whether FILE is a Data Package descriptor: a `.json` file given without --schema
    /// (as `frictionless validate datapackage.json` takes it).
    pub fn is_package(&self) -> bool {
        self.schema.is_none()
            && (self.file.extension()).is_some_and(|e| e.eq_ignore_ascii_case("json"))
    }

    /// The arguments that cannot go together.
    fn usage(&self) -> Result<(), String> {
        let name = self.file.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if self.schema.is_some() && name.eq_ignore_ascii_case("datapackage.json") {
            return Err(
                "a Data Package names the schema of each of its resources: drop --schema".into(),
            );
        }
        if self.schema.is_none() && !self.is_package() {
            return Err("the argument '--schema <SCHEMA>' is required to check a CSV file (a Data Package descriptor, datapackage.json, names its own schemas)".into());
        }
        let d = &self.read;
        let dialect_given = d.delimiter.is_some()
            || d.quote.is_some()
            || d.header
            || d.no_header
            || d.decimal_char.is_some();
        if self.is_package() && dialect_given {
            return Err("a Data Package's tables are read as each resource's dialect says (or detected): drop --delimiter, --quote, --header, --no-header and --decimal-char".into());
        }
        Ok(())
    }
}

#[derive(Debug, Args)]
pub struct InferArgs {
    /// CSV file to infer the schema of (`-` reads standard input).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Write the schema to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "OUT")]
    pub output: Option<PathBuf>,

    /// Read only the first N data rows (a sample). The draft then says so, has no enum, and
    /// later rows may not fit it. By default the whole file is read.
    #[arg(long, value_name = "N", value_parser = parse_rows)]
    pub rows: Option<usize>,

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

    #[command(flatten)]
    pub keys: KeyArgs,

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

    #[command(flatten)]
    pub keys: KeyArgs,
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
    /// Write the key to this new file (mode 0600; an existing file is never replaced); `-`
    /// is standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Have AWS KMS make the key and write it encrypted under this KMS key (id, ARN or
    /// alias; kms:GenerateDataKey): the file is then no secret, and reading it takes
    /// kms:Decrypt on that key.
    #[arg(long, value_name = "KMS_KEY")]
    pub kms_key_id: Option<String>,

    #[command(flatten)]
    pub vault: VaultArgs,
}

/// Where the pseudonymisation key comes from: the same options for every command that
/// takes a key (see `crate::key` for the order in which places are looked at).
#[derive(Debug, Clone, Default, Args)]
pub struct KeyArgs {
    /// File holding the pseudonymisation key: in clear (mode 0600), or encrypted under AWS
    /// KMS by `watt keygen --kms-key-id`. Else --key-secret-id, else WATT_PSEUDONYM_KEY or
    /// WATT_PSEUDONYM_KEY_SECRET_ID from the environment, then from .env. There is no
    /// default key.
    #[arg(long, value_name = "FILE", conflicts_with = "key_secret_id")]
    pub key_file: Option<PathBuf>,

    /// AWS Secrets Manager secret (name or ARN) whose value is the key
    /// [env: WATT_PSEUDONYM_KEY_SECRET_ID]. Needs secretsmanager:GetSecretValue.
    #[arg(long, value_name = "ID")]
    pub key_secret_id: Option<String>,

    /// Version stage of the secret to use [default: AWSCURRENT].
    #[arg(long, value_name = "STAGE", conflicts_with = "key_version_id")]
    pub key_version_stage: Option<String>,

    /// Version id of the secret to use, instead of a stage.
    #[arg(long, value_name = "VERSION_ID")]
    pub key_version_id: Option<String>,

    #[command(flatten)]
    pub vault: VaultArgs,
}

/// How to reach the key's vault (Secrets Manager, KMS). Credentials come from the
/// standard AWS chain, as for `watt ingest`.
#[derive(Debug, Clone, Default, Args)]
pub struct VaultArgs {
    /// AWS region of the secret or KMS key [env: AWS_REGION, AWS_DEFAULT_REGION].
    #[arg(long, value_name = "REGION")]
    pub key_region: Option<String>,

    /// Secrets Manager or KMS endpoint (a VPC endpoint, a local test server) [env:
    /// AWS_ENDPOINT_URL_SECRETS_MANAGER or AWS_ENDPOINT_URL_KMS, then AWS_ENDPOINT_URL].
    /// Plain http only to this machine.
    #[arg(long, value_name = "URL")]
    pub key_endpoint_url: Option<String>,
}

/// The keys known at once: the current key, and older ones (after a rotation) that data
/// in the lake may still be pseudonymised with.
#[derive(Debug, Clone, Default, Args)]
pub struct KeyringArgs {
    #[command(flatten)]
    pub key: KeyArgs,

    /// An older key file (in clear or KMS-encrypted), known for data made with it, never
    /// used for new data; repeatable. With a secret, its AWSPREVIOUS version is known
    /// without this.
    #[arg(long, value_name = "FILE")]
    pub previous_key_file: Vec<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Print the fingerprint (keyId) and the source of each key the options name: the
    /// current key, then the previous ones. Never the keys.
    List(KeyListArgs),
    /// Replace the current key by a new random one, keeping the old one known.
    ///
    /// With --key-secret-id: puts a new version of the secret (AWSPENDING), checks it, then
    /// moves AWSCURRENT to it; Secrets Manager moves AWSPREVIOUS to the old version. With
    /// --key-file: writes a new key file (-o, create-only), KMS-encrypted under the same
    /// KMS key when the old one is. Prints the old and new fingerprints.
    Rotate(KeyRotateArgs),
}

#[derive(Debug, Args)]
pub struct KeyListArgs {
    #[command(flatten)]
    pub ring: KeyringArgs,
}

#[derive(Debug, Args)]
pub struct KeyRotateArgs {
    #[command(flatten)]
    pub keys: KeyArgs,

    /// The new key file (rotating a key file; mode 0600, never replaces a file).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// CSV files, or folders whose .csv files are all ingested.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// A CSV file to ingest (the original uploader's option; the same as a FILE).
    #[arg(long, value_name = "FILE")]
    pub source: Vec<PathBuf>,

    /// Table Schema with a gdpr policy per field (default: the bundled energy schema).
    #[arg(long, short = 's', value_name = "SCHEMA")]
    pub schema: Option<PathBuf>,

    #[command(flatten)]
    pub keys: KeyArgs,

    #[command(flatten)]
    pub store: StoreArgs,

    /// Do everything but write: read, validate, minimise, and say where each file would go.
    #[arg(long)]
    pub dry_run: bool,

    /// Name of the source in the object key (default: the file name, made safe).
    #[arg(long, value_name = "NAME")]
    pub source_name: Option<String>,

    /// Part size of multipart uploads, in MiB (5 to 5120). Smaller outputs go in one PUT.
    #[arg(long, value_name = "MIB", default_value_t = 16)]
    pub part_size: u64,

    /// Parts of one file uploaded at the same time.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub parts_in_flight: usize,

    /// Files ingested at the same time.
    #[arg(long, short = 'j', value_name = "N", default_value_t = 2)]
    pub jobs: usize,

    /// Skip the HEAD after each write (for credentials without s3:GetObject; the store's
    /// checksum on write is still compared).
    #[arg(long)]
    pub no_head: bool,

    /// Folder of the run logs and of the journal of unfinished uploads.
    #[arg(long, value_name = "DIR", default_value = "logs")]
    pub log_dir: PathBuf,

    /// Findings of an invalid file listed on standard error (all are counted).
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub max_findings: usize,

    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Subcommand)]
pub enum LakeCommand {
    /// List the objects of the lake with their manifests: source, ingestion time, rows,
    /// schema, key fingerprint, retention end.
    Ls(LakeLsArgs),
    /// List the objects (and columns) whose retention has ended; --apply deletes them.
    ///
    /// Retention counts from each object's ingestion, as its manifest records it (older
    /// manifests: the retention of --schema). A column whose own retention is shorter than
    /// the dataset's is removed from the objects past its end, by rewriting them.
    /// --lifecycle prints the equivalent S3 lifecycle configuration instead.
    Expire(LakeExpireArgs),
    /// Find a person's rows (access request, Art. 15): where they are, and --export them.
    ///
    /// The pseudonym of VALUE is computed under the key each object was made with (its
    /// manifest names the key's fingerprint): give every key in use (--key-file, repeated).
    /// Without VALUE, values are read one per line from standard input (values on the
    /// command line are visible to other users of the machine).
    Find(LakeFindArgs),
    /// Erase a person's rows (Art. 17): rewrite every object that holds them without them.
    ///
    /// Each new object is verified (rows, checksum) before its manifest, which records the
    /// erasure (date, request id, rows removed), replaces the old one; then the old object
    /// is deleted, with its earlier versions when the bucket keeps versions.
    Erase(LakeEraseArgs),
    /// Move every object made under an older key to the current key, so that the old key
    /// can be destroyed.
    ///
    /// A pseudonym cannot be turned back into its identifier: give the identifiers
    /// (--identifiers, a CSV file whose header names pseudonymised columns, such as the
    /// meter register or the original exports; or a plain list with --field). Each object is
    /// rewritten with its pseudonyms computed again under the current key and its manifest
    /// naming it, verified, journaled and audited as an erasure is. An object holding a
    /// pseudonym that no identifier makes stays under its old key (exit 1), unless
    /// --sever-unmatched.
    Rekey(LakeRekeyArgs),
    /// Finish or undo what a stopped `watt lake expire`, `erase` or `rekey` left (they do it
    /// first as well).
    Recover(LakeRecoverArgs),
}

/// The options every `watt lake` command shares.
#[derive(Debug, Args)]
pub struct LakeArgs {
    #[command(flatten)]
    pub store: StoreArgs,

    /// Folder of the journal of changes in progress (shared with `watt ingest`).
    #[arg(long, value_name = "DIR", default_value = "logs")]
    pub log_dir: PathBuf,

    /// Objects read at the same time.
    #[arg(long, short = 'j', value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u64).range(1..=256))]
    pub jobs: u64,
}

#[derive(Debug, Args)]
pub struct LakeLsArgs {
    #[command(flatten)]
    pub lake: LakeArgs,

    /// Table Schema whose retention applies to objects whose manifest records none
    /// (written before watt recorded it) [default: the bundled energy schema, for objects
    /// it made].
    #[arg(long, short = 's', value_name = "SCHEMA")]
    pub schema: Option<PathBuf>,

    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// The time to judge retention at, instead of now (RFC 3339 or YYYY-MM-DD, UTC): for
    /// audits ("what was due on...") and tests.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub now: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Args)]
pub struct LakeExpireArgs {
    #[command(flatten)]
    pub lake: LakeArgs,

    #[arg(long, short = 's', value_name = "SCHEMA")]
    pub schema: Option<PathBuf>,

    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// The time to judge retention at, instead of now (RFC 3339 or YYYY-MM-DD, UTC): for
    /// audits and tests. Never later than now with --apply.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub now: Option<chrono::DateTime<chrono::Utc>>,

    /// Delete the objects (and rewrite those with expired columns); without it, only list.
    #[arg(long)]
    pub apply: bool,

    /// Print the S3 lifecycle configuration equivalent to the schema's retention (JSON for
    /// `aws s3api put-bucket-lifecycle-configuration`), and touch nothing.
    #[arg(long, conflicts_with_all = ["apply", "now"])]
    pub lifecycle: bool,

    /// Part size of the rewritten objects' multipart uploads, in MiB (5 to 5120).
    #[arg(long, value_name = "MIB", default_value_t = 16)]
    pub part_size: u64,
}

/// Who a request is about: a pseudonymised field and the person's identifiers.
#[derive(Debug, Args)]
pub struct PersonArgs {
    /// The identifiers (a meter id, a customer number). Omit them to read one per line
    /// from standard input.
    #[arg(value_name = "VALUE")]
    pub values: Vec<String>,

    /// The pseudonymised field the values are for (prm, customer_id...).
    #[arg(
        long,
        short = 'f',
        value_name = "FIELD",
        required_unless_present = "customer"
    )]
    pub field: Option<String>,

    /// The values are customer numbers: the field is the schema's data subject field
    /// (`gdpr.subjectField`, customer_id in the energy schema).
    #[arg(long, conflicts_with = "field")]
    pub customer: bool,

    /// Table Schema of the lake (its field policies) [default: the bundled energy schema].
    #[arg(long, short = 's', value_name = "SCHEMA")]
    pub schema: Option<PathBuf>,

    /// The keys the objects were made with: the current key and, after a rotation, the
    /// previous ones (each object is searched under the key its manifest names; an object
    /// whose key is not given is reported, not searched).
    #[command(flatten)]
    pub keys: KeyringArgs,
}

#[derive(Debug, Args)]
pub struct LakeFindArgs {
    #[command(flatten)]
    pub lake: LakeArgs,

    #[command(flatten)]
    pub person: PersonArgs,

    /// Write the person's rows, as stored, to this new file (CSV, mode 0600), and record
    /// the export in the lake's audit trail.
    #[arg(long, value_name = "FILE")]
    pub export: Option<PathBuf>,

    /// The request's id in your register of data-subject requests, for the audit record.
    #[arg(long, value_name = "ID")]
    pub request_id: Option<String>,

    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct LakeEraseArgs {
    #[command(flatten)]
    pub lake: LakeArgs,

    #[command(flatten)]
    pub person: PersonArgs,

    /// The request's id in your register of data-subject requests: recorded in each
    /// rewritten manifest and in the audit trail (never the person's identifiers).
    #[arg(long, value_name = "ID")]
    pub request_id: String,

    /// Say what would change, change nothing.
    #[arg(long)]
    pub dry_run: bool,

    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Part size of the rewritten objects' multipart uploads, in MiB (5 to 5120).
    #[arg(long, value_name = "MIB", default_value_t = 16)]
    pub part_size: u64,
}

#[derive(Debug, Args)]
pub struct LakeRekeyArgs {
    #[command(flatten)]
    pub lake: LakeArgs,

    /// The key to move to: `CURRENT` (the keyring's current key), or its fingerprint
    /// (which must be the current key's).
    #[arg(long, value_name = "KEY")]
    pub to: String,

    /// The controller's identifiers: a CSV file whose header names pseudonymised columns
    /// (the meter register, the original exports), or with --field a list of one identifier
    /// per line; repeatable. Read once per batch of objects, never kept.
    #[arg(long, value_name = "FILE", required = true)]
    pub identifiers: Vec<PathBuf>,

    /// The --identifiers files are plain lists of this column's identifiers.
    #[arg(long, short = 'f', value_name = "FIELD")]
    pub field: Option<String>,

    /// Replace each pseudonym that no identifier makes by a severed token under the new key
    /// (deterministic, so rows that shared it still do, but linked to nobody), instead of
    /// leaving its object under the old key.
    #[arg(long)]
    pub sever_unmatched: bool,

    /// Table Schema of the lake, for objects whose manifest does not record how a column was
    /// pseudonymised, and to read the identifier files [default: the bundled energy schema].
    #[arg(long, short = 's', value_name = "SCHEMA")]
    pub schema: Option<PathBuf>,

    /// The keys: the current one (moved to) and the older ones (moved from).
    #[command(flatten)]
    pub keys: KeyringArgs,

    /// Memory for the table of pseudonyms of a batch of objects, in MiB (about 33 MB per
    /// million distinct pseudonyms of 16 bytes); past it, the objects are taken in several
    /// batches, each reading the identifier files again.
    #[arg(long, value_name = "MIB", default_value_t = 256,
          value_parser = clap::value_parser!(u64).range(1..=65536))]
    pub memory: u64,

    /// Say what would be moved and how many pseudonyms no identifier makes; change nothing.
    #[arg(long)]
    pub dry_run: bool,

    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Part size of the rewritten objects' multipart uploads, in MiB (5 to 5120).
    #[arg(long, value_name = "MIB", default_value_t = 16)]
    pub part_size: u64,
}

#[derive(Debug, Args)]
pub struct LakeRecoverArgs {
    #[command(flatten)]
    pub lake: LakeArgs,
}

/// Where the lake is: an S3 bucket (and how to reach it), or a local folder. Shared by
/// `watt ingest` and `watt lake`, so an option means the same in both.
#[derive(Debug, Args)]
pub struct StoreArgs {
    /// S3 bucket [env: DATA_LAKE_BUCKET]. Without one, the local lake.
    #[arg(long, value_name = "BUCKET")]
    pub bucket: Option<String>,

    /// Key prefix [env: DATA_LAKE_PREFIX] [default: watt-about-it/raw].
    #[arg(long, value_name = "PREFIX")]
    pub prefix: Option<String>,

    /// AWS region [env: AWS_REGION].
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// S3-compatible endpoint (MinIO, SeaweedFS, Scaleway, OVH...) [env:
    /// AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL]. Implies path-style addressing.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// Path-style addressing (https://host/bucket/key) even without --endpoint-url.
    #[arg(long)]
    pub path_style: bool,

    /// Accept a plain http:// endpoint that is not on this machine.
    #[arg(long)]
    pub allow_insecure_http: bool,

    /// Server-side encryption of the objects.
    #[arg(long, value_enum, value_name = "MODE")]
    pub sse: Option<SseArg>,

    /// KMS key for --sse aws:kms (default: the account's S3 KMS key).
    #[arg(long, value_name = "KEY")]
    pub kms_key_id: Option<String>,

    /// Local lake folder when no bucket is set [env: DATA_LAKE_DIR] [default: datalake].
    #[arg(long, value_name = "DIR")]
    pub lake: Option<PathBuf>,

    /// Attempts per S3 request (retried with exponential backoff).
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub max_attempts: u32,
}

#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// URL of the SQS queue that receives the landing bucket's S3 event notifications.
    #[arg(long, value_name = "URL", env = "WATT_QUEUE_URL")]
    pub queue: String,

    /// Seconds a received message stays invisible to other workers; renewed while its
    /// object is in progress.
    #[arg(long, value_name = "SECONDS", default_value_t = 300,
          value_parser = clap::value_parser!(u32).range(2..=43_200))]
    pub visibility_timeout: u32,

    /// Seconds a receive waits for messages (SQS long polling, 0 to 20).
    #[arg(long, value_name = "SECONDS", default_value_t = 20,
          value_parser = clap::value_parser!(u32).range(0..=20))]
    pub wait_seconds: u32,

    /// Seconds before a message whose object failed comes back (doubled at each receive,
    /// at most 15 minutes).
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub retry_after: u32,

    /// Seconds objects in flight get to finish after SIGTERM before they are given up
    /// (their uploads aborted, their messages released).
    #[arg(long, value_name = "SECONDS", default_value_t = 25)]
    pub stop_timeout: u64,

    /// Seconds between two summary lines.
    #[arg(long, value_name = "SECONDS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub summary_every: u64,

    /// Stop once the queue is found empty with nothing in flight (a batch job).
    #[arg(long)]
    pub until_empty: bool,

    #[command(flatten)]
    pub objects: ObjectArgs,
}

/// What a worker does with each object, in the container (`watt worker`) and in the Lambda
/// function alike (there, from the environment only).
#[derive(Debug, Args)]
pub struct ObjectArgs {
    /// Only objects of this bucket are ingested (events of others are ignored) [default:
    /// any bucket whose events reach the queue].
    #[arg(long, value_name = "BUCKET", env = "WATT_LANDING_BUCKET")]
    pub landing_bucket: Option<String>,

    /// Only objects under this prefix of the landing bucket are ingested.
    #[arg(
        long,
        value_name = "PREFIX",
        env = "WATT_LANDING_PREFIX",
        default_value = ""
    )]
    pub landing_prefix: String,

    /// Where the reports of invalid objects go, in the lake's bucket.
    #[arg(
        long,
        value_name = "PREFIX",
        env = "WATT_QUARANTINE_PREFIX",
        default_value = "watt-about-it/quarantine"
    )]
    pub quarantine_prefix: String,

    /// Move invalid objects to this prefix of the landing bucket (their key kept under it)
    /// [default: leave them where they are].
    #[arg(long, value_name = "PREFIX", env = "WATT_MOVE_INVALID_TO")]
    pub move_invalid_to: Option<String>,

    /// The lake and the pipeline, as for `watt ingest` (its FILE, --source, --source-name,
    /// --dry-run and --lake do not apply).
    #[command(flatten)]
    pub ingest: IngestArgs,
}

/// Server-side encryption modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SseArg {
    /// SSE-S3: keys managed by S3 (the default).
    #[value(name = "AES256", alias = "aes256", alias = "sse-s3")]
    Aes256,
    /// SSE-KMS, with --kms-key-id or the account's default key.
    #[value(name = "aws:kms", alias = "kms")]
    AwsKms,
    /// No encryption header, for stores that refuse one.
    #[value(name = "none")]
    None,
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

    /// Frictionless dialect file (JSON: CSV Dialect v1 or Table Dialect v2): delimiter,
    /// quoteChar, doubleQuote, escapeChar, skipInitialSpace, commentChar, header,
    /// headerRows, headerJoin, lineTerminator. What it does not say is detected; an option
    /// given here and as a flag must agree.
    #[arg(long = "dialect", value_name = "FILE")]
    pub dialect_file: Option<PathBuf>,

    /// Decimal character of numbers whose schema field does not declare one (detected when
    /// not given: `,` in files such as French Excel exports).
    #[arg(long, value_name = "C", value_parser = parse_decimal_char)]
    pub decimal_char: Option<char>,

    /// Memory, in MiB, that each set growing with the file (the primaryKey and unique keys,
    /// the k-anonymity pairs) may use before it continues in an anonymous temporary file.
    #[arg(long, value_name = "MIB", default_value_t = crate::spill::DEFAULT_BUDGET_MIB as u64,
          value_parser = clap::value_parser!(u64).range(1..=65536))]
    pub spill_after: u64,
}

impl ReadArgs {
    /// The dialect the user gave as flags (the dialect file is read by the command:
    /// `commands::load_dialect`).
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
            ..DialectOptions::default()
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

/// `--now`: an RFC 3339 time, or a date (midnight UTC).
fn parse_time(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&chrono::Utc));
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| {
            "expected an RFC 3339 time (2027-01-16T00:00:00Z) or a date (2027-01-16)".into()
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
    fn dialect_options_that_cannot_go_together_are_usage_errors() {
        for (command, options) in [
            ("check", &["--delimiter", ",", "--quote", ","][..]),
            ("minimise", &["--delimiter", ";", "--decimal-char", ";"]),
            ("scan", &["--delimiter", "tab", "--quote", "\t"]),
            ("ingest", &["--quote", "|", "--delimiter", "|"]),
        ] {
            let mut all = vec!["watt", command, "f.csv"];
            if command != "ingest" {
                all.extend(["-s", "s.json"]);
            }
            if command == "minimise" {
                all.extend(["-o", "out.csv"]);
            }
            all.extend_from_slice(options);
            let err = Cli::try_parse_checked(&all).expect_err(command);
            assert_eq!(err.kind(), ErrorKind::ArgumentConflict, "{all:?}");
            assert_eq!(err.exit_code(), 2);
        }
        let err = Cli::try_parse_checked([
            "watt",
            "check",
            "f",
            "-s",
            "s",
            "--delimiter",
            ",",
            "--quote",
            ",",
        ])
        .expect_err("same character");
        assert!(
            err.to_string()
                .contains("the delimiter and the quote must differ"),
            "{err}"
        );
        assert!(
            Cli::try_parse_checked([
                "watt",
                "check",
                "f",
                "-s",
                "s",
                "--delimiter",
                ";",
                "--decimal-char",
                ","
            ])
            .is_ok()
        );
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
            Err("unknown encoding \"shift_jis\"; watt reads utf-8, windows-1252 (latin1, iso-8859-1), iso-8859-15 (latin9), iso-8859-7 (greek), utf-16le (utf-16), utf-16be, auto (detected from the first 64 KiB)".into())
        );
    }
}
