//! The Restore tab's state and behaviour: the backup files picked (path field, dialogs or files
//! dropped on the window) and what an Inspect job found in them (per file: format, checksums,
//! problems; per item: a checkbox), the options (remembered in [`RestoreSettings`]), Plan (a dry
//! run), Start restore (confirmed first when it updates items in place) and Cancel as engine commands,
//! and the job's events: the plan's action per row, then live status per row, progress, the plan
//! table and the results with each restored item's page. One job at a time. Drawing is in
//! `restore_form` and `restore_tables`; this module reads no files itself.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use crate::engine::restore::source::InputListing;
use crate::engine::restore::{
    ConflictPolicy, RestoreOptions, RestorePlan, RestoreRequest, RestoredItem,
};
use crate::engine::{Command, Event, EventKind, JobId, Level, Outcome, Progress};

use super::connection::ConnectionBar;
use super::log_panel::LogPanel;
use super::scan_tab::JobState;
use super::settings::RestoreSettings;

/// The conflict policies with the one-line explanation the tab shows.
pub const POLICIES: [(ConflictPolicy, &str, &str); 3] = [
    (
        ConflictPolicy::Skip,
        "Skip",
        "leave items that already exist alone: nothing on the portal is touched",
    ),
    (
        ConflictPolicy::Update,
        "Update in place",
        "overwrite existing items with the backup; their ids and every link to them survive",
    ),
    (
        ConflictPolicy::Copy,
        "Copy",
        "create a new item beside an existing one (the report says so)",
    ),
];

/// What the tab's job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestoreJob {
    /// Lists what the picked files hold.
    Inspect,
    /// A dry run: makes the plan, writes nothing.
    Plan,
    /// A restore.
    Restore,
}

impl RestoreJob {
    /// The kind of job `command` starts.
    pub fn of(command: &Command) -> RestoreJob {
        match command {
            Command::Inspect(_) => RestoreJob::Inspect,
            Command::Restore(r) if r.options.dry_run => RestoreJob::Plan,
            _ => RestoreJob::Restore,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            RestoreJob::Inspect => "Inspection",
            RestoreJob::Plan => "Plan",
            RestoreJob::Restore => "Restore",
        }
    }
}

/// One backed-up item of the picked files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RestoreRow {
    /// Backed-up id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Item type.
    pub item_type: String,
    /// Bytes in the file.
    pub size: u64,
    /// Ids it needs.
    pub dependencies: Vec<String>,
    /// Action word of the plan, then the status word of the restore.
    pub status: String,
}

/// The Restore tab's state.
#[derive(Debug)]
pub struct RestoreTab {
    /// Remembered fields (inputs, options).
    pub fields: RestoreSettings,
    /// What each picked file holds (from the last Inspect).
    pub listings: Vec<InputListing>,
    /// The items of every listing (one row per id), in file order.
    pub rows: Vec<RestoreRow>,
    /// The checked ids.
    pub selected: HashSet<String>,
    /// The plan of the last Plan or Restore.
    pub plan: Option<RestorePlan>,
    /// Results of the last restore, by backed-up id.
    pub results: HashMap<String, RestoredItem>,
    /// The current or last job.
    pub state: JobState,
    /// What the current or last job does.
    pub kind: Option<RestoreJob>,
    /// The last progress report of the current job.
    pub progress: Option<Progress>,
    /// Result rows received from the current restore, by status word.
    pub counts: BTreeMap<String, u64>,
    /// Restore was clicked with the update policy: waiting for the user's confirmation.
    pub confirming: bool,
}

impl RestoreTab {
    /// A tab with `fields` from the settings.
    pub fn new(mut fields: RestoreSettings) -> Self {
        fields.workers = fields.workers.clamp(1, 16);
        if ConflictPolicy::from_name(&fields.policy).is_none() {
            fields.policy = ConflictPolicy::default().name().to_string();
        }
        RestoreTab {
            fields,
            listings: Vec::new(),
            rows: Vec::new(),
            selected: HashSet::new(),
            plan: None,
            results: HashMap::new(),
            state: JobState::Idle,
            kind: None,
            progress: None,
            counts: BTreeMap::new(),
            confirming: false,
        }
    }

