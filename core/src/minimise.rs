//! Streaming minimisation (placeholder while the validation core lands).

use serde::{Deserialize, Serialize};

/// Summary of what minimisation did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MinimisationReport {}

/// Minimiser.
#[derive(Debug)]
pub struct Minimiser {}

/// Why minimisation cannot run.
#[derive(Debug, thiserror::Error)]
pub enum MinimiseError {}

/// A pseudonymisation key.
#[derive(Debug)]
pub struct PseudonymKey {}
