//! Our per-item ZIPs of the whole demo org read back: every item, every file hashing to its
//! manifest, hosted layers with their service and data.

use std::path::Path;

use agol_backup::engine::backup::BackupMode;
use agol_backup::engine::restore::source::{DataPayload, SourceFormat, read_inputs};
use agol_backup::formats::archive::ItemStatus;

use crate::engine_backup::runs::{backup_all, sha};
use crate::support;

/// The SHA-256 of a file.
pub fn file_sha(path: &Path) -> String {
    sha(&std::fs::read(path).unwrap())
}

/// The hash the item records under `key`.
fn hash<'a>(hashes: &'a [(String, String)], key: &str) -> &'a str {
    &hashes
        .iter()
        .find(|(k, _)| k == key)
        .unwrap_or_else(|| panic!("no hash for {key} in {hashes:?}"))
        .1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_org_backed_up_reads_back_whole() {
    let sb = support::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let ids = backup_all(&sb, dir.path(), BackupMode::Standard).await;
    let work = tempfile::tempdir().unwrap();
    let set = read_inputs(&[dir.path().to_path_buf()], work.path()).unwrap();
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    assert_eq!(set.items.len(), ids.len());
    assert!(set.source_portal.is_some());
    let mut hosted = 0;
    for item in &set.items {
        assert!(ids.contains(&item.old_id), "{}", item.old_id);
        assert_eq!(item.format, SourceFormat::Archive);
        assert_eq!(item.item["id"], item.old_id.as_str());
        assert!(item.source.starts_with(dir.path()));
        match &item.data {
            Some(DataPayload::Json(p)) => {
                assert_eq!(file_sha(p), hash(&item.hashes, "data"), "{}", item.title);
                serde_json::from_slice::<serde_json::Value>(&std::fs::read(p).unwrap()).unwrap();
            }
            Some(DataPayload::File { path, name }) => {
                assert_eq!(file_sha(path), hash(&item.hashes, "data"), "{}", item.title);
                assert!(!name.is_empty());
            }
            None => {}
        }
        if let Some(t) = &item.thumbnail {
            assert_eq!(
                file_sha(t),
                hash(&item.hashes, "thumbnail"),
                "{}",
                item.title
            );
        }
        if let Some(m) = &item.metadata {
            assert_eq!(file_sha(m), hash(&item.hashes, "metadata"));
        }
        for r in &item.resources {
            let key = format!("resources/{}", r.path);
            assert_eq!(file_sha(&r.file), hash(&item.hashes, &key), "{key}");
        }
        assert!(item.sharing.is_some(), "{}", item.title);
        if let Some(s) = &item.service
            && (s.export.is_some() || !s.geojson.is_empty() || s.replica.is_some())
        {
            hosted += 1;
            assert!(s.service.is_some(), "{}", item.title);
            assert!(!s.layers.is_empty(), "{}", item.title);
            assert!(!s.counts.is_empty(), "{}", item.title);
            if let Some((file, format)) = &s.export {
                assert!(file.is_file() && !format.is_empty());
            }
            for (_, g) in &s.geojson {
                assert!(g.is_file());
            }
        }
        if item.backup_status == ItemStatus::Complete {
            assert!(item.backup_reasons.is_empty());
        }
    }
    assert!(hosted > 0, "the demo org has hosted layers");
    let with_deps = set
        .items
        .iter()
        .filter(|i| !i.dependencies.is_empty())
        .count();
    assert!(with_deps > 0, "web maps need their layers");
    let with_resources = set.items.iter().filter(|i| !i.resources.is_empty()).count();
    assert!(with_resources > 0, "some demo items have resources");
}
