//! The desktop window (egui). It never imports HTTP, CSV or ZIP code beyond reading the
//! inventory it shows: jobs run in the engine, and the window shows their events. [`app::App`]
//! is the window (connection bar, Scan / Backup / Restore tabs, log panel).

pub mod app;
pub mod backup_form;
pub mod backup_tab;
pub mod connection;
pub mod deps_view;
pub mod log_panel;
pub mod monitor;
pub mod progress;
pub mod restore_form;
pub mod restore_tab;
pub mod restore_tables;
pub mod scan_tab;
pub mod settings;
pub mod table;

pub use app::{App, Tab};
