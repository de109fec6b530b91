//! Tests of the checker as a whole: one per error code, chunking independence.
