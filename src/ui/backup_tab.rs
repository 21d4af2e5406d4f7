//! The Backup tab's state and behaviour: the selection loaded from an inventory CSV (or any CSV
//! with an id column) into a table with a checkbox per row, the run options and destination
//! (remembered in [`BackupSettings`]), Start / Cancel / Verify as engine commands, and the
//! job's events: live status per row, counts by status, progress. One job (a backup or a
//! verification) at a time, besides the dependency view's job (`deps_view`, routed here by job
//! id). Drawing is in `backup_form`; this module touches no files except
//! reading the selection CSV and creating the destination folder when a backup starts.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use crate::engine::backup::{BackupMode, BackupOptions, BackupRequest, read_selection};
use crate::engine::{Command, Event, EventKind, JobId, Level, Outcome, Progress};
use crate::formats::inventory::Inventory;
use crate::formats::utc::format_datetime;

use super::connection::ConnectionBar;
use super::deps_view::DependencyView;
use super::log_panel::LogPanel;
use super::scan_tab::JobState;
use super::settings::BackupSettings;
use super::table::{Table, TableRow};

/// The modes the tab offers: mode, radio button label, one-line explanation.
pub const MODES: [(BackupMode, &str, &str); 3] = [
    (
        BackupMode::Standard,
        "Standard",
        "one ZIP archive per item, with a manifest of checksums",
    ),
    (
        BackupMode::OcmPerItem,
        "OCM per item",
        "one .contentexport package per selected item, holding it and everything it needs",
    ),
    (
        BackupMode::OcmBatch,
        "OCM batch",
        "one .contentexport package holding every selected item and everything they need",
    ),
];

/// What the tab's job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    /// A backup run.
    Backup,
    /// A verification of the destination's archives.
    Verify,
    /// The dependency view's reading of the selected items.
    Dependencies,
}

impl JobKind {
    /// The kind of job `command` starts.
    pub fn of(command: &Command) -> JobKind {
        match command {
            Command::Verify(_) => JobKind::Verify,
            Command::Dependencies(_) => JobKind::Dependencies,
            _ => JobKind::Backup,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            JobKind::Backup => "Backup",
            JobKind::Verify => "Verification",
            JobKind::Dependencies => "Dependency view",
        }
    }
}

/// The Backup tab's state.
#[derive(Debug)]
pub struct BackupTab {
    /// Remembered fields (source, destination, options).
    pub fields: BackupSettings,
    /// The items, with a checkbox each and the live status column.
    pub table: Table,
    /// The current or last job.
    pub state: JobState,
    /// What the current or last job does.
    pub kind: JobKind,
    /// The last progress report of the current job.
    pub progress: Option<Progress>,
    /// Rows received from the current job, by status word.
    pub counts: BTreeMap<String, u64>,
    /// Ids with a damaged or unreadable archive in the current verification.
    damaged: HashSet<String>,
    /// The dependency view (its own job, beside the backup or verification).
    pub deps: DependencyView,
}

/// The colour of a status word in the status column.
pub fn status_color(status: &str) -> Option<egui::Color32> {
    match status {
        "OK" | "VERIFIED" => Some(egui::Color32::from_rgb(0x2e, 0xa0, 0x43)),
        "PARTIAL" => Some(egui::Color32::from_rgb(0xe0, 0x8a, 0x00)),
        "FAILED" | "DAMAGED" | "UNREADABLE" => Some(egui::Color32::from_rgb(0xd0, 0x30, 0x30)),
        "SKIPPED" => Some(egui::Color32::GRAY),
        _ => None,
    }
}

impl BackupTab {
    /// A tab with `fields` from the settings; an empty source becomes `last_scan` (the Scan
    /// tab's inventory).
    pub fn new(mut fields: BackupSettings, last_scan: &str) -> Self {
        if fields.source.trim().is_empty() {
            fields.source = last_scan.to_string();
        }
        fields.workers = fields.workers.clamp(1, 16);
        BackupTab {
            fields,
            table: Table::with_checkboxes(status_color),
            state: JobState::Idle,
            kind: JobKind::Backup,
            progress: None,
            counts: BTreeMap::new(),
            damaged: HashSet::new(),
            deps: DependencyView::default(),
        }
    }

