//! The scan engine against the sandbox: presets and exact validation, re-scans after updates,
//! data edits and deletes, and the refusals that must leave an existing inventory untouched;
//! `paging` covers reading many pages (the 10,000-result window, `--max`, token expiry, faults).

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use agol_backup::engine::scan::{self, ScanPreset, ScanRequest, ScanSummary};
use agol_backup::engine::{EventKind, JobId, Outcome, PortalConnection, Reporter};
use agol_backup::formats::inventory::read_inventory;
use agol_backup::portal::{ClientOptions, Credentials, PortalUrl, RetryPolicy};
use agol_backup::sandbox::SandboxHandle;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::support::{self, Session};

mod paging;

/// Connection options for `url` with fast retries.
pub fn options(url: &str) -> ClientOptions {
    let mut o = ClientOptions::new(PortalUrl::parse(url).unwrap());
    o.retry = RetryPolicy::fast();
    o
}

/// A scan request as admin into `dir/AuthInventory.csv`.
pub fn request(sb: &SandboxHandle, dir: &Path, preset: ScanPreset) -> ScanRequest {
    ScanRequest {
        connection: PortalConnection {
            options: options(&sb.url()),
            credentials: Credentials::password("admin", "sandbox-admin"),
        },
        preset,
        inventory: dir.join("AuthInventory.csv"),
        index: dir.join("scan_index.csv"),
        max_items: None,
    }
}

/// Runs a scan; returns its summary (or error) and the row statuses it reported.
pub async fn run(req: ScanRequest) -> (Result<ScanSummary, String>, HashMap<String, String>) {
    run_with(req, CancellationToken::new()).await
}

async fn run_with(
    req: ScanRequest,
    cancel: CancellationToken,
) -> (Result<ScanSummary, String>, HashMap<String, String>) {
    let (tx, rx) = std::sync::mpsc::channel();
    let result = scan::run(req, Reporter::headless(JobId(1), tx), cancel).await;
    let mut rows = HashMap::new();
    for e in rx.try_iter() {
        if let EventKind::Row { id, status, .. } = e.kind {
            assert!(rows.insert(id, status).is_none(), "one row event per item");
        }
    }
    let summary = result.map(|o| match o {
        Outcome::Scan(s) => s,
        other => panic!("not a scan outcome: {other:?}"),
    });
    (summary, rows)
}

/// The ids in the inventory, checking that none repeats.
pub fn csv_ids(path: &Path) -> BTreeSet<String> {
    let rows = read_inventory(path).unwrap();
    let ids: BTreeSet<String> = rows.iter().map(|r| r.id.clone()).collect();
    assert_eq!(ids.len(), rows.len(), "no duplicate rows");
    ids
}

