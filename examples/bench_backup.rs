//! Benchmarks of the backup engine against an in-process sandbox.
//!
//! - `pool` (default): `generated:200` with 50 ms latency per request and a 1 s export delay,
//!   backed up at 1, 4 and 8 workers. The lower bound is what the requests alone must take:
//!   (every request the run made x 50 ms + every export's 1 s) / workers, since one item's
//!   requests follow each other. Prints wall time, requests and the ratio to the bound.
//! - `bigfile`: one 1 GiB file item backed up (streamed); prints wall time and the process's
//!   peak resident memory (VmHWM, Linux), sandbox included.
//!
//! Run with `cargo run --release --example bench_backup [pool|bigfile]`.

use std::time::Instant;

use agol_backup::engine::backup::{self, BackupOptions, BackupRequest, RunItemStatus};
use agol_backup::engine::{JobId, Outcome, PortalConnection, Reporter};
use agol_backup::portal::{ClientOptions, Credentials, PortalUrl};
use agol_backup::sandbox::model::{Content, ItemData};
use agol_backup::sandbox::{self, Dataset, SandboxConfig, SandboxHandle};
use tokio_util::sync::CancellationToken;

const LATENCY_MS: u64 = 50;
const EXPORT_DELAY_MS: u64 = 1000;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

#[tokio::main]
async fn main() -> Res<()> {
    match std::env::args().nth(1).as_deref() {
        Some("bigfile") => bigfile().await,
        _ => pool().await,
    }
}

async fn run(sb: &SandboxHandle, ids: Vec<String>, workers: usize) -> Res<(f64, u64)> {
    let dir = tempfile::tempdir()?;
    let request = BackupRequest {
        connection: PortalConnection {
            options: ClientOptions::new(PortalUrl::parse(&sb.url())?),
            credentials: Credentials::password("admin", "sandbox-admin"),
        },
        items: ids,
        destination: dir.path().to_path_buf(),
        options: BackupOptions {
            workers,
            ..BackupOptions::default()
        },
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let drain = std::thread::spawn(move || rx.into_iter().count());
    let before = sb.stats().requests;
    let started = Instant::now();
    let outcome = backup::run(
        request,
        Reporter::headless(JobId(1), tx),
        CancellationToken::new(),
    )
    .await?;
    let wall = started.elapsed().as_secs_f64();
    let _ = drain.join();
    let Outcome::Backup(s) = outcome else {
        return Err("not a backup outcome".into());
    };
    let bad = s.items.len() - s.count(RunItemStatus::Ok);
    if bad > 0 {
        return Err(format!("{bad} items not OK").into());
    }
    Ok((wall, sb.stats().requests - before))
}

async fn pool() -> Res<()> {
    let sb = sandbox::start(SandboxConfig {
        dataset: Dataset::Generated {
            count: 200,
            seed: 3,
        },
        latency_ms: LATENCY_MS,
        export_delay_ms: EXPORT_DELAY_MS,
        ..SandboxConfig::for_tests()
    })
    .await?;
    let snap = sb.snapshot();
    let org = snap["org"]["id"].clone();
    let items: Vec<&serde_json::Value> = snap["items"]
        .as_array()
        .ok_or("no items")?
        .iter()
        .filter(|i| i["orgId"] == org)
        .collect();
    let hosted = items
        .iter()
        .filter(|i| {
            i["type"] == "Feature Service"
                && i["typeKeywords"]
                    .as_array()
                    .is_some_and(|k| k.iter().any(|k| k == "Hosted Service"))
        })
        .count();
    // The 512 MiB item of the generated set is left out: it measures the disk, not the pool.
    let ids: Vec<String> = sb.with_state(|st| {
        items
            .iter()
            .filter_map(|i| i["id"].as_str())
            .filter(|id| match &st.items[*id].data {
                ItemData::File { content, .. } => content.len() < 64 << 20,
                _ => true,
            })
            .map(str::to_string)
            .collect()
    });
    println!(
        "{} items ({hosted} hosted feature layers), {LATENCY_MS} ms latency, {EXPORT_DELAY_MS} ms export delay",
        ids.len()
    );
    for workers in [1usize, 4, 8] {
        let (wall, requests) = run(&sb, ids.clone(), workers).await?;
        let bound = (requests as f64 * LATENCY_MS as f64 + hosted as f64 * EXPORT_DELAY_MS as f64)
            / 1000.0
            / workers as f64;
        println!(
            "workers {workers}: {wall:.1} s, {requests} requests ({:.1} per item), lower bound {bound:.1} s, ratio {:.2}",
            requests as f64 / ids.len() as f64,
            wall / bound
        );
    }
    Ok(())
}

async fn bigfile() -> Res<()> {
    let sb = sandbox::start(SandboxConfig {
        dataset: Dataset::Generated {
            count: 100,
            seed: 3,
        },
        ..SandboxConfig::for_tests()
    })
    .await?;
    let id = sb.with_state(|st| {
        let id = st.items.values().find_map(|i| {
            matches!(
                &i.data,
                ItemData::File {
                    content: Content::Generated { .. },
                    ..
                }
            )
            .then(|| i.id.clone())
        })?;
        let item = st.items.get_mut(&id)?;
        if let ItemData::File {
            content: Content::Generated { len, .. },
            ..
        } = &mut item.data
        {
            *len = 1 << 30;
        }
        Some(item.id.clone())
    });
    let id = id.ok_or("no streamed item in the generated set")?;
    let (wall, _) = run(&sb, vec![id], 1).await?;
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status
        .lines()
        .find(|l| l.starts_with("VmHWM"))
        .unwrap_or("VmHWM: unknown");
    println!(
        "1 GiB file item backed up in {wall:.1} s ({:.0} MB/s); peak memory {peak}",
        1024.0 / wall
    );
    Ok(())
}
