//! The Restore tab end to end: the real engine against the in-process sandbox. Archives of three
//! demo items are inspected (checksums verified), planned (they exist: skip), then restored as
//! copies; every row ends OK with an Open link and the sandbox holds three more items.

use std::sync::Arc;
use std::time::{Duration, Instant};

use agol_backup::engine::Engine;
use agol_backup::engine::backup::BackupOptions;
use agol_backup::sandbox::{self, SandboxConfig, SandboxHandle};
use agol_backup::ui::monitor::SandboxInfo;
use agol_backup::ui::scan_tab::JobState;
use agol_backup::ui::{App, Tab};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use tokio_util::sync::CancellationToken;

use crate::engine_backup::runs::{self, ADMIN, ids_where};
use crate::ui_app::{frames, harness, log_text};

fn wait_idle(h: &mut Harness<'_, App>, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(90);
    while h.state().restore.running().is_some() {
        assert!(Instant::now() < deadline, "{what} did not end");
        std::thread::sleep(Duration::from_millis(50));
        h.run_steps(1);
    }
    frames(h);
    let log = log_text(h.state());
    assert_eq!(h.state().restore.state, JobState::Done, "{what}: {log}");
}

fn item_count(sb: &SandboxHandle) -> usize {
    sb.snapshot()["items"].as_array().unwrap().len()
}

fn statuses(h: &Harness<'_, App>) -> Vec<String> {
    h.state()
        .restore
        .rows
        .iter()
        .map(|r| r.status.clone())
        .collect()
}

#[test]
fn inspect_plan_and_restore_through_the_real_engine_against_the_sandbox() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sb = runtime
        .block_on(sandbox::start(SandboxConfig::for_tests()))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let org = sb.snapshot()["org"]["id"].clone();
    let ids: Vec<String> = ids_where(&sb, |i| {
        i["orgId"] == org && !i["type"].as_str().unwrap_or_default().contains("Service")
    })
    .into_iter()
    .take(3)
    .collect();
    let req = runs::request(&sb, ADMIN, ids, dir.path(), BackupOptions::default());
    let (summary, _, logs) = runtime.block_on(runs::run(req, CancellationToken::new()));
    assert!(summary.unwrap().all_ok(), "{logs:?}");

    let engine = Engine::start(Arc::new(|| {})).unwrap();
    let info = SandboxInfo {
        url: sb.url(),
        ca_path: sb.ca_path().display().to_string(),
        stats: None,
    };
    let mut app = App::new(engine, None, Some(info));
    app.restore.fields.inputs = dir.path().display().to_string();
    app.tab = Tab::Restore;
    let mut h = harness(app);
    frames(&mut h);

    h.get_by_label("Inspect").click();
    frames(&mut h);
    wait_idle(&mut h, "inspect");
    assert_eq!(h.state().restore.rows.len(), 3, "{}", log_text(h.state()));
    assert_eq!(h.query_all_by_label("verified").count(), 3);
    assert!(h.query_by_label_contains("3 of 3 selected").is_some());

    h.get_by_label("Plan").click();
    frames(&mut h);
    wait_idle(&mut h, "plan");
    assert_eq!(statuses(&h), ["skip", "skip", "skip"], "they exist");
    assert!(h.query_by_label_contains("Plan for").is_some());

    let before = item_count(&sb);
    h.get_by_label("Copy").click();
    frames(&mut h);
    h.get_by_label("Start restore").click();
    frames(&mut h);
    wait_idle(&mut h, "restore");
    assert_eq!(statuses(&h), ["OK", "OK", "OK"], "{}", log_text(h.state()));
    assert_eq!(h.query_all_by_label("Open").count(), 3, "a link per item");
    assert!(h.query_by_label_contains("Restore finished").is_some());
    assert_eq!(item_count(&sb), before + 3, "three copies");
}
