//! Domain types and rules: parse, don't validate. Nothing here does I/O.

pub mod audit;
pub mod choice;
pub mod landlords;
pub mod properties;
pub mod users;
pub mod validation;
