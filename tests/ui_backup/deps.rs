//! The Backup tab's mode radio buttons and dependency view with a fake engine: the chosen mode
//! is sent and remembered; "Show dependencies" sends a dependency job for the selection, a
//! spinner shows while it runs, the rows of an injected `Outcome::Dependencies` are listed with
//! whether each is selected, and "Add dependencies to selection" checks the missing ones; and
//! the view through the real engine against the in-process sandbox.

use agol_backup::engine::backup::BackupMode;
use agol_backup::engine::deps::{DependencyReport, ItemDependencies, RelatedItem};
use std::sync::Arc;
use std::time::{Duration, Instant};

use agol_backup::engine::{Command, Engine, EventKind, Outcome};
use agol_backup::sandbox::{self, SandboxConfig};
use agol_backup::ui::monitor::SandboxInfo;
use agol_backup::ui::{App, Tab};
use egui_kittest::kittest::Queryable;

use super::{PARCELS, ROADS, ROADS_2, ZONING, backup_window, selected, sign_in_and_load, start};
use crate::ui_app::{frames, harness, log_text, send};

/// A layer the Parcels map needs that the loaded CSV does not hold.
const HYDRANTS: &str = "0123456789abcdef0123456789abcd05";
/// A basemap outside the organisation.
const TOPO: &str = "7dc6cea0b1764a1f9af2e679f642f0f5";

fn related(id: &str, title: &str, item_type: &str, direct: bool, local: bool) -> RelatedItem {
    RelatedItem {
        id: id.into(),
        title: title.into(),
        item_type: item_type.into(),
        direct,
        local,
    }
}

/// Parcels map needs Roads layer (direct), Hydrants (indirect) and the basemap (outside);
/// Roads 2024 needs the Parcels map.
fn report() -> DependencyReport {
    DependencyReport {
        items: vec![ItemDependencies {
            item: related(PARCELS, "Parcels map", "Web Map", true, true),
            needs: vec![
                related(HYDRANTS, "Hydrants", "Feature Service", false, true),
                related(ROADS, "Roads layer", "Feature Service", true, true),
                related(TOPO, "", "", true, false),
            ],
            needed_by: vec![related(ROADS_2, "Roads 2024", "Web Map", true, true)],
        }],
    }
}

#[test]
fn the_mode_radio_is_sent_and_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let (mut h, mut cmds, _events) = backup_window(dir.path());
    for help in [
        "one ZIP archive per item, with a manifest of checksums",
        "one .contentexport package per selected item",
        "one .contentexport package holding every selected item",
    ] {
        assert!(h.query_by_label_contains(help).is_some(), "{help}");
    }
    sign_in_and_load(&mut h);
    h.get_by_label("OCM batch").click();
    frames(&mut h);
    assert_eq!(h.state().backup.fields.mode, "ocm_batch");
    h.get_by_label("Start backup").click();
    frames(&mut h);
    let (_, command) = cmds.try_recv().expect("a backup was sent");
    let Command::Backup(request) = command else {
        panic!("expected a backup, got {command:?}")
    };
    assert_eq!(request.options.mode, BackupMode::OcmBatch);
    assert_eq!(h.state().backup.options().mode, BackupMode::OcmBatch);
}

