//! `agol-backup`: the desktop window. `--sandbox` starts the demo sandbox portal in-process and
//! opens the window on it (the README's "run it" command).
#![cfg_attr(all(windows, not(debug_assertions)), windows_subsystem = "windows")]

use agol_backup::sandbox::{self, SandboxConfig};
use agol_backup::ui::monitor::{ItemRow, Monitor, MonitorData};

fn main() -> anyhow::Result<()> {
    if let Some(arg) = std::env::args().skip(1).find(|a| a != "--sandbox") {
        anyhow::bail!(
            "unknown argument '{arg}'. Usage: agol-backup --sandbox (opens the window on the demo sandbox portal)"
        );
    }
    let runtime = tokio::runtime::Runtime::new()?;
    let cfg = SandboxConfig {
        addr: "127.0.0.1:0".parse()?,
        ..SandboxConfig::default()
    };
    let handle = runtime.block_on(sandbox::start(cfg))?;
    let (url, ca) = (handle.url(), handle.ca_path().display().to_string());
    let source = Box::new(move || {
        let stats = handle.stats();
        let snap = handle.snapshot();
        let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
        let items = snap["items"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|i| ItemRow {
                title: text(&i["title"]),
                item_type: text(&i["type"]),
                owner: text(&i["owner"]),
                access: text(&i["access"]),
                status: text(&i["contentStatus"]),
            });
        MonitorData {
            requests: stats.requests,
            bytes: stats.bytes_served,
            faults: stats.faults.into_iter().collect(),
            items: items.collect(),
        }
    });
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1000.0, 700.0])
            .with_title("agol-backup"),
        ..Default::default()
    };
    eframe::run_native(
        "agol-backup",
        options,
        Box::new(|_cc| Ok(Box::new(Monitor::new(url, ca, source)))),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}
