//! Reading many pages: the 10,000-result window (every item exactly once), `--max` cutting at
//! the earliest items even across created-date windows, token expiry mid-scan, and injected
//! faults that must not change the inventory.

use std::collections::BTreeSet;
use std::path::Path;

use agol_backup::engine::scan::ScanPreset;
use agol_backup::formats::inventory::read_inventory;
use agol_backup::sandbox::{Dataset, SandboxConfig, SandboxHandle};

use super::{csv_ids, expected, request, run};
use crate::support;

#[tokio::test]
async fn the_whole_org_is_read_past_the_10000_window() {
    let sb = support::with(SandboxConfig {
        dataset: Dataset::Generated {
            count: 25_000,
            seed: 7,
        },
        ..SandboxConfig::for_tests()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let (s, rows) = run(request(&sb, dir.path(), ScanPreset::AllOrg)).await;
    let s = s.unwrap();
    let want = expected(&sb, |_| true);
    assert!(want.len() >= 25_000);
    assert_eq!(csv_ids(&s.inventory), want, "every item exactly once");
    assert_eq!(
        (s.found, s.new, rows.len()),
        (want.len(), want.len(), want.len())
    );
    assert!(s.complete);
    assert!(s.list_requests <= 260, "{} requests", s.list_requests);

    let cut_dir = tempfile::tempdir().unwrap();
    let mut req = request(&sb, cut_dir.path(), ScanPreset::AllOrg);
    req.max_items = Some(250);
    let (cut, _) = run(req).await;
    let cut = cut.unwrap();
    assert_eq!(csv_ids(&cut.inventory), earliest(&sb, 250));
    assert!(!cut.complete);
    assert!(cut.list_requests < 20, "{} requests", cut.list_requests);
}

/// Ids of the `n` items of the org created first.
fn earliest(sb: &SandboxHandle, n: usize) -> BTreeSet<String> {
    let org = expected(sb, |_| true);
    let snap = sb.snapshot();
    let mut items: Vec<(i64, &str)> = snap["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["created"].as_i64().unwrap(), i["id"].as_str().unwrap()))
        .filter(|(_, id)| org.contains(*id))
        .collect();
    items.sort_unstable();
    items.iter().take(n).map(|(_, id)| id.to_string()).collect()
}

#[tokio::test]
async fn max_cuts_the_scan_and_removes_nothing() {
    let sb = support::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let (full, _) = run(request(&sb, dir.path(), ScanPreset::AllOrg)).await;
    let full = full.unwrap();
    let mut req = request(&sb, dir.path(), ScanPreset::AllOrg);
    req.max_items = Some(5);
    let (cut, rows) = run(req).await;
    let cut = cut.unwrap();
    assert_eq!((cut.found, cut.removed, rows.len()), (5, 0, 5));
    assert!(!cut.complete);
    assert_eq!(csv_ids(&cut.inventory).len(), full.found);
}

#[tokio::test]
async fn token_expiry_mid_scan_still_completes() {
    let sb = support::with(SandboxConfig {
        dataset: Dataset::Generated {
            count: 1500,
            seed: 3,
        },
        latency_ms: 40,
        ..SandboxConfig::for_tests()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let req = request(&sb, dir.path(), ScanPreset::AllOrg);
    let scan = tokio::spawn(run(req));
    tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    sb.with_state(|st| st.tokens.clear());
    let (s, _) = scan.await.unwrap();
    assert_eq!(csv_ids(&s.unwrap().inventory), expected(&sb, |_| true));
}

/// The inventory's rows with the sandbox's address replaced, for comparing two sandboxes.
fn portable_rows(path: &Path, sb: &SandboxHandle) -> Vec<[String; 10]> {
    let base = sb.url().replace("/portal", "");
    read_inventory(path)
        .unwrap()
        .iter()
        .map(|r| r.to_record().map(|f| f.replace(&base, "BASE")))
        .collect()
}

#[tokio::test]
async fn injected_faults_give_the_same_inventory() {
    let cfg = |rate: f64, seed: u64| SandboxConfig {
        dataset: Dataset::Generated {
            count: 3000,
            seed: 5,
        },
        fault_rate: rate,
        fault_seed: seed,
        ..SandboxConfig::for_tests()
    };
    let clean = support::with(cfg(0.0, 1)).await;
    let clean_dir = tempfile::tempdir().unwrap();
    let (s, _) = run(request(&clean, clean_dir.path(), ScanPreset::AllOrg)).await;
    let want = portable_rows(&s.unwrap().inventory, &clean);
    let mut kinds = BTreeSet::new();
    for seed in [11, 12, 13] {
        let faulty = support::with(cfg(0.2, seed)).await;
        let dir = tempfile::tempdir().unwrap();
        let (s, _) = run(request(&faulty, dir.path(), ScanPreset::AllOrg)).await;
        let s = s.unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        assert_eq!(portable_rows(&s.inventory, &faulty), want, "seed {seed}");
        kinds.extend(faulty.stats().faults.keys().cloned());
    }
    assert!(kinds.len() >= 4, "fault kinds seen: {kinds:?}");
}
