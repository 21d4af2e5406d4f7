//! The table's optional checkboxes: which rows are checked, "Select all" / "Select none" on the
//! rows the filter shows, the "N of M selected" count and the checkbox drawn in each row. The
//! rows themselves, filter and sort belong to the parent module.

use std::collections::HashSet;

use super::{CHECK_WIDTH, StatusColor, Table, TableRow};

impl Table {
    /// An empty table with a checkbox per row and the status column coloured by `status_color`.
    pub fn with_checkboxes(status_color: StatusColor) -> Self {
        Table {
            selection: Some(HashSet::new()),
            status_color: Some(status_color),
            ..Table::default()
        }
    }

    /// Checks (or unchecks) every row the filter shows; no effect without checkboxes.
    pub fn select_visible(&mut self, checked: bool) {
        let ids: Vec<String> = self.visible().iter().map(|r| r.id.clone()).collect();
        if let Some(selection) = &mut self.selection {
            for id in ids {
                if checked {
                    selection.insert(id);
                } else {
                    selection.remove(&id);
                }
            }
        }
    }

    /// Checks the row `id` (whether or not a row has it yet); no effect without checkboxes.
    pub fn select(&mut self, id: &str) {
        if let Some(selection) = &mut self.selection {
            selection.insert(id.to_string());
        }
    }

    /// Whether the row `id` is checked.
    pub fn is_selected(&self, id: &str) -> bool {
        self.selection.as_ref().is_some_and(|s| s.contains(id))
    }

    /// The checked ids, in row order (the order they were added).
    pub fn selected_ids(&self) -> Vec<String> {
        self.rows
            .iter()
            .filter(|r| self.is_selected(&r.id))
            .map(|r| r.id.clone())
            .collect()
    }

    /// How many rows are checked.
    pub fn selected_count(&self) -> usize {
        self.rows.iter().filter(|r| self.is_selected(&r.id)).count()
    }

    /// With checkboxes: Select all / none (on the rows the filter shows) and the count.
    pub(super) fn selection_ui(&mut self, ui: &mut egui::Ui) {
        if self.selection.is_some() {
            ui.separator();
            if ui
                .button("Select all")
                .on_hover_text("Check every row the filter shows")
                .clicked()
            {
                self.select_visible(true);
            }
            if ui
                .button("Select none")
                .on_hover_text("Uncheck every row the filter shows")
                .clicked()
            {
                self.select_visible(false);
            }
            ui.strong(format!(
                "{} of {} selected",
                self.selected_count(),
                self.rows.len()
            ));
        }
    }
}

/// The checkbox of `row` in a cell [`CHECK_WIDTH`] wide (the header leaves the same gap).
pub(super) fn checkbox_cell(
    ui: &mut egui::Ui,
    selection: &mut HashSet<String>,
    row: &TableRow,
    height: f32,
) {
    let layout = egui::Layout::left_to_right(egui::Align::Center);
    let size = egui::vec2(CHECK_WIDTH, height);
    ui.allocate_ui_with_layout(size, layout, |ui| {
        ui.set_width(CHECK_WIDTH);
        checkbox_ui(ui, selection, &row.id, &row.title);
    });
}

/// The checkbox selecting item `id` (titled `title`), named "Select <title>" for screen
/// readers; shared by every table with checkboxes.
pub(crate) fn checkbox_ui(
    ui: &mut egui::Ui,
    selection: &mut HashSet<String>,
    id: &str,
    title: &str,
) {
    let mut checked = selection.contains(id);
    let response = ui.add(egui::Checkbox::without_text(&mut checked));
    let name = format!("Select {}", if title.is_empty() { id } else { title });
    response.widget_info(|| {
        egui::WidgetInfo::selected(egui::Role::CheckBox, true, checked, name.clone())
    });
    if response.changed() {
        if checked {
            selection.insert(id.to_string());
        } else {
            selection.remove(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::row;
    use super::*;

    #[test]
    fn selection_acts_on_the_rows_the_filter_shows() {
        let mut t = Table {
            selection: Some(HashSet::new()),
            ..Table::default()
        };
        t.upsert(row("1", "beta", ""));
        t.upsert(row("2", "Alpha", ""));
        t.upsert(row("3", "gamma", ""));
        t.filter = "a".into();
        t.select_visible(true);
        assert_eq!(t.selected_ids(), ["1", "2", "3"]);
        t.filter = "ga".into();
        t.select_visible(false);
        assert_eq!(t.selected_ids(), ["1", "2"]);
        assert_eq!(t.selected_count(), 2);
        assert!(t.set_status("2", "OK"));
        assert!(!t.set_status("9", "OK"));
        assert_eq!(t.rows()[1].status, "OK");
        t.clear();
        assert_eq!(t.selected_count(), 0);
        assert!(t.selection.is_some());
    }

    #[test]
    fn without_checkboxes_nothing_is_selected() {
        let mut t = Table::default();
        t.upsert(row("1", "beta", ""));
        t.select_visible(true);
        assert!(t.selected_ids().is_empty());
    }
}
