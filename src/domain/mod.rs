//! Domain types and rules: parse, don't validate. Nothing here does I/O.

pub mod audit;
pub mod branding;
pub mod choice;
pub mod compliance;
pub mod contractor_port;
pub mod contractors;
pub mod countries;
pub mod deposits;
pub mod documents;
pub mod landlords;
pub mod money;
pub mod offers;
pub mod portal;
pub mod properties;
pub mod quotes;
pub mod tasks;
pub mod tenancies;
pub mod users;
pub mod validation;
pub mod work_orders;
