//! What a run may skip: items an interrupted run already finished (resume), and with
//! `--incremental` items unchanged since their last complete backup in the destination. A small
//! run file in the destination marks a run in progress; it is removed when a run ends without
//! being cancelled, so only a crash or a cancel makes the next run a resume (which first
//! deletes the half-written archives a killed run left under their hidden temporary names).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::formats::FormatError;
use crate::formats::archive::ItemStatus;
use crate::formats::atomic::write_atomic;
use crate::formats::catalogue::{Catalogue, find_archive_for};
use crate::formats::utc;

/// Marks a run in progress in the destination.
pub const RUN_FILE_NAME: &str = "agol-backup-run.json";

#[derive(Debug, Serialize, Deserialize)]
struct RunFile {
    /// When the run started (epoch ms).
    started_ms: i64,
}

/// Opens a run: returns the start of the interrupted run to resume, if there is one, and
/// marks a new run (keeping the interrupted run's start so a second crash still resumes).
pub(crate) fn begin(dest: &Path, now_ms: i64) -> Result<Option<i64>, FormatError> {
    let path = dest.join(RUN_FILE_NAME);
    let interrupted = std::fs::read(&path)
        .ok()
        .and_then(|b| serde_json::from_slice::<RunFile>(&b).ok())
        .map(|r| r.started_ms);
    let marker = RunFile {
        started_ms: interrupted.unwrap_or(now_ms),
    };
    let bytes = serde_json::to_vec(&marker).map_err(|e| FormatError::Write {
        path: path.clone(),
        source: std::io::Error::other(e),
    })?;
    write_atomic(&path, |w| w.write_all(&bytes))?;
    if interrupted.is_some() {
        remove_stale_partials(dest);
    }
    Ok(interrupted)
}

/// Deletes the hidden temporary files a killed run left: archives it never finished, and
/// half-written catalogue, journal or scratch files.
fn remove_stale_partials(dest: &Path) {
    let Ok(entries) = std::fs::read_dir(dest) else {
        return;
    };
    for e in entries.filter_map(Result::ok) {
        let name = e.file_name().to_string_lossy().into_owned();
        if crate::formats::atomic::is_stale_temporary(&name) {
            let _ = std::fs::remove_file(e.path());
        } else if name.starts_with(".agol-backup-work-") && e.path().is_dir() {
            // A package run's work folder.
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Closes a run that was not cancelled.
pub(crate) fn end(dest: &Path) {
    let _ = std::fs::remove_file(dest.join(RUN_FILE_NAME));
}

/// Decides which items need no new archive.
pub(crate) struct Skip<'a> {
    /// The catalogue as it was when the run started.
    pub catalogue: &'a Catalogue,
    /// The destination.
    pub dest: &'a Path,
    /// `--incremental`.
    pub incremental: bool,
    /// Start of the interrupted run being resumed.
    pub resume_since: Option<i64>,
}

impl Skip<'_> {
    /// The archive the interrupted run finished for `id`, if any: from the catalogue, or from
    /// the archives in the destination (a kill between renaming an archive and saving the
    /// catalogue must not make the item be redone).
    fn resumed(&self, id: &str, modified: i64) -> Option<String> {
        let since = self.resume_since.map(|s| s - s.rem_euclid(1000))?;
        if let Some(entry) = self.catalogue.get(id) {
            let done_at = utc::parse_datetime(&entry.backed_up_utc).unwrap_or(i64::MIN);
            if done_at >= since
                && entry.modified == modified
                && self.dest.join(&entry.archive).is_file()
            {
                return Some(entry.archive.clone());
            }
        }
        let (path, manifest) = find_archive_for(self.dest, id)?;
        let made_at = utc::parse_datetime(&manifest.created_utc).unwrap_or(i64::MIN);
        (made_at >= since && manifest.modified == modified)
            .then(|| path.file_name()?.to_str().map(str::to_string))
            .flatten()
    }

    /// Whether item `id` could be skipped at all (so its dates are worth reading first).
    pub(crate) fn may_skip(&self, id: &str) -> bool {
        self.resume_since.is_some() || (self.incremental && self.catalogue.get(id).is_some())
    }

    /// Why item `id` is skipped (and its existing archive), or `None` to back it up.
    pub(crate) fn reason(
        &self,
        id: &str,
        modified: i64,
        last_edit: Option<i64>,
    ) -> Option<(String, Option<String>)> {
        if let Some(archive) = self.resumed(id, modified) {
            return Some((
                "already backed up by the interrupted run (resumed)".into(),
                Some(archive),
            ));
        }
        let entry = self.catalogue.get(id)?;
        if self.incremental
            && entry.status == ItemStatus::Complete
            && self
                .catalogue
                .is_current(self.dest, id, modified, last_edit)
        {
            return Some((
                format!("unchanged since its backup of {}", entry.backed_up_utc),
                Some(entry.archive.clone()),
            ));
        }
        None
    }
}
