//! The sandbox monitor: the demo portal's address, CA file and demo accounts, live request
//! counters, and the organisation's items, refreshed once a second from a data source the
//! binary injects (so this module does not depend on the sandbox's types).

use std::time::{Duration, Instant};

/// One item row of the monitor's table.
#[derive(Debug, Clone, Default)]
pub struct ItemRow {
    /// Title.
    pub title: String,
    /// Item type.
    pub item_type: String,
    /// Owner.
    pub owner: String,
    /// Sharing level.
    pub access: String,
    /// Content status, or empty.
    pub status: String,
}

/// What the monitor shows, produced by the injected source.
#[derive(Debug, Clone, Default)]
pub struct MonitorData {
    /// Requests served so far.
    pub requests: u64,
    /// Response bytes served.
    pub bytes: u64,
    /// Injected faults by kind.
    pub faults: Vec<(String, u64)>,
    /// The items.
    pub items: Vec<ItemRow>,
}

/// A function that reads the current data.
pub type Source = Box<dyn Fn() -> MonitorData>;

/// The monitor application.
pub struct Monitor {
    url: String,
    ca_path: String,
    source: Source,
    data: MonitorData,
    last: Option<Instant>,
    filter: String,
}

impl Monitor {
    /// A monitor of the sandbox at `url` whose CA is at `ca_path`.
    pub fn new(url: String, ca_path: String, source: Source) -> Self {
        Monitor {
            url,
            ca_path,
            source,
            data: MonitorData::default(),
            last: None,
            filter: String::new(),
        }
    }

    fn header_ui(&self, ui: &mut egui::Ui) {
        ui.heading("Sandbox portal");
        egui::Grid::new("sandbox_facts")
            .num_columns(2)
            .show(ui, |ui| {
                ui.label("Portal URL");
                ui.horizontal(|ui| {
                    ui.monospace(&self.url);
                    if ui.small_button("Copy").clicked() {
                        ui.ctx().copy_text(self.url.clone());
                    }
                });
                ui.end_row();
                ui.label("TLS CA file");
                ui.monospace(&self.ca_path);
                ui.end_row();
                ui.label("Demo accounts");
                ui.label(
                    "admin / sandbox-admin · editor / sandbox-editor · viewer / sandbox-viewer",
                );
                ui.end_row();
            });
        ui.label(
            "Point any ArcGIS client at this URL. Signing in, scanning and backing up from this window \
             arrive with the Scan, Backup and Restore tabs.",
        );
    }

    fn stats_ui(&self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            ui.label(format!("{} requests", self.data.requests));
            ui.separator();
            ui.label(format!(
                "{:.1} MB served",
                self.data.bytes as f64 / 1_048_576.0
            ));
            ui.separator();
            ui.label(format!("{} items", self.data.items.len()));
            for (kind, n) in &self.data.faults {
                ui.separator();
                ui.colored_label(ui.visuals().warn_fg_color, format!("{kind}: {n}"));
            }
        });
    }

    fn items_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            ui.label("Filter");
            ui.text_edit_singleline(&mut self.filter);
        });
        let needle = self.filter.to_lowercase();
        egui::ScrollArea::both()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                egui::Grid::new("sandbox_items")
                    .striped(true)
                    .num_columns(5)
                    .show(ui, |ui| {
                        for h in ["Title", "Type", "Owner", "Access", "Status"] {
                            ui.strong(h);
                        }
                        ui.end_row();
                        for row in self.data.items.iter().filter(|r| {
                            needle.is_empty()
                                || r.title.to_lowercase().contains(&needle)
                                || r.item_type.to_lowercase().contains(&needle)
                        }) {
                            let title: String = row.title.chars().take(70).collect();
                            ui.label(title);
                            ui.label(&row.item_type);
                            ui.label(&row.owner);
                            ui.label(&row.access);
                            ui.label(&row.status);
                            ui.end_row();
                        }
                    });
            });
    }
}

impl eframe::App for Monitor {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        if self
            .last
            .is_none_or(|t| t.elapsed() >= Duration::from_secs(1))
        {
            self.data = (self.source)();
            self.last = Some(Instant::now());
        }
        ctx.request_repaint_after(Duration::from_secs(1));
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::Panel::top("monitor_header").show(ui, |ui| {
            self.header_ui(ui);
            ui.add_space(4.0);
            self.stats_ui(ui);
            ui.add_space(4.0);
        });
        egui::CentralPanel::default().show(ui, |ui| self.items_ui(ui));
    }
}
