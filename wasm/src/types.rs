//! TypeScript declarations of what crosses the boundary: the [`watt_core::Options`] the
//! constructors take, the [`watt_core::Report`] that `finish()` returns, and the errors
//! thrown. They mirror the core's serde shapes (camelCase keys, kebab-case codes) field for
//! field; `web/tests/types.test.mjs` type-checks real reports of every kind against them
//! with `tsc --strict`, so a field added to the core without a declaration here fails CI.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Error codes of findings, as Frictionless names them. */
export type ErrorCode =
  | "blank-label" | "duplicate-label" | "missing-label" | "extra-label" | "incorrect-label"
  | "blank-row" | "extra-cell" | "missing-cell" | "type-error" | "constraint-error"
  | "unique-error" | "primary-key" | "foreign-key" | "encoding-error" | "source-error";

/** GDPR category of a field. */
export type Category =
  | "direct-identifier" | "quasi-identifier" | "sensitive" | "personal" | "free-text"
  | "non-personal";

/** Kinds of personal items the detectors find in text. */
export type PiiKind =
  | "email" | "phone" | "nir" | "iban" | "siret" | "siren" | "card" | "prm" | "ipv4" | "name";

/** Encodings watt reads (`iso-8859-1` reads as `windows-1252`), or `auto`: detected from
 * the first 64 KiB, the report's `encoding.name` says which. */
export type EncodingName =
  | "utf-8" | "windows-1252" | "iso-8859-1" | "iso-8859-15" | "iso-8859-7" | "utf-16le"
  | "utf-16be" | "auto";

/**
 * What the user says about the dialect; absent or null means "detect it" (the first four)
 * or "the default" (the others, never detected). The names are those of a Frictionless
 * dialect: the object of a dialect file can be given as it is (a document written by other
 * tools goes through `DialectOptions::from_json` in the core, as `watt --dialect` does).
 */
export interface DialectOptions {
  delimiter?: string | null;
  quoteChar?: string | null;
  header?: boolean | null;
  decimalChar?: string | null;
  lineTerminator?: string | null;
  doubleQuote?: boolean | null;
  escapeChar?: string | null;
  skipInitialSpace?: boolean | null;
  commentChar?: string | null;
  headerRows?: number[] | null;
  headerJoin?: string | null;
}

/** Settings of a run; every key is optional (defaults: utf-8, 1000 findings, no values). */
export interface Options {
  dialect?: DialectOptions;
  encoding?: EncodingName;
  maxFindings?: number;
  showValues?: boolean;
  maxRecordBytes?: number;
}

export interface Dialect {
  delimiter: string;
  quoteChar: string;
  doubleQuote: boolean;
  header: boolean;
  lineTerminator: string;
  decimalChar: string;
  /** Which of the above were detected rather than given. */
  detected: string[];
  /** Only when given: */
  escapeChar?: string;
  skipInitialSpace?: boolean;
  commentChar?: string;
  headerRows?: number[];
  headerJoin?: string;
}

export interface EncodingInfo {
  name: string;
  bom: boolean;
  /** When bytes were invalid in `name`: the encoding the file is probably in. */
  probable?: string;
  /** `name` was detected (`encoding: "auto"`) rather than given. */
  detected?: boolean;
}

export interface Stats {
  rows: number;
  bytes: number;
  columns: number;
}

export interface Finding {
  code: ErrorCode;
  /** Frictionless row number: the header is row 1. */
  rowNumber: number | null;
  fieldName?: string;
  fieldNumber?: number;
  byte: number;
  /** What is wrong, never the value. */
  message: string;
  /** The cell's value, only with `showValues`. */
  cell?: string;
}

export interface FieldSummary {
  name: string;
  category: Category | null;
  action: string;
  cellsChanged: number;
  cellsSuppressed: number;
  piiFound: Partial<Record<PiiKind, number>>;
  rowIdentifiersRedacted: number;
}

export interface KAnonymityReport {
  quasiIdentifiers: string[];
  subjectField: string | null;
  k: number;
  groups: number;
  threshold: number;
  groupsBelowThreshold: number;
  passes: boolean;
}

export interface MinimisationReport {
  /** Fingerprint of the key, never the key. */
  keyId: string | null;
  rowsOut: number;
  columnsOut: string[];
  fields: FieldSummary[];
  kAnonymity: KAnonymityReport | null;
  warnings: string[];
}

export interface ScannedField {
  name: string;
  column: number | null;
  declared: Category | null;
  cellsScanned: number;
  cellsWithPii: number;
  pii: Partial<Record<PiiKind, number>>;
}

export interface ScanReport {
  personalDataFound: boolean;
  fields: ScannedField[];
}

/** The report: `JSON.stringify(report, null, 2)` is the CLI's `--format json` output. */
export interface Report {
  watt: string;
  valid: boolean;
  dialect: Dialect;
  encoding: EncodingInfo;
  stats: Stats;
  errorCounts: Record<ErrorCode, number>;
  findingsTotal: number;
  findings: Finding[];
  truncated: boolean;
  notes: string[];
  minimisation?: MinimisationReport;
  scan?: ScanReport;
}

/** The end of a minimisation. */
export interface Minimised {
  /** The last output bytes. */
  tail: Uint8Array;
  report: Report;
}

/** Codes of the errors the constructors and `finish()` throw. */
export type WattErrorCode =
  | "schema-error" | "options-error" | "undecided" | "key-required" | "key-too-short"
  | "key-weak" | "minimise-error" | "report-error";

/** What the constructors and `finish()` throw. */
export interface WattError extends Error {
  code: WattErrorCode;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// An [`Options`](watt_core::Options) object as JavaScript passes it.
    #[wasm_bindgen(typescript_type = "Options")]
    #[derive(Debug)]
    pub type JsOptions;
}
