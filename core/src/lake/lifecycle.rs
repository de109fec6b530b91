//! The S3 lifecycle configuration that expires whole objects as a schema's retention says,
//! for users who prefer the store to do it (`watt lake expire --lifecycle`), ready for
//! `aws s3api put-bucket-lifecycle-configuration --lifecycle-configuration file://...`.
//!
//! Two rules on the lake's prefix:
//!
//! - `watt-retention-<period>`: objects (and their manifests) expire
//!   [`Retention::max_days`] days after they were written, so never before the calendar
//!   period has run, whatever the day; earlier versions that a versioned bucket keeps go a
//!   day after they stop being current (otherwise an expired object stays readable as a
//!   version); unfinished multipart uploads are aborted after a day.
//! - `watt-delete-markers`: the delete markers left when the last version went are removed.
//!
//! What a store's rule cannot do, `watt lake expire` does: a store counts from the object's
//! creation, so an object rewritten by an erasure starts again from zero, where watt counts
//! from the ingestion its manifest records; and a rule expires whole objects, never a
//! column whose own retention is shorter. [`limits`] says which of these apply.
//!
//! ```
//! use watt_core::lake::lifecycle::configuration;
//! use watt_core::retention::Retention;
//!
//! let json = configuration("watt-about-it/raw", &Retention::parse("P3Y")?);
//! assert_eq!(json["Rules"][0]["Filter"]["Prefix"], "watt-about-it/raw/");
//! assert_eq!(json["Rules"][0]["Expiration"]["Days"], 1096);
//! assert_eq!(json["Rules"][0]["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"], 1);
//! # Ok::<(), watt_core::retention::RetentionError>(())
//! ```

use serde_json::{Value, json};

use crate::retention::Retention;

/// The lifecycle configuration of a lake under `prefix` (no leading or trailing slash; the
/// empty prefix is the whole bucket).
pub fn configuration(prefix: &str, retention: &Retention) -> Value {
    let filter = if prefix.is_empty() {
        json!({"Prefix": ""})
    } else {
        json!({"Prefix": format!("{prefix}/")})
    };
    json!({
        "Rules": [
            {
                "ID": format!("watt-retention-{retention}"),
                "Status": "Enabled",
                "Filter": filter,
                "Expiration": {"Days": retention.max_days().max(1)},
                "NoncurrentVersionExpiration": {"NoncurrentDays": 1},
                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}
            },
            {
                "ID": "watt-delete-markers",
                "Status": "Enabled",
                "Filter": filter,
                "Expiration": {"ExpiredObjectDeleteMarker": true}
            }
        ]
    })
}

/// What the rule of a schema cannot do, in words for standard error: the columns whose
/// retention is shorter than the dataset's (`name`, period), and the count from creation.
pub fn limits(dataset: &Retention, columns: &[(String, Retention)]) -> Vec<String> {
    let mut out = vec![format!(
        "the store counts {} days from each object's creation: an object rewritten by `watt lake erase` or a column's expiry starts again from zero, while `watt lake expire` counts from the ingestion its manifest records; run `watt lake expire --apply` on a schedule as well",
        dataset.max_days().max(1)
    )];
    for (name, r) in columns {
        out.push(format!(
            "column {name} has a shorter retention ({r}) than the dataset ({dataset}): a lifecycle rule cannot remove a column; `watt lake expire --apply` rewrites the objects without it"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_of_the_energy_schema() {
        let json = configuration("watt-about-it/raw", &Retention::parse("P3Y").unwrap());
        assert_eq!(
            json,
            serde_json::json!({"Rules": [
                {"ID": "watt-retention-P3Y", "Status": "Enabled",
                 "Filter": {"Prefix": "watt-about-it/raw/"},
                 "Expiration": {"Days": 1096},
                 "NoncurrentVersionExpiration": {"NoncurrentDays": 1},
                 "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}},
                {"ID": "watt-delete-markers", "Status": "Enabled",
                 "Filter": {"Prefix": "watt-about-it/raw/"},
                 "Expiration": {"ExpiredObjectDeleteMarker": true}}
            ]})
        );
    }

    #[test]
    fn a_bucket_wide_lake_and_a_zero_period() {
        let json = configuration("", &Retention::parse("P0D").unwrap());
        assert_eq!(json["Rules"][0]["Filter"]["Prefix"], "");
        assert_eq!(
            json["Rules"][0]["Expiration"]["Days"], 1,
            "S3 needs at least a day"
        );
    }

    #[test]
    fn limits_name_the_columns_a_rule_cannot_remove() {
        let p = |t| Retention::parse(t).unwrap();
        let said = limits(&p("P3Y"), &[("comment".into(), p("P1Y"))]);
        assert_eq!(said.len(), 2);
        assert!(
            said[0].contains("1096 days from each object's creation"),
            "{said:?}"
        );
        assert!(
            said[1].starts_with("column comment has a shorter retention (P1Y)"),
            "{said:?}"
        );
    }
}