    /// The running job, if any.
    pub fn running(&self) -> Option<JobId> {
        match self.state {
            JobState::Running(job) => Some(job),
            _ => None,
        }
    }

    /// The chosen conflict policy.
    pub fn policy(&self) -> ConflictPolicy {
        ConflictPolicy::from_name(&self.fields.policy).unwrap_or_default()
    }

    /// Sets the conflict policy.
    pub fn set_policy(&mut self, policy: ConflictPolicy) {
        self.fields.policy = policy.name().to_string();
    }

    /// The paths of the inputs field (separated by `;`).
    pub fn input_paths(&self) -> Vec<PathBuf> {
        self.fields
            .inputs
            .split(';')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .collect()
    }

    /// Puts `paths` into the inputs field.
    pub fn set_inputs(&mut self, paths: &[PathBuf]) {
        let texts: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        self.fields.inputs = texts.join("; ");
    }

    /// The Inspect job of the inputs field; `None` (and a log line) when it is empty.
    pub fn inspect_command(&self, log: &mut LogPanel) -> Option<Command> {
        let paths = self.input_paths();
        if paths.is_empty() {
            log.push(
                Level::Error,
                "pick backup files or a folder first (or drop them on the window)",
            );
            return None;
        }
        Some(Command::Inspect(paths))
    }

