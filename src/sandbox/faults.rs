//! Request accounting and deterministic fault injection. Every request is counted per route
//! (and its bytes); with `--latency-ms` it is delayed; with `--fault-rate` a share of requests,
//! chosen by a generator seeded with `--fault-seed`, fail as a real portal under load fails:
//! HTTP 500, 503, 429 with `Retry-After`, a connection reset mid-body, a truncated body, or an
//! expired token. `/sandbox/*` routes are never delayed or faulted.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::{StreamExt, stream};
use http_body_util::BodyExt;
use serde::Serialize;

use super::reply::ApiError;
use super::rng::Rng;
use super::{Ctx, SandboxConfig};

/// The kinds of injected faults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// HTTP 500 with an error body.
    ServerError,
    /// HTTP 503 with an error body.
    Unavailable,
    /// HTTP 429 with `Retry-After: 1`.
    TooManyRequests,
    /// Headers and half the body, then the connection is dropped.
    ResetMidBody,
    /// A complete HTTP response whose body is cut in half (the JSON does not parse).
    TruncatedBody,
    /// The caller's token is expired on the spot and the request answers 498.
    TokenExpiry,
}

impl FaultKind {
    const ALL: [FaultKind; 6] = [
        FaultKind::ServerError,
        FaultKind::Unavailable,
        FaultKind::TooManyRequests,
        FaultKind::ResetMidBody,
        FaultKind::TruncatedBody,
        FaultKind::TokenExpiry,
    ];

    fn name(self) -> &'static str {
        match self {
            FaultKind::ServerError => "http_500",
            FaultKind::Unavailable => "http_503",
            FaultKind::TooManyRequests => "http_429",
            FaultKind::ResetMidBody => "reset_mid_body",
            FaultKind::TruncatedBody => "truncated_body",
            FaultKind::TokenExpiry => "token_expiry",
        }
    }
}

/// Counters and the fault plan of one sandbox.
pub struct Faults {
    seq: AtomicU64,
    seed: u64,
    rate: f64,
    latency_ms: u64,
    bytes: AtomicU64,
    counts: Mutex<Counts>,
}

#[derive(Default)]
struct Counts {
    by_route: BTreeMap<String, u64>,
    faults: BTreeMap<String, u64>,
}

/// What `/sandbox/stats` reports.
#[derive(Debug, Clone, Serialize)]
pub struct StatsSnapshot {
    /// All requests so far.
    pub requests: u64,
    /// Requests per route pattern (e.g. `POST /portal/sharing/rest/search`).
    pub by_route: BTreeMap<String, u64>,
    /// Response body bytes sent.
    pub bytes_served: u64,
    /// Injected faults by kind.
    pub faults: BTreeMap<String, u64>,
}

impl Faults {
    /// The plan for `cfg`.
    pub fn new(cfg: &SandboxConfig) -> Self {
        Faults {
            seq: AtomicU64::new(0),
            seed: cfg.fault_seed,
            rate: cfg.fault_rate.clamp(0.0, 1.0),
            latency_ms: cfg.latency_ms,
            bytes: AtomicU64::new(0),
            counts: Mutex::new(Counts::default()),
        }
    }

    fn counts(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Current counters.
    pub fn snapshot(&self) -> StatsSnapshot {
        let c = self.counts();
        StatsSnapshot {
            requests: c.by_route.values().sum(),
            by_route: c.by_route.clone(),
            bytes_served: self.bytes.load(Ordering::Relaxed),
            faults: c.faults.clone(),
        }
    }

    /// Decides, deterministically from the seed and the request's sequence number, whether this
    /// request fails and how.
    fn draw(&self) -> Option<FaultKind> {
        if self.rate <= 0.0 {
            return None;
        }
        let n = self.seq.fetch_add(1, Ordering::Relaxed);
        let mut rng = Rng::new(self.seed ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        if rng.unit() >= self.rate {
            return None;
        }
        Some(*rng.pick(&FaultKind::ALL))
    }
}

/// The middleware: count, delay, maybe fail, count bytes.
pub async fn layer(State(ctx): State<Arc<Ctx>>, req: Request, next: Next) -> Response {
    let path = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| req.uri().path().to_string(), |m| m.as_str().to_string());
    let route = format!("{} {path}", req.method());
    ctx.faults
        .counts()
        .by_route
        .entry(route)
        .and_modify(|n| *n += 1)
        .or_insert(1);
    if path.starts_with("/sandbox/") {
        return next.run(req).await;
    }
    if ctx.faults.latency_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(ctx.faults.latency_ms)).await;
    }
    let fault = ctx.faults.draw();
    if let Some(kind) = fault {
        *ctx.faults
            .counts()
            .faults
            .entry(kind.name().to_string())
            .or_insert(0) += 1;
    }
    let resp = match fault {
        None => next.run(req).await,
        Some(kind) => inject(&ctx, kind, req, next).await,
    };
    if let Some(len) = resp
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
    {
        ctx.faults.bytes.fetch_add(len, Ordering::Relaxed);
    }
    resp
}

async fn inject(ctx: &Ctx, kind: FaultKind, req: Request, next: Next) -> Response {
    let status_error = |status: StatusCode, msg: &str| {
        let mut e = ApiError::server_error(msg);
        e.code = status.as_u16();
        e.with_http_status().into_response()
    };
    match kind {
        FaultKind::ServerError => {
            status_error(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error.")
        }
        FaultKind::Unavailable => {
            status_error(StatusCode::SERVICE_UNAVAILABLE, "Service unavailable.")
        }
        FaultKind::TooManyRequests => {
            let mut r = status_error(StatusCode::TOO_MANY_REQUESTS, "Too many requests.");
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            r
        }
        FaultKind::TokenExpiry => {
            let token = req
                .headers()
                .get("x-esri-authorization")
                .or_else(|| req.headers().get(header::AUTHORIZATION))
                .and_then(|v| v.to_str().ok())
                .map(|v| v.trim_start_matches("Bearer ").trim().to_string());
            match token {
                Some(t) => {
                    if let Some(tok) = ctx.lock().tokens.get_mut(&t) {
                        tok.expires = 0;
                    }
                    ApiError::invalid_token().into_response()
                }
                None => next.run(req).await,
            }
        }
        FaultKind::ResetMidBody | FaultKind::TruncatedBody => {
            let resp = next.run(req).await;
            let (mut parts, body) = resp.into_parts();
            let bytes = body
                .collect()
                .await
                .map(|c| c.to_bytes())
                .unwrap_or_default();
            let half = bytes.slice(..bytes.len() / 2);
            if kind == FaultKind::TruncatedBody {
                parts
                    .headers
                    .insert(header::CONTENT_LENGTH, HeaderValue::from(half.len()));
                return Response::from_parts(parts, Body::from(half));
            }
            parts
                .headers
                .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
            // Let the headers and the first half reach the client before the connection drops.
            let cut = stream::once(async {
                tokio::time::sleep(std::time::Duration::from_millis(30)).await;
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "injected reset",
                ))
            });
            let body = stream::iter([Ok::<Bytes, std::io::Error>(half)]).chain(cut);
            Response::from_parts(parts, Body::from_stream(body))
        }
    }
}
