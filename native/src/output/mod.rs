//! Writing results: to standard output (the report as JSON or as text for people, and the
//! colour palette of the text) and to files ([`file`]).

pub mod file;
pub mod json;
pub mod minimisation;
pub mod text;

use std::io::{self, BufWriter, IsTerminal, Write};

use anstyle::{AnsiColor, Style};

use crate::error::CliError;

/// Writes to standard output through a buffer. A closed pipe (`watt check ... | head`) is
/// not an error: the reader has seen what it wanted.
pub fn to_stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), CliError> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(CliError::OutputUnwritable {
            path: "standard output".to_owned(),
            source: e,
        }),
        _ => Ok(()),
    }
}

/// The styles of the text report; all plain when colour is off.
#[derive(Debug, Clone, Copy, Default)]
pub struct Palette {
    pub valid: Style,
    pub invalid: Style,
    pub heading: Style,
    pub count: Style,
    pub location: Style,
    pub hint: Style,
    pub note: Style,
}

impl Palette {
    /// Colours when standard output is a terminal and `NO_COLOR` is not set
    /// (<https://no-color.org>).
    pub fn for_stdout() -> Palette {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        if io::stdout().is_terminal() && !no_color {
            Palette::coloured()
        } else {
            Palette::default()
        }
    }

    /// Colours when standard error is a terminal and `NO_COLOR` is not set.
    pub fn for_stderr() -> Palette {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        if io::stderr().is_terminal() && !no_color {
            Palette::coloured()
        } else {
            Palette::default()
        }
    }

    pub fn coloured() -> Palette {
        Palette {
            valid: AnsiColor::Green.on_default().bold(),
            invalid: AnsiColor::Red.on_default().bold(),
            heading: Style::new().bold(),
            count: AnsiColor::Yellow.on_default(),
            location: Style::new().dimmed(),
            hint: AnsiColor::Cyan.on_default().bold(),
            note: AnsiColor::Blue.on_default().bold(),
        }
    }
}