    /// The running job, if any.
    pub fn running(&self) -> Option<JobId> {
        match self.state {
            JobState::Running(job) => Some(job),
            _ => None,
        }
    }

    /// Loads the selection CSV at `path` into the table, every row checked, and says so in the
    /// log. Invalid rows are reported in the log; owner and modified are shown when the file is
    /// a scan inventory.
    pub fn load(&mut self, path: &Path, log: &mut LogPanel) {
        if self.show(path, log) {
            log.push(
                Level::Info,
                format!(
                    "{} item(s) loaded from {} (all selected)",
                    self.table.rows().len(),
                    path.display()
                ),
            );
        }
    }

    /// As [`BackupTab::load`] without the log line on success (the window shows the remembered
    /// CSV at start); false when the file could not be read.
    pub fn show(&mut self, path: &Path, log: &mut LogPanel) -> bool {
        let selection = match read_selection(path) {
            Ok(s) => s,
            Err(e) => {
                log.push(Level::Error, format!("cannot load the selection: {e}"));
                return false;
            }
        };
        for warning in &selection.warnings {
            log.push(Level::Warn, warning.clone());
        }
        // Our own inventory also knows owner and modified; any other CSV simply does not.
        let inventory = Inventory::load(path).ok();
        let rows = selection.items.iter().map(|entry| {
            let known = inventory.as_ref().and_then(|inv| inv.get(&entry.id));
            TableRow {
                id: entry.id.clone(),
                title: entry
                    .title
                    .clone()
                    .or_else(|| known.map(|k| k.title.clone()))
                    .unwrap_or_else(|| entry.id.clone()),
                item_type: entry
                    .item_type
                    .clone()
                    .or_else(|| known.map(|k| k.item_type.clone()))
                    .unwrap_or_default(),
                owner: known.map(|k| k.owner.clone()).unwrap_or_default(),
                modified: known
                    .and_then(|k| k.modified_ms)
                    .map(format_datetime)
                    .unwrap_or_default(),
                status: String::new(),
            }
        });
        self.table.set_rows(rows.collect());
        self.table.filter.clear();
        self.table.select_visible(true);
        self.counts.clear();
        true
    }

    /// Marks `job` (of `kind`) as this tab's running job (a dependency job as the view's).
    pub fn started(&mut self, job: JobId, kind: JobKind) {
        if kind == JobKind::Dependencies {
            self.deps.started(job, self.table.selected_ids());
            return;
        }
        self.state = JobState::Running(job);
        self.kind = kind;
        self.progress = None;
        self.counts.clear();
        self.damaged.clear();
        if kind == JobKind::Backup {
            self.table.clear_statuses();
        }
    }

    /// Takes one event of this tab's job.
    pub fn on_event(&mut self, event: &Event, log: &mut LogPanel) {
        if self.deps.owns(event.job) {
            self.deps.on_event(event, log);
            return;
        }
        match &event.kind {
            EventKind::Progress(p) => self.progress = Some(p.clone()),
            EventKind::Row {
                id,
                title,
                item_type,
                status,
            } => self.on_row(id, title, item_type, status),
            EventKind::Finished(result) => {
                self.state = JobState::ended(result);
                if let Ok(outcome) = result {
                    summarize(outcome, &mut self.state, log);
                }
            }
            EventKind::Started { .. } | EventKind::Log { .. } => {}
        }
    }

    fn on_row(&mut self, id: &str, title: &str, item_type: &str, status: &str) {
        *self.counts.entry(status.to_string()).or_default() += 1;
        // A destination may hold several archives of one item: a damaged one stays visible.
        if self.kind == JobKind::Verify {
            if matches!(status, "DAMAGED" | "UNREADABLE") {
                self.damaged.insert(id.to_string());
            } else if self.damaged.contains(id) {
                return;
            }
        }
        let known = self.table.set_status(id, status);
        // A dependency the run added is shown too (unchecked); archives of items that are not
        // in the table (older backups in the destination) only count.
        if !known && self.kind == JobKind::Backup {
            self.table.upsert(TableRow {
                id: id.to_string(),
                title: title.to_string(),
                item_type: item_type.to_string(),
                status: status.to_string(),
                ..TableRow::default()
            });
        }
    }

