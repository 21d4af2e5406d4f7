//! The Verify use case: re-read backup archives (files, or every `.zip` in a folder) and check
//! every artefact's size and SHA-256 and every recorded count against the manifest. Archives
//! are read on blocking threads, one at a time, streamed (memory does not grow with size).

use std::path::{Path, PathBuf};

use tokio_util::sync::CancellationToken;

use super::{Outcome, Progress, Reporter};
use crate::formats::archive::{VerifyReport, verify_archive};

/// What verifying one archive found.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchiveCheck {
    /// The archive.
    pub path: PathBuf,
    /// The report, or why the file could not be read as an archive at all.
    pub result: Result<VerifyReport, String>,
}

impl ArchiveCheck {
    /// Whether the archive is intact.
    pub fn is_ok(&self) -> bool {
        self.result.as_ref().is_ok_and(VerifyReport::is_ok)
    }
}

/// The archives named by `paths`: files as given, folders by their `.zip` files (sorted).
pub fn archives_in(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| format!("cannot list {}: {e}", p.display()))?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|f| is_archive(f))
                .collect();
            found.sort();
            out.extend(found);
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            return Err(format!("{} does not exist", p.display()));
        }
    }
    Ok(out)
}

fn is_archive(path: &Path) -> bool {
    path.is_file()
        && path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
        && !path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'))
}

/// Verifies every archive of `paths`; the runner sends `Finished` with the result.
pub async fn run(
    paths: Vec<PathBuf>,
    reporter: Reporter,
    cancel: CancellationToken,
) -> Result<Outcome, String> {
    let archives = archives_in(&paths)?;
    reporter.started(format!("verify of {} archive(s)", archives.len()));
    let total = archives.len() as u64;
    let mut checks = Vec::new();
    for (i, path) in archives.into_iter().enumerate() {
        if cancel.is_cancelled() {
            return Err("cancelled".into());
        }
        let p = path.clone();
        let result = tokio::task::spawn_blocking(move || verify_archive(&p))
            .await
            .map_err(|e| format!("verification stopped: {e}"))?
            .map_err(|e| e.to_string());
        let check = ArchiveCheck { path, result };
        report_one(&reporter, &check);
        checks.push(check);
        reporter.progress(Progress {
            done: i as u64 + 1,
            total: Some(total),
            message: format!("{} of {total} archives verified", i + 1),
        });
    }
    Ok(Outcome::Verify(checks))
}

fn report_one(reporter: &Reporter, check: &ArchiveCheck) {
    let name = check
        .path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    match &check.result {
        Ok(r) if r.is_ok() => {
            reporter.row(&r.item_id, &r.title, "", "VERIFIED");
            reporter.info(format!(
                "verified {name}: {} artefacts, {} bytes",
                r.artefacts_checked, r.bytes_checked
            ));
        }
        Ok(r) => {
            reporter.row(&r.item_id, &r.title, "", "DAMAGED");
            reporter.log(
                super::Level::Error,
                format!("{name} is damaged: {}", r.problems.join("; ")),
            );
        }
        Err(e) => {
            reporter.row(&name, &name, "", "UNREADABLE");
            reporter.log(super::Level::Error, format!("{name}: {e}"));
        }
    }
}
