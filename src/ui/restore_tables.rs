//! The Restore tab's three tables, drawn from [`RestoreTab`]'s state: the picked files (format,
//! checksums verified / MISMATCH / —, problems), the items they hold (checkbox, type, title, id, size, what they
//! need, the live action or status coloured, "Open" for a restored item) and the plan (order,
//! action coloured, type, title, folder, rewrites, warnings); plus the colours of action words
//! and the log lines of a finished restore. No state changes other than the checkboxes.

use crate::engine::Level;
use crate::engine::backup::{RunItemStatus, human_bytes};
use crate::engine::restore::source::{InputListing, SourceFormat};
use crate::engine::restore::{PlannedAction, RestorePlan, RestoreSummary};
use crate::formats::run_report::tally;

use super::backup_tab::status_color;
use super::log_panel::LogPanel;
use super::restore_tab::RestoreTab;

/// The colour of a plan's action word or of a result's status word.
pub fn action_color(word: &str) -> Option<egui::Color32> {
    match word {
        "create" => Some(egui::Color32::from_rgb(0x2e, 0xa0, 0x43)),
        "update" => Some(egui::Color32::from_rgb(0xe0, 0x8a, 0x00)),
        "copy" => Some(egui::Color32::from_rgb(0x3a, 0x7b, 0xd5)),
        "skip" => Some(egui::Color32::GRAY),
        other => status_color(other),
    }
}

/// `word` coloured by [`action_color`].
fn coloured(word: &str) -> egui::RichText {
    let text = egui::RichText::new(word);
    match action_color(word) {
        Some(c) => text.color(c).strong(),
        None => text,
    }
}

/// `text` cut to `max` characters (the whole text on hover).
fn short(ui: &mut egui::Ui, text: &str, max: usize) {
    if text.chars().count() <= max {
        ui.label(text);
    } else {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        ui.label(format!("{}…", cut.trim_end())).on_hover_text(text);
    }
}

/// The name of a format.
fn format_name(format: Option<SourceFormat>) -> &'static str {
    match format {
        Some(SourceFormat::Archive) => "agol-backup ZIP",
        Some(SourceFormat::OriginalZip) => "original utility ZIP",
        Some(SourceFormat::ContentExport) => ".contentexport",
        None => "not recognised",
    }
}

/// "verified", "MISMATCH" or "— (none to check)" (the default fonts have no check marks).
pub fn verified_text(verified: Option<bool>) -> &'static str {
    match verified {
        Some(true) => "verified",
        Some(false) => "MISMATCH",
        None => "— (none to check)",
    }
}

/// The picked files and what is wrong with them, under a header that counts them; open by
/// default when there are few files or something is wrong.
pub fn files_ui(ui: &mut egui::Ui, listings: &[InputListing]) {
    let verified = listings.iter().filter(|l| l.verified == Some(true)).count();
    let troubled = listings
        .iter()
        .filter(|l| !l.problems.is_empty() || !l.warnings.is_empty() || !l.not_included.is_empty())
        .count();
    let header = format!(
        "Files: {} ({verified} verified, {troubled} with problems or warnings)",
        listings.len()
    );
    egui::CollapsingHeader::new(header)
        .id_salt("restore_files_header")
        .default_open(troubled > 0 || listings.len() <= 3)
        .show(ui, |ui| files_grid_ui(ui, listings));
}

