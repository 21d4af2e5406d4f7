//! Benchmark of the scan engine: an in-process sandbox with 25,000 generated items and 50 ms
//! latency per request, scanned as "all organisation content". Prints the wall time next to the
//! lower bound (list requests x 50 ms / concurrency) and their ratio.
//!
//! Run with `cargo run --release --example bench_scan`.

use std::time::Instant;

use agol_backup::engine::scan::{self, ScanPreset, ScanRequest};
use agol_backup::engine::{JobId, Outcome, PortalConnection, Reporter};
use agol_backup::portal::{ClientOptions, Credentials, PortalUrl};
use agol_backup::sandbox::{self, Dataset, SandboxConfig};
use tokio_util::sync::CancellationToken;

const LATENCY_MS: u64 = 50;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sb = sandbox::start(SandboxConfig {
        dataset: Dataset::Generated {
            count: 25_000,
            seed: 1,
        },
        latency_ms: LATENCY_MS,
        ..SandboxConfig::for_tests()
    })
    .await?;
    let dir = tempfile::tempdir()?;
    let options = ClientOptions::new(PortalUrl::parse(&sb.url())?);
    let concurrency = options.max_concurrency;
    let request = ScanRequest {
        connection: PortalConnection {
            options,
            credentials: Credentials::password("admin", "sandbox-admin"),
        },
        preset: ScanPreset::AllOrg,
        inventory: dir.path().join("AuthInventory.csv"),
        index: dir.path().join("scan_index.csv"),
        max_items: None,
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let drain = std::thread::spawn(move || rx.into_iter().count());
    let started = Instant::now();
    let outcome = scan::run(
        request,
        Reporter::headless(JobId(1), tx),
        CancellationToken::new(),
    )
    .await?;
    let wall = started.elapsed().as_secs_f64();
    let _ = drain.join();
    let Outcome::Scan(s) = outcome else {
        return Err("not a scan outcome".into());
    };
    let pages = s.found.div_ceil(100) as f64;
    let bound = pages * LATENCY_MS as f64 / 1000.0 / concurrency as f64;
    println!(
        "scanned {} items with {} list requests ({} search pages needed) at concurrency {concurrency}",
        s.found, s.list_requests, pages
    );
    println!(
        "wall {wall:.2} s, lower bound {bound:.2} s (pages x {LATENCY_MS} ms / {concurrency}), ratio {:.2}",
        wall / bound
    );
    Ok(())
}
