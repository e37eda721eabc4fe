//! maud components shared by every page: the layout, form fields, tables,
//! badges, flash messages and error pages.

pub mod audit;
pub mod badges;
pub mod chart;
pub mod deposits;
pub mod export;
pub mod files;
pub mod form;
pub mod format;
pub mod icons;
pub mod layout;
pub mod list;
pub mod quote_form;
pub mod respond;
pub mod thread;

pub use layout::{BAD_REQUEST_MESSAGE, NOT_FOUND_MESSAGE, error_page, page};
