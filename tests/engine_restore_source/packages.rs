//! A batch `.contentexport` package of the demo org read back: the same items as the per-item
//! ZIPs, files hashing to the sidecar, graph edges as dependencies, services with their props.

use agol_backup::engine::backup::BackupMode;
use agol_backup::engine::restore::source::{DataPayload, SourceFormat, read_inputs};

use super::archives::file_sha;
use crate::engine_backup::runs::backup_all;
use crate::support;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_package_of_the_demo_org_reads_back() {
    let sb = support::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let ids = backup_all(&sb, dir.path(), BackupMode::OcmBatch).await;
    let work = tempfile::tempdir().unwrap();
    let set = read_inputs(&[dir.path().to_path_buf()], work.path()).unwrap();
    for p in &set.problems {
        eprintln!("problem: {p}");
    }
    assert!(set.source_portal.is_some());
    assert!(set.items.len() + set.problems.len() >= ids.len());
    let mut services = 0;
    for item in &set.items {
        assert_eq!(item.format, SourceFormat::ContentExport);
        assert_eq!(item.item["id"], item.old_id.as_str());
        assert!(item.thumbnail.as_ref().is_none_or(|t| t.is_file()));
        let hash = |key: &str| {
            item.hashes
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, h)| h.clone())
                .unwrap_or_else(|| panic!("{}: no hash {key}: {:?}", item.title, item.hashes))
        };
        match &item.data {
            Some(DataPayload::Json(p) | DataPayload::File { path: p, .. }) => {
                assert_eq!(file_sha(p), hash("data"), "{}", item.title);
            }
            None => {}
        }
        if let Some(t) = &item.thumbnail {
            assert_eq!(file_sha(t), hash("thumbnail"));
        }
        for r in &item.resources {
            assert!(r.file.is_file(), "{}", r.path);
            assert_eq!(file_sha(&r.file), hash(&format!("resources/{}", r.path)));
        }
        if let Some(s) = &item.service {
            services += 1;
            assert!(s.service.is_some() || s.view.is_some(), "{}", item.title);
        }
    }
    assert!(services > 0);
    assert!(set.items.iter().any(|i| !i.dependencies.is_empty()));
    assert!(set.items.iter().any(|i| !i.related.is_empty()));
}
