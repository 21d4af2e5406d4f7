//! The Scan tab: preset and its option, inventory CSV and index paths (editable, with native
//! file dialogs), Run / Cancel, live counts of the rows received by status, the progress bar,
//! and the inventory in a sortable, filterable table (live rows while the scan runs, the whole
//! inventory CSV once it finished). One scan at a time.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::engine::scan::{ScanPreset, ScanRequest};
use crate::engine::{Command, Event, EventKind, JobId, Level, Outcome, Progress};
use crate::formats::inventory::Inventory;
use crate::formats::utc::format_datetime;

use super::connection::ConnectionBar;
use super::log_panel::LogPanel;
use super::progress::progress_ui;
use super::settings::ScanSettings;
use super::table::{Table, TableRow};

/// The presets offered, with their settings key, label and option label.
const PRESETS: [(&str, &str, Option<&str>); 8] = [
    ("authoritative", "Authoritative items", None),
    ("all", "All items of the organisation", None),
    ("owner", "Items of one owner", Some("Owner")),
    ("folder", "One folder of one owner", Some("Owner")),
    ("group", "Items shared with a group", Some("Group id")),
    ("tag", "Items with a tag", Some("Tag")),
    ("type", "Items of one type", Some("Item type")),
    ("query", "Custom search query", Some("Query")),
];

/// How the last scan ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobState {
    /// No scan yet.
    Idle,
    /// Running.
    Running(JobId),
    /// Finished successfully.
    Done,
    /// Failed with this message.
    Failed(String),
    /// Stopped by Cancel.
    Cancelled,
}

impl JobState {
    /// How a job ended, from its `Finished` event: done, cancelled (the engine's "cancelled"
    /// error) or failed.
    pub fn ended(result: &Result<Outcome, String>) -> Self {
        match result {
            Ok(_) => JobState::Done,
            Err(e) if e == "cancelled" => JobState::Cancelled,
            Err(e) => JobState::Failed(e.clone()),
        }
    }
}

/// The Scan tab's state.
#[derive(Debug)]
pub struct ScanTab {
    /// Remembered fields (preset key, option, folder, paths).
    pub fields: ScanSettings,
    /// The current or last job.
    pub state: JobState,
    /// The last progress report of the current job.
    pub progress: Option<Progress>,
    /// Rows received from the current job, by status.
    pub counts: BTreeMap<String, u64>,
    /// The result table.
    pub table: Table,
}

impl ScanTab {
    /// A tab with `fields` from the settings.
    pub fn new(fields: ScanSettings) -> Self {
        ScanTab {
            fields,
            state: JobState::Idle,
            progress: None,
            counts: BTreeMap::new(),
            table: Table::default(),
        }
    }

    /// The running job, if any.
    pub fn running(&self) -> Option<JobId> {
        match self.state {
            JobState::Running(job) => Some(job),
            _ => None,
        }
    }

    /// Builds the preset from the fields.
    ///
    /// # Errors
    /// A message when the preset needs an option that is empty.
    pub fn preset(&self) -> Result<ScanPreset, String> {
        let option = self.fields.option.trim().to_string();
        let key = self.fields.preset.as_str();
        let needs = PRESETS.iter().find(|p| p.0 == key).and_then(|p| p.2);
        if let Some(what) = needs
            && option.is_empty()
        {
            return Err(format!("enter the {} for this preset", what.to_lowercase()));
        }
        Ok(match key {
            "all" => ScanPreset::AllOrg,
            "owner" => ScanPreset::Owner(option),
            "folder" => {
                let folder = self.fields.folder.trim().to_string();
                if folder.is_empty() {
                    return Err("enter the folder for this preset".into());
                }
                ScanPreset::Folder {
                    owner: option,
                    folder,
                }
            }
            "group" => ScanPreset::Group(option),
            "tag" => ScanPreset::Tag(option),
            "type" => ScanPreset::Type(option),
            "query" => ScanPreset::Query(option),
            _ => ScanPreset::Authoritative,
        })
    }

