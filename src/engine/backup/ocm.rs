//! The OCM backup modes: after the standard capture has written one archive per item into a
//! hidden work folder inside the destination, build `.contentexport` packages from those
//! archives ([`crate::formats::contentexport::package_from_archives_with`]), one per selected
//! item (with its dependency closure) or one for the whole selection. Items whose capture
//! failed are left out and listed in the package's sidecar. Each item's result row then names
//! the package as its archive. The work folder is removed when its guard is dropped, whatever
//! happened. Owns no capture logic and no package layout.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::request::{BackupMode, ItemResult};
use crate::engine::deps::DependencyGraph;
use crate::formats::archive::read_manifest;
use crate::formats::contentexport::{
    NotIncluded, PackageNaming, extract_package, package_from_archives_with, package_gaps,
    package_name,
};
use crate::formats::run_report::RunItemStatus;

/// Creates the hidden work folder `<dest>/.agol-backup-work-<random>`, removed on drop.
pub(crate) fn work_dir(dest: &Path) -> Result<tempfile::TempDir, String> {
    tempfile::Builder::new()
        .prefix(".agol-backup-work-")
        .tempdir_in(dest)
        .map_err(|e| {
            format!(
                "cannot create a work folder in the destination {}: {e}",
                dest.display()
            )
        })
}

/// What packaging needs to know about the run.
pub(crate) struct Packaging<'a> {
    /// Per item or batch.
    pub mode: BackupMode,
    /// The selected ids (without the dependencies added), in order.
    pub selected: Vec<String>,
    /// The dependency graph of the selection.
    pub graph: &'a DependencyGraph,
    /// The work folder holding the archives.
    pub work: &'a Path,
    /// The destination of the packages.
    pub dest: &'a Path,
    /// Whether the run was cancelled (no package is written then).
    pub cancelled: bool,
    /// Also extract each package into a folder beside it (`--keep-uncompressed`).
    pub keep_uncompressed: bool,
}

/// Builds the packages and rewrites `results` to name them; returns log lines to report.
pub(crate) async fn package(p: Packaging<'_>, results: &mut [ItemResult]) -> Vec<String> {
    let archives: Vec<(String, Option<PathBuf>)> = results
        .iter_mut()
        .map(|r| (r.id.clone(), r.archive.take().map(|a| p.work.join(a))))
        .collect();
    for r in results.iter_mut() {
        r.bytes = 0;
    }
    if p.cancelled {
        for r in results
            .iter_mut()
            .filter(|r| r.status != RunItemStatus::Skipped)
        {
            r.status = RunItemStatus::Skipped;
            r.reason = "cancelled before its package was written".into();
        }
        return Vec::new();
    }
    let all: Vec<String> = results.iter().map(|r| r.id.clone()).collect();
    let groups: Vec<(Option<String>, Vec<String>)> = match p.mode {
        BackupMode::OcmBatch => vec![(None, all.clone())],
        _ => p
            .selected
            .iter()
            .map(|id| {
                let closure: BTreeSet<String> = p
                    .graph
                    .closure(std::slice::from_ref(id))
                    .into_iter()
                    .collect();
                let mut members = vec![id.clone()];
                members.extend(
                    all.iter()
                        .filter(|i| *i != id && closure.contains(*i))
                        .cloned(),
                );
                (Some(id.clone()), members)
            })
            .collect(),
    };
    let mut logs = Vec::new();
    for (root, members) in groups {
        let failed = root
            .as_ref()
            .and_then(|id| results.iter().find(|r| &r.id == id))
            .is_some_and(|r| r.status == RunItemStatus::Failed);
        if failed {
            logs.push(format!(
                "no package for {}: its capture failed",
                root.unwrap_or_default()
            ));
            continue;
        }
        let name = name_of(&p, root.as_deref(), results);
        logs.push(one_package(&p, &name, &members, &archives, results).await);
    }
    logs
}

