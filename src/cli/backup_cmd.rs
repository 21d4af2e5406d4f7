//! `agol-backup-cli backup` and `verify`: the original utility's backup flags with their
//! meanings (`--csv`, `--dest`, `--mode`, `--workers`, `--no-thumbnails`, `--no-fgdb`,
//! `--keep-exports`, `--keep-uncompressed`) plus ours, turned into a [`BackupRequest`]. Exit
//! codes: 0 every item OK (or skipped as unchanged), 1 some PARTIAL or FAILED or cancelled,
//! 2 the run could not start.

use std::path::PathBuf;

use clap::Args;

use super::connect::ConnectArgs;
use super::{EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, events};
use crate::engine::backup::{self, BackupMode, BackupOptions, BackupRequest, RunItemStatus};
use crate::engine::{Outcome, verify};

/// Options of a backup.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Portal and sign-in.
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// CSV with the item ids: a scan inventory, or any CSV with an id column (id, itemid,
    /// item_id, "Item ID" ...) or ids in its first column.
    #[arg(long)]
    pub csv: PathBuf,
    /// Destination folder for the archives, the run report and the catalogue.
    #[arg(long)]
    pub dest: PathBuf,
    /// Backup format: standard (one ZIP per item), ocm_per_item (one .contentexport package per
    /// item with what it needs) or ocm_batch (one .contentexport package for all items).
    #[arg(long, default_value = "standard")]
    pub mode: String,
    /// Items backed up at the same time.
    #[arg(long, default_value_t = 4)]
    pub workers: usize,
    /// Do not download thumbnails.
    #[arg(long)]
    pub no_thumbnails: bool,
    /// Do not export hosted layers (to File Geodatabase); capture them by replica or query.
    #[arg(long)]
    pub no_fgdb: bool,
    /// Export format for hosted layers.
    #[arg(long, default_value = "File Geodatabase")]
    pub export_format: String,
    /// Keep the temporary export items in the portal.
    #[arg(long)]
    pub keep_exports: bool,
    /// Also keep each archive unpacked in a folder beside it.
    #[arg(long)]
    pub keep_uncompressed: bool,
    /// Also back up what the items need (web map -> layers, app -> map ...).
    #[arg(long)]
    pub with_dependencies: bool,
    /// Skip items unchanged since their last complete backup in --dest.
    #[arg(long)]
    pub incremental: bool,
    /// Where to write the JSON run report (a CSV twin goes beside it)
    /// [default: backup-report-<time>.json in --dest].
    #[arg(long)]
    pub report: Option<PathBuf>,
}

/// Options of verify.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Archives, or folders whose .zip archives are all checked.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

/// The validated request.
///
/// # Errors
/// A message for the user when an option is invalid, the CSV unreadable, or sign-in impossible.
pub async fn request(args: &BackupArgs) -> Result<BackupRequest, String> {
    let mode = BackupMode::from_name(&args.mode).ok_or_else(|| {
        format!(
            "unknown --mode '{}': use standard, ocm_per_item or ocm_batch",
            args.mode
        )
    })?;
    if !(1..=32).contains(&args.workers) {
        return Err("--workers must be between 1 and 32".into());
    }
    let selection = backup::read_selection(&args.csv)?;
    for w in &selection.warnings {
        eprintln!("warning: {w}");
    }
    let items: Vec<String> = selection.items.iter().map(|e| e.id.clone()).collect();
    Ok(BackupRequest {
        connection: args.connect.connection().await?,
        items,
        destination: args.dest.clone(),
        options: BackupOptions {
            mode,
            workers: args.workers,
            thumbnails: !args.no_thumbnails,
            export_data: !args.no_fgdb,
            export_format: args.export_format.clone(),
            keep_exports: args.keep_exports,
            keep_uncompressed: args.keep_uncompressed,
            with_dependencies: args.with_dependencies,
            incremental: args.incremental,
            report: args.report.clone(),
        },
    })
}

/// Runs the backup and returns the exit code.
pub async fn run(args: BackupArgs) -> i32 {
    let req = match request(&args).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_FAILED;
        }
    };
    match events::run_job(|reporter, cancel| backup::run(req, reporter, cancel)).await {
        Ok(Outcome::Backup(s)) => {
            println!(
                "backup: {} OK, {} partial, {} failed, {} skipped{} -> report {}",
                s.count(RunItemStatus::Ok),
                s.count(RunItemStatus::Partial),
                s.count(RunItemStatus::Failed),
                s.count(RunItemStatus::Skipped),
                if s.cancelled { " (cancelled)" } else { "" },
                s.report.display()
            );
            if s.all_ok() { EXIT_OK } else { EXIT_PARTIAL }
        }
        Ok(_) => EXIT_FAILED,
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_FAILED
        }
    }
}

/// Verifies archives and returns the exit code (1 when any is damaged or unreadable).
pub async fn verify(args: VerifyArgs) -> i32 {
    match events::run_job(|reporter, cancel| verify::run(args.paths, reporter, cancel)).await {
        Ok(Outcome::Verify(checks)) => {
            let bad = checks.iter().filter(|c| !c.is_ok()).count();
            println!(
                "verify: {} intact, {bad} damaged or unreadable",
                checks.len() - bad
            );
            if bad == 0 { EXIT_OK } else { EXIT_PARTIAL }
        }
        Ok(_) => EXIT_FAILED,
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_FAILED
        }
    }
}
