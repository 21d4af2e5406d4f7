//! `agol-backup`: the desktop window. `--sandbox` starts the demo sandbox portal in-process,
//! signs in as `admin` and opens the window on it (the README's "run it" command).
#![cfg_attr(all(windows, not(debug_assertions)), windows_subsystem = "windows")]

use agol_backup::engine::Engine;
use agol_backup::sandbox::{self, SandboxConfig};
use agol_backup::ui::monitor::{SandboxInfo, SandboxStats};
use agol_backup::ui::{App, settings};

fn main() -> anyhow::Result<()> {
    let sandbox_arg = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--sandbox") => true,
        Some(arg) => anyhow::bail!(
            "unknown argument '{arg}'. Usage: agol-backup [--sandbox] (the demo sandbox portal)"
        ),
    };
    let runtime = tokio::runtime::Runtime::new()?;
    let (mut sandbox_info, mut _keep) = (None, None);
    if sandbox_arg {
        let cfg = SandboxConfig {
            addr: "127.0.0.1:0".parse()?,
            ..SandboxConfig::default()
        };
        let handle = std::sync::Arc::new(runtime.block_on(sandbox::start(cfg))?);
        let source = handle.clone();
        sandbox_info = Some(SandboxInfo {
            url: handle.url(),
            ca_path: handle.ca_path().display().to_string(),
            stats: Some(Box::new(move || {
                let s = source.stats();
                let (requests, bytes) = (s.requests, s.bytes_served);
                SandboxStats { requests, bytes }
            })),
        });
        _keep = Some(handle);
    }
    let viewport = egui::ViewportBuilder::default()
        .with_inner_size([1200.0, 780.0])
        .with_title("agol-backup");
    let options = eframe::NativeOptions {
        viewport,
        ..Default::default()
    };
    eframe::run_native(
        "agol-backup",
        options,
        Box::new(move |cc| {
            let ctx = cc.egui_ctx.clone();
            let engine = Engine::start(std::sync::Arc::new(move || ctx.request_repaint()))?;
            Ok(Box::new(App::new(
                engine,
                settings::default_path(),
                sandbox_info,
            )))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}
