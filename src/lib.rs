#![recursion_limit = "512"]
//! agol-backup: scan, back up and restore ArcGIS Online and ArcGIS Enterprise portal content.
//!
//! ```text
//!   agol-backup (GUI, egui)      agol-backup-cli (clap)
//!            \                      /
//!             +------> engine <----+        use cases: scan, backup, restore, verify
//!                    /        \
//!               portal/      formats/       REST client | inventory CSV, ZIP, .contentexport
//!                  |
//!      ArcGIS Online / Enterprise  or  sandbox/ (local ArcGIS-compatible portal, own wire code)
//! ```
//!
//! Dependencies point one way: `ui -> engine -> {portal, formats}`, `cli -> engine`; `sandbox`
//! shares no types with `portal`, so a misunderstanding in one is caught by the other.

pub mod cli;
pub mod engine;
pub mod formats;
pub mod portal;
pub mod sandbox;
pub mod secrets;
pub mod settings;
pub mod ui;
