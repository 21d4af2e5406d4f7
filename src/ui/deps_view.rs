//! The Backup tab's dependency view: a collapsible panel beside the item table that asks the
//! engine (a `Command::Dependencies` job, so the window stays responsive; a spinner shows while
//! it runs) what each selected item needs and what needs it ("blast radius"), lists both with
//! titles, types and whether each item is already selected, and offers "Add dependencies to
//! selection". It owns only its own job and report; the table's rows and selection belong to
//! the tab, which it changes only through [`Table`]'s methods.

use crate::engine::deps::{DependencyReport, DependencyRequest, ItemDependencies, RelatedItem};
use crate::engine::{Command, Event, EventKind, JobId, Level, Outcome};

use super::connection::ConnectionBar;
use super::log_panel::LogPanel;
use super::table::{Table, TableRow};

/// The dependency view's state.
#[derive(Debug, Default)]
pub struct DependencyView {
    /// Whether the panel is shown.
    pub open: bool,
    /// The running dependency job, if any.
    pub job: Option<JobId>,
    /// The last answer.
    pub report: Option<DependencyReport>,
    /// Why the last job failed, if it did.
    pub error: Option<String>,
    /// The selected ids the last job was asked about.
    pub asked: Vec<String>,
}

impl DependencyView {
    /// Whether `job` is this view's job.
    pub fn owns(&self, job: JobId) -> bool {
        self.job == Some(job)
    }

    /// Why "Show dependencies" is not possible now, if it is not.
    pub fn blocker(&self, bar: &ConnectionBar, table: &Table) -> Option<&'static str> {
        if self.job.is_some() {
            Some("already reading")
        } else if bar.connection.is_none() {
            Some("sign in first")
        } else if table.selected_count() == 0 {
            Some("select at least one item")
        } else {
            None
        }
    }

    /// The dependency job for the checked items, with every loaded row as a candidate for
    /// their blast radius; `None` when it cannot start.
    pub fn request(&self, bar: &ConnectionBar, table: &Table, workers: usize) -> Option<Command> {
        if self.blocker(bar, table).is_some() {
            return None;
        }
        let connection = bar.connection.clone()?;
        Some(Command::Dependencies(Box::new(DependencyRequest {
            connection,
            items: table.selected_ids(),
            candidates: table.rows().iter().map(|r| r.id.clone()).collect(),
            concurrency: workers.clamp(1, 16),
        })))
    }

    /// Marks `job` as the running dependency job for the ids in `asked`.
    pub fn started(&mut self, job: JobId, asked: Vec<String>) {
        self.job = Some(job);
        self.asked = asked;
        self.error = None;
        self.open = true;
    }

    /// Takes one event of this view's job.
    pub fn on_event(&mut self, event: &Event, log: &mut LogPanel) {
        let EventKind::Finished(result) = &event.kind else {
            return;
        };
        self.job = None;
        match result {
            Ok(Outcome::Dependencies(report)) => {
                log.push(
                    Level::Info,
                    format!(
                        "dependencies shown for {} selected item(s)",
                        report.items.len()
                    ),
                );
                self.report = Some((**report).clone());
            }
            Ok(_) => self.error = Some("unexpected answer".into()),
            Err(e) if e == "cancelled" => {}
            Err(e) => self.error = Some(e.clone()),
        }
    }

    /// Checks every item the selected items need that can be backed up and is not checked
    /// yet, adding a row for those the table does not have; returns how many were added.
    pub fn add_missing(&self, table: &mut Table) -> usize {
        let Some(report) = &self.report else {
            return 0;
        };
        let missing: Vec<RelatedItem> = report
            .missing_needs(|id| table.is_selected(id))
            .into_iter()
            .cloned()
            .collect();
        let known: std::collections::HashSet<String> =
            table.rows().iter().map(|r| r.id.clone()).collect();
        for item in &missing {
            if !known.contains(&item.id) {
                table.upsert(TableRow {
                    id: item.id.clone(),
                    title: item.label().to_string(),
                    item_type: item.item_type.clone(),
                    ..TableRow::default()
                });
            }
            table.select(&item.id);
        }
        missing.len()
    }

    /// Draws the panel's content; returns the command to send (a dependency job or its
    /// cancellation).
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        bar: &ConnectionBar,
        table: &mut Table,
        log: &mut LogPanel,
    ) -> Option<Command> {
        let mut command = None;
        ui.horizontal(|ui| {
            ui.heading("Dependencies");
            if ui.small_button("Hide").clicked() {
                self.open = false;
            }
        });
        ui.add(
            egui::Label::new(
                egui::RichText::new(
                    "What the selected items need, and what needs them (blast radius).",
                )
                .weak(),
            )
            .wrap(),
        );
        ui.horizontal(|ui| {
            let blocker = self.blocker(bar, table);
            if ui
                .add_enabled(blocker.is_none(), egui::Button::new("Show dependencies"))
                .on_hover_text("Read the selected items and the loaded inventory's items")
                .clicked()
            {
                command = self.request(bar, table, 0);
            }
            if let Some(job) = self.job {
                ui.spinner();
                ui.label("reading…");
                if ui.button("Stop").clicked() {
                    command = Some(Command::Cancel(job));
                }
            } else if let Some(why) = blocker {
                ui.weak(why);
            }
        });
        if let Some(e) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, format!("failed: {e}"));
        }
        self.report_ui(ui, table, log);
        command
    }

    fn report_ui(&self, ui: &mut egui::Ui, table: &mut Table, log: &mut LogPanel) {
        let Some(report) = &self.report else {
            return;
        };
        if table.selected_ids() != self.asked {
            ui.weak("The selection changed since: Show dependencies again to update.");
        }
        let missing = report.missing_needs(|id| table.is_selected(id)).len();
        if ui
            .add_enabled(
                missing > 0,
                egui::Button::new(format!("Add dependencies to selection ({missing})")),
            )
            .on_hover_text("Check every needed item of the organisation not selected yet")
            .clicked()
        {
            let added = self.add_missing(table);
            log.push(
                Level::Info,
                format!("{added} dependencies added to the selection"),
            );
        }
        ui.separator();
        let Some(report) = &self.report else {
            return;
        };
        egui::ScrollArea::vertical()
            .id_salt("dependency_list")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for item in &report.items {
                    item_ui(ui, item, table);
                }
            });
    }
}

