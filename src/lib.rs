//! Ferry: inventory Heroku, Cloudflare and AWS side by side and track a migration.
//!
//! Data flows one way: sources → store → analysis → views. `model`, `inventory` and
//! `config` know nothing of terminals or networks.

pub mod cicd;
pub mod cli;
pub mod commands;
pub mod config;
pub mod coverage;
pub mod diff;
pub mod fetch;
pub mod gap;
pub mod iac;
pub mod inventory;
pub mod ledger;
pub mod links;
pub mod logging;
pub mod model;
pub mod paths;
pub mod report;
pub mod rules;
pub mod sources;
pub mod store;
pub mod text;
pub mod tui;
