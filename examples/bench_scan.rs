//! Benchmark of the scan engine (issue #3): a sandbox with 25,000 generated items and 50 ms
//! latency per request, scanned as "all organisation content" into a fresh inventory. Prints
//! the wall time of each run next to the lower bound and their ratio (goal: at most 1.5).
//!
//! The lower bound counts only the requests that must happen whatever the engine does: the
//! search pages needed to read every item (`found / 100`, rounded up), each taking at least
//! the latency, at most `concurrency` of them at once: `pages x latency / concurrency`. It
//! leaves out sign-in, `portals/self`, the counts that find the created-date windows, the
//! partly filled last page of each window, the portal's own work and writing the files, so
//! the real floor is higher and the ratio errs against the engine. The requests actually
//! made are printed too.
//!
//! The sandbox runs on its own runtime and threads, like a remote portal: sharing the scan's
//! runtime would let its searches (which hold the sandbox's state lock) stall the client's
//! worker threads, which no engine change could avoid.
//!
//! Run with `cargo run --release --example bench_scan [-- RUNS]` (default 2 runs).

use std::time::Instant;

use agol_backup::engine::scan::{self, ScanPreset, ScanRequest, ScanSummary};
use agol_backup::engine::{JobId, Outcome, PortalConnection, Reporter};
use agol_backup::portal::{ClientOptions, Credentials, PortalUrl};
use agol_backup::sandbox::{self, Dataset, SandboxConfig};
use tokio_util::sync::CancellationToken;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

const LATENCY_MS: u64 = 50;
const ITEMS: usize = 25_000;

/// Starts the sandbox on a runtime of its own; returns its URL and a sender that stops it.
fn start_portal() -> Result<(String, std::sync::mpsc::Sender<()>), BoxError> {
    let (url_tx, url_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        let served = tokio::runtime::Runtime::new().map(|rt| {
            rt.block_on(async {
                let config = SandboxConfig {
                    dataset: Dataset::Generated {
                        count: ITEMS,
                        seed: 1,
                    },
                    latency_ms: LATENCY_MS,
                    ..SandboxConfig::for_tests()
                };
                match sandbox::start(config).await {
                    Ok(sb) => {
                        let _ = url_tx.send(Ok(sb.url()));
                        // Serve until main is done (the other runtime's threads do the work).
                        let _ = tokio::task::spawn_blocking(move || stop_rx.recv()).await;
                    }
                    Err(e) => {
                        let _ = url_tx.send(Err(e.to_string()));
                    }
                }
            });
        });
        if let Err(e) = served {
            eprintln!("cannot start the sandbox's runtime: {e}");
        }
    });
    let url = url_rx.recv()??;
    Ok((url, stop_tx))
}

/// One scan of the portal at `url` into a fresh folder; the summary and the wall time in s.
async fn scan_once(url: &str) -> Result<(ScanSummary, usize, f64), BoxError> {
    let dir = tempfile::tempdir()?;
    let options = ClientOptions::new(PortalUrl::parse(url)?);
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
    let Outcome::Scan(summary) = outcome else {
        return Err("not a scan outcome".into());
    };
    Ok((summary, concurrency, wall))
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let runs: usize = match std::env::args().nth(1) {
        Some(n) => n.parse()?,
        None => 2,
    };
    let (url, stop) = start_portal()?;
    for run in 1..=runs {
        let (s, concurrency, wall) = scan_once(&url).await?;
        let pages = s.found.div_ceil(100) as f64;
        let bound = pages * LATENCY_MS as f64 / 1000.0 / concurrency as f64;
        println!(
            "run {run}: scanned {} items with {} list requests ({pages} search pages needed) \
             at concurrency {concurrency}",
            s.found, s.list_requests
        );
        println!(
            "run {run}: wall {wall:.2} s, lower bound {bound:.2} s (pages x {LATENCY_MS} ms / \
             {concurrency}), ratio {:.2}",
            wall / bound
        );
    }
    let _ = stop.send(());
    Ok(())
}
