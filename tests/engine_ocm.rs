//! The `.contentexport` backup modes against the demo sandbox: a batch package of a web map and
//! its layers read back and compared with the sandbox, one package per item in per-item mode,
//! and `agol-backup-cli inspect` on a package, a zip and garbage.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use agol_backup::engine::backup::{BackupMode, BackupOptions, BackupSummary, RunItemStatus};
use agol_backup::formats::contentexport::{extract_package, read_package, verify_package};
use agol_backup::sandbox::SandboxHandle;
use agol_backup::sandbox::model::ItemData;
use tokio_util::sync::CancellationToken;

use crate::engine_backup::runs::{ADMIN, ids_where, request, run};
use crate::support;

/// The id of the demo item titled `title`.
fn id_of(sb: &SandboxHandle, title: &str) -> String {
    let ids = ids_where(sb, |i| i["title"] == title);
    assert_eq!(ids.len(), 1, "{title}");
    ids[0].clone()
}

/// Files in `dest` with extension `ext`, sorted.
fn files_with(dest: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dest)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    out.sort();
    out
}

/// Runs a backup of `ids` in `mode` into `dest`.
async fn backup(
    sb: &SandboxHandle,
    ids: Vec<String>,
    dest: &Path,
    mode: BackupMode,
) -> BackupSummary {
    let options = BackupOptions {
        mode,
        ..BackupOptions::default()
    };
    backup_with(sb, ids, dest, options).await
}

/// Runs a backup of `ids` with `options` into `dest`; checks the work folder is gone.
async fn backup_with(
    sb: &SandboxHandle,
    ids: Vec<String>,
    dest: &Path,
    options: BackupOptions,
) -> BackupSummary {
    let (summary, _, _) = run(
        request(sb, ADMIN, ids, dest, options),
        CancellationToken::new(),
    )
    .await;
    let summary = summary.unwrap();
    let work_left = std::fs::read_dir(dest)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .any(|n| n.starts_with(".agol-backup-work-"));
    assert!(!work_left, "the work folder is removed");
    summary
}

