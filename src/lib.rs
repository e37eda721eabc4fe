//! Portico: a self-hosted platform for UK lettings agencies. One binary serves the
//! agents' back-office and the account-less portals of landlords and tenants.
//!
//! `main` parses the command line and calls [`commands::run`]; tests build the same
//! app with [`web::app`] over a real database.

pub mod clock;
pub mod commands;
pub mod config;
pub mod contractor_reminders;
pub mod db;
pub mod demo;
pub mod deposit_notify;
pub mod domain;
pub mod error;
pub mod jobs;
pub mod mail;
pub mod passwords;
pub mod photos;
pub mod provision;
pub mod secret;
pub mod seed_bench;
pub mod store;
pub mod web;

pub use web::app;