    /// Marks `job` as this tab's running scan.
    pub fn started(&mut self, job: JobId) {
        self.state = JobState::Running(job);
        self.progress = None;
        self.counts.clear();
        self.table.clear();
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
            } => {
                *self.counts.entry(status.clone()).or_default() += 1;
                self.table.upsert(TableRow {
                    id: id.clone(),
                    title: title.clone(),
                    item_type: item_type.clone(),
                    status: status.clone(),
                    ..TableRow::default()
                });
            }
            EventKind::Finished(result) => {
                self.state = JobState::ended(result);
                if let Ok(Outcome::Scan(summary)) = result {
                    self.reload(&summary.inventory.clone(), log);
                }
            }
            EventKind::Started { .. } | EventKind::Log { .. } => {}
        }
    }

    /// Shows the whole inventory CSV at `path` in the table.
    pub fn reload(&mut self, path: &std::path::Path, log: &mut LogPanel) {
        match Inventory::load(path) {
            Ok(inventory) => {
                let rows = inventory.rows().iter().map(|r| TableRow {
                    id: r.id.clone(),
                    title: r.title.clone(),
                    item_type: r.item_type.clone(),
                    owner: r.owner.clone(),
                    modified: r.modified_ms.map(format_datetime).unwrap_or_default(),
                    status: r.content_status.clone(),
                });
                self.table.set_rows(rows.collect());
            }
            Err(e) => log.push(Level::Warn, format!("cannot show the inventory: {e}")),
        }
    }

    /// Draws the tab; returns the command to send (Run or Cancel).
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        bar: &ConnectionBar,
        log: &mut LogPanel,
    ) -> Option<Command> {
        let idle = self.running().is_none();
        ui.add_enabled_ui(idle, |ui| self.form_ui(ui));
        let mut command = None;
        ui.horizontal(|ui| {
            let run = ui.add_enabled(idle, egui::Button::new("Run scan"));
            if run.clicked() {
                command = self.run_command(bar, log);
            }
            if let Some(job) = self.running()
                && ui.button("Cancel").clicked()
            {
                log.push(Level::Info, "cancelling the scan…");
                command = Some(Command::Cancel(job));
            }
            ui.label(self.status_text());
            if ui
                .add_enabled(idle, egui::Button::new("Show inventory file"))
                .clicked()
            {
                self.reload(&PathBuf::from(self.fields.inventory.trim()), log);
            }
        });
        progress_ui(ui, self.progress.as_ref(), !idle);
        ui.separator();
        if let Some(id) = self.table.ui(ui) {
            match bar.item_page(&id) {
                Some(url) => ui.ctx().open_url(egui::OpenUrl::new_tab(url)),
                None => log.push(Level::Warn, "sign in to open item pages"),
            }
        }
        command
    }

    fn run_command(&mut self, bar: &ConnectionBar, log: &mut LogPanel) -> Option<Command> {
        let Some(connection) = bar.connection.clone() else {
            log.push(Level::Error, "sign in first (connection bar above)");
            return None;
        };
        let preset = match self.preset() {
            Ok(p) => p,
            Err(e) => {
                log.push(Level::Error, e);
                return None;
            }
        };
        let (inventory, index) = (self.fields.inventory.trim(), self.fields.index.trim());
        if inventory.is_empty() || index.is_empty() {
            log.push(Level::Error, "choose the inventory CSV and the index file");
            return None;
        }
        for path in [inventory, index] {
            if let Some(dir) = PathBuf::from(path)
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                && let Err(e) = std::fs::create_dir_all(dir)
            {
                log.push(
                    Level::Error,
                    format!("cannot create {}: {e}", dir.display()),
                );
                return None;
            }
        }
        Some(Command::Scan(Box::new(ScanRequest {
            connection,
            preset,
            inventory: inventory.into(),
            index: index.into(),
            max_items: None,
        })))
    }

    fn status_text(&self) -> String {
        let counts: Vec<String> = self
            .counts
            .iter()
            .map(|(s, n)| format!("{s} {n}"))
            .collect();
        let received: u64 = self.counts.values().sum();
        let state = match &self.state {
            JobState::Idle => "Ready".to_string(),
            JobState::Running(_) => "Scanning…".to_string(),
            JobState::Done => "Scan finished".to_string(),
            JobState::Failed(e) => format!("Scan failed: {e}"),
            JobState::Cancelled => "Scan cancelled".to_string(),
        };
        if received == 0 {
            state
        } else {
            format!("{state} · {received} rows ({})", counts.join(", "))
        }
    }

    fn form_ui(&mut self, ui: &mut egui::Ui) {
        egui::Grid::new("scan_form").num_columns(2).show(ui, |ui| {
            let label = ui.label("Preset");
            let current = PRESETS.iter().find(|p| p.0 == self.fields.preset);
            ui.horizontal(|ui| {
                egui::ComboBox::from_id_salt("scan_preset")
                    .width(240.0)
                    .selected_text(current.map_or("Authoritative items", |p| p.1))
                    .show_ui(ui, |ui| {
                        for (key, text, _) in PRESETS {
                            ui.selectable_value(&mut self.fields.preset, key.to_string(), text);
                        }
                    })
                    .response
                    .labelled_by(label.id);
                if let Some(what) = current.and_then(|p| p.2) {
                    let l = ui.label(what);
                    ui.text_edit_singleline(&mut self.fields.option)
                        .labelled_by(l.id);
                }
                if self.fields.preset == "folder" {
                    let l = ui.label("Folder");
                    ui.text_edit_singleline(&mut self.fields.folder)
                        .labelled_by(l.id);
                }
            });
            ui.end_row();
            path_row(ui, "Inventory CSV", &mut self.fields.inventory, "csv");
            path_row(ui, "Scan index", &mut self.fields.index, "csv");
        });
    }
}

/// A label, an editable path and a "Browse…" button opening a native save dialog.
fn path_row(ui: &mut egui::Ui, label: &str, path: &mut String, ext: &str) {
    let l = ui.label(label);
    ui.horizontal(|ui| {
        ui.add(egui::TextEdit::singleline(path).desired_width(520.0))
            .labelled_by(l.id);
        if ui
            .button("Browse…")
            .on_hover_text(format!("Choose the {label}"))
            .clicked()
        {
            let current = PathBuf::from(path.trim());
            let mut dialog = rfd::FileDialog::new().add_filter(ext, &[ext]);
            if let Some(dir) = current.parent().filter(|d| d.is_dir()) {
                dialog = dialog.set_directory(dir);
            }
            if let Some(name) = current.file_name() {
                dialog = dialog.set_file_name(name.to_string_lossy());
            }
            if let Some(chosen) = dialog.save_file() {
                *path = chosen.display().to_string();
            }
        }
    });
    ui.end_row();
}