/// `agol-backup-cli inspect FILE`'s exit code and output.
fn inspect(file: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_agol-backup-cli"))
        .arg("inspect")
        .arg(file)
        .output()
        .unwrap();
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_package_of_a_web_map_round_trips() {
    let sb = support::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let map = id_of(&sb, "Water Network Operations");
    let summary = backup(&sb, vec![map.clone()], dir.path(), BackupMode::OcmBatch).await;
    assert!(summary.all_ok(), "{:?}", summary.items);
    assert!(summary.items.len() > 1, "the map's layers are added");
    let packages = files_with(dir.path(), "contentexport");
    assert_eq!(packages.len(), 1, "{packages:?}");
    assert!(files_with(dir.path(), "zip").is_empty());
    let package_file = packages[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    for r in &summary.items {
        assert_eq!(
            r.archive.as_deref(),
            Some(package_file.as_str()),
            "{}",
            r.id
        );
    }
    let pkg = read_package(&packages[0]).unwrap();
    assert_eq!(pkg.items.len(), summary.items.len());
    assert_eq!(pkg.items[0].id, map);
    for r in &summary.items {
        if r.id != map {
            assert!(
                pkg.edges.contains(&(map.clone(), r.id.clone())),
                "map -> {}",
                r.id
            );
        }
    }
    let snapshot = sb.snapshot();
    for item in &pkg.items {
        let live = snapshot["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == item.id.as_str())
            .unwrap();
        assert_eq!(item.properties["id"], live["id"]);
        assert_eq!(item.properties["title"], live["title"]);
        assert_eq!(item.title, live["title"].as_str().unwrap());
        let (resources, thumbnail) = sb.with_state(|st| {
            let it = &st.items[&item.id];
            let keys: BTreeSet<String> = it.resources.keys().cloned().collect();
            (keys, it.thumbnail.is_some())
        });
        let found: BTreeSet<String> = item.resources.iter().map(|r| r.0.clone()).collect();
        assert_eq!(found, resources, "{}", item.id);
        assert_eq!(item.thumbnail.is_some(), thumbnail, "{}", item.id);
    }
    let verified = verify_package(&packages[0]).unwrap();
    assert!(verified.checksums_verified(), "{:?}", verified.problems);
    let out = tempfile::tempdir().unwrap();
    let root = extract_package(&packages[0], out.path()).unwrap();
    let structure = std::fs::read(root.join(&map).join("data/structure.json")).unwrap();
    let expected = sb.with_state(|st| match &st.items[&map].data {
        ItemData::Json(bytes) => bytes.to_vec(),
        other => panic!("the map has JSON data, not {other:?}"),
    });
    assert_eq!(structure, expected);
    let (code, text) = inspect(&packages[0]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains(&map) && text.contains("checksums: verified"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_item_mode_writes_one_package_per_item_and_inspect_reads_zips() {
    let sb = support::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let map = id_of(&sb, "Water Network Operations");
    let parcels = id_of(&sb, "Riverton Parcel Viewer");
    let ids = vec![map.clone(), parcels.clone()];
    let summary = backup(&sb, ids, dir.path(), BackupMode::OcmPerItem).await;
    assert!(summary.all_ok(), "{:?}", summary.items);
    let packages = files_with(dir.path(), "contentexport");
    assert_eq!(packages.len(), 2, "{packages:?}");
    for (id, r) in [&map, &parcels]
        .iter()
        .map(|id| (id, summary.items.iter().find(|r| &&r.id == id).unwrap()))
    {
        let file = dir.path().join(r.archive.as_ref().unwrap());
        let pkg = read_package(&file).unwrap();
        assert_eq!(&pkg.items[0].id, *id);
        assert!(pkg.items.len() > 1, "the package holds what {id} needs");
        assert!(verify_package(&file).unwrap().checksums_verified());
    }
    let zips = tempfile::tempdir().unwrap();
    backup(&sb, vec![map.clone()], zips.path(), BackupMode::Standard).await;
    let zip = files_with(zips.path(), "zip");
    assert_eq!(zip.len(), 1);
    let (code, text) = inspect(&zip[0]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains(&map), "{text}");
    let garbage = zips.path().join("garbage.contentexport");
    std::fs::write(&garbage, b"not a package at all").unwrap();
    let (code, text) = inspect(&garbage);
    assert_eq!(code, 2, "{text}");
    let garbage_zip = zips.path().join("garbage.zip");
    std::fs::write(&garbage_zip, b"PK not a zip").unwrap();
    assert_eq!(inspect(&garbage_zip).0, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_item_is_left_out_and_listed() {
    let sb = support::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let map = id_of(&sb, "Water Network Operations");
    let missing = "0123456789abcdef0123456789abcdef".to_string();
    let ids = vec![map.clone(), missing.clone()];
    let options = BackupOptions {
        mode: BackupMode::OcmBatch,
        keep_uncompressed: true,
        ..BackupOptions::default()
    };
    let summary = backup_with(&sb, ids, dir.path(), options).await;
    assert!(!summary.all_ok());
    let failed = summary.items.iter().find(|r| r.id == missing).unwrap();
    assert_eq!(failed.status, RunItemStatus::Failed);
    assert!(failed.archive.is_none());
    let packages = files_with(dir.path(), "contentexport");
    assert_eq!(packages.len(), 1, "{packages:?}");
    let pkg = read_package(&packages[0]).unwrap();
    assert!(pkg.items.iter().all(|i| i.id != missing));
    assert!(pkg.items.iter().any(|i| i.id == map));
    let unpacked = dir.path().join(&pkg.top_folder);
    assert!(
        unpacked.join("manifest.json").is_file(),
        "--keep-uncompressed unpacks"
    );
    let sidecar = pkg.sidecar.unwrap();
    assert_eq!(sidecar.not_included.len(), 1);
    assert_eq!(sidecar.not_included[0].item_id, missing);
}
