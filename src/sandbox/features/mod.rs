//! Hosted feature services under `/server/rest`, as ArcGIS Server publishes them for a portal:
//! `info`, the service catalog, `services/Hosted/{name}/FeatureServer` (service, layer and
//! `layers` JSON; `query`, attachments, edits, `createReplica` with its jobs and files) and the
//! admin twin `admin/services/Hosted/{name}/FeatureServer` (full definitions and schema
//! operations). A service's visibility and permissions follow its portal item; unknown
//! services, layers and operations answer ArcGIS Server's "Invalid URL". GET and POST alike.
//!
//! Submodules: `access` (lookup, permissions, row selection), `sql` (the `where` dialect),
//! `query`, `attachments`, `edits`, `replica`, `admin`, `extract` (owned copies for replicas
//! and exports), `geojson`, `dates` and `model_ext` (extra model behaviour).

pub mod access;
mod admin;
mod attachments;
pub mod dates;
mod edits;
pub mod extract;
pub mod geojson;
pub mod model_ext;
pub mod query;
mod replica;
pub mod sql;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::any;
use serde_json::{Value, json};

use super::Ctx;
use super::auth;
use super::params::Params;
use super::reply::{ApiResult, ok};
use access::invalid_url;

const SVC: &str = "/server/rest/services/Hosted/{name}/FeatureServer";
const ADMIN: &str = "/server/rest/admin/services/Hosted/{name}/FeatureServer";

/// Routes under `/server/rest` (full paths).
pub fn routes() -> Router<Arc<Ctx>> {
    Router::new()
        .route("/server/rest/info", any(info))
        .route("/server/rest/services", any(catalog_root))
        .route("/server/rest/services/Hosted", any(catalog_hosted))
        .route(SVC, any(service_root))
        .route(&format!("{SVC}/{{*rest}}"), any(service_nested))
        .route(ADMIN, any(admin_root))
        .route(&format!("{ADMIN}/{{*rest}}"), any(admin_nested))
}

async fn info(State(ctx): State<Arc<Ctx>>) -> ApiResult {
    ok(json!({
        "currentVersion": 11.3,
        "fullVersion": "11.3.0",
        "owningSystemUrl": ctx.portal_url(),
        "authInfo": {
            "isTokenBasedSecurity": true,
            "tokenServicesUrl": format!("{}/generateToken", ctx.rest_url()),
        },
    }))
}

async fn catalog_root() -> ApiResult {
    ok(json!({"currentVersion": 11.3, "folders": ["Hosted"], "services": []}))
}

async fn catalog_hosted(State(ctx): State<Arc<Ctx>>, p: Params) -> ApiResult {
    let caller = auth::caller(&ctx, &p)?;
    let st = ctx.lock();
    let services: Vec<Value> = st
        .services
        .values()
        .filter(|s| access::visible(&st, &caller, s))
        .map(|s| json!({"name": format!("Hosted/{}", s.name), "type": "FeatureServer", "url": model_ext::service_url(&ctx, &s.name)}))
        .collect();
    ok(json!({"currentVersion": 11.3, "folders": [], "services": services}))
}

async fn service_root(
    State(ctx): State<Arc<Ctx>>,
    Path(name): Path<String>,
    p: Params,
) -> ApiResult {
    let caller = auth::caller(&ctx, &p)?;
    let st = ctx.lock();
    let svc = access::viewable(&st, &caller, &name)?;
    ok(svc.to_json(false))
}

async fn service_nested(
    State(ctx): State<Arc<Ctx>>,
    Path((name, rest)): Path<(String, String)>,
    p: Params,
) -> ApiResult {
    let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let is_layer = |s: &str| s.parse::<u32>().is_ok();
    let lower: Vec<String> = segs.iter().map(|s| s.to_ascii_lowercase()).collect();
    let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
    match (segs.as_slice(), lower.as_slice()) {
        ([], _) => service_root(State(ctx), Path(name), p).await,
        ([l], _) if is_layer(l) => layer_json(&ctx, &p, &name, l),
        (_, ["layers"]) => all_layers(&ctx, &p, &name),
        (_, ["createreplica"]) => replica::create_replica(&ctx, &p, &name),
        ([_, id], ["jobs", _]) => replica::status(&ctx, &p, &name, id),
        ([_, id], ["replicafiles", _]) => replica::download(&ctx, &p, &name, id),
        ([l, _], [_, op]) if is_layer(l) => layer_op(&ctx, &p, &name, l, op),
        ([l, oid, _], [_, _, "attachments"]) if is_layer(l) => {
            attachments::attachments(&ctx, &p, &name, l, oid, None)
        }
        ([l, oid, _, aid], [_, _, "attachments", _]) if is_layer(l) => {
            attachments::attachments(&ctx, &p, &name, l, oid, Some(aid))
        }
        ([l, oid, _], [_, _, "addattachment"]) if is_layer(l) => {
            attachments::add_attachment(&ctx, &p, &name, l, oid)
        }
        _ => Err(invalid_url()),
    }
}

fn layer_op(ctx: &Arc<Ctx>, p: &Params, name: &str, layer: &str, op: &str) -> ApiResult {
    match op {
        "query" => query::query(ctx, p, name, layer),
        "queryattachments" => attachments::query_attachments(ctx, p, name, layer),
        "applyedits" => edits::apply_edits(ctx, p, name, layer),
        "addfeatures" => edits::add_features(ctx, p, name, layer),
        "updatefeatures" => edits::update_features(ctx, p, name, layer),
        "deletefeatures" => edits::delete_features(ctx, p, name, layer),
        _ => Err(invalid_url()),
    }
}

fn layer_json(ctx: &Arc<Ctx>, p: &Params, name: &str, layer: &str) -> ApiResult {
    let caller = auth::caller(ctx, p)?;
    let st = ctx.lock();
    let svc = access::viewable(&st, &caller, name)?;
    ok(access::layer(svc, layer)?.to_json(svc, false))
}

fn all_layers(ctx: &Arc<Ctx>, p: &Params, name: &str) -> ApiResult {
    let caller = auth::caller(ctx, p)?;
    let st = ctx.lock();
    let svc = access::viewable(&st, &caller, name)?;
    let pick = |table: bool| -> Vec<Value> {
        svc.layers
            .iter()
            .filter(|l| l.is_table() == table)
            .map(|l| l.to_json(svc, false))
            .collect()
    };
    ok(json!({"layers": pick(false), "tables": pick(true)}))
}

async fn admin_root(State(ctx): State<Arc<Ctx>>, Path(name): Path<String>, p: Params) -> ApiResult {
    admin::dispatch(&ctx, &p, &name, &[])
}

async fn admin_nested(
    State(ctx): State<Arc<Ctx>>,
    Path((name, rest)): Path<(String, String)>,
    p: Params,
) -> ApiResult {
    let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    admin::dispatch(&ctx, &p, &name, &segs)
}
