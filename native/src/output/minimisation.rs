//! The minimisation and scan sections of a report, as text for people: what happened to
//! each column, the k-anonymity reached, the warnings; or where personal data was found.
//! Counts only: a report never holds a value.

use std::collections::BTreeMap;
use std::io::{self, Write};

use watt_core::Report;
use watt_core::pii::PiiKind;

use super::Palette;
use super::text::plural;

/// What minimisation did, column by column.
pub fn write(report: &Report, palette: &Palette, out: &mut dyn Write) -> io::Result<()> {
    let Some(m) = &report.minimisation else {
        return Ok(());
    };
    let (h, c) = (palette.heading, palette.count);
    writeln!(out)?;
    let key = m
        .key_id
        .as_deref()
        .map_or(String::new(), |k| format!(", key {k}"));
    writeln!(
        out,
        "{h}Minimisation{h:#}: {} out, {} of {} columns kept{key}",
        plural(m.rows_out, "row", "rows"),
        m.columns_out.len(),
        m.fields.len()
    )?;
    let width = m
        .fields
        .iter()
        .map(|f| f.name.chars().count())
        .max()
        .unwrap_or(0);
    for f in &m.fields {
        let category = f.category.map_or("undeclared", |c| c.as_str());
        let mut effect = if f.action == "drop" {
            "removed".to_owned()
        } else {
            format!("{} changed", f.cells_changed)
        };
        if f.cells_suppressed > 0 {
            effect.push_str(&format!(
                ", {} emptied (not valid for the field)",
                f.cells_suppressed
            ));
        }
        if !f.pii_found.is_empty() {
            effect.push_str(&format!(", found {}", kinds(&f.pii_found)));
        }
        if f.row_identifiers_redacted > 0 {
            effect.push_str(&format!(
                ", {} own identifier(s) redacted",
                f.row_identifiers_redacted
            ));
        }
        writeln!(
            out,
            "  {:<width$}  {:<17}  {}: {c}{effect}{c:#}",
            f.name, category, f.action
        )?;
    }
    if let Some(k) = &m.k_anonymity {
        let counted = k
            .subject_field
            .as_deref()
            .map_or("rows".to_owned(), |s| format!("distinct {s}"));
        let style = if k.passes {
            palette.valid
        } else {
            palette.invalid
        };
        writeln!(
            out,
            "  k-anonymity over ({}), counted in {counted}: {style}k = {}{style:#} (threshold {}), {} groups, {} below the threshold",
            k.quasi_identifiers.join(", "),
            k.k,
            k.threshold,
            k.groups,
            k.groups_below_threshold
        )?;
    }
    let w = palette.invalid;
    for warning in &m.warnings {
        writeln!(out, "{w}warning:{w:#} {warning}")?;
    }
    Ok(())
}

/// Where personal data was found that the schema does not declare.
pub fn write_scan(report: &Report, palette: &Palette, out: &mut dyn Write) -> io::Result<()> {
    let Some(scan) = &report.scan else {
        return Ok(());
    };
    let h = palette.heading;
    writeln!(out)?;
    if !scan.personal_data_found {
        writeln!(
            out,
            "{h}Scan{h:#}: no personal data found in the {} undeclared or non-personal column(s)",
            scan.fields.len()
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "{h}Scan{h:#}: personal data found where the schema does not declare it"
    )?;
    for f in scan.fields.iter().filter(|f| f.cells_with_pii > 0) {
        let declared = f.declared.map_or("not declared", |c| c.as_str());
        let w = palette.invalid;
        writeln!(
            out,
            "  {w}{}{w:#} ({declared}): {} of {} cells hold {}",
            f.name,
            f.cells_with_pii,
            f.cells_scanned,
            kinds(&f.pii)
        )?;
    }
    Ok(())
}

fn kinds(counts: &BTreeMap<PiiKind, u64>) -> String {
    counts
        .iter()
        .map(|(k, n)| format!("{n} {}", k.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}
