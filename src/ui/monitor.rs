//! The sandbox facts shown under the connection bar when the window runs on the demo sandbox
//! portal (`agol-backup --sandbox`): its URL, the CA file that signs its TLS certificate, the
//! demo accounts, and live request counters from a source the binary injects (so the window
//! does not depend on the sandbox's types).

/// Live counters of the sandbox.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SandboxStats {
    /// Requests served so far.
    pub requests: u64,
    /// Response bytes served.
    pub bytes: u64,
}

/// A function that reads the current counters.
pub type StatsSource = Box<dyn Fn() -> SandboxStats>;

/// The sandbox portal the window runs on.
pub struct SandboxInfo {
    /// Portal URL, e.g. `http://127.0.0.1:8400/portal`.
    pub url: String,
    /// PEM file of the CA signing the sandbox's TLS certificate.
    pub ca_path: String,
    /// Counters, if the binary injected a source.
    pub stats: Option<StatsSource>,
}

impl std::fmt::Debug for SandboxInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxInfo")
            .field("url", &self.url)
            .field("ca_path", &self.ca_path)
            .finish_non_exhaustive()
    }
}

/// The demo accounts and their passwords.
pub const ACCOUNTS: &str =
    "admin / sandbox-admin · editor / sandbox-editor · viewer / sandbox-viewer";

impl SandboxInfo {
    /// One line: "Sandbox portal <url> · CA <path> · accounts … · N requests".
    pub fn ui(&self, ui: &mut egui::Ui) {
        ui.horizontal_wrapped(|ui| {
            ui.strong("Sandbox portal");
            ui.monospace(&self.url);
            if ui.small_button("Copy URL").clicked() {
                ui.ctx().copy_text(self.url.clone());
            }
            ui.separator();
            ui.label("CA file");
            ui.monospace(&self.ca_path);
            ui.separator();
            ui.label(format!("Demo accounts: {ACCOUNTS}"));
            if let Some(source) = &self.stats {
                let s = source();
                ui.separator();
                ui.label(format!(
                    "{} requests, {:.1} MB served",
                    s.requests,
                    s.bytes as f64 / 1_048_576.0
                ));
            }
        });
    }
}
