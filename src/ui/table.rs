//! A sortable, filterable item table (Title, Type, Owner, Modified, Status): click a header to
//! sort by it (again to reverse), type in the filter to keep rows containing the text in any
//! column; each row has an "Open" button that asks the caller to open the item's page. Rows
//! are drawn lazily, so inventories of many thousand items stay smooth. Optionally (the Backup
//! tab) each row has a checkbox, with "Select all" / "Select none" acting on the rows the filter
//! shows, and the status column is coloured by a function of the status word.

use std::collections::{HashMap, HashSet};

mod select;
pub(crate) use select::checkbox_ui;

/// One row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableRow {
    /// Item id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Item type.
    pub item_type: String,
    /// Owner (empty while only the scan's live rows are known).
    pub owner: String,
    /// Last modified, `YYYY-MM-DD HH:MM:SS` UTC, or empty.
    pub modified: String,
    /// Status word (new, changed, authoritative ...).
    pub status: String,
}

/// A column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// Title.
    Title,
    /// Type.
    Type,
    /// Owner.
    Owner,
    /// Modified.
    Modified,
    /// Status.
    Status,
}

const COLUMNS: [(Column, &str, f32); 5] = [
    (Column::Title, "Title", 0.34),
    (Column::Type, "Type", 0.17),
    (Column::Owner, "Owner", 0.13),
    (Column::Modified, "Modified", 0.16),
    (Column::Status, "Status", 0.14),
];

/// Width of the checkbox column.
const CHECK_WIDTH: f32 = 20.0;

impl Column {
    fn text(self, row: &TableRow) -> &str {
        match self {
            Column::Title => &row.title,
            Column::Type => &row.item_type,
            Column::Owner => &row.owner,
            Column::Modified => &row.modified,
            Column::Status => &row.status,
        }
    }
}

/// The table's rows and view state.
#[derive(Debug)]
pub struct Table {
    rows: Vec<TableRow>,
    by_id: HashMap<String, usize>,
    /// Filter text (case-insensitive, any column).
    pub filter: String,
    /// Sort column and ascending flag.
    pub sort: (Column, bool),
    /// The checked ids, when rows have checkboxes (`None`: no checkboxes).
    pub selection: Option<HashSet<String>>,
    /// The colour of a status word, when the status column is coloured.
    pub status_color: Option<StatusColor>,
}

/// The colour of a status word (`None`: the normal text colour).
pub type StatusColor = fn(&str) -> Option<egui::Color32>;

impl Default for Table {
    fn default() -> Self {
        Table {
            rows: Vec::new(),
            by_id: HashMap::new(),
            filter: String::new(),
            sort: (Column::Title, true),
            selection: None,
            status_color: None,
        }
    }
}

impl Table {
    /// Adds a row, replacing a row with the same id.
    pub fn upsert(&mut self, row: TableRow) {
        match self.by_id.get(&row.id) {
            Some(&i) => self.rows[i] = row,
            None => {
                self.by_id.insert(row.id.clone(), self.rows.len());
                self.rows.push(row);
            }
        }
    }

    /// Replaces every row.
    pub fn set_rows(&mut self, rows: Vec<TableRow>) {
        self.clear();
        for row in rows {
            self.upsert(row);
        }
    }

    /// Removes every row (and unchecks them).
    pub fn clear(&mut self) {
        self.rows.clear();
        self.by_id.clear();
        if let Some(selection) = &mut self.selection {
            selection.clear();
        }
    }

    /// Sets the status of the row `id`; false when there is no such row.
    pub fn set_status(&mut self, id: &str, status: &str) -> bool {
        match self.by_id.get(id) {
            Some(&i) => {
                self.rows[i].status = status.to_string();
                true
            }
            None => false,
        }
    }

    /// Empties the status column.
    pub fn clear_statuses(&mut self) {
        for row in &mut self.rows {
            row.status.clear();
        }
    }

    /// The rows the filter keeps, in the current sort order.
    pub fn visible(&self) -> Vec<&TableRow> {
        self.visible_indices()
            .into_iter()
            .map(|i| &self.rows[i])
            .collect()
    }

    /// All rows, unsorted.
    pub fn rows(&self) -> &[TableRow] {
        &self.rows
    }

