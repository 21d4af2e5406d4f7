//! The demo org backed up (as ZIPs, and as one batch `.contentexport`), deleted and restored:
//! the same items (by title and type) with the same properties, data pointing at the restored
//! items, resources, sharing, and feature and attachment counts; then a second `skip` restore
//! creates nothing.

use std::collections::{BTreeMap, BTreeSet};

use agol_backup::engine::backup::BackupMode;
use agol_backup::engine::restore::RestoreOptions;
use agol_backup::formats::run_report::RunItemStatus;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::runs::{delete_all, items_by_id, json_data, restore, restore_request, services_by_item};
use crate::engine_backup::runs::ADMIN;
use crate::support;

/// A text property, empty and missing alike (the portal does not store empty texts).
fn text(v: &Value) -> Value {
    match v.as_str() {
        Some("") | None => Value::Null,
        Some(_) => v.clone(),
    }
}

/// The properties compared (owners and ids differ by design).
fn essence(i: &Value) -> Value {
    let sb = &i["sandbox"];
    let mut tags: Vec<&str> = i["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    tags.sort_unstable();
    let mut res: Vec<Value> = sb["resources"].as_array().unwrap().clone();
    res.sort_by_key(|r| r["path"].as_str().unwrap().to_string());
    serde_json::json!({
        "title": i["title"], "type": i["type"], "tags": tags, "snippet": text(&i["snippet"]),
        "description": text(&i["description"]), "access": i["access"],
        "contentStatus": i["contentStatus"], "protected": i["protected"],
        "dataKind": sb["dataKind"], "resources": res, "hasMetadata": sb["hasMetadata"],
        "thumbnail": i["thumbnail"].is_string(),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_org_comes_back_from_zips_after_deleting_everything() {
    comes_back(BackupMode::Standard).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_org_comes_back_from_a_batch_package_after_deleting_everything() {
    comes_back(BackupMode::OcmBatch).await;
}

/// Backs up every item in `mode`, deletes everything, restores, and compares with before;
/// then a second restore with `skip` creates nothing.
async fn comes_back(mode: BackupMode) {
    let sb = support::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let ids = crate::engine_backup::runs::backup_all(&sb, dir.path(), mode).await;
    let before = items_by_id(&sb);
    let services_before = services_by_item(&sb);
    delete_all(&sb, &ids);

    let req = restore_request(&sb, ADMIN, &[dir.path()], RestoreOptions::default());
    let (summary, rows, _) = restore(req, CancellationToken::new()).await;
    let summary = summary.unwrap();
    assert_eq!(summary.items.len(), ids.len());
    // Every item OK, the filtered view included (its filter comes from the admin JSON the
    // backup keeps, and its feature count is checked against the backup's).
    let bad: Vec<_> = summary
        .items
        .iter()
        .filter(|r| r.status != RunItemStatus::Ok)
        .map(|r| format!("{} {}: {:?} {}", r.old_id, r.title, r.status, r.reason))
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
    assert_eq!(rows.len(), ids.len());
    let report = summary.report.clone().unwrap();
    assert!(report.starts_with(dir.path()), "{}", report.display());
    // The CSV twin beside it: one row per item, with the new id and the status.
    let csv = std::fs::read(report.with_extension("csv")).unwrap();
    let mut reader = csv::Reader::from_reader(csv.strip_prefix(b"\xEF\xBB\xBF").unwrap());
    assert_eq!(&reader.headers().unwrap()[1], "new_id");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), ids.len());
    assert!(rows.iter().all(|r| &r[5] == "OK" && r[1].len() == 32));

    let new_of: BTreeMap<String, String> = summary
        .items
        .iter()
        .map(|r| (r.old_id.clone(), r.new_id.clone().unwrap()))
        .collect();
    let after = items_by_id(&sb);
    let services_after = services_by_item(&sb);
    for (old, new) in &new_of {
        let (b, a) = (&before[old], &after[new]);
        assert_eq!(essence(a), essence(b), "{}", b["title"]);
        if let Some(layers) = services_before
            .get(old)
            .filter(|_| !b["typeKeywords"].to_string().contains("View Service"))
        {
            assert_eq!(services_after.get(new), Some(layers), "{}", b["title"]);
        }
        // Data points at the restored items, never at the deleted ones.
        if let Some(data) = json_data(&sb, new) {
            let text = data.to_string();
            for gone in new_of.keys().filter(|o| !new_of.values().any(|n| n == *o)) {
                assert!(
                    !text.contains(gone.as_str()),
                    "{} still names {gone}",
                    b["title"]
                );
            }
        }
    }
    let titles = |m: &BTreeMap<String, Value>| -> BTreeSet<String> {
        m.values()
            .filter(|i| i["orgId"] == before[&ids[0]]["orgId"])
            .map(|i| format!("{} / {}", i["type"], i["title"]))
            .collect()
    };
    assert_eq!(titles(&after), titles(&before));

    // A second restore with the default policy (skip) creates nothing.
    let count = after.len();
    let req = restore_request(&sb, ADMIN, &[dir.path()], RestoreOptions::default());
    let (summary, _, _) = restore(req, CancellationToken::new()).await;
    let summary = summary.unwrap();
    assert!(
        summary
            .items
            .iter()
            .all(|r| r.status == RunItemStatus::Skipped && r.action == "skip"),
        "{:?}",
        summary.items
    );
    assert_eq!(items_by_id(&sb).len(), count);
}
