//! The Restore tab driven through AccessKit with egui_kittest: picking files (the path field,
//! files dropped on the window), what Inspect found shown, selecting, Plan sending a dry run of
//! exactly the selected ids, Start restore sending the real run (confirmed first when it updates in
//! place), the plan table, live status and links from the engine's events, Cancel, remembered
//! settings; and inspect + plan + restore through the real engine against the sandbox.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::Sender;

use agol_backup::engine::backup::RunItemStatus;
use agol_backup::engine::restore::source::{InputListing, ListedItem, SourceFormat};
use agol_backup::engine::restore::{
    ConflictPolicy, PlannedAction, PlannedItem, RestorePlan, RestoreRequest, RestoreSummary,
    RestoredItem,
};
use agol_backup::engine::{Command, Event, EventKind, JobId, Outcome, Progress};
use agol_backup::formats::archive::ItemStatus;
use agol_backup::ui::scan_tab::JobState;
use agol_backup::ui::{App, Tab};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use crate::ui_app::{Commands, fake_engine, frames, harness, log_text, send, signed_in_app};

const LAYER: &str = "0123456789abcdef0123456789abcd01";
const MAP: &str = "0123456789abcdef0123456789abcd02";
const APP: &str = "0123456789abcdef0123456789abcd03";

fn listed(id: &str, title: &str, item_type: &str, deps: &[&str]) -> ListedItem {
    ListedItem {
        id: id.into(),
        title: title.into(),
        item_type: item_type.into(),
        size: 123_456,
        dependencies: deps.iter().map(|d| d.to_string()).collect(),
        status: ItemStatus::Complete,
        files: vec![("item.json".into(), 2_000)],
    }
}

/// Two files: a package holding a layer and a map, an archive of an app with a bad checksum.
fn listings(dir: &Path) -> Vec<InputListing> {
    vec![
        InputListing {
            path: dir.join("batch.contentexport"),
            format: Some(SourceFormat::ContentExport),
            items: vec![
                listed(LAYER, "Roads layer", "Feature Service", &[]),
                listed(MAP, "Roads map", "Web Map", &[LAYER]),
            ],
            verified: Some(true),
            problems: Vec::new(),
            readable: true,
            description: "agol-backup package".into(),
            warnings: vec!["renamed package: top folder batch".into()],
            not_included: Vec::new(),
            checked: Some((10, 1000)),
        },
        InputListing {
            path: dir.join("app.zip"),
            format: Some(SourceFormat::Archive),
            items: vec![listed(APP, "Roads app", "Web Mapping Application", &[MAP])],
            verified: Some(false),
            problems: vec!["data/data.json: checksum mismatch".into()],
            readable: true,
            description: "agol-backup archive".into(),
            warnings: Vec::new(),
            not_included: vec!["abc Old app (type not supported)".into()],
            checked: Some((5, 500)),
        },
    ]
}

