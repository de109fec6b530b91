//! Generators and measurement helpers.
