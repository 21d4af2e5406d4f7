//! Benchmark of the restore engine against an in-process sandbox: the demo org backed up (from
//! a sandbox without latency), then restored into a second demo sandbox with 50 ms latency per
//! request after every item was deleted there, at 1, 4 and 8 workers. The lower bound is what
//! the requests alone must take: the planning requests / workers, plus for each dependency
//! level the level's requests / workers (one item's requests follow each other, levels follow
//! each other). Requests per level are read from the sandbox's counters when the run's
//! progress moves to the next level. Prints wall time, requests and the ratio to the bound.
//!
//! With `--no-export` the backup captures hosted layers by replica instead of export, so the
//! restore rebuilds every hosted layer from its definitions, rows and attachments.
//!
//! Run with `cargo run --release --example bench_restore [-- --no-export]`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use agol_backup::engine::backup::{self, BackupOptions, BackupRequest};
use agol_backup::engine::restore::{self, RestoreOptions, RestoreRequest};
use agol_backup::engine::{EventKind, JobId, Outcome, PortalConnection, Reporter};
use agol_backup::formats::run_report::RunItemStatus;
use agol_backup::portal::{ClientOptions, Credentials, PortalUrl};
use agol_backup::sandbox::{self, SandboxConfig, SandboxHandle};
use tokio_util::sync::CancellationToken;

const LATENCY_MS: u64 = 50;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn connection(sb: &SandboxHandle) -> Res<PortalConnection> {
    Ok(PortalConnection {
        options: ClientOptions::new(PortalUrl::parse(&sb.url())?),
        credentials: Credentials::password("admin", "sandbox-admin"),
    })
}

fn org_ids(sb: &SandboxHandle) -> Vec<String> {
    let snap = sb.snapshot();
    let org = snap["org"]["id"].clone();
    snap["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|i| i["orgId"] == org)
                .filter_map(|i| i["id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn delete_all(sb: &SandboxHandle, ids: &[String]) {
    sb.with_state(|st| {
        for id in ids {
            st.items.remove(id);
            st.services.retain(|_, s| s.item_id != *id);
            st.relationships
                .retain(|r| r.origin != *id && r.dest != *id);
        }
    });
}

#[tokio::main]
async fn main() -> Res<()> {
    let source = sandbox::start(SandboxConfig::for_tests()).await?;
    let dir = tempfile::tempdir()?;
    let ids = org_ids(&source);
    let request = BackupRequest {
        connection: connection(&source)?,
        items: ids.clone(),
        destination: dir.path().to_path_buf(),
        options: BackupOptions {
            export_data: !std::env::args().any(|a| a == "--no-export"),
            ..BackupOptions::default()
        },
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let drain = std::thread::spawn(move || rx.into_iter().count());
    backup::run(
        request,
        Reporter::headless(JobId(1), tx),
        CancellationToken::new(),
    )
    .await?;
    let _ = drain.join();
    println!(
        "{} demo items backed up; restoring with {LATENCY_MS} ms latency",
        ids.len()
    );
    for workers in [1usize, 4, 8] {
        let target = Arc::new(
            sandbox::start(SandboxConfig {
                latency_ms: LATENCY_MS,
                ..SandboxConfig::for_tests()
            })
            .await?,
        );
        delete_all(&target, &org_ids(&target));
        run(&target, dir.path(), workers).await?;
    }
    Ok(())
}

async fn run(sb: &Arc<SandboxHandle>, input: &std::path::Path, workers: usize) -> Res<()> {
    let request = RestoreRequest {
        connection: connection(sb)?,
        inputs: vec![input.to_path_buf()],
        items: None,
        options: RestoreOptions {
            workers,
            report: Some(std::env::temp_dir().join("bench-restore-report.json")),
            ..RestoreOptions::default()
        },
    };
    let (tx, rx) = std::sync::mpsc::channel::<agol_backup::engine::Event>();
    let watched = Arc::clone(sb);
    // Requests counted at each level change: (level, requests when it started).
    let watcher = std::thread::spawn(move || {
        let mut marks: Vec<(String, u64)> = Vec::new();
        for e in rx {
            let label = match &e.kind {
                EventKind::Progress(p) => p.message.rsplit(", ").next().unwrap_or("").to_string(),
                _ => continue,
            };
            if marks.last().is_none_or(|(l, _)| *l != label) {
                marks.push((label, watched.stats().requests));
            }
        }
        marks
    });
    let before = sb.stats().requests;
    let started = Instant::now();
    let outcome = restore::run(
        request,
        Reporter::headless(JobId(2), tx),
        CancellationToken::new(),
    )
    .await?;
    let wall = started.elapsed().as_secs_f64();
    let total = sb.stats().requests - before;
    let marks = watcher.join().map_err(|_| "watcher panicked")?;
    let Outcome::Restore(s) = outcome else {
        return Err("not a restore outcome".into());
    };
    let bad = s.items.len() - s.count(RunItemStatus::Ok) - s.count(RunItemStatus::Partial);
    if bad > 0 {
        return Err(format!("{bad} items failed or skipped").into());
    }
    let mut per_level: BTreeMap<usize, usize> = BTreeMap::new();
    for p in &s.plan.items {
        *per_level.entry(p.level).or_default() += 1;
    }
    // The first progress event of a level comes after its first item: the requests before the
    // first mark are sign-in, reading and planning (plus that item), divided by `workers`; the
    // requests from one level's mark to the next are that level's, divided by the workers the
    // level can use (at most its item count).
    let lat = LATENCY_MS as f64 / 1000.0;
    let mut bound =
        (marks.first().map_or(total + before, |m| m.1) - before) as f64 * lat / workers as f64;
    let mut levels = Vec::new();
    for (i, (label, at)) in marks.iter().enumerate() {
        let next = marks.get(i + 1).map_or(before + total, |m| m.1);
        let level: usize = label.trim_start_matches("level ").parse().unwrap_or(0);
        let items = per_level.get(&level).copied().unwrap_or(1).max(1);
        let n = next - at;
        bound += n as f64 * lat / workers.min(items) as f64;
        levels.push(format!("{label}: {n} requests / {items} items"));
    }
    println!(
        "workers {workers}: {wall:.1} s, {total} requests ({:.1} per item), items per level {:?}, \
         [{}], lower bound {bound:.1} s, ratio {:.2}",
        total as f64 / s.items.len() as f64,
        per_level.values().collect::<Vec<_>>(),
        levels.join(", "),
        wall / bound
    );
    Ok(())
}