/// One selected item: a collapsible section with what it needs and what needs it.
fn item_ui(ui: &mut egui::Ui, item: &ItemDependencies, table: &Table) {
    let title = format!("{} ({})", item.item.label(), item.item.item_type);
    egui::CollapsingHeader::new(title)
        .id_salt(("dependencies_of", &item.item.id))
        .default_open(true)
        .show(ui, |ui| {
            list_ui(ui, "Needs", &item.needs, table);
            list_ui(ui, "Needed by", &item.needed_by, table);
        });
}

fn list_ui(ui: &mut egui::Ui, heading: &str, items: &[RelatedItem], table: &Table) {
    ui.strong(format!("{heading} ({})", items.len()));
    if items.is_empty() {
        ui.weak("  nothing");
    }
    for related in items {
        let text = related_text(related, table.is_selected(&related.id));
        let color = if !related.local {
            ui.visuals().warn_fg_color
        } else if table.is_selected(&related.id) {
            egui::Color32::from_rgb(0x2e, 0xa0, 0x43)
        } else {
            ui.visuals().text_color()
        };
        // Truncated, so a long title never widens the panel over the table.
        ui.horizontal(|ui| {
            ui.add_space(12.0);
            ui.add(egui::Label::new(egui::RichText::new(text).color(color)).truncate())
                .on_hover_text(if related.local {
                    related.id.clone()
                } else {
                    format!(
                        "{}: missing, not readable, or outside the organisation (not backed up)",
                        related.id
                    )
                });
        });
    }
}

/// "Parcels · Feature Service · selected · indirect" ...
pub fn related_text(item: &RelatedItem, selected: bool) -> String {
    let state = if !item.local {
        "unavailable"
    } else if selected {
        "selected"
    } else {
        "not selected"
    };
    let mut parts = vec![item.label()];
    if !item.item_type.is_empty() {
        parts.push(&item.item_type);
    }
    parts.push(state);
    if !item.direct {
        parts.push("indirect");
    }
    parts.join(" · ")
}
