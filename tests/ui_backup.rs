//! The Backup tab driven through AccessKit with egui_kittest: loading a CSV, selecting (all,
//! none, filtered, one by one), Start sending exactly the selected ids and chosen options, live
//! status and progress from the engine's events, Cancel, Verify, remembered settings; and one
//! backup through the real engine against the in-process sandbox. `deps`: the mode radio
//! buttons and the dependency view.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use agol_backup::engine::backup::{BackupOptions, BackupSummary};
use agol_backup::engine::{Command, Engine, EventKind, JobId, Outcome, Progress};
use agol_backup::sandbox::{self, SandboxConfig};
use agol_backup::ui::monitor::SandboxInfo;
use agol_backup::ui::scan_tab::JobState;
use agol_backup::ui::{App, Tab};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use crate::ui_app::{Commands, fake_engine, frames, harness, log_text, send, signed_in_app};

mod deps;

const PARCELS: &str = "0123456789abcdef0123456789abcd01";
const ROADS: &str = "0123456789abcdef0123456789abcd02";
const ZONING: &str = "0123456789abcdef0123456789abcd03";
const ROADS_2: &str = "0123456789abcdef0123456789abcd04";

/// A selection CSV with four items and one id Excel damaged.
fn write_csv(dir: &Path) -> PathBuf {
    let path = dir.join("selection.csv");
    let text = format!(
        "id,title,type\n{PARCELS},Parcels map,Web Map\n{ROADS},Roads layer,Feature Service\n\
         {ZONING},Zoning,PDF\n1.23E+31,Broken,PDF\n{ROADS_2},Roads 2024,Web Map\n"
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// A signed-in window on the Backup tab with the CSV's path and a destination filled in.
fn backup_window(
    dir: &Path,
) -> (
    Harness<'static, App>,
    Commands,
    std::sync::mpsc::Sender<agol_backup::engine::Event>,
) {
    let (engine, cmds, events) = fake_engine();
    let mut app = signed_in_app(engine, dir);
    app.backup.fields.source = write_csv(dir).display().to_string();
    app.backup.fields.destination = dir.join("backups").display().to_string();
    let mut h = harness(app);
    frames(&mut h);
    h.get_by_label("Backup").click();
    frames(&mut h);
    assert_eq!(h.state().tab, Tab::Backup);
    (h, cmds, events)
}

fn selected(h: &Harness<'_, App>) -> Vec<String> {
    h.state().backup.table.selected_ids()
}

fn sign_in_and_load(h: &mut Harness<'_, App>) {
    h.get_by_label("Sign in").click();
    frames(h);
    h.get_by_label("Load").click();
    frames(h);
    assert_eq!(h.state().backup.table.rows().len(), 4);
}

/// Starts a backup of everything loaded; returns its job.
fn start(h: &mut Harness<'_, App>, cmds: &mut Commands) -> JobId {
    h.get_by_label("Start backup").click();
    frames(h);
    let (job, command) = cmds.try_recv().expect("a command was sent");
    assert!(matches!(command, Command::Backup(_)), "{command:?}");
    job
}

fn status_of(h: &Harness<'_, App>, id: &str) -> String {
    let rows = h.state().backup.table.rows();
    rows.iter().find(|r| r.id == id).unwrap().status.clone()
}

fn summary(cancelled: bool) -> Outcome {
    Outcome::Backup(BackupSummary {
        items: Vec::new(),
        report: PathBuf::from("report.json"),
        cancelled,
    })
}

#[test]
fn load_select_and_start_send_exactly_the_selected_ids_and_options() {
    let dir = tempfile::tempdir().unwrap();
    let (mut h, mut cmds, _events) = backup_window(dir.path());
    assert!(
        h.query_by_label_contains("Cannot start: sign in first")
            .is_some()
    );
    assert!(h.query_by_label_contains(STANDARD_HELP).is_some());

    sign_in_and_load(&mut h);
    assert!(h.query_by_label("Parcels map").is_some());
    assert!(h.query_by_label_contains("4 of 4 selected").is_some());
    assert!(
        log_text(h.state()).contains("1.23E+31"),
        "invalid id reported"
    );

    h.get_by_label("Select none").click();
    frames(&mut h);
    assert!(selected(&h).is_empty());
    assert!(h.query_by_label_contains("0 of 4 selected").is_some());
    assert!(
        h.query_by_label_contains("Cannot start: select at least one item")
            .is_some()
    );
    h.get_by_label("Start backup").click();
    frames(&mut h);
    assert!(cmds.try_recv().is_err(), "Start is disabled");

    // Select all acts on the rows the filter shows.
    h.state_mut().backup.table.filter = "roads".into();
    frames(&mut h);
    assert!(h.query_by_label("Parcels map").is_none());
    h.get_by_label("Select all").click();
    frames(&mut h);
    assert_eq!(selected(&h), [ROADS, ROADS_2]);
    h.state_mut().backup.table.filter.clear();
    frames(&mut h);
    h.get_by_label("Select Zoning").click();
    frames(&mut h);
    assert!(h.query_by_label_contains("3 of 4 selected").is_some());

    h.state_mut().backup.fields.workers = 7;
    for switch in ["Thumbnails", "Export hosted layers (FGDB)", "Incremental"] {
        h.get_by_label(switch).click();
    }
    frames(&mut h);
    h.get_by_label("Start backup").click();
    frames(&mut h);
    let (job, command) = cmds.try_recv().expect("a backup was sent");
    let Command::Backup(request) = command else {
        panic!("expected a backup, got {command:?}")
    };
    assert_eq!(request.items, [ROADS, ZONING, ROADS_2], "file order");
    assert_eq!(request.destination, dir.path().join("backups"));
    assert!(request.destination.is_dir(), "destination created");
    let expected = BackupOptions {
        workers: 7,
        thumbnails: false,
        export_data: false,
        incremental: true,
        ..BackupOptions::default()
    };
    assert_eq!(request.options, expected);
    assert_eq!(h.state().backup.state, JobState::Running(job));
    assert!(h.query_by_label("Cancel").is_some());
    assert!(h.query_by_label_contains("Backing up").is_some());
}

const STANDARD_HELP: &str = "one ZIP archive per item, with a manifest of checksums";

#[test]
fn rows_fill_the_status_column_progress_shows_and_cancel_stops_the_job() {
    let dir = tempfile::tempdir().unwrap();
    let (mut h, mut cmds, events) = backup_window(dir.path());
    sign_in_and_load(&mut h);
    let job = start(&mut h, &mut cmds);
    let message = "1 of 4 items, 1.2 MB, 2 in flight, about 3s left";
    send(
        &events,
        job,
        EventKind::Progress(Progress {
            done: 1,
            total: Some(4),
            message: message.into(),
        }),
    );
    for (id, status) in [(PARCELS, "OK"), (ROADS, "PARTIAL"), (ZONING, "FAILED")] {
        send(
            &events,
            job,
            EventKind::Row {
                id: id.into(),
                title: "ignored".into(),
                item_type: "Web Map".into(),
                status: status.into(),
            },
        );
    }
    frames(&mut h);
    assert_eq!(status_of(&h, PARCELS), "OK");
    assert_eq!(status_of(&h, ZONING), "FAILED");
    assert_eq!(status_of(&h, ROADS_2), "");
    assert!(h.query_by_label("PARTIAL").is_some());
    assert!(h.query_by_label_contains(message).is_some());
    assert!(h.query_by_label_contains("1 / 4 (25 %)").is_some());
    assert!(
        h.query_by_label_contains("3 items (FAILED 1, OK 1, PARTIAL 1)")
            .is_some()
    );

    h.get_by_label("Cancel").click();
    frames(&mut h);
    let (cancelled, command) = cmds.try_recv().expect("cancel sent");
    assert!(matches!(command, Command::Cancel(j) if j == job));
    assert_eq!(cancelled, job);
    send(
        &events,
        job,
        EventKind::Row {
            id: ROADS_2.into(),
            title: ROADS_2.into(),
            item_type: String::new(),
            status: "SKIPPED".into(),
        },
    );
    send(&events, job, EventKind::Finished(Ok(summary(true))));
    frames(&mut h);
    assert_eq!(status_of(&h, ROADS_2), "SKIPPED");
    assert_eq!(h.state().backup.state, JobState::Cancelled);
    assert!(h.query_by_label_contains("Backup cancelled").is_some());
    assert!(h.query_by_label("Cancel").is_none());
}

#[test]
fn verify_checks_the_destination_and_updates_the_status_column() {
    let dir = tempfile::tempdir().unwrap();
    let (mut h, mut cmds, events) = backup_window(dir.path());
    sign_in_and_load(&mut h);
    let job = start(&mut h, &mut cmds);
    send(&events, job, EventKind::Finished(Ok(summary(false))));
    frames(&mut h);
    assert!(h.query_by_label_contains("Backup finished").is_some());

    h.get_by_label("Verify archives").click();
    frames(&mut h);
    let (verify, command) = cmds.try_recv().expect("verify sent");
    let Command::Verify(paths) = command else {
        panic!("expected a verify, got {command:?}")
    };
    assert_eq!(paths, [dir.path().join("backups")]);
    assert!(h.query_by_label_contains("Verifying").is_some());
    for (id, status) in [
        (PARCELS, "VERIFIED"),
        (ROADS, "DAMAGED"),
        (ROADS, "VERIFIED"),
        ("old.zip", "UNREADABLE"),
    ] {
        send(
            &events,
            verify,
            EventKind::Row {
                id: id.into(),
                title: id.into(),
                item_type: String::new(),
                status: status.into(),
            },
        );
    }
    send(
        &events,
        verify,
        EventKind::Finished(Ok(Outcome::Verify(Vec::new()))),
    );
    frames(&mut h);
    assert_eq!(status_of(&h, PARCELS), "VERIFIED");
    assert_eq!(
        status_of(&h, ROADS),
        "DAMAGED",
        "a damaged archive stays visible"
    );
    assert_eq!(
        h.state().backup.table.rows().len(),
        4,
        "other archives only count"
    );
    assert!(h.query_by_label_contains("Verification finished").is_some());
    assert!(h.query_by_label_contains("UNREADABLE 1").is_some());
}

#[test]
fn backup_settings_are_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    let csv = write_csv(dir.path()).display().to_string();
    {
        let (engine, _cmds, _events) = fake_engine();
        let mut app = App::new(engine, Some(path.clone()), None);
        app.backup.fields.source = csv.clone();
        app.backup.fields.destination = "/somewhere/else".into();
        app.backup.fields.workers = 12;
        app.backup.fields.with_dependencies = true;
        app.backup.fields.mode = "ocm_per_item".into();
        app.save_settings(true);
    }
    let (engine, _cmds, _events) = fake_engine();
    let app = App::new(engine, Some(path), None);
    let f = &app.backup.fields;
    assert_eq!(
        (f.source.as_str(), f.destination.as_str()),
        (csv.as_str(), "/somewhere/else")
    );
    assert_eq!(f.workers, 12);
    assert!(f.with_dependencies);
    assert_eq!(f.mode, "ocm_per_item");
    assert_eq!(
        app.backup.table.rows().len(),
        4,
        "the remembered CSV is loaded"
    );
}

/// Up to three demo items that are not hosted services (quick to back up).
fn demo_ids(sb: &agol_backup::sandbox::SandboxHandle) -> Vec<String> {
    let snap = sb.snapshot();
    let org = snap["org"]["id"].clone();
    snap["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["orgId"] == org && !i["type"].as_str().unwrap().contains("Service"))
        .take(3)
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

fn wait_idle(h: &mut Harness<'_, App>, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(90);
    while h.state().backup.running().is_some() {
        assert!(Instant::now() < deadline, "{what} did not end");
        std::thread::sleep(Duration::from_millis(50));
        h.run_steps(1);
    }
    frames(h);
}

#[test]
fn a_backup_through_the_real_engine_against_the_sandbox_shows_ok_rows() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sb = runtime
        .block_on(sandbox::start(SandboxConfig::for_tests()))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ids = demo_ids(&sb);
    assert_eq!(ids.len(), 3);
    let csv = dir.path().join("ids.csv");
    std::fs::write(&csv, format!("id\n{}\n", ids.join("\n"))).unwrap();
    let dest = dir.path().join("backups");
    let engine = Engine::start(Arc::new(|| {})).unwrap();
    let info = SandboxInfo {
        url: sb.url(),
        ca_path: sb.ca_path().display().to_string(),
        stats: None,
    };
    let mut app = App::new(engine, None, Some(info));
    assert!(
        app.bar.connection.is_some(),
        "sandbox mode signs in as admin"
    );
    app.backup.fields.source = csv.display().to_string();
    app.backup.fields.destination = dest.display().to_string();
    app.tab = Tab::Backup;
    let mut h = harness(app);
    frames(&mut h);
    h.get_by_label("Load").click();
    frames(&mut h);
    h.get_by_label("Start backup").click();
    frames(&mut h);
    wait_idle(&mut h, "backup");
    let log = log_text(h.state());
    assert_eq!(h.state().backup.state, JobState::Done, "{log}");
    for id in &ids {
        assert_eq!(status_of(&h, id), "OK", "{id}: {log}");
    }
    assert_eq!(h.query_all_by_label("OK").count(), 3);
    let archives = std::fs::read_dir(&dest)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "zip")
        })
        .count();
    assert_eq!(archives, 3, "{log}");

    h.get_by_label("Verify archives").click();
    frames(&mut h);
    wait_idle(&mut h, "verification");
    for id in &ids {
        assert_eq!(
            status_of(&h, id),
            "VERIFIED",
            "{id}: {}",
            log_text(h.state())
        );
    }
}
