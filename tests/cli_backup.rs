//! `agol-backup-cli backup` and `verify` as a user runs them, against an in-process sandbox:
//! a scan's inventory backed up and verified, a run killed half-way and run again (finished
//! archives are not redone, exports and half archives are cleaned up), exit codes for bad input.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use agol_backup::sandbox::{SandboxConfig, SandboxHandle};

use crate::engine_backup::runs::{all_ids, export_items_left};
use crate::support;

fn backup_cmd(
    sb: &SandboxHandle,
    csv: &Path,
    dest: &Path,
    extra: &[&str],
) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_agol-backup-cli"));
    cmd.arg("backup")
        .args(["--portal", &sb.url(), "--username", "admin", "--csv"])
        .arg(csv)
        .arg("--dest")
        .arg(dest)
        .args(extra)
        .env("AGOL_PASSWORD", "sandbox-admin")
        .env_remove("AGOL_TOKEN")
        .stdin(Stdio::null());
    cmd
}

fn verify_cmd(paths: &[&Path]) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_agol-backup-cli"));
    cmd.arg("verify").args(paths).stdin(Stdio::null());
    cmd
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn show(out: &Output) -> String {
    format!("{}\n{}", text(&out.stdout), text(&out.stderr))
}

/// A CSV of `ids` in the original utility's layout (`Item ID` column).
fn write_csv(dir: &Path, ids: &[String]) -> PathBuf {
    let path = dir.join("items.csv");
    let mut body = String::from("Title,Item ID\n");
    for id in ids {
        body.push_str(&format!("item,{id}\n"));
    }
    std::fs::write(&path, body).unwrap();
    path
}

fn archives(dest: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dest)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".zip") && !n.starts_with('.'))
        .collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_then_verify_and_a_flipped_byte_fails_verify() {
    let sb = support::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("backups");
    std::fs::create_dir(&dest).unwrap();
    let ids: Vec<String> = all_ids(&sb).into_iter().take(8).collect();
    let csv = write_csv(dir.path(), &ids);
    let out = backup_cmd(&sb, &csv, &dest, &["--workers", "3"])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("backup: 8 OK, 0 partial, 0 failed, 0 skipped"),
        "{stdout}"
    );
    assert_eq!(archives(&dest).len(), 8);
    let reports: Vec<String> = std::fs::read_dir(&dest)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("backup-report-"))
        .collect();
    assert_eq!(reports.len(), 2, "JSON and CSV report: {reports:?}");

    let out = verify_cmd(&[&dest]).output().await.unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert!(
        text(&out.stdout).contains("verify: 8 intact, 0 damaged"),
        "{}",
        show(&out)
    );

    let victim = dest.join(&archives(&dest)[0]);
    let mut bytes = std::fs::read(&victim).unwrap();
    let at = bytes.len() / 4;
    bytes[at] ^= 0x20;
    std::fs::write(&victim, bytes).unwrap();
    let out = verify_cmd(&[&victim]).output().await.unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_run_is_resumed_without_redoing_finished_archives() {
    let sb = support::with(SandboxConfig {
        latency_ms: 25,
        export_delay_ms: 400,
        ..SandboxConfig::for_tests()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("backups");
    std::fs::create_dir(&dest).unwrap();
    let ids = all_ids(&sb);
    let csv = write_csv(dir.path(), &ids);
    let mut child = backup_cmd(&sb, &csv, &dest, &["--workers", "2"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    while archives(&dest).len() < 5 {
        assert!(tokio::time::Instant::now() < deadline, "no progress");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    child.kill().await.unwrap();
    let before = archives(&dest);
    assert!(before.len() < ids.len(), "the run finished before the kill");
    let stamps: Vec<_> = before
        .iter()
        .map(|n| std::fs::metadata(dest.join(n)).unwrap().modified().unwrap())
        .collect();

    let out = backup_cmd(&sb, &csv, &dest, &["--workers", "4"])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let stdout = text(&out.stdout);
    let skipped: usize = stdout
        .split(" skipped")
        .next()
        .and_then(|head| head.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        skipped >= before.len(),
        "{stdout} ({} archives before)",
        before.len()
    );
    for (name, stamp) in before.iter().zip(stamps) {
        let now = std::fs::metadata(dest.join(name))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(now, stamp, "{name} was rewritten");
    }
    assert_eq!(archives(&dest).len(), ids.len());
    let hidden: Vec<String> = std::fs::read_dir(&dest)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
    assert!(
        export_items_left(&sb).is_empty(),
        "{:?}",
        export_items_left(&sb)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_exits_2_with_a_clear_message() {
    let sb = support::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let no_ids = dir.path().join("no-ids.csv");
    std::fs::write(&no_ids, "Title,Owner\nA map,admin\n").unwrap();
    let out = backup_cmd(&sb, &no_ids, dir.path(), &[])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(
        text(&out.stderr).contains("no item ids found"),
        "{}",
        show(&out)
    );

    let csv = write_csv(dir.path(), &all_ids(&sb)[..1]);
    let missing = dir.path().join("not-there");
    let out = backup_cmd(&sb, &csv, &missing, &[]).output().await.unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(
        text(&out.stderr).contains("does not exist"),
        "{}",
        show(&out)
    );

    let out = backup_cmd(&sb, &csv, dir.path(), &["--mode", "ocm_everything"])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(
        text(&out.stderr).contains("unknown --mode"),
        "{}",
        show(&out)
    );
}
