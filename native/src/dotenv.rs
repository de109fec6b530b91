//! `.env` files — `NAME=value` lines — read the same way by every command: `watt minimise`,
//! `watt pseudonym` and the others look for the key there, `watt ingest` for its settings
//! and credentials too. The file is parsed, never loaded into the process environment.
//!
//! Hand-written on purpose, although dotenvy reads the format: dotenvy expands `$VAR` and
//! `${VAR}` in every value and has no way to turn that off, so a line such as
//! `DATA_LAKE_PREFIX=${WATT_PSEUDONYM_KEY}` wrote the key into object keys, the run log and
//! the manifests. Here values are literal: a `$` is a `$`.
//!
//! The syntax is the common one:
//!
//! ```text
//! # a comment, and blank lines
//! export DATA_LAKE_BUCKET=my-lake       # `export ` is allowed; ` #` starts a comment
//! DATA_LAKE_PREFIX = raw/energy         # unquoted: trimmed
//! AWS_SECRET_ACCESS_KEY='a$b#c'         # single quotes: literal, up to the next '
//! NOTE="line one\nline \"two\" \\ end"  # double quotes: \n \r \t \" \\ \$ escapes
//! MULTI="spans
//! lines"                                # quoted values may span lines
//! ```
//!
//! A UTF-8 byte order mark at the start is skipped (editors on Windows write one). When a
//! name appears twice, the last one counts, as in a shell. An error gives the line where
//! the faulty statement starts and never the line's content, which may be a secret.

use std::path::Path;

use crate::small_file::{self, ReadError};

/// The `.env` file every command reads: in the working directory.
pub const DOTENV_FILE: &str = ".env";

/// The variables of a `.env` file, in file order.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct DotEnv {
    vars: Vec<(String, String)>,
}

/// Shows the names only: the values may be secrets.
impl std::fmt::Debug for DotEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.vars.iter().map(|(name, _)| name))
            .finish()
    }
}

/// Why a `.env` file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DotEnvError {
    #[error("cannot read {path}: {source}")]
    Unreadable { path: String, source: ReadError },
    #[error("{path} line {line}: {problem} (the line is not shown: it may hold a secret)")]
    Syntax {
        path: String,
        line: usize,
        problem: &'static str,
    },
}

/// A syntax error: the line where the statement starts, and what is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: usize,
    pub problem: &'static str,
}

impl DotEnv {
    /// Reads the file at `path` (at most [`small_file::DOTENV`]); no file means no variable.
    pub fn load(path: &Path) -> Result<DotEnv, DotEnvError> {
        let shown = path.display().to_string();
        let text = match small_file::read_to_string(path, small_file::DOTENV) {
            Ok(text) => text,
            Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(DotEnv::default());
            }
            Err(source) => {
                return Err(DotEnvError::Unreadable {
                    path: shown,
                    source,
                });
            }
        };
        DotEnv::parse(&text).map_err(|e| DotEnvError::Syntax {
            path: shown,
            line: e.line,
            problem: e.problem,
        })
    }

    /// Parses the text of a `.env` file.
    pub fn parse(text: &str) -> Result<DotEnv, SyntaxError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut cursor = Cursor {
            rest: text,
            line: 1,
        };
        let mut vars = Vec::new();
        while let Some(var) = cursor.statement()? {
            vars.push(var);
        }
        Ok(DotEnv { vars })
    }

    /// The value of `name` (the last one when the file gives several).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every variable, in file order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.vars.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }
}

/// Where the parser is: the text left and its line number.
struct Cursor<'a> {
    rest: &'a str,
    line: usize,
}