/// Writes the package of `members`; returns a log line.
async fn one_package(
    p: &Packaging<'_>,
    name: &str,
    members: &[String],
    archives: &[(String, Option<PathBuf>)],
    results: &mut [ItemResult],
) -> String {
    let mut paths = Vec::new();
    let mut included = BTreeSet::new();
    let mut not_included = Vec::new();
    for id in members {
        let result = results.iter().find(|r| &r.id == id);
        let archive = archives
            .iter()
            .find(|(i, _)| i == id)
            .and_then(|a| a.1.clone());
        match (result, archive) {
            (Some(r), Some(path)) if r.status != RunItemStatus::Failed => {
                paths.push(path);
                included.insert(id.clone());
            }
            (r, _) => not_included.push(NotIncluded {
                item_id: id.clone(),
                title: r.map(|r| r.title.clone()).unwrap_or_default(),
                reason: r
                    .map(|r| r.reason.clone())
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "not captured".into()),
            }),
        }
    }
    let edges: Vec<(String, String)> = p
        .graph
        .edges()
        .filter(|(s, t, _)| included.contains(*s) && included.contains(*t))
        .map(|(s, t, _)| (s.to_string(), t.to_string()))
        .collect();
    let dest = p.dest.to_path_buf();
    let package = name.to_string();
    let left_out = not_included.len();
    let unpack = p.keep_uncompressed;
    let built = tokio::task::spawn_blocking(move || {
        let path = package_from_archives_with(&paths, &dest, &package, &edges, not_included)
            .map_err(|e| e.to_string())?;
        if unpack {
            extract_package(&path, &dest).map_err(|e| format!("unpacking it failed: {e}"))?;
        }
        let gaps: Vec<(String, Vec<String>)> = paths
            .iter()
            .filter_map(|a| read_manifest(a).ok())
            .map(|m| (m.item_id.clone(), package_gaps(&m)))
            .collect();
        Ok((path, gaps))
    })
    .await
    .map_err(|e| format!("the packaging task failed: {e}"))
    .and_then(|r| r);
    match built {
        Ok((path, gaps)) => {
            let file = path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            let size = std::fs::metadata(&path).map_or(0, |m| m.len());
            for r in results.iter_mut().filter(|r| included.contains(&r.id)) {
                if r.archive.is_none() {
                    r.archive = Some(file.clone());
                    r.bytes = size;
                    let id = r.id.clone();
                    note_gaps(r, gaps.iter().filter(|g| g.0 == id).flat_map(|g| &g.1));
                }
            }
            format!(
                "package {file}: {} item(s), {left_out} left out",
                included.len()
            )
        }
        Err(e) => {
            for r in results.iter_mut().filter(|r| included.contains(&r.id)) {
                if r.archive.is_none() {
                    r.status = RunItemStatus::Failed;
                    r.reason = format!("package {name} not written: {e}");
                }
            }
            format!("package {name} not written: {e}")
        }
    }
}

/// Makes `r` PARTIAL with the reasons its package could not hold everything captured.
fn note_gaps<'a>(r: &mut ItemResult, gaps: impl Iterator<Item = &'a String>) {
    for gap in gaps {
        if r.status == RunItemStatus::Ok {
            r.status = RunItemStatus::Partial;
        }
        if !r.reason.is_empty() {
            r.reason.push_str("; ");
        }
        r.reason.push_str(gap);
    }
}

/// The package name: per item from its root item, batch from the titles of the selected
/// items.
fn name_of(p: &Packaging<'_>, root: Option<&str>, results: &[ItemResult]) -> String {
    let title = |id: &str| {
        results
            .iter()
            .find(|r| r.id == id)
            .map_or(id.to_string(), |r| r.title.clone())
    };
    let now = crate::engine::now_ms();
    match root {
        None => {
            let titles: Vec<String> = p.selected.iter().map(|id| title(id)).collect();
            let refs: Vec<&str> = titles.iter().map(String::as_str).collect();
            package_name(PackageNaming::Batch { titles: &refs }, now)
        }
        Some(id) => {
            let t = title(id);
            package_name(PackageNaming::PerItem { title: &t, id }, now)
        }
    }
}
