//! Drawing the Backup tab: the source row (CSV path, Browse…, Load, Use last scan), the options
//! (mode radio buttons, workers, the switches, destination with a folder picker), the action
//! row (Start backup or why not, Cancel, the dependency view toggle, Verify archives, Open
//! destination folder, status and counts), the progress bar, the item table and beside it the
//! dependency view (`deps_view`) when open. State changes go through [`BackupTab`]'s methods;
//! commands are returned, never sent from here.

use std::path::{Path, PathBuf};

use crate::engine::{Command, Level};

use super::backup_tab::{BackupTab, MODES};
use super::connection::ConnectionBar;
use super::log_panel::LogPanel;
use super::progress::progress_ui;

/// The switches: settings field, label, hover text.
type Switch = (fn(&mut BackupTab) -> &mut bool, &'static str, &'static str);

const SWITCHES: [Switch; 6] = [
    (
        |t| &mut t.fields.thumbnails,
        "Thumbnails",
        "Download each item's thumbnail",
    ),
    (
        |t| &mut t.fields.export_data,
        "Export hosted layers (FGDB)",
        "Capture hosted layer data by a File Geodatabase export first; \
         otherwise straight by replica or query",
    ),
    (
        |t| &mut t.fields.keep_exports,
        "Keep exports",
        "Leave the temporary export items in the portal",
    ),
    (
        |t| &mut t.fields.keep_uncompressed,
        "Keep uncompressed",
        "Also leave each archive's content unpacked in a folder beside it",
    ),
    (
        |t| &mut t.fields.with_dependencies,
        "With dependencies",
        "Also back up what the selected items need (web map -> layers, app -> map ...)",
    ),
    (
        |t| &mut t.fields.incremental,
        "Incremental",
        "Skip items unchanged since their last complete backup in this destination",
    ),
];