impl Cursor<'_> {
    /// The next `NAME=value`, skipping blank lines and comments; `None` at the end.
    fn statement(&mut self) -> Result<Option<(String, String)>, SyntaxError> {
        loop {
            self.skip_blanks();
            match self.peek() {
                None => return Ok(None),
                Some('\n') => self.advance(1),
                Some('#') => self.skip_to_end_of_line(),
                Some(_) => break,
            }
        }
        let line = self.line;
        let fail = |problem| SyntaxError { line, problem };
        if let Some(after) = self.rest.strip_prefix("export") {
            if after.starts_with([' ', '\t']) {
                self.advance("export".len());
                self.skip_blanks();
            }
        }
        let name_len = self
            .rest
            .char_indices()
            .find(|&(i, c)| {
                !(c == '_'
                    || c.is_ascii_alphabetic()
                    || (i > 0 && (c.is_ascii_digit() || c == '.')))
            })
            .map_or(self.rest.len(), |(i, _)| i);
        if name_len == 0 {
            return Err(fail(
                "expected NAME=value (a name is letters, digits, _ and .)",
            ));
        }
        let name = self.rest[..name_len].to_owned();
        self.advance(name_len);
        self.skip_blanks();
        if self.peek() != Some('=') {
            return Err(fail("expected = after the name"));
        }
        self.advance(1);
        // Blanks before a quote are skipped; before an unquoted value they make a `#`
        // right after them a comment.
        let blanks = self.rest.len() - self.rest.trim_start_matches([' ', '\t']).len();
        let value = match self.rest[blanks..].chars().next() {
            Some('\'') => {
                self.advance(blanks);
                self.single_quoted()
                    .ok_or(fail("a single-quoted value is not closed"))?
            }
            Some('"') => {
                self.advance(blanks);
                self.double_quoted().map_err(fail)?
            }
            _ => return Ok(Some((name, self.unquoted()))),
        };
        // After a closing quote: blanks, then a comment or the end of the line.
        self.skip_blanks();
        match self.peek() {
            None | Some('\n') => {}
            Some('#') => self.skip_to_end_of_line(),
            Some(_) => return Err(fail("unexpected characters after the closing quote")),
        }
        Ok(Some((name, value)))
    }

    fn peek(&self) -> Option<char> {
        self.rest.chars().next()
    }

    /// Moves `n` bytes on, counting the line breaks passed.
    fn advance(&mut self, n: usize) {
        self.line += self.rest[..n].matches('\n').count();
        self.rest = &self.rest[n..];
    }

    /// Spaces, tabs and carriage returns (a `\r\n` line end leaves its `\n`).
    fn skip_blanks(&mut self) {
        let n = self.rest.len() - self.rest.trim_start_matches([' ', '\t', '\r']).len();
        self.advance(n);
    }

    fn skip_to_end_of_line(&mut self) {
        let n = self.rest.find('\n').unwrap_or(self.rest.len());
        self.advance(n);
    }

    /// The rest of the line, up to a `#` that follows a blank, trimmed.
    fn unquoted(&mut self) -> String {
        let end = self.rest.find('\n').unwrap_or(self.rest.len());
        let line = &self.rest[..end];
        let mut cut = line.len();
        let mut previous_blank = false;
        for (i, c) in line.char_indices() {
            if c == '#' && previous_blank {
                cut = i;
                break;
            }
            previous_blank = c == ' ' || c == '\t';
        }
        let value = line[..cut].trim_matches([' ', '\t', '\r']).to_owned();
        self.advance(end);
        value
    }

    /// `'...'`, literal; `None` when the quote is not closed.
    fn single_quoted(&mut self) -> Option<String> {
        let inner = &self.rest[1..];
        let close = inner.find('\'')?;
        let value = inner[..close].to_owned();
        self.advance(close + 2);
        Some(value)
    }

    /// `"..."` with the escapes `\n \r \t \" \\ \$`.
    fn double_quoted(&mut self) -> Result<String, &'static str> {
        let mut value = String::new();
        let mut chars = self.rest.char_indices().skip(1);
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.advance(i + 1);
                    return Ok(value);
                }
                '\\' => match chars.next().map(|(_, e)| e) {
                    Some('n') => value.push('\n'),
                    Some('r') => value.push('\r'),
                    Some('t') => value.push('\t'),
                    Some(e @ ('"' | '\\' | '$')) => value.push(e),
                    Some(_) => {
                        return Err(
                            "unknown escape in a double-quoted value (\\n \\r \\t \\\" \\\\ \\$ are known; single quotes take backslashes literally)",
                        );
                    }
                    None => break,
                },
                c => value.push(c),
            }
        }
        Err("a double-quoted value is not closed")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn vars(text: &str) -> Vec<(String, String)> {
        DotEnv::parse(text).expect("valid .env").vars
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn error(text: &str) -> SyntaxError {
        DotEnv::parse(text).expect_err("invalid .env")
    }

    #[test]
    fn comments_blank_lines_and_export() {
        assert_eq!(
            vars("# c\n\n   \nA=1\n  # indented comment\nexport B=2\nexport\tC=3\r\n"),
            pairs(&[("A", "1"), ("B", "2"), ("C", "3")])
        );
        assert_eq!(vars(""), pairs(&[]));
        assert_eq!(vars("export=1"), pairs(&[("export", "1")]));
        assert_eq!(vars("a.b_C9 = x"), pairs(&[("a.b_C9", "x")]));
    }

    #[test]
    fn unquoted_values_are_trimmed_and_lose_their_comment() {
        assert_eq!(
            vars("A=  one two  \nB=x # note\nC=x#y\nD=\nE= # only a comment\nF=#x\nG=a\t#t\n"),
            pairs(&[
                ("A", "one two"),
                ("B", "x"),
                ("C", "x#y"),
                ("D", ""),
                ("E", ""),
                ("F", "#x"),
                ("G", "a"),
            ])
        );
    }

    #[test]
    fn nothing_is_expanded() {
        assert_eq!(
            vars("K=secret\nA=${K}\nB=$K\nC=\"$K ${K}\"\nD='$K'\nE=\"\\$K\"\n"),
            pairs(&[
                ("K", "secret"),
                ("A", "${K}"),
                ("B", "$K"),
                ("C", "$K ${K}"),
                ("D", "$K"),
                ("E", "$K"),
            ])
        );
    }

    #[test]
    fn single_quotes_are_literal() {
        assert_eq!(
            vars("A='a \\n \" # b'  # comment\nB=''\nC='two\nlines'\nD=x\nE = '' \nF =\t'y'\n"),
            pairs(&[
                ("A", "a \\n \" # b"),
                ("B", ""),
                ("C", "two\nlines"),
                ("D", "x"),
                ("E", ""),
                ("F", "y"),
            ])
        );
    }

    #[test]
    fn double_quotes_take_escapes_and_may_span_lines() {
        assert_eq!(
            vars("A=\"a\\nb \\\"q\\\" \\\\ \\t# x\"\nB=\"one\ntwo\"\nC=\"\"\n"),
            pairs(&[("A", "a\nb \"q\" \\ \t# x"), ("B", "one\ntwo"), ("C", ""),])
        );
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        assert_eq!(vars("\u{feff}A=1\n"), pairs(&[("A", "1")]));
    }

    #[test]
    fn the_last_of_two_values_counts() {
        let env = DotEnv::parse("A=1\nA=2\n").unwrap();
        assert_eq!(env.get("A"), Some("2"));
        assert_eq!(env.get("B"), None);
    }

    #[test]
    fn errors_name_the_line_where_the_statement_starts() {
        assert_eq!(error("A=1\n\nnot a statement\n").line, 3);
        assert_eq!(
            error("A=1\nB\n"),
            SyntaxError {
                line: 2,
                problem: "expected = after the name"
            }
        );
        assert_eq!(error("A=1\nB='open\nC=2\nD=3\n").line, 2);
        assert_eq!(
            error("A=\"x\ny\nB=2\n").problem,
            "a double-quoted value is not closed"
        );
        assert_eq!(error("A=\"x\ny\nB=2\n").line, 1);
        assert_eq!(
            error("A=\"one\ntwo\"\nB='x' y\n").line,
            3,
            "lines inside quotes count"
        );
        assert_eq!(error("A=\"\\q\"").line, 1);
        assert_eq!(error("=1").line, 1);
        assert_eq!(error("\u{feff}\n\n1A=1").line, 3);
    }

    #[test]
    fn errors_never_show_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(&path, "A=1\nSECRET='s3cr3t-value\n").unwrap();
        let err = DotEnv::load(&path).unwrap_err().to_string();
        assert!(!err.contains("s3cr3t"), "{err}");
        assert!(err.ends_with(".env line 2: a single-quoted value is not closed (the line is not shown: it may hold a secret)"), "{err}");
        let shown = format!("{:?}", DotEnv::parse("SECRET=s3cr3t").unwrap());
        assert_eq!(shown, "[\"SECRET\"]");
    }

    #[test]
    fn a_missing_file_is_empty_and_a_huge_one_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            DotEnv::load(&dir.path().join("none")).unwrap(),
            DotEnv::default()
        );
        let path = dir.path().join(".env");
        std::fs::write(&path, "A=1\n".repeat(300_000)).unwrap();
        let err = DotEnv::load(&path).unwrap_err().to_string();
        assert!(
            err.ends_with(": it is larger than 1 MiB, the most watt reads for a .env file"),
            "{err}"
        );
    }

    proptest! {
        #[test]
        fn never_panics(text in "(?s).{0,200}") {
            let _ = DotEnv::parse(&text);
        }

        #[test]
        fn never_panics_on_dotenv_like_text(
            text in proptest::collection::vec(
                prop_oneof!["[A-Z_]{1,3}", "=", "'", "\"", "\\\\", "#", " ", "\n", "\r\n", "export ", "\u{feff}", "\\$", "é"],
                0..40,
            )
        ) {
            let _ = DotEnv::parse(&text.concat());
        }

        #[test]
        fn quoted_values_read_back(value in "(?s)[^\u{feff}]{0,40}") {
            let escaped = value
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('$', "\\$");
            let env = DotEnv::parse(&format!("A=\"{escaped}\"\n")).unwrap();
            prop_assert_eq!(env.get("A"), Some(value.as_str()));
            if !value.contains('\'') {
                let env = DotEnv::parse(&format!("export B = '{value}' # c\n")).unwrap();
                prop_assert_eq!(env.get("B"), Some(value.as_str()));
            }
        }
    }
}
