//! The pure part of `watt lake`, the commands that look after the lake once data has
//! landed: what is due under the retention rules ([`schedule`], time as an argument), the
//! rows of one person in a stored object and the object without them ([`rows`]), the
//! access-request export ([`export`]), and the S3 lifecycle rule equivalent to a
//! schema's retention ([`lifecycle`]).
//!
//! Listing, reading, rewriting and deleting objects, the journal and the audit trail are
//! the command line's (`native/src/lake/`): they touch the store and the clock.

pub mod export;
pub mod lifecycle;
pub mod rows;
pub mod schedule;