type Window = (Harness<'static, App>, Commands, Sender<Event>);

/// A signed-in window on the Restore tab with the backup folder in the path field.
fn restore_window(dir: &Path) -> Window {
    let (engine, cmds, events) = fake_engine();
    let mut app = signed_in_app(engine, dir);
    app.restore.fields.inputs = dir.display().to_string();
    let mut h = harness(app);
    frames(&mut h);
    h.get_by_label("Restore").click();
    frames(&mut h);
    assert_eq!(h.state().tab, Tab::Restore);
    assert!(h.query_by_label("Start restore").is_some());
    h.get_by_label("Sign in").click();
    frames(&mut h);
    (h, cmds, events)
}

/// Inspect, answered with [`listings`].
fn inspect(w: &mut Window, dir: &Path) {
    let (h, cmds, events) = w;
    h.get_by_label("Inspect").click();
    frames(h);
    let (job, command) = cmds.try_recv().expect("inspect sent");
    let Command::Inspect(paths) = command else {
        panic!("expected an inspect, got {command:?}")
    };
    assert_eq!(paths, [dir.to_path_buf()]);
    assert!(h.query_by_label_contains("Reading the files").is_some());
    send(
        events,
        job,
        EventKind::Finished(Ok(Outcome::Inspect(listings(dir)))),
    );
    frames(h);
}

fn restore_request(cmds: &mut Commands) -> (JobId, RestoreRequest) {
    let (job, command) = cmds.try_recv().expect("a command was sent");
    match command {
        Command::Restore(r) => (job, *r),
        other => panic!("expected a restore, got {other:?}"),
    }
}

fn planned(id: &str, title: &str, action: PlannedAction, level: usize) -> PlannedItem {
    PlannedItem {
        old_id: id.into(),
        title: title.into(),
        item_type: "Web Map".into(),
        source: PathBuf::from("batch.contentexport"),
        action,
        folder: Some("Restored".into()),
        owner: "admin".into(),
        level,
        rewrites: vec![LAYER.into()],
        warnings: vec!["group Planning does not exist on the target".into()],
    }
}

fn summary(items: Vec<RestoredItem>, report: Option<PathBuf>) -> Outcome {
    Outcome::Restore(Box::new(RestoreSummary {
        plan: RestorePlan {
            target_portal: "http://127.0.0.1:9/portal".into(),
            items: vec![planned(MAP, "Roads map", PlannedAction::Create, 1)],
            warnings: Vec::new(),
        },
        items,
        report,
        cancelled: false,
    }))
}

fn row(events: &Sender<Event>, job: JobId, id: &str, status: &str) {
    let kind = EventKind::Row {
        id: id.into(),
        title: "Roads map".into(),
        item_type: "Web Map".into(),
        status: status.into(),
    };
    send(events, job, kind);
}

fn status_of(h: &Harness<'_, App>, id: &str) -> String {
    let rows = &h.state().restore.rows;
    rows.iter().find(|r| r.id == id).unwrap().status.clone()
}

#[test]
fn inspect_shows_the_files_and_plan_sends_a_dry_run_of_the_selected_ids() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = restore_window(dir.path());
    assert!(h_has(
        &w.0,
        "Cannot start: pick backup files that hold items"
    ));
    inspect(&mut w, dir.path());
    let (h, cmds, events) = &mut w;
    for text in [
        "batch.contentexport",
        "verified",
        "MISMATCH",
        "data/data.json: checksum mismatch",
        "renamed package: top folder batch",
        "not included: abc Old app (type not supported)",
        "Roads layer",
        "Roads app",
        "3 of 3 selected",
        "123.5 KB",
        "1 item(s)",
    ] {
        assert!(h_has(h, text), "{text} shown");
    }
    assert!(log_text(h.state()).contains("checksum mismatch"));

    h.get_by_label("Select none").click();
    frames(h);
    assert!(h_has(h, "Cannot start: select at least one item"));
    h.get_by_label("Plan").click();
    frames(h);
    assert!(cmds.try_recv().is_err(), "Plan is disabled");
    h.get_by_label("Select Roads map").click();
    h.get_by_label("Select Roads app").click();
    h.state_mut().restore.fields.target_folder = " Restored ".into();
    h.get_by_label("Keep metadata").click();
    frames(h);
    assert!(h_has(h, "2 of 3 selected"));

    h.get_by_label("Plan").click();
    frames(h);
    let (job, request) = restore_request(cmds);
    assert_eq!(request.items, Some(vec![MAP.to_string(), APP.to_string()]));
    assert_eq!(
        request.inputs,
        [
            dir.path().join("batch.contentexport"),
            dir.path().join("app.zip")
        ]
    );
    let o = &request.options;
    assert!(o.dry_run);
    assert_eq!(o.policy, ConflictPolicy::Skip);
    assert!(!o.keep_metadata && o.sharing);
    assert_eq!(o.target_folder.as_deref(), Some("Restored"));
    assert!(h_has(h, "Planning…"));

    row(events, job, MAP, "create");
    frames(h);
    assert_eq!(status_of(h, MAP), "create");
    send(
        events,
        job,
        EventKind::Finished(Ok(summary(Vec::new(), None))),
    );
    frames(h);
    assert!(h_has(h, "Plan finished"));
    assert!(h_has(h, "Plan for http://127.0.0.1:9/portal"));
    assert!(h_has(h, "group Planning does not exist on the target"));
    assert!(h_has(h, "1 id(s)"), "rewrites");
    assert!(log_text(h.state()).contains("plan: 1 item(s), nothing written"));
}

