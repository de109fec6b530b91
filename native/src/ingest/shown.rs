//! File names and other outside text as `watt ingest` shows them on standard error.
//!
//! A file name is anything the file system allows: terminal escape sequences (which recolour
//! or retitle the terminal, or hide lines of a CI log), new lines (which forge lines of the
//! summary), and personal items (`export jean.dupont@example.com.csv`) that would end up in
//! CI logs. So a path is shown with its control and bidirectional characters escaped as in
//! Rust (`\u{1b}`, `\n`), and the personal items the core's detectors recognise replaced by
//! their kind (`<email>`), as object keys are (see [`super::key::source_name`]); the rest
//! stays as typed, so people still recognise their file. Folders the operator chose (the
//! log folder, the local lake) are only escaped: they are shown to be found.

use std::path::Path;

use watt_core::pii::{self, KindSet};

/// A path as shown: escaped, personal items replaced by their kind.
pub fn path(path: &Path) -> String {
    let text = path.to_string_lossy();
    let mut found = Vec::new();
    pii::detect(&text, KindSet::ALL, &mut found);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for m in &found {
        out.push_str(&escaped(&text[at..m.start]));
        out.push('<');
        out.push_str(m.kind.as_str());
        out.push('>');
        at = m.end;
    }
    out.push_str(&escaped(&text[at..]));
    out
}

/// Text from outside (a store's message, a folder given by the user) with its control and
/// bidirectional characters escaped, so it cannot act on the terminal.
pub fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || is_bidi_or_invisible(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Characters that reorder or hide text on display ("Trojan Source"), and the BOM.
fn is_bidi_or_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(
            escaped("a\u{1b}[31mb\nc\rd\u{7}e\u{202e}f\tg"),
            r"a\u{1b}[31mb\nc\rd\u{7}e\u{202e}f\tg"
        );
        assert_eq!(escaped("Relevés/été 2024.csv"), "Relevés/été 2024.csv");
    }

    #[test]
    fn personal_items_in_paths_are_replaced_by_their_kind() {
        assert_eq!(
            path(Path::new(
                "in/export jean.dupont@example.com 06 12 34 56 78.csv"
            )),
            "in/export <email> <phone>.csv"
        );
        assert_eq!(
            path(Path::new(
                "x\u{1b}[31mred\nline jean.dupont@example.com.csv"
            )),
            r"x\u{1b}[31mred\nline <email>"
        );
        assert_eq!(path(Path::new("data/raw/a-2.csv")), "data/raw/a-2.csv");
    }
}