impl BackupTab {
    /// Draws the tab; returns the command to send (Start, Cancel or Verify). `last_scan` is the
    /// Scan tab's inventory path.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        bar: &ConnectionBar,
        last_scan: &str,
        log: &mut LogPanel,
    ) -> Option<Command> {
        let idle = self.running().is_none();
        ui.add_enabled_ui(idle, |ui| self.form_ui(ui, last_scan, log));
        let mut command = self.actions_ui(ui, bar, log);
        progress_ui(ui, self.progress.as_ref(), !idle);
        ui.separator();
        if self.deps.open {
            egui::Panel::right("dependency_panel")
                .resizable(true)
                .default_size(440.0)
                .min_size(260.0)
                .max_size(700.0)
                .show(ui, |ui| {
                    if let Some(c) = self.deps.ui(ui, bar, &mut self.table, log) {
                        command = Some(c);
                    }
                });
        }
        if self.table.rows().is_empty() {
            ui.weak(
                "No items loaded: Load a CSV (a scan inventory or any CSV with an id column) \
                 or Use last scan.",
            );
        }
        if let Some(id) = self.table.ui(ui) {
            match bar.item_page(&id) {
                Some(url) => ui.ctx().open_url(egui::OpenUrl::new_tab(url)),
                None => log.push(Level::Warn, "sign in to open item pages"),
            }
        }
        command
    }

    fn form_ui(&mut self, ui: &mut egui::Ui, last_scan: &str, log: &mut LogPanel) {
        egui::Grid::new("backup_form")
            .num_columns(2)
            .show(ui, |ui| {
                self.source_row(ui, last_scan, log);
                self.mode_row(ui);
                let label = ui.label("Workers");
                ui.horizontal(|ui| {
                    ui.add(egui::DragValue::new(&mut self.fields.workers).range(1..=16))
                        .labelled_by(label.id)
                        .on_hover_text("Items backed up at the same time (1 to 16)");
                    ui.separator();
                    for (field, text, hover) in SWITCHES {
                        ui.checkbox(field(self), text).on_hover_text(hover);
                    }
                });
                ui.end_row();
                self.destination_row(ui);
            });
    }

    /// One radio button per mode, each with its one-line explanation.
    fn mode_row(&mut self, ui: &mut egui::Ui) {
        ui.label("Mode");
        ui.vertical(|ui| {
            let current = self.options().mode;
            for (mode, text, help) in MODES {
                ui.horizontal(|ui| {
                    if ui.radio(current == mode, text).clicked() {
                        self.fields.mode = mode.name().to_string();
                    }
                    ui.weak(help);
                });
            }
        });
        ui.end_row();
    }

    fn source_row(&mut self, ui: &mut egui::Ui, last_scan: &str, log: &mut LogPanel) {
        let label = ui.label("Items CSV");
        ui.horizontal(|ui| {
            ui.add(egui::TextEdit::singleline(&mut self.fields.source).desired_width(520.0))
                .labelled_by(label.id);
            if ui
                .button("Browse…")
                .on_hover_text("Choose an inventory CSV or any CSV with an id column")
                .clicked()
                && let Some(chosen) = csv_dialog(&self.fields.source).pick_file()
            {
                self.fields.source = chosen.display().to_string();
                self.load(&chosen, log);
            }
            if ui
                .button("Load")
                .on_hover_text("Read the items of this CSV into the table")
                .clicked()
            {
                self.load(&PathBuf::from(self.fields.source.trim()), log);
            }
            let last = PathBuf::from(last_scan.trim());
            if ui
                .add_enabled(last.is_file(), egui::Button::new("Use last scan"))
                .on_hover_text(format!("Load the Scan tab's inventory {}", last.display()))
                .on_disabled_hover_text("No inventory yet: run a scan in the Scan tab")
                .clicked()
            {
                self.fields.source = last_scan.trim().to_string();
                self.load(&last, log);
            }
        });
        ui.end_row();
    }

    fn destination_row(&mut self, ui: &mut egui::Ui) {
        let label = ui.label("Destination");
        ui.horizontal(|ui| {
            ui.add(egui::TextEdit::singleline(&mut self.fields.destination).desired_width(520.0))
                .labelled_by(label.id);
            if ui
                .button("Choose…")
                .on_hover_text("Choose the destination folder")
                .clicked()
            {
                let mut dialog = rfd::FileDialog::new();
                let current = PathBuf::from(self.fields.destination.trim());
                if current.is_dir() {
                    dialog = dialog.set_directory(&current);
                }
                if let Some(chosen) = dialog.pick_folder() {
                    self.fields.destination = chosen.display().to_string();
                }
            }
        });
        ui.end_row();
    }

    fn actions_ui(
        &mut self,
        ui: &mut egui::Ui,
        bar: &ConnectionBar,
        log: &mut LogPanel,
    ) -> Option<Command> {
        let mut command = None;
        let running = self.running();
        let blocker = self.start_blocker(bar);
        let destination = PathBuf::from(self.fields.destination.trim());
        ui.horizontal(|ui| {
            let start = ui.add_enabled(blocker.is_none(), egui::Button::new("Start backup"));
            if start.clicked() {
                command = self.start_command(bar, log);
            }
            if let Some(job) = running {
                if ui.button("Cancel").clicked() {
                    log.push(Level::Info, "cancelling…");
                    command = Some(Command::Cancel(job));
                }
            } else if let Some(why) = blocker {
                ui.colored_label(ui.visuals().warn_fg_color, format!("Cannot start: {why}"));
            }
            ui.toggle_value(&mut self.deps.open, "Dependency view")
                .on_hover_text("Show what the selected items need and what needs them");
            ui.separator();
            ui.label(self.status_text());
            ui.separator();
            let can_verify = running.is_none() && destination.is_dir();
            if ui
                .add_enabled(can_verify, egui::Button::new("Verify archives"))
                .on_hover_text("Re-read every archive in the destination and check its checksums")
                .clicked()
            {
                command = self.verify_command(log);
            }
            if ui
                .add_enabled(
                    destination.is_dir(),
                    egui::Button::new("Open destination folder"),
                )
                .clicked()
            {
                ui.ctx()
                    .open_url(egui::OpenUrl::new_tab(file_url(&destination)));
            }
        });
        command
    }
}

/// An open dialog for CSV files, starting in the folder of `current`.
fn csv_dialog(current: &str) -> rfd::FileDialog {
    let mut dialog = rfd::FileDialog::new().add_filter("CSV", &["csv", "txt"]);
    if let Some(dir) = Path::new(current.trim()).parent().filter(|d| d.is_dir()) {
        dialog = dialog.set_directory(dir);
    }
    dialog
}

/// `file:///...` for a local folder (the browser or file manager opens it).
pub fn file_url(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let text = absolute.display().to_string().replace('\\', "/");
    if text.starts_with('/') {
        format!("file://{text}")
    } else {
        format!("file:///{text}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_have_three_slashes() {
        #[cfg(unix)]
        assert_eq!(file_url(Path::new("/tmp/backups")), "file:///tmp/backups");
        #[cfg(windows)]
        assert_eq!(file_url(Path::new(r"C:\backups")), "file:///C:/backups");
    }
}
