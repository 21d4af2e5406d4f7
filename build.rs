//! Build script, kept small and unable to fail the build: it records the git commit for
//! `--version` output, and embeds the icon as a Windows resource when the target is Windows.
//! Any problem becomes a `cargo:warning`, never an error.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=assets/icon.ico");
    // A new commit changes these; only watch what exists (a source tarball has no .git).
    for git_path in [".git/HEAD", ".git/refs/heads"] {
        if std::path::Path::new(git_path).exists() {
            println!("cargo:rerun-if-changed={git_path}");
        }
    }
    let commit = Command::new("git")
        .args(["rev-parse", "--short=10", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=AGOL_BACKUP_COMMIT={commit}");

    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("windows") {
        let mut res = winresource::WindowsResource::new();
        res.set_icon("assets/icon.ico");
        res.set("ProductName", "agol-backup");
        if let Err(e) = res.compile() {
            println!("cargo:warning=Windows icon not embedded: {e}");
        }
    }
}