    /// Why Plan and Restore are not possible now, if they are not.
    pub fn start_blocker(&self, bar: &ConnectionBar) -> Option<&'static str> {
        if self.running().is_some() {
            Some("a job is running")
        } else if bar.connection.is_none() {
            Some("sign in first (connection bar above)")
        } else if self.rows.is_empty() {
            Some("pick backup files that hold items")
        } else if self.selected.is_empty() {
            Some("select at least one item")
        } else {
            None
        }
    }

    /// The checked ids in row order.
    pub fn selected_ids(&self) -> Vec<String> {
        self.rows
            .iter()
            .filter(|r| self.selected.contains(&r.id))
            .map(|r| r.id.clone())
            .collect()
    }

    /// Checks (or unchecks) every row.
    pub fn select_all(&mut self, checked: bool) {
        self.selected = if checked {
            self.rows.iter().map(|r| r.id.clone()).collect()
        } else {
            HashSet::new()
        };
    }

    /// The options the fields describe.
    pub fn options(&self, dry_run: bool) -> RestoreOptions {
        let f = &self.fields;
        let folder = f.target_folder.trim();
        RestoreOptions {
            policy: self.policy(),
            keep_metadata: f.keep_metadata,
            target_folder: (!folder.is_empty()).then(|| folder.to_string()),
            sharing: f.sharing,
            dry_run,
            workers: f.workers.clamp(1, 16),
            report: None,
        }
    }

    /// The restore (or with `dry_run` the plan) of the checked items; `None` (and a log line)
    /// when it cannot start.
    pub fn restore_command(
        &self,
        bar: &ConnectionBar,
        dry_run: bool,
        log: &mut LogPanel,
    ) -> Option<Command> {
        if let Some(why) = self.start_blocker(bar) {
            log.push(Level::Error, format!("cannot start the restore: {why}"));
            return None;
        }
        Some(Command::Restore(Box::new(RestoreRequest {
            connection: bar.connection.clone()?,
            inputs: self.listings.iter().map(|l| l.path.clone()).collect(),
            items: Some(self.selected_ids()),
            options: self.options(dry_run),
        })))
    }

    /// Marks `job` (of `kind`) as this tab's running job.
    pub fn started(&mut self, job: JobId, kind: RestoreJob) {
        self.state = JobState::Running(job);
        self.kind = Some(kind);
        self.progress = None;
        self.counts.clear();
        self.confirming = false;
        if kind != RestoreJob::Inspect {
            self.plan = None;
            self.results.clear();
            for row in &mut self.rows {
                row.status.clear();
            }
        }
    }

    /// Takes one event of this tab's job.
    pub fn on_event(&mut self, event: &Event, log: &mut LogPanel) {
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
                    self.finished(outcome, log);
                }
            }
            EventKind::Started { .. } | EventKind::Log { .. } => {}
        }
    }

    fn on_row(&mut self, id: &str, title: &str, item_type: &str, status: &str) {
        if !is_action(status) {
            *self.counts.entry(status.to_string()).or_default() += 1;
        }
        match self.rows.iter_mut().find(|r| r.id == id) {
            Some(row) => row.status = status.to_string(),
            None => self.rows.push(RestoreRow {
                id: id.to_string(),
                title: title.to_string(),
                item_type: item_type.to_string(),
                status: status.to_string(),
                ..RestoreRow::default()
            }),
        }
    }

    fn finished(&mut self, outcome: &Outcome, log: &mut LogPanel) {
        match outcome {
            Outcome::Inspect(listings) => self.show_listings(listings.clone(), log),
            Outcome::Restore(summary) => {
                self.plan = Some(summary.plan.clone());
                for item in &summary.items {
                    if let Some(row) = self.rows.iter_mut().find(|r| r.id == item.old_id) {
                        row.status = item.status.as_str().to_string();
                    }
                }
                self.results = summary
                    .items
                    .iter()
                    .map(|i| (i.old_id.clone(), i.clone()))
                    .collect();
                super::restore_tables::log_summary(summary, log);
                if summary.cancelled {
                    self.state = JobState::Cancelled;
                }
            }
            Outcome::Scan(_)
            | Outcome::Backup(_)
            | Outcome::Verify(_)
            | Outcome::Dependencies(_) => {}
        }
    }

    /// Shows what an Inspect found: the files, and their items all checked.
    pub fn show_listings(&mut self, listings: Vec<InputListing>, log: &mut LogPanel) {
        let mut rows: Vec<RestoreRow> = Vec::new();
        for listing in &listings {
            for problem in &listing.problems {
                log.push(
                    Level::Warn,
                    format!("{}: {problem}", listing.path.display()),
                );
            }
            for item in &listing.items {
                if rows.iter().any(|r| r.id == item.id) {
                    continue;
                }
                rows.push(RestoreRow {
                    id: item.id.clone(),
                    title: item.title.clone(),
                    item_type: item.item_type.clone(),
                    size: item.size,
                    dependencies: item.dependencies.clone(),
                    status: String::new(),
                });
            }
        }
        log.push(
            Level::Info,
            format!(
                "{} item(s) in {} file(s) (all selected)",
                rows.len(),
                listings.len()
            ),
        );
        self.listings = listings;
        self.rows = rows;
        self.plan = None;
        self.results.clear();
        self.select_all(true);
    }

    /// "Ready", "Restoring…", "Restore finished · 3 items (OK 2, FAILED 1)" ...
    pub fn status_text(&self) -> String {
        let noun = self.kind.map_or("Restore", RestoreJob::noun);
        let state = match (&self.state, self.kind) {
            (JobState::Idle, _) => "Ready".to_string(),
            (JobState::Running(_), Some(RestoreJob::Inspect)) => "Reading the files…".to_string(),
            (JobState::Running(_), Some(RestoreJob::Plan)) => "Planning…".to_string(),
            (JobState::Running(_), _) => "Restoring…".to_string(),
            (JobState::Done, _) => format!("{noun} finished"),
            (JobState::Failed(e), _) => format!("{noun} failed: {e}"),
            (JobState::Cancelled, _) => format!("{noun} cancelled"),
        };
        super::progress::with_counts(state, &self.counts)
    }
}

/// Whether `status` is a plan's action word rather than a result.
pub fn is_action(status: &str) -> bool {
    matches!(status, "create" | "update" | "copy" | "skip")
}
