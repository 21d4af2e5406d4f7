//! The sandbox portal: a local server that behaves like ArcGIS Online / ArcGIS Enterprise over the
//! public REST API, with a demo organisation, so the whole workflow can be tried and tested without
//! an account. Written from the protocol reference, independently of `portal/` (it must not reuse
//! the client's types, so a misunderstanding in one is caught by the other).
//!
//! Start it with [`start`]; it serves plain HTTP and TLS on one port (see `listener`), plus a
//! second "blob" origin that file downloads redirect to.

mod auth;
mod blob;
mod dataset;
mod faults;
mod features;
pub mod item_map;
mod items;
mod jobs;
mod listener;
pub mod model;
mod oauth;
mod params;
mod portal_routes;
mod reply;
mod rng;
mod router;
mod search;
pub mod services;
mod tls;
mod user_content;
mod writes;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

pub use faults::StatsSnapshot;

/// Which organisation the sandbox serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dataset {
    /// The hand-made demo organisation (about 60 items of every kind).
    Demo,
    /// `count` items of mixed types, generated deterministically from `seed`.
    Generated {
        /// How many items.
        count: usize,
        /// Generator seed.
        seed: u64,
    },
    /// The demo organisation plus `count` generated items (and their services and members),
    /// for benchmarks that want both the hand-made dependencies and volume.
    DemoPlusGenerated {
        /// How many generated items.
        count: usize,
        /// Generator seed.
        seed: u64,
    },
}

impl std::str::FromStr for Dataset {
    type Err = String;

    /// Parses `demo`, `generated:N[:SEED]` or `demo+generated:N[:SEED]`.
    fn from_str(s: &str) -> Result<Self, String> {
        if s == "demo" {
            return Ok(Dataset::Demo);
        }
        if let Some(rest) = s.strip_prefix("demo+") {
            return match rest.parse::<Dataset>() {
                Ok(Dataset::Generated { count, seed }) => {
                    Ok(Dataset::DemoPlusGenerated { count, seed })
                }
                _ => Err(format!(
                    "dataset must be 'demo', 'generated:N[:SEED]' or 'demo+generated:N[:SEED]', not '{s}'"
                )),
            };
        }
        let bad = || {
            format!(
                "dataset must be 'demo', 'generated:N[:SEED]' or 'demo+generated:N[:SEED]', not '{s}'"
            )
        };
        let rest = s.strip_prefix("generated:").ok_or_else(bad)?;
        let mut parts = rest.split(':');
        let count = parts.next().and_then(|n| n.parse().ok()).ok_or_else(bad)?;
        let seed = match parts.next() {
            Some(x) => x.parse().map_err(|_| bad())?,
            None => 1,
        };
        if parts.next().is_some() {
            return Err(bad());
        }
        Ok(Dataset::Generated { count, seed })
    }
}

/// How to run the sandbox.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Address of the portal port (port 0 picks a free one).
    pub addr: SocketAddr,
    /// The organisation to serve.
    pub dataset: Dataset,
    /// Where to write `ca.pem`; a temporary folder when `None`.
    pub tls_dir: Option<PathBuf>,
    /// Latency added to every request, in ms.
    pub latency_ms: u64,
    /// Share of requests (0..1) that fail with an injected fault.
    pub fault_rate: f64,
    /// Seed of the fault sequence.
    pub fault_seed: u64,
    /// Lifetime of issued tokens, in seconds (capped by what the client asks for).
    pub token_ttl_secs: u64,
    /// How long item exports, replicas and publish jobs take, in ms.
    pub export_delay_ms: u64,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8400),
            dataset: Dataset::Demo,
            tls_dir: None,
            latency_ms: 0,
            fault_rate: 0.0,
            fault_seed: 1,
            token_ttl_secs: 2 * 60 * 60,
            export_delay_ms: 1500,
        }
    }
}

impl SandboxConfig {
    /// The test configuration: demo data on a free loopback port, no delays.
    pub fn for_tests() -> Self {
        SandboxConfig {
            addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            export_delay_ms: 50,
            ..SandboxConfig::default()
        }
    }
}

/// Why the sandbox could not start.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The port could not be bound.
    #[error(
        "cannot listen on {0}: {1} (is another sandbox already running? try --addr 127.0.0.1:0)"
    )]
    Bind(SocketAddr, std::io::Error),
    /// A file could not be written.
    #[error("cannot write {0}: {1}")]
    Io(PathBuf, std::io::Error),
    /// Certificates could not be made.
    #[error("cannot make TLS certificates: {0}")]
    Tls(String),
}

/// Shared state of a running sandbox, handed to every route.
pub struct Ctx {
    state: RwLock<State>,
    /// The configuration it was started with.
    pub cfg: SandboxConfig,
    /// `http://host:port` of the portal port.
    pub base: String,
    /// `http://host:port` of the blob origin.
    pub blob_base: String,
    /// Request counters and the fault plan.
    pub faults: faults::Faults,
}

use model::State;

