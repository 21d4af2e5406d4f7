//! The application window driven through AccessKit with egui_kittest: tabs, Run / Cancel with a
//! fake engine made of channels, live rows and progress, the log panel, settings persistence,
//! and a scan through the real engine against the in-process sandbox.

use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{Sender, channel};
use std::time::{Duration, Instant};

use agol_backup::engine::scan::ScanPreset;
use agol_backup::engine::{
    Command, Engine, EngineHandle, Event, EventKind, JobId, Level, Progress,
};
use agol_backup::sandbox::{self, SandboxConfig};
use agol_backup::ui::monitor::SandboxInfo;
use agol_backup::ui::progress::{BarKind, bar_kind};
use agol_backup::ui::scan_tab::JobState;
use agol_backup::ui::settings::Settings;
use agol_backup::ui::{App, Tab};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use tokio::sync::mpsc::UnboundedReceiver;

pub type Commands = UnboundedReceiver<(JobId, Command)>;

pub fn fake_engine() -> (EngineHandle, Commands, Sender<Event>) {
    let (cmd_tx, cmd_rx) = tokio::sync::mpsc::unbounded_channel();
    let (ev_tx, ev_rx) = channel();
    (EngineHandle::from_channels(cmd_tx, ev_rx), cmd_rx, ev_tx)
}

pub fn harness(app: App) -> Harness<'static, App> {
    Harness::builder()
        .with_size([1280.0, 800.0])
        .build_ui_state(
            |ui, app: &mut App| {
                app.logic(ui.ctx());
                app.ui(ui);
            },
            app,
        )
}

/// A few frames (a running job animates its bar, so `run()` would never settle).
pub fn frames(h: &mut Harness<'_, App>) {
    h.run_steps(3);
    h.check_accessibility();
}

pub fn signed_in_app(engine: EngineHandle, dir: &Path) -> App {
    let mut app = App::new(engine, None, None);
    app.bar.form.portal_url = "http://127.0.0.1:9/portal".into();
    app.bar.form.username = "admin".into();
    app.bar.password = "secret-pw".into();
    app.scan.fields.inventory = dir.join("out").join("inv.csv").display().to_string();
    app.scan.fields.index = dir.join("out").join("index.csv").display().to_string();
    app
}

pub fn send(tx: &Sender<Event>, job: JobId, kind: EventKind) {
    tx.send(Event { job, kind }).unwrap();
}

pub fn log_text(app: &App) -> String {
    let lines: Vec<String> = app.log.lines().iter().map(|l| l.to_text()).collect();
    lines.join("\n")
}

#[test]
fn tabs_switch() {
    let (engine, _cmds, _events) = fake_engine();
    let mut h = harness(App::new(engine, None, None));
    frames(&mut h);
    assert!(h.query_by_label("Run scan").is_some());
    h.get_by_label("Backup").click();
    frames(&mut h);
    assert_eq!(h.state().tab, Tab::Backup);
    assert!(h.query_by_label("Run scan").is_none());
    assert!(h.query_by_label("Start backup").is_some());
    h.get_by_label("Restore").click();
    frames(&mut h);
    assert!(h.query_by_label("Inspect").is_some());
    h.get_by_label("Scan").click();
    frames(&mut h);
    assert_eq!(h.state().tab, Tab::Scan);
    assert!(h.query_by_label("Run scan").is_some());
}

#[test]
fn run_sends_a_scan_rows_fill_the_table_and_cancel_stops_it() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, mut cmds, events) = fake_engine();
    let mut h = harness(signed_in_app(engine, dir.path()));
    frames(&mut h);

    // Without signing in, Run only logs an error.
    h.get_by_label("Run scan").click();
    frames(&mut h);
    assert!(cmds.try_recv().is_err());
    assert!(log_text(h.state()).contains("sign in first"));

    h.get_by_label("Sign in").click();
    frames(&mut h);
    assert!(h.state().bar.connection.is_some());
    assert!(h.query_by_label("Sign out").is_some());
    assert!(
        !log_text(h.state()).contains("secret-pw"),
        "password logged"
    );

    h.get_by_label("Run scan").click();
    frames(&mut h);
    let (job, command) = cmds.try_recv().expect("a command was sent");
    let Command::Scan(request) = command else {
        panic!("expected a scan, got {command:?}")
    };
    assert_eq!(request.preset, ScanPreset::Authoritative);
    assert!(request.inventory.ends_with("out/inv.csv"));
    assert!(dir.path().join("out").is_dir(), "output folder created");
    assert_eq!(h.state().scan.state, JobState::Running(job));
    assert!(h.query_by_label("Cancel").is_some());

    send(
        &events,
        job,
        EventKind::Started {
            what: "scan of sandbox".into(),
        },
    );
    send(
        &events,
        job,
        EventKind::Progress(Progress {
            done: 1,
            total: None,
            message: String::new(),
        }),
    );
    frames(&mut h);
    let scan = &h.state().scan;
    assert_eq!(
        bar_kind(scan.progress.as_ref(), true),
        BarKind::Indeterminate
    );

    for (id, title, status) in [
        ("a1", "Parcels map", "new"),
        ("b2", "Roads layer", "changed"),
        ("c3", "Zoning", "new"),
    ] {
        send(
            &events,
            job,
            EventKind::Row {
                id: id.into(),
                title: title.into(),
                item_type: "Web Map".into(),
                status: status.into(),
            },
        );
    }
    send(
        &events,
        job,
        EventKind::Progress(Progress {
            done: 3,
            total: Some(6),
            message: "page 1".into(),
        }),
    );
    frames(&mut h);
    let scan = &h.state().scan;
    assert_eq!(scan.table.rows().len(), 3);
    assert_eq!(scan.counts.get("new"), Some(&2));
    assert_eq!(
        bar_kind(scan.progress.as_ref(), true),
        BarKind::Determinate(0.5)
    );
    assert!(h.query_by_label("Parcels map").is_some());
    assert!(
        h.query_by_label_contains("3 rows (changed 1, new 2)")
            .is_some()
    );
    assert!(h.query_by_label_contains("3 / 6").is_some());

    // The filter keeps matching rows only.
    h.state_mut().scan.table.filter = "roads".into();
    frames(&mut h);
    assert!(h.query_by_label("Roads layer").is_some());
    assert!(h.query_by_label("Parcels map").is_none());

    h.get_by_label("Cancel").click();
    frames(&mut h);
    let (cancelled, command) = cmds.try_recv().expect("cancel sent");
    assert!(matches!(command, Command::Cancel(j) if j == job));
    assert_eq!(cancelled, job);
    send(&events, job, EventKind::Finished(Err("cancelled".into())));
    frames(&mut h);
    assert_eq!(h.state().scan.state, JobState::Cancelled);
    assert!(h.query_by_label_contains("Scan cancelled").is_some());
    assert!(h.query_by_label("Cancel").is_none());
    assert!(log_text(h.state()).contains("cancelled"));
}

