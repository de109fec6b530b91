//! Scanning (placeholder while the validation core lands).

use serde::{Deserialize, Serialize};

/// Scan report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanReport {}