impl Ctx {
    /// Locks the state for writing. Never hold the guard across an `.await`.
    pub fn lock(&self) -> RwLockWriteGuard<'_, State> {
        self.state
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Locks the state for reading: searches, the heaviest requests, run side by side.
    /// Never hold the guard across an `.await`.
    pub fn read(&self) -> RwLockReadGuard<'_, State> {
        self.state
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The portal URL, e.g. `http://127.0.0.1:8400/portal`.
    pub fn portal_url(&self) -> String {
        format!("{}/portal", self.base)
    }

    /// The REST root, e.g. `http://127.0.0.1:8400/portal/sharing/rest`.
    pub fn rest_url(&self) -> String {
        format!("{}/portal/sharing/rest", self.base)
    }

    /// The hosted services root, e.g. `http://127.0.0.1:8400/server/rest/services`.
    pub fn services_url(&self) -> String {
        format!("{}/server/rest/services", self.base)
    }
}

/// A running sandbox. Dropping it stops the server.
pub struct SandboxHandle {
    ctx: Arc<Ctx>,
    ca_path: PathBuf,
    cancel: CancellationToken,
    _tempdir: Option<tempfile::TempDir>,
}

impl SandboxHandle {
    /// Plain-HTTP portal URL, e.g. `http://127.0.0.1:8400/portal`.
    pub fn url(&self) -> String {
        self.ctx.portal_url()
    }

    /// The same portal over TLS.
    pub fn https_url(&self) -> String {
        self.url().replacen("http://", "https://", 1)
    }

    /// The portal REST root (`.../portal/sharing/rest`).
    pub fn rest_url(&self) -> String {
        self.ctx.rest_url()
    }

    /// The blob origin file downloads redirect to.
    pub fn blob_url(&self) -> String {
        self.ctx.blob_base.clone()
    }

    /// Path of the CA certificate (PEM) that signs the sandbox's TLS certificate.
    pub fn ca_path(&self) -> &std::path::Path {
        &self.ca_path
    }

    /// Request counts per route and bytes served so far.
    pub fn stats(&self) -> StatsSnapshot {
        self.ctx.faults.snapshot()
    }

    /// The whole portal state as JSON (what `/sandbox/snapshot` returns).
    pub fn snapshot(&self) -> serde_json::Value {
        router::snapshot_json(&self.ctx)
    }

    /// Runs `f` on the live state: tests and benchmarks use it to seed or inspect data directly
    /// (the HTTP routes are what clients use).
    pub fn with_state<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut self.ctx.lock())
    }

    /// Stops accepting connections and closes open ones.
    pub fn shutdown(&self) {
        self.cancel.cancel();
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Starts the sandbox on `config.addr` and returns once it accepts connections.
pub async fn start(config: SandboxConfig) -> Result<SandboxHandle, SandboxError> {
    let listener = TcpListener::bind(config.addr)
        .await
        .map_err(|e| SandboxError::Bind(config.addr, e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| SandboxError::Bind(config.addr, e))?;
    let blob_listener = bind_blob(addr.ip()).await?;
    let blob_addr = blob_listener
        .local_addr()
        .map_err(|e| SandboxError::Bind(addr, e))?;

    let (tls_dir, tempdir) = match &config.tls_dir {
        Some(d) => (d.clone(), None),
        None => {
            let t = tempfile::Builder::new()
                .prefix("agol-sandbox-tls")
                .tempdir()
                .map_err(|e| SandboxError::Io(std::env::temp_dir(), e))?;
            (t.path().to_path_buf(), Some(t))
        }
    };
    let tls = tls::make(&tls_dir, &[addr.ip(), blob_addr.ip()])?;

    let base = format!("http://{}", host_port(addr));
    let blob_base = format!("http://{}", host_port(blob_addr));
    let state = dataset::build(&config.dataset, &base);
    let ctx = Arc::new(Ctx {
        state: RwLock::new(state),
        faults: faults::Faults::new(&config),
        cfg: config,
        base,
        blob_base,
    });

    let cancel = CancellationToken::new();
    let portal_router = router::portal_router(ctx.clone());
    let blob_router = blob::router(ctx.clone());
    tokio::spawn(listener::serve(
        listener,
        portal_router,
        tls.server_config.clone(),
        cancel.clone(),
    ));
    tokio::spawn(listener::serve(
        blob_listener,
        blob_router,
        tls.server_config,
        cancel.clone(),
    ));
    Ok(SandboxHandle {
        ctx,
        ca_path: tls.ca_path,
        cancel,
        _tempdir: tempdir,
    })
}

fn host_port(addr: SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V6(ip) => format!("[{ip}]:{}", addr.port()),
        IpAddr::V4(ip) => format!("{ip}:{}", addr.port()),
    }
}

/// The blob origin lives on another loopback address where the OS allows it (127.0.0.2 on
/// Linux and Windows), else on another port of the same address: either way a different origin.
async fn bind_blob(portal_ip: IpAddr) -> Result<TcpListener, SandboxError> {
    if portal_ip == IpAddr::V4(Ipv4Addr::LOCALHOST) {
        let alt = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)), 0);
        if let Ok(l) = TcpListener::bind(alt).await {
            return Ok(l);
        }
    }
    let same = SocketAddr::new(portal_ip, 0);
    TcpListener::bind(same)
        .await
        .map_err(|e| SandboxError::Bind(same, e))
}
