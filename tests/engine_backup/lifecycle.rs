//! A backup's life beyond one clean run: cancel (no half archive, exports deleted), resume,
//! incremental runs, faults with token expiry, verify, and a destination that cannot be used.

use std::time::Duration;

use agol_backup::engine::backup::{BackupOptions, RUN_FILE_NAME, RunItemStatus};
use agol_backup::formats::archive::verify_archive;
use agol_backup::sandbox::{Dataset, SandboxConfig};
use tokio_util::sync::CancellationToken;

use super::runs::{
    ADMIN, all_ids, archive_of, export_items_left, files_under, ids_where, request, run,
};
use crate::support;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_run_leaves_no_half_archive_and_the_next_run_resumes() {
    let sb = support::with(SandboxConfig {
        latency_ms: 20,
        export_delay_ms: 300,
        ..SandboxConfig::for_tests()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let ids = all_ids(&sb);
    let options = BackupOptions {
        workers: 2,
        ..BackupOptions::default()
    };
    let cancel = CancellationToken::new();
    let stop = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(2500)).await;
        stop.cancel();
    });
    let req = request(&sb, ADMIN, ids.clone(), dir.path(), options.clone());
    let (first, _, _) = run(req, cancel).await;
    let first = first.unwrap();
    assert!(first.cancelled);
    let done: Vec<_> = first
        .items
        .iter()
        .filter(|r| r.status == RunItemStatus::Ok)
        .collect();
    assert!(
        !done.is_empty() && done.len() < ids.len(),
        "{} done",
        done.len()
    );
    for f in files_under(dir.path()) {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        assert!(!name.starts_with('.'), "temporary file left: {name}");
        if name.ends_with(".zip") {
            assert!(verify_archive(&f).unwrap().is_ok(), "{name}");
        }
    }
    assert!(
        dir.path().join(RUN_FILE_NAME).exists(),
        "the run is marked unfinished"
    );
    // Every export started is deleted, now or at the start of the next run.
    let req = request(&sb, ADMIN, ids.clone(), dir.path(), options);
    let (second, _, _) = run(req, CancellationToken::new()).await;
    let second = second.unwrap();
    assert!(export_items_left(&sb).is_empty());
    for r in &second.items {
        let before = first.items.iter().find(|b| b.id == r.id).unwrap();
        if before.status == RunItemStatus::Ok {
            assert_eq!(r.status, RunItemStatus::Skipped, "{}: redone", r.title);
            assert_eq!(r.archive, before.archive);
        } else {
            assert_eq!(r.status, RunItemStatus::Ok, "{}: {}", r.title, r.reason);
        }
    }
    assert!(!dir.path().join(RUN_FILE_NAME).exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incremental_runs_skip_unchanged_items_and_redo_edited_layers() {
    let sb = support::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let ids = ids_where(&sb, |i| {
        i["type"] == "Feature Service" || i["type"] == "Web Map" || i["type"] == "PDF"
    });
    let options = BackupOptions {
        incremental: true,
        ..BackupOptions::default()
    };
    let req = request(&sb, ADMIN, ids.clone(), dir.path(), options.clone());
    let (first, _, _) = run(req, CancellationToken::new()).await;
    assert!(first.unwrap().all_ok());
    // Edit one feature of the first hosted layer: its item's `modified` does not change.
    let layer_item = ids_where(&sb, |i| {
        i["type"] == "Feature Service" && i["url"].as_str().is_some_and(|u| u.contains("Hosted"))
    })[0]
        .clone();
    let svc = sb.with_state(|st| {
        let s = st
            .services
            .values_mut()
            .find(|s| s.item_id == layer_item)
            .unwrap();
        s.layers[0].last_edit_date += 1000;
        s.name.clone()
    });
    assert!(!svc.is_empty());
    let req = request(&sb, ADMIN, ids.clone(), dir.path(), options);
    let (second, _, _) = run(req, CancellationToken::new()).await;
    let second = second.unwrap();
    for r in &second.items {
        let expect = if r.id == layer_item {
            RunItemStatus::Ok
        } else {
            RunItemStatus::Skipped
        };
        assert_eq!(r.status, expect, "{}: {}", r.title, r.reason);
    }
    assert!(second.all_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_and_a_60_second_token_still_end_with_every_item_ok() {
    let sb = support::with(SandboxConfig {
        dataset: Dataset::Generated {
            count: 300,
            seed: 7,
        },
        fault_rate: 0.1,
        fault_seed: 7,
        token_ttl_secs: 60,
        export_delay_ms: 100,
        ..SandboxConfig::for_tests()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let ids = all_ids(&sb);
    assert!(ids.len() >= 300);
    let options = BackupOptions {
        workers: 8,
        ..BackupOptions::default()
    };
    let req = request(&sb, ADMIN, ids, dir.path(), options);
    let (summary, _, _) = run(req, CancellationToken::new()).await;
    let summary = summary.unwrap();
    let bad: Vec<String> = summary
        .items
        .iter()
        .filter(|r| r.status != RunItemStatus::Ok)
        .map(|r| format!("{} {:?}: {}", r.title, r.status, r.reason))
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
    assert!(sb.stats().faults.values().sum::<u64>() > 0);
    assert!(
        export_items_left(&sb).is_empty(),
        "{:?}",
        export_items_left(&sb)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_detects_a_flipped_byte() {
    let sb = support::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let pdf = ids_where(&sb, |i| i["type"] == "PDF")[0].clone();
    let req = request(&sb, ADMIN, vec![pdf], dir.path(), BackupOptions::default());
    let (summary, _, _) = run(req, CancellationToken::new()).await;
    let r = summary.unwrap().items.remove(0);
    let path = archive_of(dir.path(), &r);
    assert!(verify_archive(&path).unwrap().is_ok());
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 3;
    bytes[middle] ^= 0x01;
    std::fs::write(&path, bytes).unwrap();
    match verify_archive(&path) {
        Ok(report) => assert!(!report.is_ok(), "a flipped byte went unnoticed"),
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_or_read_only_destination_is_refused_before_any_request() {
    let sb = support::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let req = request(&sb, ADMIN, all_ids(&sb), &missing, BackupOptions::default());
    let (err, _, _) = run(req, CancellationToken::new()).await;
    let err = err.unwrap_err();
    assert!(err.contains("does not exist"), "{err}");
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let req = request(&sb, ADMIN, all_ids(&sb), &file, BackupOptions::default());
    assert!(run(req, CancellationToken::new()).await.0.is_err());
}