    /// Indices into `rows` of [`Table::visible`].
    fn visible_indices(&self) -> Vec<usize> {
        let needle = self.filter.trim().to_lowercase();
        let mut rows: Vec<usize> = (0..self.rows.len())
            .filter(|&i| {
                let r = &self.rows[i];
                needle.is_empty()
                    || COLUMNS
                        .iter()
                        .any(|(c, ..)| c.text(r).to_lowercase().contains(&needle))
                    || r.id.contains(&needle)
            })
            .collect();
        let (column, ascending) = self.sort;
        rows.sort_by(|&a, &b| {
            let o = column
                .text(&self.rows[a])
                .to_lowercase()
                .cmp(&column.text(&self.rows[b]).to_lowercase());
            if ascending { o } else { o.reverse() }
        });
        rows
    }

    /// Draws the filter, headers and rows; returns the id of a row whose "Open" was clicked.
    pub fn ui(&mut self, ui: &mut egui::Ui) -> Option<String> {
        ui.horizontal(|ui| {
            let label = ui.label("Filter");
            ui.add(egui::TextEdit::singleline(&mut self.filter).hint_text("title, type, owner…"))
                .labelled_by(label.id);
            ui.label(format!(
                "{} of {} rows",
                self.visible().len(),
                self.rows.len()
            ));
            self.selection_ui(ui);
        });
        let checkboxes = self.selection.is_some();
        let spacing = ui.spacing().item_spacing.x;
        let width = ui.available_width()
            - 60.0
            - if checkboxes {
                CHECK_WIDTH + spacing
            } else {
                0.0
            };
        ui.horizontal(|ui| {
            if checkboxes {
                ui.allocate_exact_size(egui::vec2(CHECK_WIDTH, 18.0), egui::Sense::hover());
            }
            for (column, name, share) in COLUMNS {
                let arrow = match self.sort {
                    (c, true) if c == column => " ^",
                    (c, false) if c == column => " v",
                    _ => "",
                };
                let header =
                    egui::Button::new(egui::RichText::new(format!("{name}{arrow}")).strong())
                        .frame(false);
                if cell(ui, width * share, 18.0, header).clicked() {
                    self.sort = (column, self.sort != (column, true));
                }
            }
        });
        ui.separator();
        let rows = self.visible_indices();
        let mut open = None;
        let row_height = ui.spacing().interact_size.y;
        egui::ScrollArea::vertical()
            .id_salt("item_table")
            .auto_shrink([false, false])
            .show_rows(ui, row_height, rows.len(), |ui, range| {
                for &i in &rows[range] {
                    let row = &self.rows[i];
                    ui.horizontal(|ui| {
                        if let Some(selection) = &mut self.selection {
                            select::checkbox_cell(ui, selection, row, row_height);
                        }
                        for (column, _, share) in COLUMNS {
                            let text = egui::RichText::new(column.text(row));
                            let text = match (column, self.status_color) {
                                (Column::Status, Some(color)) => match color(&row.status) {
                                    Some(c) => text.color(c).strong(),
                                    None => text,
                                },
                                _ => text,
                            };
                            cell(
                                ui,
                                width * share,
                                row_height,
                                egui::Label::new(text).truncate(),
                            );
                        }
                        if ui
                            .small_button("Open")
                            .on_hover_text(format!("Open the item page of {}", row.id))
                            .clicked()
                        {
                            open = Some(row.id.clone());
                        }
                    });
                }
            });
        open
    }
}

/// `widget` left-aligned in a cell exactly `width` wide.
fn cell(ui: &mut egui::Ui, width: f32, height: f32, widget: impl egui::Widget) -> egui::Response {
    let layout = egui::Layout::left_to_right(egui::Align::Center);
    ui.allocate_ui_with_layout(egui::vec2(width, height), layout, |ui| {
        ui.set_min_width(width);
        ui.set_max_width(width);
        ui.add(widget)
    })
    .inner
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn row(id: &str, title: &str, status: &str) -> TableRow {
        TableRow {
            id: id.into(),
            title: title.into(),
            status: status.into(),
            ..TableRow::default()
        }
    }

    #[test]
    fn filters_sorts_and_replaces_rows() {
        let mut t = Table::default();
        t.upsert(row("1", "beta", "new"));
        t.upsert(row("2", "Alpha", "changed"));
        t.upsert(row("1", "Beta map", "new"));
        let titles = |t: &Table| {
            t.visible()
                .iter()
                .map(|r| r.title.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(titles(&t), ["Alpha", "Beta map"]);
        t.sort = (Column::Title, false);
        assert_eq!(titles(&t), ["Beta map", "Alpha"]);
        t.filter = "CHANGED".into();
        assert_eq!(titles(&t), ["Alpha"]);
    }
}