#[test]
fn the_dependency_view_lists_an_answer_and_adds_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut h, mut cmds, events) = backup_window(dir.path());
    sign_in_and_load(&mut h);
    h.get_by_label("Select Roads layer").click();
    h.get_by_label("Select Roads 2024").click();
    frames(&mut h);
    assert_eq!(selected(&h), [PARCELS, ZONING]);

    h.get_by_label("Dependency view").click();
    frames(&mut h);
    h.get_by_label("Show dependencies").click();
    frames(&mut h);
    let (job, command) = cmds.try_recv().expect("a dependency job was sent");
    let Command::Dependencies(request) = command else {
        panic!("expected a dependency job, got {command:?}")
    };
    assert_eq!(request.items, [PARCELS, ZONING]);
    assert_eq!(request.candidates, [PARCELS, ROADS, ZONING, ROADS_2]);
    assert!(
        h.query_by_label("reading…").is_some(),
        "spinner while reading"
    );
    assert!(
        h.state().backup.running().is_none(),
        "a backup can still start"
    );

    send(
        &events,
        job,
        EventKind::Finished(Ok(Outcome::Dependencies(Box::new(report())))),
    );
    frames(&mut h);
    assert!(h.query_by_label("reading…").is_none());
    assert!(h.query_by_label_contains("Parcels map (Web Map)").is_some());
    for row in [
        "Hydrants · Feature Service · not selected · indirect",
        "Roads layer · Feature Service · not selected",
        "7dc6cea0b1764a1f9af2e679f642f0f5 · unavailable",
        "Roads 2024 · Web Map · not selected",
    ] {
        assert!(h.query_by_label(row).is_some(), "{row}");
    }

    h.get_by_label("Add dependencies to selection (2)").click();
    frames(&mut h);
    assert_eq!(selected(&h), [PARCELS, ROADS, ZONING, HYDRANTS]);
    assert_eq!(h.state().backup.table.rows().len(), 5, "Hydrants added");
    assert!(
        h.query_by_label("Hydrants · Feature Service · selected · indirect")
            .is_some()
    );
    assert!(
        h.query_by_label("Roads 2024 · Web Map · not selected")
            .is_some(),
        "what needs an item is not added"
    );
    assert!(log_text(h.state()).contains("2 dependencies added to the selection"));
    assert!(h.query_by_label_contains("selection changed").is_some());

    // The view's job does not disturb the backup job's state.
    let backup = start(&mut h, &mut cmds);
    assert_ne!(backup, job);
}

#[test]
fn the_dependency_view_through_the_real_engine_shows_the_parcel_apps_needs() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sb = runtime
        .block_on(sandbox::start(SandboxConfig::for_tests()))
        .unwrap();
    let snap = sb.snapshot();
    let org = snap["org"]["id"].clone();
    let rows: Vec<String> = snap["items"]
        .as_array()
        .unwrap()
        .iter()
        // Titles in other scripts need fonts the test harness does not load.
        .filter(|i| i["orgId"] == org && i["title"].as_str().unwrap().is_ascii())
        .map(|i| format!("{},{},{}", i["id"].as_str().unwrap(), i["title"], i["type"]))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("org.csv");
    std::fs::write(&csv, format!("id,title,type\n{}\n", rows.join("\n"))).unwrap();
    let engine = Engine::start(Arc::new(|| {})).unwrap();
    let info = SandboxInfo {
        url: sb.url(),
        ca_path: sb.ca_path().display().to_string(),
        stats: None,
    };
    let mut app = App::new(engine, None, Some(info));
    app.backup.fields.source = csv.display().to_string();
    app.tab = Tab::Backup;
    let mut h = harness(app);
    frames(&mut h);
    h.get_by_label("Load").click();
    frames(&mut h);
    h.get_by_label("Select none").click();
    frames(&mut h);
    h.state_mut().backup.table.filter = "Parcel Lookup".into();
    frames(&mut h);
    h.get_by_label("Select all").click();
    frames(&mut h);
    h.state_mut().backup.table.filter.clear();
    h.get_by_label("Dependency view").click();
    frames(&mut h);
    h.get_by_label("Show dependencies").click();
    frames(&mut h);
    let deadline = Instant::now() + Duration::from_secs(60);
    while h.state().backup.deps.job.is_some() {
        assert!(
            Instant::now() < deadline,
            "the dependency view did not finish"
        );
        std::thread::sleep(Duration::from_millis(50));
        h.run_steps(1);
    }
    frames(&mut h);
    let log = log_text(h.state());
    for row in [
        "Riverton Parcel Viewer · Web Map · not selected",
        "Parcels (public view) · Feature Service · not selected · indirect",
        "Parcels · Feature Service · not selected · indirect",
    ] {
        assert!(h.query_by_label(row).is_some(), "{row}: {log}");
    }
    h.get_by_label("Add dependencies to selection (3)").click();
    frames(&mut h);
    assert_eq!(h.state().backup.table.selected_count(), 4);
    assert!(
        h.query_by_label("Riverton Parcel Viewer · Web Map · selected")
            .is_some()
    );
}
