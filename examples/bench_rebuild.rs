//! Benchmark of rebuilding a large hosted layer from a backup without an export: the demo's
//! Fire Hydrants layer grown to N rows (default 50,000; 64 photos attached) and made
//! non-replicable, backed up by the viewer (GeoJSON query fallback), deleted from a second
//! sandbox with 50 ms latency per request, and restored there by the admin. One item's
//! requests follow each other, except row batches (500 rows, two at a time) and attachment
//! uploads (four at a time), so the lower bound is 50 ms times the requests, counting batches
//! as half a request and uploads as a quarter. Prints wall time, requests, rows per second and
//! the ratio to the bound.
//!
//! Run with `cargo run --release --example bench_rebuild [-- ROWS]` (`BENCH_LATENCY_MS=0` for
//! the CPU cost alone).

use std::time::Instant;

use agol_backup::engine::backup::{self, BackupOptions, BackupRequest};
use agol_backup::engine::restore::{self, RestoreOptions, RestoreRequest};
use agol_backup::engine::{JobId, Outcome, PortalConnection, Reporter};
use agol_backup::formats::run_report::RunItemStatus;
use agol_backup::portal::{ClientOptions, Credentials, PortalUrl};
use agol_backup::sandbox::{self, SandboxConfig, SandboxHandle};
use serde_json::json;
use tokio_util::sync::CancellationToken;

const LATENCY_MS: u64 = 50;

/// The latency per request: `BENCH_LATENCY_MS`, else [`LATENCY_MS`] (0 shows the CPU cost).
fn latency() -> u64 {
    std::env::var("BENCH_LATENCY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(LATENCY_MS)
}
const TITLE: &str = "Fire Hydrants";

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn connection(sb: &SandboxHandle, user: &str, password: &str) -> Res<PortalConnection> {
    Ok(PortalConnection {
        options: ClientOptions::new(PortalUrl::parse(&sb.url())?),
        credentials: Credentials::password(user, password),
    })
}

/// The id of the demo's Fire Hydrants item.
fn hydrants(sb: &SandboxHandle) -> Res<String> {
    sb.with_state(|st| {
        st.items
            .values()
            .find(|i| i.title == TITLE && i.item_type == "Feature Service")
            .map(|i| i.id.clone())
    })
    .ok_or_else(|| "no Fire Hydrants item in the demo".into())
}

/// Grows the layer of item `id` to `rows` rows and takes Sync and Extract off its service.
fn grow(sb: &SandboxHandle, id: &str, rows: i64) {
    sb.with_state(|st| {
        let Some(svc) = st.services.values_mut().find(|s| s.item_id == id) else {
            return;
        };
        svc.capabilities = "Query".into();
        let layer = &mut svc.layers[0];
        let Some(model) = layer.features.values().next().cloned() else {
            return;
        };
        let first = layer.features.keys().max().copied().unwrap_or(0) + 1;
        for oid in first..=rows {
            let mut f = model.clone();
            f.attributes.insert("OBJECTID".into(), json!(oid));
            f.attributes.insert(
                "GlobalID".into(),
                json!(format!("{{{oid:08X}-0000-4000-8000-{oid:012X}}}")),
            );
            let d = (oid % 1000) as f64 / 10_000.0;
            f.geometry = Some(json!({"x": -111.9 - d, "y": 40.5 + d}));
            layer.features.insert(oid, f);
        }
    });
}

#[tokio::main]
async fn main() -> Res<()> {
    let rows: i64 = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(50_000);
    let source = sandbox::start(SandboxConfig::for_tests()).await?;
    let id = hydrants(&source)?;
    grow(&source, &id, rows);
    let dir = tempfile::tempdir()?;
    let request = BackupRequest {
        connection: connection(&source, "viewer", "sandbox-viewer")?,
        items: vec![id.clone()],
        destination: dir.path().to_path_buf(),
        options: BackupOptions::default(),
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let drain = std::thread::spawn(move || rx.into_iter().count());
    let started = Instant::now();
    backup::run(
        request,
        Reporter::headless(JobId(1), tx),
        CancellationToken::new(),
    )
    .await?;
    let _ = drain.join();
    println!(
        "{TITLE} with {rows} rows backed up by the viewer (GeoJSON) in {:.1} s; \
         restoring with {} ms latency",
        started.elapsed().as_secs_f64(),
        latency()
    );

    let target = sandbox::start(SandboxConfig {
        latency_ms: latency(),
        ..SandboxConfig::for_tests()
    })
    .await?;
    target.with_state(|st| {
        st.items.remove(&id);
        st.services.retain(|_, s| s.item_id != id);
    });
    let request = RestoreRequest {
        connection: connection(&target, "admin", "sandbox-admin")?,
        inputs: vec![dir.path().to_path_buf()],
        items: None,
        options: RestoreOptions {
            report: Some(std::env::temp_dir().join("bench-rebuild-report.json")),
            ..RestoreOptions::default()
        },
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let drain = std::thread::spawn(move || rx.into_iter().count());
    let before = target.stats().requests;
    let started = Instant::now();
    let outcome = restore::run(
        request,
        Reporter::headless(JobId(2), tx),
        CancellationToken::new(),
    )
    .await?;
    let wall = started.elapsed().as_secs_f64();
    let _ = drain.join();
    let requests = target.stats().requests - before;
    let Outcome::Restore(summary) = outcome else {
        return Err("not a restore outcome".into());
    };
    let item = summary.items.first().ok_or("nothing restored")?;
    if item.status != RunItemStatus::Ok {
        return Err(format!("{:?}: {}", item.status, item.reason).into());
    }
    let new = item.new_id.clone().unwrap_or_default();
    let (got, uploads) = target.with_state(|st| {
        st.services
            .values()
            .find(|s| s.item_id == new)
            .map_or((0, 0), |s| {
                let l = &s.layers[0];
                let a: usize = l.attachments.values().map(Vec::len).sum();
                (l.features.len(), a as u64)
            })
    });
    let batches = (got as u64).div_ceil(500);
    let sequential = requests - batches - uploads + batches.div_ceil(2) + uploads.div_ceil(4);
    let bound = sequential as f64 * latency() as f64 / 1000.0;
    println!(
        "rebuilt {got} rows and {uploads} attachments in {wall:.1} s ({:.0} rows/s), \
         {requests} requests, lower bound {bound:.1} s, ratio {:.2}",
        got as f64 / wall,
        wall / bound
    );
    Ok(())
}
