//! `update` in place after damage (ids unchanged, content and layer definitions back), a dry run that writes nothing,
//! a viewer without publishing rights (clear FAILED for layers), cancel. (The batch
//! `.contentexport` round trip is in `round_trip`.)

use agol_backup::engine::restore::{ConflictPolicy, RestoreOptions};
use agol_backup::engine::{EventKind, JobId, Outcome, Reporter};
use agol_backup::formats::run_report::RunItemStatus;
use tokio_util::sync::CancellationToken;

use super::runs::{backup_all, delete_all, items_by_id, json_data, restore, restore_request};
use crate::engine_backup::runs::{ADMIN, VIEWER};
use crate::support;

fn id_of(sb: &agol_backup::sandbox::SandboxHandle, title: &str) -> String {
    items_by_id(sb)
        .into_iter()
        .find(|(_, i)| i["title"] == title)
        .unwrap_or_else(|| panic!("no item {title}"))
        .0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_repairs_a_web_map_and_a_layers_resources_in_place() {
    let sb = support::demo().await;
    let dir = tempfile::tempdir().unwrap();
    backup_all(&sb, dir.path()).await;
    let map = items_by_id(&sb)
        .into_iter()
        .find(|(_, i)| i["type"] == "Web Map")
        .unwrap()
        .0;
    let good = json_data(&sb, &map).unwrap();
    let with_res = items_by_id(&sb)
        .into_iter()
        .find(|(_, i)| !i["sandbox"]["resources"].as_array().unwrap().is_empty())
        .unwrap()
        .0;
    let res_before = items_by_id(&sb)[&with_res]["sandbox"]["resources"].clone();
    // A layer's field alias edited by mistake.
    let alias = |sb: &agol_backup::sandbox::SandboxHandle| {
        sb.with_state(|st| {
            let l = &st
                .services
                .values()
                .find(|s| s.name == "Fire_Hydrants")
                .unwrap()
                .layers[0];
            l.fields.iter().map(|f| f.alias.clone()).collect::<Vec<_>>()
        })
    };
    let aliases = alias(&sb);
    sb.with_state(|st| {
        st.items.get_mut(&map).unwrap().data = agol_backup::sandbox::model::ItemData::Json(
            std::sync::Arc::new(b"{\"broken\":1}".to_vec()),
        );
        st.items.get_mut(&with_res).unwrap().resources.clear();
        let svc = st.services.get_mut("Fire_Hydrants").unwrap();
        svc.layers[0].fields[1].alias = "oops".into();
    });
    assert_ne!(alias(&sb), aliases);
    let count = items_by_id(&sb).len();

    let options = RestoreOptions {
        policy: ConflictPolicy::Update,
        ..RestoreOptions::default()
    };
    let req = restore_request(&sb, ADMIN, &[dir.path()], options);
    let (summary, _, _) = restore(req, CancellationToken::new()).await;
    let summary = summary.unwrap();
    for r in &summary.items {
        assert_eq!(r.action, "update", "{}", r.title);
        assert_eq!(r.new_id.as_deref(), Some(r.old_id.as_str()), "{}", r.title);
    }
    assert_eq!(items_by_id(&sb).len(), count, "nothing new was created");
    assert_eq!(json_data(&sb, &map).unwrap(), good);
    assert_eq!(alias(&sb), aliases, "the layer definition is repaired too");
    assert_eq!(
        items_by_id(&sb)[&with_res]["sandbox"]["resources"],
        res_before
    );
    let ok = |id: &str| {
        summary
            .items
            .iter()
            .find(|r| r.old_id == id)
            .is_some_and(|r| r.status == RunItemStatus::Ok)
    };
    assert!(ok(&map) && ok(&with_res), "{:?}", summary.items);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_plans_and_writes_nothing() {
    let sb = support::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let ids = backup_all(&sb, dir.path()).await;
    let parcels = id_of(&sb, "Parcels");
    delete_all(&sb, std::slice::from_ref(&parcels));
    let before = sb.snapshot()["items"].clone();
    let options = RestoreOptions {
        dry_run: true,
        ..RestoreOptions::default()
    };
    let req = restore_request(&sb, ADMIN, &[dir.path()], options);
    let (summary, rows, _) = restore(req, CancellationToken::new()).await;
    let summary = summary.unwrap();
    assert!(summary.items.is_empty() && summary.report.is_none());
    assert_eq!(summary.plan.items.len(), ids.len());
    assert_eq!(rows[&parcels], "create");
    assert_eq!(
        rows.values().filter(|s| *s == "skip").count(),
        ids.len() - 1
    );
    // Layers come before the maps and apps that need them.
    let level = |id: &str| {
        summary
            .plan
            .items
            .iter()
            .find(|p| p.old_id == id)
            .unwrap()
            .level
    };
    let view = id_of(&sb, "Parcels (public view)");
    assert!(level(&view) > level(&parcels));
    assert_eq!(sb.snapshot()["items"], before);
    assert!(
        !std::fs::read_dir(dir.path()).unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with("restore-report")),
        "a dry run writes no report"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_gets_a_clear_failure_for_layers() {
    let sb = support::demo().await;
    let dir = tempfile::tempdir().unwrap();
    backup_all(&sb, dir.path()).await;
    let parcels = id_of(&sb, "Parcels");
    delete_all(&sb, std::slice::from_ref(&parcels));
    let mut req = restore_request(&sb, VIEWER, &[dir.path()], RestoreOptions::default());
    req.items = Some(vec![parcels.clone()]);
    let (summary, _, _) = restore(req, CancellationToken::new()).await;
    let summary = summary.unwrap();
    let r = &summary.items[0];
    assert_eq!(r.status, RunItemStatus::Failed, "{r:?}");
    assert!(
        r.reason.contains("privilege") || r.reason.contains("403"),
        "{}",
        r.reason
    );
    assert!(!items_by_id(&sb).values().any(|i| i["title"] == "Parcels"));
    assert!(
        !items_by_id(&sb)
            .values()
            .any(|i| i["title"].as_str().unwrap_or("").contains("restore upload")),
        "no temporary upload is left behind"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_stops_and_leaves_nothing_half_made() {
    let sb = support::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let ids = backup_all(&sb, dir.path()).await;
    delete_all(&sb, &ids);
    let cancel = CancellationToken::new();
    let req = restore_request(&sb, ADMIN, &[dir.path()], RestoreOptions::default());
    let (tx, rx) = std::sync::mpsc::channel();
    let reporter = Reporter::headless(JobId(9), tx);
    let job = tokio::spawn(agol_backup::engine::restore::run(
        req,
        reporter,
        cancel.clone(),
    ));
    // Cancel as soon as the first item is restored.
    let watcher = tokio::task::spawn_blocking(move || {
        while let Ok(e) = rx.recv() {
            if matches!(&e.kind, EventKind::Row { status, .. } if status == "OK") {
                cancel.cancel();
                break;
            }
        }
    });
    let outcome = job.await.unwrap().unwrap();
    watcher.await.unwrap();
    let Outcome::Restore(summary) = outcome else {
        panic!("not a restore")
    };
    assert!(summary.cancelled);
    let done: Vec<_> = summary
        .items
        .iter()
        .filter(|r| r.new_id.is_some())
        .collect();
    assert!(
        !done.is_empty() && done.len() < ids.len(),
        "{:?}",
        summary.items
    );
    assert!(
        summary
            .items
            .iter()
            .filter(|r| r.new_id.is_none())
            .all(|r| r.status == RunItemStatus::Skipped)
    );
    // Everything on the target is a whole restored item, listed in the summary.
    let org = sb.snapshot()["org"]["id"].clone();
    for (id, i) in items_by_id(&sb) {
        if i["orgId"] == org && !ids.contains(&id) {
            assert!(
                done.iter()
                    .any(|r| r.new_id.as_deref() == Some(id.as_str())),
                "{} ({id}) is not in the summary",
                i["title"]
            );
        }
    }
    assert!(summary.report.unwrap().is_file());
}