    /// Why Start is not possible now, if it is not.
    pub fn start_blocker(&self, bar: &ConnectionBar) -> Option<&'static str> {
        if self.running().is_some() {
            Some("a job is running")
        } else if bar.connection.is_none() {
            Some("sign in first (connection bar above)")
        } else if self.table.selected_count() == 0 {
            Some("select at least one item")
        } else if self.fields.destination.trim().is_empty() {
            Some("choose a destination folder")
        } else {
            None
        }
    }

    /// The run options the fields describe.
    pub fn options(&self) -> BackupOptions {
        let f = &self.fields;
        BackupOptions {
            mode: BackupMode::from_name(&f.mode).unwrap_or_default(),
            workers: f.workers.clamp(1, 16),
            thumbnails: f.thumbnails,
            export_data: f.export_data,
            keep_exports: f.keep_exports,
            keep_uncompressed: f.keep_uncompressed,
            with_dependencies: f.with_dependencies,
            incremental: f.incremental,
            ..BackupOptions::default()
        }
    }

    /// The backup of the checked items, creating the destination folder; `None` (and a log
    /// line) when it cannot start.
    pub fn start_command(&self, bar: &ConnectionBar, log: &mut LogPanel) -> Option<Command> {
        if let Some(why) = self.start_blocker(bar) {
            log.push(Level::Error, format!("cannot start the backup: {why}"));
            return None;
        }
        let connection = bar.connection.clone()?;
        let destination = PathBuf::from(self.fields.destination.trim());
        if let Err(e) = std::fs::create_dir_all(&destination) {
            log.push(
                Level::Error,
                format!("cannot create {}: {e}", destination.display()),
            );
            return None;
        }
        Some(Command::Backup(Box::new(BackupRequest {
            connection,
            items: self.table.selected_ids(),
            destination,
            options: self.options(),
        })))
    }

    /// The verification of every archive in the destination; `None` (and a log line) when the
    /// folder does not exist.
    pub fn verify_command(&self, log: &mut LogPanel) -> Option<Command> {
        let destination = PathBuf::from(self.fields.destination.trim());
        if !destination.is_dir() {
            log.push(
                Level::Error,
                format!(
                    "{} is not a folder: nothing to verify",
                    destination.display()
                ),
            );
            return None;
        }
        Some(Command::Verify(vec![destination]))
    }

    /// "Ready", "Backing up…", "Backup finished · 3 rows (OK 2, FAILED 1)" ...
    pub fn status_text(&self) -> String {
        let noun = self.kind.noun();
        let state = match &self.state {
            JobState::Idle => "Ready".to_string(),
            JobState::Running(_) if self.kind == JobKind::Verify => "Verifying…".to_string(),
            JobState::Running(_) => "Backing up…".to_string(),
            JobState::Done => format!("{noun} finished"),
            JobState::Failed(e) => format!("{noun} failed: {e}"),
            JobState::Cancelled => format!("{noun} cancelled"),
        };
        super::progress::with_counts(state, &self.counts)
    }
}

/// Logs what a finished job produced; a cancelled backup run ends as cancelled.
fn summarize(outcome: &Outcome, state: &mut JobState, log: &mut LogPanel) {
    match outcome {
        Outcome::Backup(summary) => {
            let counts = crate::formats::run_report::tally(summary.items.iter().map(|i| i.status));
            log.push(
                if summary.all_ok() {
                    Level::Info
                } else {
                    Level::Warn
                },
                format!("backup: {counts}; report {}", summary.report.display()),
            );
            if summary.cancelled {
                *state = JobState::Cancelled;
            }
        }
        Outcome::Verify(checks) => {
            let intact = checks.iter().filter(|c| c.is_ok()).count();
            let level = if intact == checks.len() {
                Level::Info
            } else {
                Level::Error
            };
            log.push(
                level,
                format!(
                    "verification: {intact} of {} archive(s) intact",
                    checks.len()
                ),
            );
        }
        Outcome::Scan(_) | Outcome::Restore(_) | Outcome::Inspect(_) | Outcome::Dependencies(_) => {
        }
    }
}