fn h_has(h: &Harness<'_, App>, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

#[test]
fn restore_sends_the_real_run_and_shows_live_status_and_links() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = restore_window(dir.path());
    inspect(&mut w, dir.path());
    let (h, cmds, events) = &mut w;
    h.get_by_label("Copy").click();
    frames(h);
    h.get_by_label("Start restore").click();
    frames(h);
    let (job, request) = restore_request(cmds);
    assert!(!request.options.dry_run);
    assert_eq!(request.options.policy, ConflictPolicy::Copy);
    assert_eq!(request.items.as_ref().map(Vec::len), Some(3));
    assert!(h_has(h, "Restoring…"));
    h.get_by_label("Plan").click();
    frames(h);
    assert!(cmds.try_recv().is_err(), "one job at a time");

    send(
        events,
        job,
        EventKind::Progress(Progress {
            done: 1,
            total: Some(3),
            message: "level 1 of 3".into(),
        }),
    );
    for (id, status) in [
        (LAYER, "copy"),
        (MAP, "copy"),
        (APP, "copy"),
        (LAYER, "OK"),
        (MAP, "PARTIAL"),
    ] {
        row(events, job, id, status);
    }
    frames(h);
    assert_eq!(status_of(h, LAYER), "OK");
    assert_eq!(status_of(h, MAP), "PARTIAL");
    assert_eq!(status_of(h, APP), "copy");
    assert!(h_has(h, "1 / 3 (33 %)"));
    assert!(h_has(h, "2 items (OK 1, PARTIAL 1)"));

    let done = |id: &str, status, reason: &str| RestoredItem {
        old_id: id.into(),
        new_id: Some(format!("new{id}")),
        title: "t".into(),
        item_type: "Web Map".into(),
        action: "copy".into(),
        status,
        reason: reason.into(),
        item_page: Some(format!(
            "http://127.0.0.1:9/portal/home/item.html?id=new{id}"
        )),
        seconds: 0.1,
    };
    let items = vec![
        done(LAYER, RunItemStatus::Ok, ""),
        done(
            MAP,
            RunItemStatus::Partial,
            "layer Roads: 10 of 12 features",
        ),
        done(APP, RunItemStatus::Failed, "addItem refused"),
    ];
    let report = dir.path().join("restore-report.json");
    send(
        events,
        job,
        EventKind::Finished(Ok(summary(items, Some(report)))),
    );
    frames(h);
    assert_eq!(status_of(h, APP), "FAILED", "the outcome has the last word");
    assert!(h_has(h, "Restore finished"));
    assert_eq!(
        h.query_all_by_label("Open").count(),
        3,
        "a link per restored item"
    );
    let log = log_text(h.state());
    assert!(
        log.contains("10 of 12 features") && log.contains("addItem refused"),
        "{log}"
    );
    assert!(
        log.contains("restore: 1 OK, 1 PARTIAL, 1 FAILED, 0 SKIPPED"),
        "{log}"
    );
}

#[test]
fn update_asks_first_and_cancel_stops_the_job() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = restore_window(dir.path());
    inspect(&mut w, dir.path());
    let (h, cmds, events) = &mut w;
    h.get_by_label("Update in place").click();
    frames(h);
    h.get_by_label("Start restore").click();
    frames(h);
    assert!(cmds.try_recv().is_err(), "nothing sent before the answer");
    assert!(h_has(h, "Update existing items in place?"));
    h.get_by_label("Back").click();
    frames(h);
    assert!(cmds.try_recv().is_err());
    assert!(!h_has(h, "Update existing items in place?"));

    h.get_by_label("Start restore").click();
    frames(h);
    h.get_by_label("Update items").click();
    frames(h);
    let (job, request) = restore_request(cmds);
    assert_eq!(request.options.policy, ConflictPolicy::Update);
    assert!(!request.options.dry_run);

    h.get_by_label("Cancel").click();
    frames(h);
    let (_, command) = cmds.try_recv().expect("cancel sent");
    assert!(
        matches!(command, Command::Cancel(j) if j == job),
        "{command:?}"
    );
    send(events, job, EventKind::Finished(Err("cancelled".into())));
    frames(h);
    assert_eq!(h.state().restore.state, JobState::Cancelled);
    assert!(h_has(h, "Restore cancelled"));
    assert!(h.query_by_label("Cancel").is_none());
}

#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn files_dropped_on_the_window_open_the_restore_tab_and_are_inspected() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, mut cmds, _events) = fake_engine();
    let mut h = harness(signed_in_app(engine, dir.path()));
    frames(&mut h);
    assert_eq!(h.state().tab, Tab::Scan);
    let files = [dir.path().join("a.zip"), dir.path().join("b.contentexport")];
    for f in &files {
        h.input_mut()
            .dropped_files
            .push(Arc::new(Dropped(f.clone())));
    }
    h.run_steps(1);
    frames(&mut h);
    assert_eq!(h.state().tab, Tab::Restore);
    let (_, command) = cmds
        .try_recv()
        .unwrap_or_else(|e| panic!("inspect sent: {e} {}", log_text(h.state())));
    assert!(
        matches!(&command, Command::Inspect(p) if p == &files),
        "{command:?}"
    );
    assert!(h.state().restore.fields.inputs.contains("b.contentexport"));
}

#[test]
fn restore_settings_are_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    {
        let (engine, _cmds, _events) = fake_engine();
        let mut app = App::new(engine, Some(path.clone()), None);
        app.restore.fields.inputs = "/backups/one.zip; /backups/two.zip".into();
        app.restore.set_policy(ConflictPolicy::Copy);
        app.restore.fields.sharing = false;
        app.restore.fields.target_folder = "Restored".into();
        app.save_settings(true);
    }
    let (engine, _cmds, _events) = fake_engine();
    let app = App::new(engine, Some(path), None);
    assert_eq!(
        app.restore.input_paths(),
        [
            PathBuf::from("/backups/one.zip"),
            PathBuf::from("/backups/two.zip")
        ]
    );
    assert_eq!(app.restore.policy(), ConflictPolicy::Copy);
    assert!(!app.restore.fields.sharing);
    assert_eq!(app.restore.fields.target_folder, "Restored");
}
