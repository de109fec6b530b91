//! The bundled energy schema loads and says what the docs say it says.

use watt_core::Schema;

#[test]
fn energy_schema_loads() {
    let text = include_str!("../../data/schemas/energy_consumption.schema.json");
    let schema = Schema::from_json(text).expect("bundled schema is valid");
    assert_eq!(schema.fields.len(), 12);
    assert_eq!(schema.primary_key, vec![0, 8]);
    assert!(
        schema.fields.iter().all(|f| f.gdpr.is_some()),
        "every column is decided"
    );
}