fn files_grid_ui(ui: &mut egui::Ui, listings: &[InputListing]) {
    egui::Grid::new("restore_files")
        .striped(true)
        .num_columns(5)
        .show(ui, |ui| {
            for header in ["File", "Format", "Checksums", "Items", "Problems"] {
                ui.strong(header);
            }
            ui.end_row();
            for l in listings {
                let name = l.path.file_name().map_or_else(
                    || l.path.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                ui.label(name)
                    .on_hover_text(format!("{}\n{}", l.path.display(), l.description));
                ui.label(format_name(l.format));
                let colour = match l.verified {
                    Some(true) => status_color("OK"),
                    Some(false) => status_color("FAILED"),
                    None => None,
                };
                let text = egui::RichText::new(verified_text(l.verified));
                ui.label(colour.map_or(text.clone(), |c| text.color(c)));
                ui.label(l.items.len().to_string());
                notes_ui(ui, l);
                ui.end_row();
            }
        });
}

/// A file's problems (red), tolerated defects and items it could not hold (amber), or "none".
fn notes_ui(ui: &mut egui::Ui, listing: &InputListing) {
    let mut warnings = listing.warnings.clone();
    warnings.extend(
        listing
            .not_included
            .iter()
            .map(|n| format!("not included: {n}")),
    );
    if listing.problems.is_empty() && warnings.is_empty() {
        ui.weak("none");
        return;
    }
    ui.vertical(|ui| {
        let error = ui.visuals().error_fg_color;
        for p in &listing.problems {
            ui.colored_label(error, p);
        }
        let warn = ui.visuals().warn_fg_color;
        for w in &warnings {
            ui.colored_label(warn, w);
        }
    });
}

/// The items, with a checkbox each; returns the id of a row whose "Open" was clicked.
pub fn items_ui(ui: &mut egui::Ui, tab: &mut RestoreTab) -> Option<String> {
    let mut open = None;
    egui::Grid::new("restore_items")
        .striped(true)
        .num_columns(8)
        .show(ui, |ui| {
            for header in ["", "Type", "Title", "Id", "Size", "Needs", "Status", ""] {
                ui.strong(header);
            }
            ui.end_row();
            for row in &tab.rows {
                super::table::checkbox_ui(ui, &mut tab.selected, &row.id, &row.title);
                ui.label(&row.item_type);
                short(ui, &row.title, 40);
                ui.monospace(&row.id);
                ui.label(if row.size > 0 {
                    human_bytes(row.size)
                } else {
                    String::new()
                });
                let needs = row.dependencies.len();
                if needs == 0 {
                    ui.weak("—");
                } else {
                    ui.label(format!("{needs} item(s)"))
                        .on_hover_text(row.dependencies.join("\n"));
                }
                let reason = tab.results.get(&row.id).map_or("", |r| r.reason.as_str());
                let status = ui.label(coloured(&row.status));
                if !reason.is_empty() {
                    status.on_hover_text(reason);
                }
                match tab.results.get(&row.id).and_then(|r| r.item_page.clone()) {
                    Some(page) => {
                        if ui
                            .small_button("Open")
                            .on_hover_text(format!("Open {page}"))
                            .clicked()
                        {
                            open = Some(page);
                        }
                    }
                    None => {
                        ui.label("");
                    }
                }
                ui.end_row();
            }
        });
    open
}

/// The plan table.
pub fn plan_ui(ui: &mut egui::Ui, plan: &RestorePlan) {
    egui::Grid::new("restore_plan")
        .striped(true)
        .num_columns(7)
        .show(ui, |ui| {
            for header in [
                "Order", "Action", "Type", "Title", "Folder", "Rewrites", "Warnings",
            ] {
                ui.strong(header);
            }
            ui.end_row();
            for (i, item) in plan.items.iter().enumerate() {
                ui.label((i + 1).to_string());
                ui.label(coloured(item.action.word()));
                ui.label(&item.item_type);
                short(ui, &item.title, 40);
                ui.label(item.folder.as_deref().unwrap_or("(root)"));
                if item.rewrites.is_empty() {
                    ui.weak("—");
                } else {
                    ui.label(format!("{} id(s)", item.rewrites.len()))
                        .on_hover_text(item.rewrites.join("\n"));
                }
                let mut notes = item.warnings.clone();
                if let PlannedAction::Skip { reason } = &item.action {
                    notes.insert(0, reason.clone());
                }
                if notes.is_empty() {
                    ui.weak("—");
                } else {
                    short(ui, &notes.join("; "), 70);
                }
                ui.end_row();
            }
        });
    for w in &plan.warnings {
        ui.colored_label(ui.visuals().warn_fg_color, w);
    }
}

/// Logs a finished restore's totals, every item not OK with its reason, and the report.
pub fn log_summary(summary: &RestoreSummary, log: &mut LogPanel) {
    for item in summary.items.iter().filter(|i| !i.reason.is_empty()) {
        let level = match item.status {
            RunItemStatus::Failed => Level::Error,
            RunItemStatus::Partial => Level::Warn,
            _ => Level::Info,
        };
        log.push(
            level,
            format!(
                "{} {} ({}): {}",
                item.status.as_str(),
                item.title,
                item.old_id,
                item.reason
            ),
        );
    }
    let Some(report) = &summary.report else {
        log.push(
            Level::Info,
            format!(
                "plan: {} item(s), nothing written",
                summary.plan.items.len()
            ),
        );
        return;
    };
    let counts = tally(summary.items.iter().map(|i| i.status));
    log.push(
        if summary.all_ok() {
            Level::Info
        } else {
            Level::Warn
        },
        format!("restore: {counts}; report {}", report.display()),
    );
}
