//! `agol-backup`: the desktop window. `--sandbox` starts the demo sandbox portal in-process,
//! signs in as `admin` and opens the window on it (the README's "run it" command).
#![cfg_attr(all(windows, not(debug_assertions)), windows_subsystem = "windows")]

use std::sync::Arc;

use agol_backup::engine::Engine;
use agol_backup::sandbox::{self, SandboxConfig};
use agol_backup::ui::monitor::{SandboxInfo, SandboxStats};
use agol_backup::ui::{App, settings};

fn main() -> anyhow::Result<()> {
    let mut use_sandbox = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--sandbox" => use_sandbox = true,
            _ => anyhow::bail!(
                "unknown argument '{arg}'. Usage: agol-backup [--sandbox] (--sandbox opens the window on the demo sandbox portal)"
            ),
        }
    }
    let runtime = tokio::runtime::Runtime::new()?;
    let mut sandbox_info = None;
    let mut _sandbox = None;
    if use_sandbox {
        let cfg = SandboxConfig {
            addr: "127.0.0.1:0".parse()?,
            ..SandboxConfig::default()
        };
        let handle = Arc::new(runtime.block_on(sandbox::start(cfg))?);
        let stats_handle = handle.clone();
        sandbox_info = Some(SandboxInfo {
            url: handle.url(),
            ca_path: handle.ca_path().display().to_string(),
            stats: Some(Box::new(move || {
                let s = stats_handle.stats();
                SandboxStats {
                    requests: s.requests,
                    bytes: s.bytes_served,
                }
            })),
        });
        _sandbox = Some(handle);
    }
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1200.0, 780.0])
            .with_title("agol-backup"),
        ..Default::default()
    };
    eframe::run_native(
        "agol-backup",
        options,
        Box::new(move |cc| {
            let ctx = cc.egui_ctx.clone();
            let engine = Engine::start(Arc::new(move || ctx.request_repaint()))?;
            Ok(Box::new(App::new(
                engine,
                settings::default_path(),
                sandbox_info,
            )))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}
