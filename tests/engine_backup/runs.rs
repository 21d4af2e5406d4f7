//! Helpers: a backup request against a sandbox, running it, reading archives back.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use agol_backup::engine::backup::{self, BackupOptions, BackupRequest, BackupSummary, ItemResult};
use agol_backup::engine::{EventKind, JobId, Outcome, PortalConnection, Reporter};
use agol_backup::formats::archive::{BackupManifest, read_entry, read_manifest};
use agol_backup::portal::Credentials;
use agol_backup::sandbox::SandboxHandle;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

use crate::engine_scan::options;

/// A backup of `ids` as `user` into `dest` with `options`.
pub fn request(
    sb: &SandboxHandle,
    user: (&str, &str),
    ids: Vec<String>,
    dest: &Path,
    options: BackupOptions,
) -> BackupRequest {
    BackupRequest {
        connection: PortalConnection {
            options: options_for(sb),
            credentials: Credentials::password(user.0, user.1),
        },
        items: ids,
        destination: dest.to_path_buf(),
        options,
    }
}

fn options_for(sb: &SandboxHandle) -> agol_backup::portal::ClientOptions {
    options(&sb.url())
}

/// The admin account.
pub const ADMIN: (&str, &str) = ("admin", "sandbox-admin");
/// The viewer account (may not export).
pub const VIEWER: (&str, &str) = ("viewer", "sandbox-viewer");

/// Runs a backup; returns its summary (or error), the row statuses and the log lines it reported.
pub async fn run(
    req: BackupRequest,
    cancel: CancellationToken,
) -> (
    Result<BackupSummary, String>,
    BTreeMap<String, String>,
    Vec<String>,
) {
    let (tx, rx) = std::sync::mpsc::channel();
    let result = backup::run(req, Reporter::headless(JobId(1), tx), cancel).await;
    let mut rows = BTreeMap::new();
    let mut logs = Vec::new();
    for e in rx.try_iter() {
        match e.kind {
            EventKind::Row { id, status, .. } => {
                assert!(rows.insert(id, status).is_none(), "one row event per item");
            }
            EventKind::Log { message, .. } => logs.push(message),
            _ => {}
        }
    }
    let summary = result.map(|o| match o {
        Outcome::Backup(s) => s,
        other => panic!("not a backup outcome: {other:?}"),
    });
    if let Ok(s) = &summary {
        for r in s.items.iter().filter(|r| !r.reason.is_empty()) {
            eprintln!("{} {:?} {}: {}", r.id, r.status, r.title, r.reason);
        }
    }
    (summary, rows, logs)
}

/// Backs up every org item of the sandbox as the admin into `dest` in `mode`; returns the ids.
pub async fn backup_all(
    sb: &SandboxHandle,
    dest: &Path,
    mode: agol_backup::engine::backup::BackupMode,
) -> Vec<String> {
    let ids = all_ids(sb);
    let options = BackupOptions {
        mode,
        ..BackupOptions::default()
    };
    let (summary, _, _) = run(
        request(sb, ADMIN, ids.clone(), dest, options),
        CancellationToken::new(),
    )
    .await;
    summary.unwrap();
    ids
}

/// Every org item id of the sandbox, sorted.
pub fn all_ids(sb: &SandboxHandle) -> Vec<String> {
    let snap = sb.snapshot();
    let org = snap["org"]["id"].clone();
    snap["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["orgId"] == org)
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

/// Ids of the snapshot's items for which `keep` holds.
pub fn ids_where(sb: &SandboxHandle, keep: impl Fn(&Value) -> bool) -> Vec<String> {
    sb.snapshot()["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| keep(i))
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

/// The archive of `r` in `dest`.
pub fn archive_of(dest: &Path, r: &ItemResult) -> PathBuf {
    dest.join(r.archive.as_ref().expect("an archive"))
}

/// The manifest of an item's archive.
pub fn manifest(dest: &Path, r: &ItemResult) -> BackupManifest {
    read_manifest(&archive_of(dest, r)).unwrap()
}

/// The bytes of one entry.
pub fn entry(archive: &Path, name: &str) -> Vec<u8> {
    let mut out = Vec::new();
    read_entry(archive, name, &mut out).unwrap();
    out
}

/// Lower-case hex SHA-256.
pub fn sha(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// Titles of export items still in the portal.
pub fn export_items_left(sb: &SandboxHandle) -> Vec<String> {
    sb.snapshot()["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["title"].as_str())
        .filter(|t| t.starts_with("agol-backup export"))
        .map(str::to_string)
        .collect()
}
