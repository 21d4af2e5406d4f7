//! Backups of the demo organisation checked against the sandbox's own state.

use std::collections::BTreeSet;

use agol_backup::engine::backup::{BackupOptions, RunItemStatus};
use agol_backup::formats::archive::{ItemStatus, verify_archive};
use agol_backup::formats::names::safe_file_stem;
use agol_backup::sandbox::model::{Content, ItemData};
use tokio_util::sync::CancellationToken;

use super::runs::{
    ADMIN, VIEWER, all_ids, archive_of, entry, export_items_left, files_under, ids_where, manifest,
    request, run, sha,
};
use crate::support;

/// A name as the archive keeps it (valid on Windows).
fn safe(name: &str) -> String {
    safe_file_stem(name, 120)
}

/// What the sandbox holds for one item: entry name -> (size, sha256 when the bytes are real).
fn expected_entries(
    sb: &agol_backup::sandbox::SandboxHandle,
    id: &str,
) -> Vec<(String, u64, Option<String>)> {
    sb.with_state(|st| {
        let item = &st.items[id];
        let mut out = Vec::new();
        let mut push = |name: String, c: &Content| {
            let digest = match c {
                Content::Bytes(b) => Some(sha(b)),
                Content::Generated { .. } => None,
            };
            out.push((name, c.len(), digest));
        };
        match &item.data {
            ItemData::File { name, content } => push(format!("data/{}", safe(name)), content),
            ItemData::Json(bytes) if !bytes.iter().all(u8::is_ascii_whitespace) => {
                push("data/data.json".into(), &Content::Bytes(bytes.clone()));
            }
            _ => {}
        }
        if let Some(t) = &item.thumbnail {
            let base = t.path.rsplit('/').next().unwrap();
            push(
                format!("thumbnail/{}", safe(base)),
                &Content::Bytes(t.bytes.clone()),
            );
        }
        if let Some(m) = &item.metadata {
            push("metadata/metadata.xml".into(), &Content::Bytes(m.clone()));
        }
        for (path, r) in &item.resources {
            let parts: Vec<String> = path.split('/').map(safe).collect();
            push(format!("resources/{}", parts.join("/")), &r.content);
        }
        out
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_demo_item_is_complete_and_byte_exact() {
    let sb = support::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let ids = all_ids(&sb);
    let req = request(
        &sb,
        ADMIN,
        ids.clone(),
        dir.path(),
        BackupOptions::default(),
    );
    let (summary, rows, logs) = run(req, CancellationToken::new()).await;
    let summary = summary.unwrap();
    assert_eq!(summary.items.len(), ids.len());
    let tokens: Vec<String> = sb.with_state(|st| st.tokens.keys().cloned().collect());
    for line in &logs {
        assert!(
            !line.contains("sandbox-admin"),
            "password in the log: {line}"
        );
        assert!(
            tokens.iter().all(|t| !line.contains(t.as_str())),
            "token in the log: {line}"
        );
    }
    assert_eq!(rows.len(), ids.len(), "one live row per item");
    for r in &summary.items {
        assert_eq!(
            r.status,
            RunItemStatus::Ok,
            "{} {}: {}",
            r.id,
            r.title,
            r.reason
        );
        let archive = archive_of(dir.path(), r);
        let check = verify_archive(&archive).unwrap();
        assert!(check.is_ok(), "{}: {:?}", r.title, check.problems);
        let m = manifest(dir.path(), r);
        assert_eq!(
            (m.item_id.as_str(), m.status.clone()),
            (r.id.as_str(), ItemStatus::Complete)
        );
        let listed: BTreeSet<&str> = m.artefacts.iter().map(|a| a.path.as_str()).collect();
        assert!(
            listed.contains("item.json") && listed.contains("sharing.json"),
            "{listed:?}"
        );
        for (name, size, digest) in expected_entries(&sb, &r.id) {
            let a = m
                .artefacts
                .iter()
                .find(|a| a.path == name)
                .unwrap_or_else(|| panic!("{}: {name} missing from {listed:?}", r.title));
            assert_eq!(a.size, size, "{}: {name}", r.title);
            if let Some(d) = digest {
                assert_eq!(a.sha256, d, "{}: {name}", r.title);
            }
        }
    }
    hosted_counts_match(&sb, dir.path(), &summary.items);
    assert!(
        export_items_left(&sb).is_empty(),
        "{:?}",
        export_items_left(&sb)
    );
    no_secrets_written(&sb, dir.path());
    assert!(summary.report.is_file());
}

/// Every hosted layer's manifest counts equal the sandbox's.
fn hosted_counts_match(
    sb: &agol_backup::sandbox::SandboxHandle,
    dest: &std::path::Path,
    items: &[agol_backup::engine::backup::ItemResult],
) {
    let snap = sb.snapshot();
    let mut layers_checked = 0;
    for svc in snap["services"].as_array().unwrap() {
        // A view's rows live in its source: the snapshot counts them there.
        let Some(r) = items
            .iter()
            .find(|r| svc["itemId"] == r.id.as_str() && svc["viewOf"].is_null())
        else {
            continue;
        };
        let m = manifest(dest, r);
        for l in svc["layers"].as_array().unwrap() {
            let got = m
                .layers
                .iter()
                .find(|x| l["id"] == x.id)
                .unwrap_or_else(|| panic!("{}: layer {} missing", r.title, l["id"]));
            assert_eq!(got.features, l["features"].as_u64().unwrap(), "{}", r.title);
            if let Some(a) = got.attachments {
                assert_eq!(a, l["attachments"].as_u64().unwrap(), "{}", r.title);
            }
            layers_checked += 1;
        }
    }
    assert!(layers_checked >= 5, "{layers_checked} layers checked");
}

/// No file the run wrote holds a password or any token the sandbox issued.
fn no_secrets_written(sb: &agol_backup::sandbox::SandboxHandle, dest: &std::path::Path) {
    let tokens: Vec<String> = sb.with_state(|st| st.tokens.keys().cloned().collect());
    assert!(!tokens.is_empty());
    for f in files_under(dest) {
        let bytes = std::fs::read(&f).unwrap();
        let mut texts = vec![bytes.clone()];
        if f.extension().is_some_and(|e| e == "zip") {
            let mut zip = zip::ZipArchive::new(std::fs::File::open(&f).unwrap()).unwrap();
            for i in 0..zip.len() {
                let mut e = zip.by_index(i).unwrap();
                let mut b = Vec::new();
                std::io::Read::read_to_end(&mut e, &mut b).unwrap();
                texts.push(b);
            }
        }
        for t in &texts {
            let text = String::from_utf8_lossy(t);
            assert!(
                !text.contains("sandbox-admin"),
                "password in {}",
                f.display()
            );
            for tok in &tokens {
                assert!(!text.contains(tok.as_str()), "token in {}", f.display());
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_falls_back_to_replica_or_query_and_gets_every_feature_and_attachment() {
    let sb = support::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let hosted = ids_where(&sb, |i| {
        i["type"] == "Feature Service"
            && (i["access"] == "org" || i["access"] == "public")
            && i["typeKeywords"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "Hosted Service"))
    });
    assert!(hosted.len() >= 3, "{hosted:?}");
    let req = request(
        &sb,
        VIEWER,
        hosted.clone(),
        dir.path(),
        BackupOptions::default(),
    );
    let (summary, _, _) = run(req, CancellationToken::new()).await;
    let summary = summary.unwrap();
    for r in &summary.items {
        assert_eq!(r.status, RunItemStatus::Ok, "{}: {}", r.title, r.reason);
        let m = manifest(dir.path(), r);
        let method = m.data_method.clone().unwrap_or_default();
        assert!(
            method == "replica" || method == "query",
            "{}: {method}",
            r.title
        );
    }
    hosted_counts_match(&sb, dir.path(), &summary.items);
    // Attachments really are in the archives, byte for byte.
    let with_photos = summary
        .items
        .iter()
        .find(|r| {
            manifest(dir.path(), r)
                .layers
                .iter()
                .any(|l| l.attachments.unwrap_or(0) > 0)
        })
        .expect("a layer with attachments");
    let m = manifest(dir.path(), with_photos);
    let photo = m
        .artefacts
        .iter()
        .find(|a| a.path.starts_with("attachments/"))
        .unwrap();
    let bytes = entry(&archive_of(dir.path(), with_photos), &photo.path);
    assert_eq!(sha(&bytes), photo.sha256);
    assert!(export_items_left(&sb).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_fgdb_captures_layers_by_replica_and_unknown_ids_fail_alone() {
    let sb = support::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let mut ids = ids_where(&sb, |i| i["type"] == "Feature Service");
    ids.truncate(2);
    ids.push("0123456789abcdef0123456789abcdef".into());
    let options = BackupOptions {
        export_data: false,
        thumbnails: false,
        ..BackupOptions::default()
    };
    let req = request(&sb, ADMIN, ids, dir.path(), options);
    let (summary, rows, _) = run(req, CancellationToken::new()).await;
    let summary = summary.unwrap();
    let missing = summary.items.last().unwrap();
    assert_eq!(missing.status, RunItemStatus::Failed);
    assert!(
        missing.reason.contains("does not exist"),
        "{}",
        missing.reason
    );
    assert_eq!(rows["0123456789abcdef0123456789abcdef"], "FAILED");
    for r in &summary.items[..2] {
        assert_eq!(r.status, RunItemStatus::Ok, "{}", r.reason);
        let m = manifest(dir.path(), r);
        assert_ne!(
            m.data_method.as_deref().map(|s| s.starts_with("export")),
            Some(true)
        );
        // A service that allows Sync is captured by its replica (a regression: the replica
        // was once read from the end of its temporary file and always fell back to query).
        let sync = sb.with_state(|st| {
            st.services
                .values()
                .any(|s| s.item_id == r.id && s.capabilities.contains("Sync"))
        });
        if sync {
            assert_eq!(m.data_method.as_deref(), Some("replica"), "{}", r.title);
        }
        assert!(!m.artefacts.iter().any(|a| a.path.starts_with("thumbnail/")));
    }
    assert!(!summary.all_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_dependencies_backs_up_what_an_app_needs() {
    let sb = support::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let app = ids_where(&sb, |i| {
        i["type"] == "Web Mapping Application"
            && i["title"].as_str().is_some_and(|t| t.contains("Parcel"))
    });
    assert_eq!(app.len(), 1, "{app:?}");
    let options = BackupOptions {
        with_dependencies: true,
        ..BackupOptions::default()
    };
    let req = request(&sb, ADMIN, app.clone(), dir.path(), options);
    let (summary, _, _) = run(req, CancellationToken::new()).await;
    let summary = summary.unwrap();
    let types: Vec<&str> = summary.items.iter().map(|r| r.item_type.as_str()).collect();
    assert_eq!(summary.items[0].id, app[0], "the selected item comes first");
    assert!(types.contains(&"Web Map"), "{types:?}");
    assert!(
        types.iter().filter(|t| **t == "Feature Service").count() >= 2,
        "the view and its source layer: {types:?}"
    );
    assert!(summary.all_ok());
    let map = summary
        .items
        .iter()
        .find(|r| r.item_type == "Web Map")
        .unwrap();
    assert!(
        manifest(dir.path(), &summary.items[0])
            .dependencies
            .contains(&map.id)
    );
}
