//! Drawing the Restore tab: the inputs row (path field, Files…, Folder…, Inspect; files dropped
//! on the window arrive through [`RestoreTab::dropped`]), the options (conflict policy with a
//! line of explanation each, target folder, keep metadata, sharing, workers), the action row
//! (Plan, Start restore or why not, Cancel, status), the confirmation before updating items in place,
//! the progress bar, then the files, items and plan tables. Commands are returned, never sent.

use std::path::{Path, PathBuf};

use crate::engine::restore::ConflictPolicy;
use crate::engine::{Command, Level};

use super::connection::ConnectionBar;
use super::log_panel::LogPanel;
use super::progress::progress_ui;
use super::restore_tab::{POLICIES, RestoreTab};
use super::restore_tables::{files_ui, items_ui, plan_ui};

impl RestoreTab {
    /// Draws the tab; returns the command to send (Inspect, Plan, Restore or Cancel).
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        bar: &ConnectionBar,
        log: &mut LogPanel,
    ) -> Option<Command> {
        let idle = self.running().is_none();
        let mut command = None;
        ui.add_enabled_ui(idle, |ui| command = self.form_ui(ui, log));
        if let Some(c) = self.actions_ui(ui, bar, log) {
            command = Some(c);
        }
        if let Some(c) = self.confirm_ui(ui, bar, log) {
            command = Some(c);
        }
        progress_ui(ui, self.progress.as_ref(), !idle);
        ui.separator();
        if let Some(page) = self.tables_ui(ui) {
            ui.ctx().open_url(egui::OpenUrl::new_tab(page));
        }
        command
    }

    /// Files dropped on the window: they become the inputs and are inspected (not while a job
    /// runs).
    pub fn dropped(&mut self, paths: &[PathBuf], log: &mut LogPanel) -> Option<Command> {
        if self.running().is_some() {
            log.push(
                Level::Warn,
                "a restore job is running: drop the files again when it ends",
            );
            return None;
        }
        self.set_inputs(paths);
        self.inspect_command(log)
    }

    fn form_ui(&mut self, ui: &mut egui::Ui, log: &mut LogPanel) -> Option<Command> {
        let mut command = None;
        egui::Grid::new("restore_form")
            .num_columns(2)
            .show(ui, |ui| {
                command = self.inputs_row(ui, log);
                ui.label("If an item exists");
                ui.vertical(|ui| {
                    for (policy, name, help) in POLICIES {
                        ui.horizontal(|ui| {
                            let mut chosen = self.policy();
                            if ui.radio_value(&mut chosen, policy, name).changed() {
                                self.set_policy(chosen);
                            }
                            ui.weak(help);
                        });
                    }
                });
                ui.end_row();
                let label = ui.label("Target folder");
                ui.horizontal(|ui| {
                    ui.add(
                        egui::TextEdit::singleline(&mut self.fields.target_folder)
                            .hint_text("the folder each item was backed up from")
                            .desired_width(300.0),
                    )
                    .labelled_by(label.id)
                    .on_hover_text("A folder of the signed-in user; created if missing");
                });
                ui.end_row();
                let label = ui.label("Options");
                ui.horizontal(|ui| {
                    ui.checkbox(&mut self.fields.keep_metadata, "Keep metadata")
                        .on_hover_text(
                            "Keep the backed-up description, tags, extent …; \
                             off takes the target's defaults",
                        );
                    ui.checkbox(&mut self.fields.sharing, "Restore sharing")
                        .on_hover_text(
                            "Share as backed up (access and the groups that exist on the target)",
                        );
                    ui.separator();
                    ui.label("Workers");
                    ui.add(egui::DragValue::new(&mut self.fields.workers).range(1..=16))
                        .labelled_by(label.id)
                        .on_hover_text("Items restored at the same time (1 to 16)");
                });
                ui.end_row();
            });
        command
    }

    fn inputs_row(&mut self, ui: &mut egui::Ui, log: &mut LogPanel) -> Option<Command> {
        let mut command = None;
        let label = ui.label("Backup files");
        ui.horizontal(|ui| {
            ui.add(
                egui::TextEdit::singleline(&mut self.fields.inputs)
                    .hint_text(".zip or .contentexport files, or a folder (separate with ;)")
                    .desired_width(520.0),
            )
            .labelled_by(label.id);
            let start = start_dir(&self.input_paths());
            if ui
                .button("Files…")
                .on_hover_text("Choose backup files")
                .clicked()
            {
                let mut dialog =
                    rfd::FileDialog::new().add_filter("Backups", &["zip", "contentexport"]);
                if let Some(dir) = &start {
                    dialog = dialog.set_directory(dir);
                }
                if let Some(files) = dialog.pick_files() {
                    self.set_inputs(&files);
                    command = self.inspect_command(log);
                }
            }
            if ui
                .button("Folder…")
                .on_hover_text("Choose a folder: every backup in it")
                .clicked()
            {
                let mut dialog = rfd::FileDialog::new();
                if let Some(dir) = &start {
                    dialog = dialog.set_directory(dir);
                }
                if let Some(folder) = dialog.pick_folder() {
                    self.set_inputs(&[folder]);
                    command = self.inspect_command(log);
                }
            }
            if ui
                .button("Inspect")
                .on_hover_text("List what these files hold and check their checksums")
                .clicked()
            {
                command = self.inspect_command(log);
            }
            ui.weak("or drop files on the window");
        });
        ui.end_row();
        command
    }

    fn actions_ui(
        &mut self,
        ui: &mut egui::Ui,
        bar: &ConnectionBar,
        log: &mut LogPanel,
    ) -> Option<Command> {
        let mut command = None;
        let blocker = self.start_blocker(bar);
        ui.horizontal(|ui| {
            let can_start = blocker.is_none() && !self.confirming;
            if ui
                .add_enabled(can_start, egui::Button::new("Plan"))
                .on_hover_text("Show what a restore would do; nothing is written")
                .clicked()
            {
                command = self.restore_command(bar, true, log);
            }
            if ui
                .add_enabled(can_start, egui::Button::new("Start restore"))
                .on_hover_text("Restore the selected items")
                .clicked()
            {
                if self.policy() == ConflictPolicy::Update {
                    self.confirming = true;
                } else {
                    command = self.restore_command(bar, false, log);
                }
            }
            if let Some(job) = self.running() {
                if ui.button("Cancel").clicked() {
                    log.push(Level::Info, "cancelling…");
                    command = Some(Command::Cancel(job));
                }
            } else if let Some(why) = blocker {
                ui.colored_label(ui.visuals().warn_fg_color, format!("Cannot start: {why}"));
            }
            ui.separator();
            ui.label(self.status_text());
        });
        command
    }

    /// The question before a restore that updates existing items in place.
    fn confirm_ui(
        &mut self,
        ui: &mut egui::Ui,
        bar: &ConnectionBar,
        log: &mut LogPanel,
    ) -> Option<Command> {
        if !self.confirming {
            return None;
        }
        let mut command = None;
        egui::Modal::new(egui::Id::unique("restore_confirm")).show(ui.ctx(), |ui| {
            ui.heading("Update existing items in place?");
            ui.label(format!(
                "Items of the {} selected that exist on the portal are overwritten with the \
                 backup (properties, data, thumbnail, metadata, resources).",
                self.selected.len()
            ));
            ui.horizontal(|ui| {
                if ui.button("Update items").clicked() {
                    self.confirming = false;
                    command = self.restore_command(bar, false, log);
                }
                if ui.button("Back").clicked() {
                    self.confirming = false;
                }
            });
        });
        command
    }

    /// Files, items and plan; returns the page of a restored item whose Open was clicked.
    fn tables_ui(&mut self, ui: &mut egui::Ui) -> Option<String> {
        if self.listings.is_empty() && self.rows.is_empty() {
            ui.weak(
                "No backup files yet: choose Files… or Folder…, type a path and Inspect, \
                 or drop .zip / .contentexport files on the window.",
            );
            return None;
        }
        let mut open = None;
        egui::ScrollArea::vertical()
            .id_salt("restore_tables")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                files_ui(ui, &self.listings);
                ui.add_space(6.0);
                ui.horizontal(|ui| {
                    ui.heading("Items");
                    if ui.button("Select all").clicked() {
                        self.select_all(true);
                    }
                    if ui.button("Select none").clicked() {
                        self.select_all(false);
                    }
                    ui.strong(format!(
                        "{} of {} selected",
                        self.selected.len(),
                        self.rows.len()
                    ));
                });
                open = items_ui(ui, self);
                if let Some(plan) = &self.plan {
                    ui.add_space(6.0);
                    ui.heading(format!("Plan for {}", plan.target_portal));
                    plan_ui(ui, plan);
                }
            });
        open
    }
}

/// The folder the dialogs start in: the first input's folder (or itself when a folder).
fn start_dir(paths: &[PathBuf]) -> Option<PathBuf> {
    let first = paths.first()?;
    if first.is_dir() {
        return Some(first.clone());
    }
    first.parent().filter(|d| d.is_dir()).map(Path::to_path_buf)
}
