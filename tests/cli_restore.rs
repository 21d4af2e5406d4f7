//! `agol-backup-cli restore` as a user runs it, against an in-process sandbox: bad arguments and
//! missing files end with exit 2 and a clear message before anything is signed in; a dry run
//! prints the plan and leaves the sandbox unchanged; a real restore (copy policy, beside the
//! originals) exits 0 and creates the items it reports with links.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use agol_backup::engine::backup::BackupOptions;
use agol_backup::sandbox::SandboxHandle;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::engine_backup::runs::{self, ADMIN, ids_where};
use crate::support;

fn restore_cmd(sb: Option<&SandboxHandle>, args: &[&str]) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_agol-backup-cli"));
    cmd.arg("restore");
    match sb {
        Some(sb) => cmd.args(["--portal", &sb.url(), "--username", "admin"]),
        None => cmd.args([
            "--portal",
            "http://127.0.0.1:9/portal",
            "--username",
            "admin",
        ]),
    };
    cmd.args(args)
        .env("AGOL_PASSWORD", "sandbox-admin")
        .env_remove("AGOL_TOKEN")
        .stdin(Stdio::null());
    cmd
}

fn show(out: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

async fn run(cmd: &mut tokio::process::Command) -> (Option<i32>, String, String) {
    let out = cmd.output().await.unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        show(&out),
    )
}

#[tokio::test]
async fn bad_arguments_and_missing_files_exit_2_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.zip");
    let missing = missing.to_str().unwrap();
    let here = dir.path().to_str().unwrap();
    let cases: [(&[&str], &str); 6] = [
        (&[], "say what to restore"),
        (&["--backup", missing], "nope.zip: no such file or folder"),
        (
            &["--on-conflict", "merge", here],
            "unknown --on-conflict 'merge'",
        ),
        (
            &["--overwrite", "--on-conflict", "copy", here],
            "--overwrite means --on-conflict update",
        ),
        (
            &["--workers", "0", here],
            "--workers must be between 1 and 32",
        ),
        (&["--keep-metadata", "maybe", here], "invalid value 'maybe'"),
    ];
    for (args, message) in cases {
        let (code, _, all) = run(&mut restore_cmd(None, args)).await;
        assert_eq!(code, Some(2), "{args:?}: {all}");
        assert!(
            all.contains(message),
            "{args:?}: expected '{message}' in {all}"
        );
    }
}

/// Backs up a few demo items that are not hosted services into `dest`; returns their ids.
async fn back_up_some(sb: &SandboxHandle, dest: &Path) -> Vec<String> {
    let org = sb.snapshot()["org"]["id"].clone();
    let ids: Vec<String> = ids_where(sb, |i| {
        i["orgId"] == org && !i["type"].as_str().unwrap_or_default().contains("Service")
    })
    .into_iter()
    .take(3)
    .collect();
    assert_eq!(ids.len(), 3);
    let req = runs::request(sb, ADMIN, ids.clone(), dest, BackupOptions::default());
    let (summary, _, logs) = runs::run(req, CancellationToken::new()).await;
    assert!(summary.unwrap().all_ok(), "{logs:?}");
    ids
}

fn items(sb: &SandboxHandle) -> Vec<Value> {
    sb.snapshot()["items"].as_array().unwrap().clone()
}

fn archives(dest: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dest)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "zip"))
        .collect();
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_prints_the_plan_and_writes_nothing() {
    let sb = support::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("backups");
    std::fs::create_dir(&dest).unwrap();
    let ids = back_up_some(&sb, &dest).await;
    let before = items(&sb);
    let report = dir.path().join("report.json");
    let (code, stdout, all) = run(restore_cmd(Some(&sb), &["--dry-run", "--backup"])
        .arg(&dest)
        .arg("--report")
        .arg(&report))
    .await;
    assert_eq!(code, Some(0), "{all}");
    assert!(stdout.contains("order  action"), "{all}");
    for id in &ids {
        let row = stdout.lines().find(|l| l.contains(id.as_str()));
        assert!(
            row.is_some_and(|l| l.contains("skip")),
            "{id} exists: skip\n{all}"
        );
    }
    assert!(
        stdout.contains("plan: 0 create, 0 update, 0 copy, 3 skip"),
        "{all}"
    );
    assert!(stdout.contains("dry run: nothing was written"), "{all}");
    assert_eq!(items(&sb), before, "the sandbox is unchanged");
    assert!(!report.exists(), "a dry run writes no report");

    // The same archives by name, with the copy policy: the plan creates copies, still dry.
    let first = archives(&dest).remove(0);
    let (code, stdout, all) =
        run(restore_cmd(Some(&sb), &["--dry-run", "--on-conflict", "copy"]).arg(&first)).await;
    assert_eq!(code, Some(0), "{all}");
    assert!(
        stdout.contains("plan: 0 create, 0 update, 1 copy, 0 skip"),
        "{all}"
    );
    assert_eq!(items(&sb), before, "the sandbox is unchanged");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_as_copies_exits_0_and_links_the_new_items() {
    let sb = support::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("backups");
    std::fs::create_dir(&dest).unwrap();
    let ids = back_up_some(&sb, &dest).await;
    let before = items(&sb).len();
    let report = dir.path().join("restore-report.json");
    let (code, stdout, all) = run(restore_cmd(
        Some(&sb),
        &[
            "--on-conflict",
            "copy",
            "--folder",
            "Restored",
            "--items",
            &ids[..2].join(","),
        ],
    )
    .arg(&dest)
    .arg("--report")
    .arg(&report))
    .await;
    assert_eq!(code, Some(0), "{all}");
    assert!(
        stdout.contains("restore: 2 OK, 0 partial, 0 failed"),
        "{all}"
    );
    assert!(
        stdout.contains(&format!("report: {}", report.display())),
        "{all}"
    );
    assert!(report.is_file(), "{all}");
    assert_eq!(items(&sb).len(), before + 2, "two copies created");
    let links = stdout
        .lines()
        .filter(|l| l.contains("item.html?id="))
        .count();
    assert_eq!(links, 2, "{all}");
}
