//! The data inventory (GDPR Art. 30 register, field by field), generated from the schema.
//!
//! The register is not written by hand next to the code: `watt register` prints it from the
//! same schema the minimiser obeys, and `docs/data_inventory.csv` is that output, with a test
//! that fails when the two disagree. A field's own purpose, legal basis and retention win
//! over the dataset's.

use crate::gdpr::{Action, FieldPolicy};
use crate::minimise::writer::CsvWriter;
use crate::schema::Schema;

/// Columns of the inventory.
pub const COLUMNS: [&str; 8] = [
    "field",
    "title",
    "category",
    "action",
    "purpose",
    "legal_basis",
    "retention",
    "recipients",
];

/// The inventory as CSV (UTF-8, `,`, `\n`), one row per field in schema order.
///
/// ```
/// let schema = watt_core::Schema::from_json(r#"{"fields": [{"name": "prm",
///   "gdpr": {"category": "direct-identifier", "action": "drop"}}],
///   "gdpr": {"purpose": "forecasting", "legalBasis": "contract", "retention": "P3Y"}}"#)?;
/// assert_eq!(watt_core::register::data_inventory_csv(&schema),
///   "field,title,category,action,purpose,legal_basis,retention,recipients\n\
///    prm,,direct-identifier,drop,forecasting,contract,not kept (dropped),none (dropped)\n");
/// # Ok::<(), watt_core::SchemaError>(())
/// ```
pub fn data_inventory_csv(schema: &Schema) -> String {
    let mut w = CsvWriter::new();
    w.record(COLUMNS.iter().map(|c| c.as_bytes()));
    let dataset = schema.gdpr.as_ref();
    let recipients = dataset.map(|d| d.recipients.join("; ")).unwrap_or_default();
    for field in &schema.fields {
        let policy: Option<&FieldPolicy> = field.gdpr.as_ref();
        let category = policy.map_or("undecided", |p| p.category.as_str());
        let action = policy.map_or_else(|| "undecided".to_owned(), |p| p.action.to_string());
        let purpose = policy
            .and_then(|p| p.purpose.clone())
            .or_else(|| dataset.and_then(|d| d.purpose.clone()))
            .unwrap_or_default();
        let legal_basis = policy
            .and_then(|p| p.legal_basis)
            .or_else(|| dataset.and_then(|d| d.legal_basis))
            .map(|b| b.as_str())
            .unwrap_or_default();
        // A dropped column is not kept and reaches no recipient.
        let dropped = policy.is_some_and(|p| p.action == Action::Drop);
        let retention = policy
            .and_then(|p| p.retention.clone())
            .or_else(|| {
                (!dropped)
                    .then(|| dataset.and_then(|d| d.retention.clone()))
                    .flatten()
            })
            .unwrap_or_else(|| {
                if dropped {
                    "not kept (dropped)".to_owned()
                } else {
                    String::new()
                }
            });
        let recipients = if dropped {
            "none (dropped)"
        } else {
            recipients.as_str()
        };
        let row = [
            field.name.as_str(),
            field.title.as_deref().unwrap_or(""),
            category,
            &action,
            &purpose,
            legal_basis,
            &retention,
            recipients,
        ];
        w.record(row.iter().map(|c| c.as_bytes()));
    }
    String::from_utf8_lossy(w.bytes()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn energy_inventory() {
        let schema = Schema::from_json(include_str!(
            "../../data/schemas/energy_consumption.schema.json"
        ))
        .unwrap();
        let csv = data_inventory_csv(&schema);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 13);
        assert!(lines[1].starts_with("prm,Point Référence Mesure (PRM / PDL),direct-identifier,\"pseudonymise(HMAC-SHA256, domain meter, 16 bytes)\","));
        assert!(lines.contains(
            &"full_name,Customer name,direct-identifier,drop,Not needed for forecasting,legitimate-interests,not kept (dropped),none (dropped)"
        ));
    }

    #[test]
    fn undecided_fields_say_so() {
        let schema = Schema::from_json(r#"{"fields": [{"name": "x"}]}"#).unwrap();
        assert_eq!(
            data_inventory_csv(&schema).lines().nth(1),
            Some("x,,undecided,undecided,,,,")
        );
    }
}
