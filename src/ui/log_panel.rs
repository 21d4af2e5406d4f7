//! The log panel: timestamped lines with a level, a level filter, Copy (all shown lines to the
//! clipboard) and Clear. Lines come from job events and from the app itself (settings
//! warnings, sign-in); no line ever holds a password or token.

use crate::engine::Level;
use crate::formats::utc::format_datetime;

/// Lines kept at most; the oldest go first.
const MAX_LINES: usize = 5000;

/// One log line.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    /// `YYYY-MM-DD HH:MM:SS` UTC.
    pub time: String,
    /// Severity.
    pub level: Level,
    /// The text.
    pub message: String,
}

impl LogLine {
    /// The line as copied to the clipboard.
    pub fn to_text(&self) -> String {
        format!("{} {} {}", self.time, level_name(self.level), self.message)
    }
}

/// `DEBUG`, `INFO`, `WARN` or `ERROR`.
pub fn level_name(level: Level) -> &'static str {
    match level {
        Level::Debug => "DEBUG",
        Level::Info => "INFO",
        Level::Warn => "WARN",
        Level::Error => "ERROR",
    }
}

/// The log and its filter.
#[derive(Debug)]
pub struct LogPanel {
    lines: Vec<LogLine>,
    /// Lines below this level are hidden (kept).
    pub min_level: Level,
}

impl Default for LogPanel {
    fn default() -> Self {
        LogPanel {
            lines: Vec::new(),
            min_level: Level::Info,
        }
    }
}

impl LogPanel {
    /// Adds a line stamped now.
    pub fn push(&mut self, level: Level, message: impl Into<String>) {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        self.lines.push(LogLine {
            time: format_datetime(now),
            level,
            message: message.into(),
        });
        if self.lines.len() > MAX_LINES {
            self.lines.drain(..self.lines.len() - MAX_LINES);
        }
    }

    /// Every line, shown or not.
    pub fn lines(&self) -> &[LogLine] {
        &self.lines
    }

    /// Removes every line.
    pub fn clear(&mut self) {
        self.lines.clear();
    }

    fn shown(&self) -> impl Iterator<Item = &LogLine> {
        self.lines.iter().filter(|l| l.level >= self.min_level)
    }

    /// Draws the toolbar and the lines.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            ui.strong("Log");
            let label = ui.label("Level");
            egui::ComboBox::from_id_salt("log_level")
                .selected_text(level_name(self.min_level))
                .show_ui(ui, |ui| {
                    for level in [Level::Debug, Level::Info, Level::Warn, Level::Error] {
                        ui.selectable_value(&mut self.min_level, level, level_name(level));
                    }
                })
                .response
                .labelled_by(label.id);
            if ui.button("Copy log").clicked() {
                let text: Vec<String> = self.shown().map(LogLine::to_text).collect();
                ui.ctx().copy_text(text.join("\n"));
            }
            if ui.button("Clear log").clicked() {
                self.clear();
            }
            ui.label(format!("{} lines", self.lines.len()));
        });
        let shown: Vec<&LogLine> = self.shown().collect();
        let row_height = ui.text_style_height(&egui::TextStyle::Monospace);
        egui::ScrollArea::vertical()
            .id_salt("log_lines")
            .auto_shrink([false, false])
            .stick_to_bottom(true)
            .show_rows(ui, row_height, shown.len(), |ui, range| {
                for line in &shown[range] {
                    let color = match line.level {
                        Level::Error => ui.visuals().error_fg_color,
                        Level::Warn => ui.visuals().warn_fg_color,
                        Level::Debug => ui.visuals().weak_text_color(),
                        Level::Info => ui.visuals().text_color(),
                    };
                    let text = egui::RichText::new(line.to_text()).monospace().color(color);
                    ui.add(egui::Label::new(text).truncate());
                }
            });
    }
}
