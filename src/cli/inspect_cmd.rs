//! `agol-backup-cli inspect FILE...`: what a `.contentexport` package or one of our `.zip`
//! archives holds (items with id, type and title, files with sizes, dependency edges) and
//! whether its checksums verify. Read-only: nothing is extracted or written. Exit codes: 0 every
//! file readable and verified (a package without our sidecar has nothing to verify), 1 some
//! checksum or count disagrees, 2 some file is unreadable.

use std::path::{Path, PathBuf};

use clap::Args;

use super::{EXIT_FAILED, EXIT_OK, EXIT_PARTIAL};
use crate::formats::FormatError;
use crate::formats::archive::{read_manifest, verify_archive};
use crate::formats::contentexport::{read_package, verify_package};

/// Options of inspect.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// `.contentexport` packages or `.zip` backup archives.
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

/// Prints one file; returns its exit code.
fn inspect(path: &Path) -> i32 {
    let is_zip = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
    let result = if is_zip {
        inspect_archive(path)
    } else {
        inspect_package(path)
    };
    match result {
        Ok(problems) if problems.is_empty() => EXIT_OK,
        Ok(problems) => {
            for p in &problems {
                println!("  problem: {p}");
            }
            println!("  checksums: NOT verified ({} problem(s))", problems.len());
            EXIT_PARTIAL
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_FAILED
        }
    }
}

/// A `.contentexport` package; returns the verification problems.
fn inspect_package(path: &Path) -> Result<Vec<String>, FormatError> {
    let summary = read_package(path)?;
    let report = verify_package(path)?;
    println!(
        "{}: .contentexport package, top folder {}, {} item(s){}",
        path.display(),
        summary.top_folder,
        summary.items.len(),
        summary
            .source
            .as_deref()
            .map(|s| format!(", from {s}"))
            .unwrap_or_default()
    );
    for item in &summary.items {
        println!("  item {} [{}] {}", item.id, item.item_type, item.title);
        for (file, size) in &item.files {
            println!("    {file} ({size} bytes)");
        }
    }
    for (source, target) in &summary.edges {
        println!("  dependency {source} -> {target}");
    }
    if let Some(sidecar) = &summary.sidecar {
        for n in &sidecar.not_included {
            println!("  not included: {} {} ({})", n.item_id, n.title, n.reason);
        }
    }
    for w in &report.warnings {
        println!("  warning: {w}");
    }
    if report.is_ok() {
        if report.checksums_verified() {
            println!(
                "  checksums: verified ({} members, {} bytes)",
                report.members_checked, report.bytes_checked
            );
        } else {
            println!("  checksums: none to verify (no agol-backup sidecar); structure readable");
        }
    }
    Ok(report.problems)
}

/// One of our `.zip` archives; returns the verification problems.
fn inspect_archive(path: &Path) -> Result<Vec<String>, FormatError> {
    let manifest = read_manifest(path)?;
    let report = verify_archive(path)?;
    println!(
        "{}: agol-backup archive from {}, status {:?}",
        path.display(),
        manifest.source_portal,
        manifest.status
    );
    println!(
        "  item {} [{}] {}",
        manifest.item_id, manifest.item_type, manifest.title
    );
    for a in &manifest.artefacts {
        println!("    {} ({} bytes)", a.path, a.size);
    }
    for d in &manifest.dependencies {
        println!("  dependency {} -> {d}", manifest.item_id);
    }
    if report.is_ok() {
        println!(
            "  checksums: verified ({} entries, {} bytes)",
            report.artefacts_checked, report.bytes_checked
        );
    }
    Ok(report.problems)
}
