//! The application window: connection bar on top, tabs Scan / Backup / Restore, the log panel at
//! the bottom. Once per frame `logic` drains the engine's events and routes each to the tab
//! that owns the job; the tabs return an `Option<Command>` and [`App::send`] is the one place
//! that sends commands. Settings are saved (throttled) whenever they change, and on exit.
//! Backup files dropped on the window open the Restore tab and are inspected there.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::engine::{Command, EngineHandle, Event, EventKind, JobId, Level};

use super::backup_tab::{BackupTab, JobKind};
use super::connection::ConnectionBar;
use super::log_panel::LogPanel;
use super::monitor::SandboxInfo;
use super::restore_tab::{RestoreJob, RestoreTab};
use super::scan_tab::ScanTab;
use super::settings::{AuthMethod, Profile, Settings};

/// The tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tab {
    /// Scan a portal into the inventory.
    Scan,
    /// Back up items.
    Backup,
    /// Restore items from backup files.
    Restore,
}

/// The window's state.
pub struct App {
    engine: EngineHandle,
    settings_path: Option<PathBuf>,
    saved: Settings,
    last_save: Option<Instant>,
    /// The tab shown.
    pub tab: Tab,
    /// The connection bar.
    pub bar: ConnectionBar,
    /// The Scan tab.
    pub scan: ScanTab,
    /// The Backup tab.
    pub backup: BackupTab,
    /// The Restore tab.
    pub restore: RestoreTab,
    /// The log.
    pub log: LogPanel,
    /// Which tab owns which job.
    jobs: HashMap<JobId, Tab>,
    sandbox: Option<SandboxInfo>,
}

impl App {
    /// The window on `engine`, remembering settings in `settings_path` (`None`: nothing is
    /// read or written). With `sandbox`, the bar is pre-filled with its URL, CA file and the
    /// `admin` account and signed in, and the sandbox's connection is not saved.
    pub fn new(
        engine: EngineHandle,
        settings_path: Option<PathBuf>,
        sandbox: Option<SandboxInfo>,
    ) -> Self {
        let mut log = LogPanel::default();
        let settings = match &settings_path {
            Some(path) => {
                let (s, warning) = Settings::load(path);
                if let Some(w) = warning {
                    log.push(Level::Warn, w);
                }
                s
            }
            None => Settings::default(),
        };
        let mut bar = ConnectionBar {
            form: settings.connection.clone(),
            profiles: settings.profiles.clone(),
            ..ConnectionBar::default()
        };
        if let Some(sb) = &sandbox {
            bar.form = Profile {
                name: String::new(),
                portal_url: sb.url.clone(),
                method: AuthMethod::Password,
                username: "admin".into(),
                ca_file: sb.ca_path.clone(),
                accept_invalid_certs: false,
                ..Profile::default()
            };
            bar.password = "sandbox-admin".into();
            bar.sign_in(&mut log);
        }
        let mut scan = ScanTab::new(settings.scan.clone());
        let inventory = PathBuf::from(scan.fields.inventory.trim());
        if inventory.is_file() {
            // Show the last inventory right away.
            scan.reload(&inventory, &mut log);
        }
        let mut backup = BackupTab::new(settings.backup.clone(), &scan.fields.inventory);
        let source = PathBuf::from(backup.fields.source.trim());
        if source.is_file() {
            backup.show(&source, &mut log);
        }
        let restore = RestoreTab::new(settings.restore.clone());
        App {
            engine,
            settings_path,
            saved: settings,
            last_save: None,
            tab: Tab::Scan,
            bar,
            scan,
            backup,
            restore,
            log,
            jobs: HashMap::new(),
            sandbox,
        }
    }

    /// The one place commands go to the engine.
    pub fn send(&mut self, command: Command, tab: Tab) {
        let is_cancel = matches!(command, Command::Cancel(_));
        let kind = JobKind::of(&command);
        let restore_kind = RestoreJob::of(&command);
        let job = self.engine.send(command);
        if !is_cancel {
            self.jobs.insert(job, tab);
            match tab {
                Tab::Scan => self.scan.started(job),
                Tab::Backup => self.backup.started(job, kind),
                Tab::Restore => self.restore.started(job, restore_kind),
            }
        }
    }

    /// Drains the engine's events (once per frame) and saves changed settings.
    pub fn logic(&mut self, ctx: &egui::Context) {
        let events: Vec<Event> = self.engine.events.try_iter().collect();
        for event in events {
            self.on_event(&event);
        }
        self.save_settings(false);
        if self.sandbox.is_some() {
            ctx.request_repaint_after(Duration::from_secs(1));
        }
    }