#[test]
fn log_lines_show_and_clear_empties_them() {
    let (engine, _cmds, events) = fake_engine();
    let mut h = harness(App::new(engine, None, None));
    send(
        &events,
        JobId(7),
        EventKind::Log {
            level: Level::Warn,
            message: "slow portal".into(),
        },
    );
    frames(&mut h);
    assert!(
        h.query_by_label_contains("WARN [job 7] slow portal")
            .is_some()
    );
    h.get_by_label("Clear log").click();
    frames(&mut h);
    assert!(h.state().log.lines().is_empty());
    assert!(h.query_by_label_contains("slow portal").is_none());
}

#[test]
fn settings_are_remembered_and_a_corrupt_file_gives_defaults_and_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cfg").join("settings.json");
    {
        let (engine, _cmds, _events) = fake_engine();
        let mut app = App::new(engine, Some(path.clone()), None);
        app.bar.form.portal_url = "https://example.maps.arcgis.com".into();
        app.bar.form.username = "me".into();
        app.bar.password = "never-stored".into();
        app.scan.fields.preset = "tag".into();
        app.scan.fields.option = "roads".into();
        app.save_settings(true);
    }
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("never-stored"), "password written: {text}");
    let (engine, _cmds, _events) = fake_engine();
    let app = App::new(engine, Some(path.clone()), None);
    assert_eq!(app.bar.form.portal_url, "https://example.maps.arcgis.com");
    assert_eq!(app.bar.password, "");
    assert_eq!(
        (
            app.scan.fields.preset.as_str(),
            app.scan.fields.option.as_str()
        ),
        ("tag", "roads")
    );
    assert!(app.log.lines().is_empty());
    drop(app);

    std::fs::write(&path, "{ broken").unwrap();
    let (engine, _cmds, _events) = fake_engine();
    let app = App::new(engine, Some(path), None);
    assert_eq!(app.current_settings(), Settings::default());
    assert!(
        app.log
            .lines()
            .iter()
            .any(|l| l.level == Level::Warn && l.message.contains("damaged"))
    );
}

#[test]
fn a_scan_through_the_real_engine_against_the_sandbox_ends_and_reports() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sb = runtime
        .block_on(sandbox::start(SandboxConfig::for_tests()))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::start(Arc::new(|| {})).unwrap();
    let info = SandboxInfo {
        url: sb.url(),
        ca_path: sb.ca_path().display().to_string(),
        stats: None,
    };
    let mut app = App::new(engine, None, Some(info));
    assert!(
        app.bar.connection.is_some(),
        "sandbox mode starts signed in"
    );
    app.scan.fields.inventory = dir.path().join("inv.csv").display().to_string();
    app.scan.fields.index = dir.path().join("index.csv").display().to_string();
    let mut h = harness(app);
    frames(&mut h);
    assert!(h.query_by_label_contains("Sandbox portal").is_some());
    h.get_by_label("Run scan").click();
    frames(&mut h);
    let deadline = Instant::now() + Duration::from_secs(60);
    while h.state().scan.running().is_some() {
        assert!(Instant::now() < deadline, "scan did not end");
        std::thread::sleep(Duration::from_millis(50));
        h.run_steps(1);
    }
    frames(&mut h);
    let app = h.state();
    let log = log_text(app);
    assert!(log.contains("[job 1]"), "{log}");
    match &app.scan.state {
        // Once the scan job exists it finds the demo org's authoritative items.
        JobState::Done => assert!(!app.scan.table.rows().is_empty(), "{log}"),
        JobState::Failed(e) => assert!(log.contains(&format!("failed: {e}")), "{log}"),
        other => panic!("unexpected end {other:?}: {log}"),
    }
}
