//! The connection bar: saved profiles, portal URL, sign-in method (username + password, a token,
//! or OAuth in the system browser with the refresh token kept in the OS keychain), optional CA
//! file, "accept invalid certificates" (with a red warning), Sign in / Sign out. "Sign in"
//! validates the form and keeps a [`PortalConnection`] for the jobs; the network sign-in itself
//! happens when a job runs (OAuth's browser step runs on its own thread first), and a job's
//! success confirms the connection. The password and token are never stored in the settings
//! and never logged.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, TryRecvError};

use crate::engine::{Level, PortalConnection};
use crate::portal::wire::Secret;
use crate::portal::{
    ClientOptions, Credentials, OAuthTokens, PortalUrl, check_transport_security,
    sign_in_in_browser,
};
use crate::secrets::{REFRESH_TOKEN, default_store, key};

use super::log_panel::LogPanel;
use super::settings::{AuthMethod, Profile};

/// The form and the connection it built.
#[derive(Debug, Default)]
pub struct ConnectionBar {
    /// The non-secret fields (saved as the last connection and in profiles).
    pub form: Profile,
    /// Password (never stored).
    pub password: String,
    /// Token (never stored).
    pub token: String,
    /// Saved profiles.
    pub profiles: Vec<Profile>,
    /// The connection jobs use, once "Sign in" accepted the form.
    pub connection: Option<PortalConnection>,
    /// True once a job signed in with the connection successfully.
    pub confirmed: bool,
    /// OAuth refresh token of this session (also kept in the OS keychain for saved profiles).
    pub refresh_token: Option<Secret>,
    /// A browser sign-in in progress: its result arrives here.
    pub pending: Option<Receiver<Result<OAuthTokens, String>>>,
}

impl ConnectionBar {
    /// Builds the connection from the form.
    ///
    /// # Errors
    /// A message for the log when the URL is invalid, a field is missing, or credentials would
    /// travel over plain HTTP to another machine.
    pub fn build(&self) -> Result<PortalConnection, String> {
        let options = self.options()?;
        let credentials = match self.form.method {
            AuthMethod::Password => {
                let user = self.form.username.trim();
                if user.is_empty() || self.password.is_empty() {
                    return Err("enter a username and a password".into());
                }
                Credentials::password(user, &self.password)
            }
            AuthMethod::Token => {
                if self.token.trim().is_empty() {
                    return Err("paste a token".into());
                }
                Credentials::Token(Secret::new(self.token.trim()))
            }
            AuthMethod::OAuth => Credentials::OAuth {
                client_id: self.form.client_id().to_string(),
                refresh_token: self
                    .refresh_token
                    .clone()
                    .ok_or("sign in with the browser first")?,
            },
        };
        Ok(PortalConnection {
            options,
            credentials,
        })
    }

    fn options(&self) -> Result<ClientOptions, String> {
        let url = PortalUrl::parse(self.form.portal_url.trim()).map_err(|e| e.to_string())?;
        check_transport_security(&url).map_err(|e| e.to_string())?;
        let mut options = ClientOptions::new(url);
        let ca = self.form.ca_file.trim();
        if !ca.is_empty() {
            let path = PathBuf::from(ca);
            if !path.is_file() {
                return Err(format!("the CA file {ca} does not exist"));
            }
            options.ca_file = Some(path);
        }
        options.danger_accept_invalid_certs = self.form.accept_invalid_certs;
        Ok(options)
    }

    /// "Sign in": keeps the connection or logs why not. OAuth without a refresh token (in this
    /// session or the keychain) starts the browser sign-in; [`Self::poll`] finishes it.
    pub fn sign_in(&mut self, log: &mut LogPanel) {
        if self.form.method == AuthMethod::OAuth && self.refresh_token.is_none() {
            let name = self.form.name.trim();
            let (store, _) = default_store();
            if let Ok(Some(r)) = store
                .get(&key(name, REFRESH_TOKEN))
                .map(|r| r.filter(|_| !name.is_empty()))
            {
                self.refresh_token = Some(Secret::new(r));
            } else {
                self.start_browser_sign_in(log);
                return;
            }
        }
        match self.build() {
            Ok(connection) => {
                log.push(
                    Level::Info,
                    format!("connection set: {}", self.describe_form()),
                );
                self.connection = Some(connection);
                self.confirmed = false;
            }
            Err(e) => log.push(Level::Error, format!("cannot sign in: {e}")),
        }
    }

