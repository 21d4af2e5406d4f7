//! The command line: clap arguments turned into validated requests, human output, exit codes
//! (0 all good, 1 partly failed, 2 could not run).

mod backup_cmd;
pub mod connect;
mod events;
mod inspect_cmd;
pub mod profile;
mod restore_cmd;
mod restore_print;
mod sandbox_cmd;
mod scan_cmd;

use clap::{Parser, Subcommand};

/// Exit code: everything worked.
pub const EXIT_OK: i32 = 0;
/// Exit code: the run finished but some items failed.
pub const EXIT_PARTIAL: i32 = 1;
/// Exit code: the run could not start or was aborted.
pub const EXIT_FAILED: i32 = 2;

/// agol-backup-cli: scan, back up and restore ArcGIS portal content.
#[derive(Debug, Parser)]
#[command(name = "agol-backup-cli", version = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("AGOL_BACKUP_COMMIT"), ")"), about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the sandbox portal (a local ArcGIS-compatible server with a demo organisation).
    Sandbox(sandbox_cmd::SandboxArgs),
    /// Scan a portal into the inventory CSV (new, changed and removed items since the last scan).
    Scan(scan_cmd::ScanArgs),
    /// Back up the items of a CSV (an inventory, or any CSV with an id column) into archives.
    Backup(backup_cmd::BackupArgs),
    /// Re-read backup archives (files or folders) and check every checksum and count.
    Verify(backup_cmd::VerifyArgs),
    /// List what a .contentexport package or a backup .zip holds and check its checksums.
    Inspect(inspect_cmd::InspectArgs),
    /// Restore backups (.zip, .contentexport, or folders of them) into a portal: planned,
    /// dependencies first, each item verified; --dry-run prints the plan only.
    Restore(restore_cmd::RestoreArgs),
}

/// Runs the CLI and returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return EXIT_FAILED;
        }
    };
    runtime.block_on(async move {
        match cli.command {
            Command::Sandbox(args) => sandbox_cmd::run(args).await,
            Command::Scan(args) => scan_cmd::run(args).await,
            Command::Backup(args) => backup_cmd::run(args).await,
            Command::Verify(args) => backup_cmd::verify(args).await,
            Command::Inspect(args) => inspect_cmd::run(&args),
            Command::Restore(args) => restore_cmd::run(args).await,
        }
    })
}
