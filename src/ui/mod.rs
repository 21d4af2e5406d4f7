//! The desktop window (egui). It never imports HTTP, CSV or ZIP code: it shows what the layers
//! below hand it. For now it holds the sandbox monitor that `agol-backup --sandbox` opens; the
//! Scan, Backup and Restore tabs arrive with their issues.

pub mod monitor;