    /// "Sign out": forgets the connection and the secrets.
    pub fn sign_out(&mut self, log: &mut LogPanel) {
        self.connection = None;
        self.confirmed = false;
        self.password.clear();
        self.token.clear();
        self.refresh_token = None;
        log.push(Level::Info, "signed out");
    }

    /// True while a browser sign-in is waiting for the user.
    pub fn signing_in(&self) -> bool {
        self.pending.is_some()
    }

    fn start_browser_sign_in(&mut self, log: &mut LogPanel) {
        let options = match self.options() {
            Ok(o) => o,
            Err(e) => return log.push(Level::Error, format!("cannot sign in: {e}")),
        };
        let client_id = self.form.client_id().to_string();
        let (tx, rx) = std::sync::mpsc::channel();
        // The flow waits up to 5 minutes for the user: its own thread keeps jobs and UI free.
        let spawned = std::thread::Builder::new()
            .name("oauth-sign-in".into())
            .spawn(move || {
                let result = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| e.to_string())
                    .and_then(|rt| {
                        rt.block_on(sign_in_in_browser(&options, &client_id, |url| {
                            webbrowser::open(url).map_err(|e| e.to_string())
                        }))
                        .map_err(|e| e.to_string())
                    });
                let _ = tx.send(result);
            });
        match spawned {
            Ok(_) => {
                log.push(Level::Info, "sign in in the browser window that opened");
                self.pending = Some(rx);
            }
            Err(e) => log.push(Level::Error, format!("cannot start the sign-in: {e}")),
        }
    }

    /// Finishes a browser sign-in once its result arrived: keeps the refresh token (in the
    /// keychain too, for a named profile) and sets the connection.
    pub fn poll(&mut self, log: &mut LogPanel) {
        let Some(rx) = &self.pending else { return };
        let result = match rx.try_recv() {
            Err(TryRecvError::Empty) => return,
            Ok(r) => r,
            Err(TryRecvError::Disconnected) => Err("the sign-in stopped".to_string()),
        };
        self.pending = None;
        match result {
            Ok(tokens) => {
                let name = self.form.name.trim();
                if !name.is_empty() {
                    let (store, warning) = default_store();
                    if let Some(w) = warning {
                        log.push(Level::Warn, w);
                    }
                    let k = key(name, REFRESH_TOKEN);
                    if let Err(e) = store.set(&k, tokens.refresh_token.expose()) {
                        log.push(Level::Warn, e.to_string());
                    }
                }
                if let Some(user) = &tokens.username {
                    self.form.username.clone_from(user);
                }
                self.refresh_token = Some(tokens.refresh_token);
                self.sign_in(log);
            }
            Err(e) => log.push(Level::Error, format!("browser sign-in failed: {e}")),
        }
    }

    fn describe_form(&self) -> String {
        let who = match self.form.method {
            AuthMethod::Password => self.form.username.trim().to_string(),
            AuthMethod::Token => "token".to_string(),
            AuthMethod::OAuth => match self.form.username.trim() {
                "" => "OAuth".to_string(),
                user => format!("{user} (OAuth)"),
            },
        };
        format!("{who} on {}", self.form.portal_url.trim())
    }

    /// The portal's home URL for item pages (`…/home/item.html?id=`), once connected.
    pub fn item_page(&self, id: &str) -> Option<String> {
        let c = self.connection.as_ref()?;
        Some(format!("{}/home/item.html?id={id}", c.options.url.portal()))
    }

    /// Draws the bar.
    pub fn ui(&mut self, ui: &mut egui::Ui, log: &mut LogPanel) {
        self.poll(log);
        if self.signing_in() {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(250));
        }
        let editable = self.connection.is_none() && !self.signing_in();
        self.profile_row(ui, log);
        ui.add_enabled_ui(editable, |ui| self.form_row(ui));
        ui.horizontal(|ui| {
            if self.connection.is_some() {
                let state = if self.confirmed {
                    "Signed in"
                } else {
                    "Connection set (sign-in happens when a job runs)"
                };
                ui.label(format!("{state}: {}", self.describe_form()));
                if ui.button("Sign out").clicked() {
                    self.sign_out(log);
                }
            } else if self.signing_in() {
                ui.label("Waiting for the browser sign-in…");
            } else {
                ui.label("Not signed in");
                if ui.button("Sign in").clicked() {
                    self.sign_in(log);
                }
            }
            if self.form.accept_invalid_certs {
                ui.colored_label(
                    egui::Color32::RED,
                    "⚠ Accepting ANY TLS certificate: anyone on the network path can read your token.",
                );
            }
        });
    }

    fn profile_row(&mut self, ui: &mut egui::Ui, log: &mut LogPanel) {
        ui.horizontal(|ui| {
            let label = ui.label("Profile");
            let mut chosen = None;
            egui::ComboBox::from_id_salt("profile")
                .selected_text(if self.form.name.is_empty() {
                    "(unsaved)"
                } else {
                    &self.form.name
                })
                .show_ui(ui, |ui| {
                    for (i, p) in self.profiles.iter().enumerate() {
                        if ui
                            .selectable_label(p.name == self.form.name, &p.name)
                            .clicked()
                        {
                            chosen = Some(i);
                        }
                    }
                })
                .response
                .labelled_by(label.id);
            if let Some(i) = chosen.filter(|_| self.connection.is_none()) {
                self.form = self.profiles[i].clone();
            }
            let name_label = ui.label("Name");
            ui.add(egui::TextEdit::singleline(&mut self.form.name).desired_width(120.0))
                .labelled_by(name_label.id);
            if ui.button("Save profile").clicked() {
                self.save_profile(log);
            }
            if ui.button("Delete profile").clicked() {
                self.profiles.retain(|p| p.name != self.form.name);
            }
            let url_label = ui.label("Portal URL");
            ui.add_enabled(
                self.connection.is_none(),
                egui::TextEdit::singleline(&mut self.form.portal_url)
                    .hint_text("https://yourorg.maps.arcgis.com")
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(url_label.id);
        });
    }

    fn save_profile(&mut self, log: &mut LogPanel) {
        let name = self.form.name.trim().to_string();
        if name.is_empty() {
            log.push(Level::Warn, "give the profile a name first");
            return;
        }
        self.form.name = name.clone();
        match self.profiles.iter_mut().find(|p| p.name == name) {
            Some(p) => *p = self.form.clone(),
            None => self.profiles.push(self.form.clone()),
        }
        log.push(Level::Info, format!("profile '{name}' saved"));
    }

    fn form_row(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            let label = ui.label("Sign-in method");
            egui::ComboBox::from_id_salt("auth_method")
                .selected_text(match self.form.method {
                    AuthMethod::Password => "Username + password",
                    AuthMethod::Token => "Token",
                    AuthMethod::OAuth => "OAuth (browser)",
                })
                .show_ui(ui, |ui| {
                    ui.selectable_value(
                        &mut self.form.method,
                        AuthMethod::Password,
                        "Username + password",
                    );
                    ui.selectable_value(&mut self.form.method, AuthMethod::Token, "Token");
                    ui.selectable_value(
                        &mut self.form.method,
                        AuthMethod::OAuth,
                        "OAuth (browser)",
                    );
                })
                .response
                .labelled_by(label.id);
            match self.form.method {
                AuthMethod::Password => {
                    let l = ui.label("Username");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.form.username).desired_width(110.0),
                    )
                    .labelled_by(l.id);
                    let l = ui.label("Password");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.password)
                            .password(true)
                            .desired_width(110.0),
                    )
                    .labelled_by(l.id);
                }
                AuthMethod::Token => {
                    let l = ui.label("Token");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.token)
                            .password(true)
                            .desired_width(240.0),
                    )
                    .labelled_by(l.id);
                }
                AuthMethod::OAuth => {
                    ui.label(if self.refresh_token.is_some() {
                        "Signed in with the browser"
                    } else {
                        "Sign in opens the browser"
                    });
                }
            }
            let l = ui.label("CA file");
            ui.add(
                egui::TextEdit::singleline(&mut self.form.ca_file)
                    .hint_text("optional PEM")
                    .desired_width(200.0),
            )
            .labelled_by(l.id);
            if ui.button("Browse CA…").clicked()
                && let Some(path) = rfd::FileDialog::new()
                    .add_filter("PEM certificate", &["pem", "crt", "cer"])
                    .pick_file()
            {
                self.form.ca_file = path.display().to_string();
            }
            ui.checkbox(
                &mut self.form.accept_invalid_certs,
                "Accept invalid certificates",
            );
        });
    }
}
