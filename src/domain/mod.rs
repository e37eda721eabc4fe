//! Domain types and rules: parse, don't validate. Nothing here does I/O.

pub mod audit;
pub mod landlords;
pub mod users;
pub mod validation;
