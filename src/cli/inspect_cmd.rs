//! `agol-backup-cli inspect FILE...`: what a `.contentexport` package, one of our `.zip`
//! archives or an original utility's `.zip` holds, as the restore's reader lists it
//! (`engine::restore::source::list_inputs`: items with id, type and title, files with sizes,
//! dependency edges) and whether its checksums verify. Read-only: nothing is extracted or written. Exit codes: 0 every
//! file readable and verified (a package without our sidecar has nothing to verify), 1 some
//! checksum or count disagrees, 2 some file is unreadable.

use std::path::{Path, PathBuf};

use clap::Args;

use super::{EXIT_FAILED, EXIT_OK, EXIT_PARTIAL};
use crate::engine::restore::source::{InputListing, SourceFormat, list_inputs};

/// Options of inspect.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// `.contentexport` packages, `.zip` backup archives (ours or the original utility's), or
    /// folders of them.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// Inspects every file and returns the exit code (the worst of the files').
pub fn run(args: &InspectArgs) -> i32 {
    args.files
        .iter()
        .map(|f| inspect(f))
        .max()
        .unwrap_or(EXIT_OK)
}

/// Prints one path (a file or a folder of backups); returns its exit code.
fn inspect(path: &Path) -> i32 {
    match list_inputs(&[path.to_path_buf()]) {
        Ok(listings) => listings.iter().map(print).max().unwrap_or(EXIT_OK),
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_FAILED
        }
    }
}

/// Prints what one file holds; returns its exit code.
fn print(listing: &InputListing) -> i32 {
    if !listing.readable {
        for p in &listing.problems {
            eprintln!("error: {p}");
        }
        return EXIT_FAILED;
    }
    println!("{}: {}", listing.path.display(), listing.description);
    for item in &listing.items {
        println!("  item {} [{}] {}", item.id, item.item_type, item.title);
        for (file, size) in &item.files {
            println!("    {file} ({size} bytes)");
        }
    }
    for item in &listing.items {
        for d in &item.dependencies {
            println!("  dependency {} -> {d}", item.id);
        }
    }
    for n in &listing.not_included {
        println!("  not included: {n}");
    }
    for w in &listing.warnings {
        println!("  warning: {w}");
    }
    if !listing.problems.is_empty() {
        for p in &listing.problems {
            println!("  problem: {p}");
        }
        println!(
            "  checksums: NOT verified ({} problem(s))",
            listing.problems.len()
        );
        return EXIT_PARTIAL;
    }
    match (listing.checked, listing.format) {
        (Some((n, bytes)), Some(SourceFormat::Archive)) => {
            println!("  checksums: verified ({n} entries, {bytes} bytes)");
        }
        (Some((n, bytes)), _) => println!("  checksums: verified ({n} members, {bytes} bytes)"),
        (None, Some(SourceFormat::OriginalZip)) => {
            println!(
                "  checksums: none to verify (the original utility writes none); structure readable"
            );
        }
        (None, _) => {
            println!("  checksums: none to verify (no agol-backup sidecar); structure readable");
        }
    }
    EXIT_OK
}
