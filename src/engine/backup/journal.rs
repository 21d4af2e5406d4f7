//! The export journal: a small JSON file in the destination listing temporary export items
//! that were created in the portal and not yet deleted. An entry is written as soon as the
//! portal names the new item and removed once it is deleted, so a run that crashed or was
//! killed leaves a list the next run in that destination cleans up first.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::formats::FormatError;
use crate::formats::atomic::write_atomic;

/// File name of the journal in the destination.
pub const JOURNAL_NAME: &str = "agol-backup-pending-exports.json";

/// One temporary export item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingExport {
    /// The user whose content holds it.
    pub owner: String,
    /// The item being backed up.
    pub source_item: String,
}

/// The journal of one destination (shared by the run's workers).
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    entries: Mutex<BTreeMap<String, PendingExport>>,
}

impl Journal {
    /// Loads the journal of `dest` (empty when there is none; a damaged one is set aside).
    pub fn load(dest: &Path) -> Self {
        let path = dest.join(JOURNAL_NAME);
        let entries = std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        Journal {
            path,
            entries: Mutex::new(entries),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, PendingExport>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Export items left from earlier runs (or this one), oldest id first.
    pub fn pending(&self) -> Vec<(String, PendingExport)> {
        self.lock()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// Records a new export item before anything else can fail.
    pub fn add(&self, export_id: &str, entry: PendingExport) -> Result<(), FormatError> {
        let mut map = self.lock();
        map.insert(export_id.to_string(), entry);
        self.save(&map)
    }

    /// Forgets an export item once it is deleted (or deliberately kept).
    pub fn remove(&self, export_id: &str) -> Result<(), FormatError> {
        let mut map = self.lock();
        if map.remove(export_id).is_some() {
            self.save(&map)?;
        }
        Ok(())
    }

    fn save(&self, map: &BTreeMap<String, PendingExport>) -> Result<(), FormatError> {
        if map.is_empty() {
            return match std::fs::remove_file(&self.path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(FormatError::Write {
                    path: self.path.clone(),
                    source: e,
                }),
                _ => Ok(()),
            };
        }
        let bytes = serde_json::to_vec_pretty(map).map_err(|e| FormatError::Write {
            path: self.path.clone(),
            source: std::io::Error::other(e),
        })?;
        write_atomic(&self.path, |w| w.write_all(&bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_survive_a_reload_and_the_file_goes_when_empty() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::load(dir.path());
        let e = PendingExport {
            owner: "admin".into(),
            source_item: "a".repeat(32),
        };
        j.add("exp1", e.clone()).unwrap();
        let again = Journal::load(dir.path());
        assert_eq!(again.pending(), vec![("exp1".to_string(), e)]);
        again.remove("exp1").unwrap();
        assert!(!dir.path().join(JOURNAL_NAME).exists());
    }
}