/// Ids of the snapshot's items of the org for which `keep` holds.
pub fn expected(sb: &SandboxHandle, keep: impl Fn(&Value) -> bool) -> BTreeSet<String> {
    let snap = sb.snapshot();
    let org = snap["org"]["id"].clone();
    snap["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["orgId"] == org && keep(i))
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

fn is_authoritative(i: &Value) -> bool {
    matches!(
        i["contentStatus"].as_str(),
        Some("org_authoritative" | "public_authoritative")
    )
}

#[tokio::test]
async fn authoritative_scan_over_http_and_tls_validates_exactly() {
    let sb = support::demo().await;
    let want = expected(&sb, is_authoritative);
    assert!(!want.is_empty());
    let dir = tempfile::tempdir().unwrap();
    let (s, rows) = run(request(&sb, dir.path(), ScanPreset::Authoritative)).await;
    let s = s.unwrap();
    assert_eq!(csv_ids(&s.inventory), want);
    assert_eq!(
        (s.found, s.new, s.changed, s.removed),
        (want.len(), want.len(), 0, 0)
    );
    assert!(s.dropped_loose > 0, "the demo has loose hits: {s:?}");
    assert!(s.complete);
    assert!(rows.values().all(|st| st == "new"));
    for row in read_inventory(&s.inventory).unwrap() {
        assert!(
            row.item_page_url
                .ends_with(&format!("/home/item.html?id={}", row.id))
        );
        assert!(row.content_status.ends_with("authoritative"));
    }

    let tls_dir = tempfile::tempdir().unwrap();
    let mut req = request(&sb, tls_dir.path(), ScanPreset::Authoritative);
    req.connection.options = options(&sb.https_url());
    req.connection.options.ca_file = Some(sb.ca_path().to_path_buf());
    let (s2, _) = run(req).await;
    assert_eq!(csv_ids(&s2.unwrap().inventory), want);
}

#[tokio::test]
async fn owner_type_tag_and_folder_presets_match_the_portal() {
    let sb = support::demo().await;
    let snap = sb.snapshot();
    let dir = tempfile::tempdir().unwrap();
    let check = |preset: ScanPreset, want: BTreeSet<String>| {
        let req = request(&sb, dir.path(), preset.clone());
        async move {
            let _ = std::fs::remove_file(&req.inventory);
            let (s, _) = run(req).await;
            let s = s.unwrap_or_else(|e| panic!("{preset:?}: {e}"));
            assert_eq!(csv_ids(&s.inventory), want, "{preset:?}");
            assert!(!want.is_empty(), "{preset:?}");
        }
    };
    check(
        ScanPreset::Owner("editor".into()),
        expected(&sb, |i| i["owner"] == "editor"),
    )
    .await;
    check(
        ScanPreset::Type("Web Map".into()),
        expected(&sb, |i| i["type"] == "Web Map"),
    )
    .await;
    let folder = snap["folders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            let id = f["id"].clone();
            snap["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["sandbox"]["folder"] == id)
        })
        .unwrap()
        .clone();
    let (fid, owner) = (folder["id"].clone(), folder["owner"].as_str().unwrap());
    check(
        ScanPreset::Folder {
            owner: owner.into(),
            folder: folder["title"].as_str().unwrap().into(),
        },
        expected(&sb, |i| i["sandbox"]["folder"] == fid),
    )
    .await;
}

/// The first hosted feature layer of the demo that no view reads from.
fn plain_feature_service(sb: &SandboxHandle) -> (String, String) {
    let snap = sb.snapshot();
    let services = snap["services"].as_array().unwrap();
    let item = snap["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| {
            i["type"] == "Feature Service"
                && i["url"]
                    .as_str()
                    .is_some_and(|u| u.ends_with("FeatureServer"))
                && services.iter().any(|s| {
                    s["itemId"] == i["id"] && s["viewOf"].is_null() && {
                        let name = s["name"].clone();
                        !services
                            .iter()
                            .any(|o| o["viewOf"] == name || o["viewOf"] == i["id"])
                    }
                })
        })
        .expect("a hosted feature layer");
    (
        item["id"].as_str().unwrap().into(),
        item["url"].as_str().unwrap().into(),
    )
}

fn owner_of(sb: &SandboxHandle, id: &str) -> String {
    let snap = sb.snapshot();
    let item = snap["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap();
    item["owner"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn rescans_count_updates_data_edits_and_deletes() {
    let sb = support::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let req = || request(&sb, dir.path(), ScanPreset::AllOrg);
    let (first, _) = run(req()).await;
    let first = first.unwrap();
    let all = expected(&sb, |_| true);
    assert_eq!(csv_ids(&first.inventory), all);
    let (again, rows) = run(req()).await;
    let again = again.unwrap();
    assert_eq!(
        (again.new, again.changed, again.unchanged),
        (0, 0, all.len()),
        "{again:?}"
    );
    assert!(rows.values().all(|s| s == "unchanged"));

    let s = Session::admin(&sb).await;
    let map = expected(&sb, |i| i["type"] == "Web Map")
        .into_iter()
        .next()
        .unwrap();
    let owner = owner_of(&sb, &map);
    let v = s
        .post(
            &format!("content/users/{owner}/items/{map}/update"),
            &[("snippet", "changed")],
        )
        .await;
    assert_eq!(v["success"], true, "{v}");
    let (after_update, rows) = run(req()).await;
    let after_update = after_update.unwrap();
    assert_eq!(
        (after_update.changed, after_update.new, after_update.removed),
        (1, 0, 0)
    );
    assert_eq!(rows[&map], "changed");
    assert_eq!(csv_ids(&first.inventory), all);

    let (fs, url) = plain_feature_service(&sb);
    let edit = s
        .auth(s.http.post(format!("{url}/0/applyEdits")))
        .form(&[("f", "json"), ("deletes", "1")])
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(edit["deleteResults"][0]["success"], true, "{edit}");
    let (after_edit, rows) = run(req()).await;
    let after_edit = after_edit.unwrap();
    assert_eq!(
        (after_edit.changed, after_edit.new),
        (1, 0),
        "{after_edit:?}"
    );
    assert_eq!(rows[&fs], "changed");
    assert_eq!(csv_ids(&first.inventory), all);

    let fs_owner = owner_of(&sb, &fs);
    s.post(
        &format!("content/users/{fs_owner}/items/{fs}/unprotect"),
        &[],
    )
    .await;
    let del = s
        .post(&format!("content/users/{fs_owner}/items/{fs}/delete"), &[])
        .await;
    assert_eq!(del["success"], true, "{del}");
    let (after_delete, _) = run(req()).await;
    let after_delete = after_delete.unwrap();
    assert_eq!(
        (after_delete.removed, after_delete.changed),
        (1, 0),
        "{after_delete:?}"
    );
    let ids = csv_ids(&first.inventory);
    assert!(!ids.contains(&fs));
    assert_eq!(ids, expected(&sb, |_| true));
}

fn existing_inventory(dir: &Path) -> (PathBuf, Vec<u8>) {
    let path = dir.join("AuthInventory.csv");
    let text = "\u{feff}Title,Id,Type,Owner,Created,Modified,RestUrl,ItemPageUrl,Tags,ContentStatus\r\n\
                Keep me,0123456789abcdef0123456789abcdef,Web Map,me,,,,,,\r\n";
    std::fs::write(&path, text).unwrap();
    (path, text.as_bytes().to_vec())
}

#[tokio::test]
async fn wrong_password_says_so_and_leaves_the_inventory_alone() {
    let sb = support::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let (path, before) = existing_inventory(dir.path());
    let mut req = request(&sb, dir.path(), ScanPreset::AllOrg);
    req.connection.credentials = Credentials::password("admin", "wrong");
    let (s, _) = run(req).await;
    let e = s.unwrap_err();
    assert!(e.contains("password"), "{e}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[tokio::test]
async fn foreign_csv_missing_folder_and_cancel_are_refused_without_writing() {
    let sb = support::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let foreign = dir.path().join("AuthInventory.csv");
    std::fs::write(&foreign, "name,email\r\nx,y\r\n").unwrap();
    let (s, _) = run(request(&sb, dir.path(), ScanPreset::AllOrg)).await;
    let e = s.unwrap_err();
    assert!(e.contains("choose another output file"), "{e}");
    assert_eq!(
        std::fs::read_to_string(&foreign).unwrap(),
        "name,email\r\nx,y\r\n"
    );
    assert!(!dir.path().join("scan_index.csv").exists());

    let (s, _) = run(request(
        &sb,
        &dir.path().join("missing"),
        ScanPreset::AllOrg,
    ))
    .await;
    assert!(s.unwrap_err().contains("does not exist"));

    let other = tempfile::tempdir().unwrap();
    let (path, before) = existing_inventory(other.path());
    let cancel = CancellationToken::new();
    cancel.cancel();
    let (s, _) = run_with(request(&sb, other.path(), ScanPreset::AllOrg), cancel).await;
    assert_eq!(s.unwrap_err(), "cancelled");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}