    fn on_event(&mut self, event: &Event) {
        let job = event.job.0;
        match &event.kind {
            EventKind::Started { what } => {
                self.log.push(Level::Info, format!("[job {job}] {what}"))
            }
            EventKind::Log { level, message } => {
                self.log.push(*level, format!("[job {job}] {message}"));
            }
            EventKind::Finished(Ok(_)) => {
                self.log.push(Level::Info, format!("[job {job}] finished"));
                self.bar.confirmed = self.bar.connection.is_some();
            }
            EventKind::Finished(Err(e)) if e == "cancelled" => {
                self.log.push(Level::Warn, format!("[job {job}] cancelled"));
            }
            EventKind::Finished(Err(e)) => {
                self.log
                    .push(Level::Error, format!("[job {job}] failed: {e}"));
            }
            EventKind::Progress(_) | EventKind::Row { .. } => {}
        }
        match self.jobs.get(&event.job) {
            Some(Tab::Scan) => self.scan.on_event(event, &mut self.log),
            Some(Tab::Backup) => self.backup.on_event(event, &mut self.log),
            Some(Tab::Restore) => self.restore.on_event(event, &mut self.log),
            None => {}
        }
        if matches!(event.kind, EventKind::Finished(_)) {
            self.jobs.remove(&event.job);
        }
    }

    /// The settings as the window holds them now.
    pub fn current_settings(&self) -> Settings {
        let connection = if self.sandbox.is_some() {
            self.saved.connection.clone()
        } else {
            self.bar.form.clone()
        };
        Settings {
            connection,
            profiles: self.bar.profiles.clone(),
            scan: self.scan.fields.clone(),
            backup: self.backup.fields.clone(),
            restore: self.restore.fields.clone(),
        }
    }

    /// Writes the settings if they changed (at most once a second unless `now`).
    pub fn save_settings(&mut self, now: bool) {
        let Some(path) = self.settings_path.clone() else {
            return;
        };
        let current = self.current_settings();
        if current == self.saved
            || (!now
                && self
                    .last_save
                    .is_some_and(|t| t.elapsed() < Duration::from_secs(1)))
        {
            return;
        }
        self.last_save = Some(Instant::now());
        match current.save(&path) {
            Ok(()) => self.saved = current,
            Err(e) => {
                self.log
                    .push(Level::Warn, format!("settings not saved: {e}"));
                self.saved = current;
            }
        }
    }

    /// Draws the window into `ui`.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        egui::Panel::top("connection_bar").show(ui, |ui| {
            ui.add_space(4.0);
            self.bar.ui(ui, &mut self.log);
            if let Some(sb) = &self.sandbox {
                sb.ui(ui);
            }
            ui.add_space(2.0);
            ui.horizontal(|ui| {
                for (tab, name) in [
                    (Tab::Scan, "Scan"),
                    (Tab::Backup, "Backup"),
                    (Tab::Restore, "Restore"),
                ] {
                    ui.selectable_value(&mut self.tab, tab, name);
                }
            });
            ui.add_space(2.0);
        });
        egui::Panel::bottom("log_panel")
            .resizable(true)
            .default_size(180.0)
            .show(ui, |ui| self.log.ui(ui));
        let mut command = self.dropped_files(ui.ctx());
        egui::CentralPanel::default().show(ui, |ui| {
            let from_tab = match self.tab {
                Tab::Scan => self.scan.ui(ui, &self.bar, &mut self.log),
                Tab::Backup => {
                    let last_scan = self.scan.fields.inventory.clone();
                    self.backup.ui(ui, &self.bar, &last_scan, &mut self.log)
                }
                Tab::Restore => self.restore.ui(ui, &self.bar, &mut self.log),
            };
            command = command.take().or(from_tab);
        });
        if let Some(command) = command {
            self.send(command, self.tab);
        }
    }

    /// Files dropped on the window this frame: the Restore tab shows and inspects them.
    fn dropped_files(&mut self, ctx: &egui::Context) -> Option<Command> {
        let paths: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if paths.is_empty() {
            return None;
        }
        self.tab = Tab::Restore;
        self.restore.dropped(&paths, &mut self.log)
    }
}

impl eframe::App for App {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        App::logic(self, ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        App::ui(self, ui);
    }
}

impl Drop for App {
    fn drop(&mut self) {
        self.save_settings(true);
    }
}
