//! The portal port's routing table: the portal REST API under `/portal/sharing/rest`, the OAuth
//! pages under `/portal/sharing/oauth2`, hosted services under `/server/rest`, and the admin-only
//! `/sandbox/stats` and `/sandbox/snapshot`. Every route passes the fault/accounting layer.
//! Repeated slashes in a path count as one, as on real portals: Esri's Python API builds some
//! URLs as `f"{gis.resturl}/content/..."` from a `resturl` that already ends in `/` (e.g.
//! `FeatureLayerCollectionManager.create_view`, which Esri's `import_content` uses for views).

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::Uri;
use axum::http::uri::PathAndQuery;
use axum::middleware;
use axum::routing::any;
use serde_json::{Value, json};
use tower::ServiceExt;

use super::auth;
use super::items::item_json;
use super::params::Params;
use super::reply::{ApiError, ApiResult, ok};
use super::{Ctx, faults, features, items, oauth, portal_routes, search, user_content, writes};

/// The router of the portal port.
pub fn portal_router(ctx: Arc<Ctx>) -> Router {
    let routes = portal_routes_of(ctx);
    Router::new().fallback_service(routes.map_request(collapse_slashes))
}

/// The request with every run of `/` in its path made one `/` (the query is left alone).
fn collapse_slashes(mut req: Request) -> Request {
    let uri = req.uri();
    if !uri.path().contains("//") {
        return req;
    }
    let mut path = String::with_capacity(uri.path().len());
    for c in uri.path().chars() {
        if !(c == '/' && path.ends_with('/')) {
            path.push(c);
        }
    }
    let path_and_query = match uri.query() {
        Some(q) => format!("{path}?{q}"),
        None => path,
    };
    let mut parts = uri.clone().into_parts();
    if let Ok(pq) = path_and_query.parse::<PathAndQuery>() {
        parts.path_and_query = Some(pq);
        if let Ok(new) = Uri::from_parts(parts) {
            *req.uri_mut() = new;
        }
    }
    req
}

/// Every route of the portal port, before the path is normalised.
fn portal_routes_of(ctx: Arc<Ctx>) -> Router {
    let rest = Router::new()
        .merge(portal_routes::routes())
        .merge(items::routes())
        .merge(search::routes())
        .merge(user_content::routes())
        .merge(writes::routes())
        .route("/generateToken", any(auth::generate_token));
    Router::new()
        .nest("/portal/sharing/rest", rest)
        .route("/portal/sharing/rest/", any(version_root))
        .merge(oauth::routes())
        .merge(portal_routes::probe_routes())
        .merge(features::routes())
        .route("/sandbox/stats", any(stats))
        .route("/sandbox/snapshot", any(snapshot))
        .fallback(not_found)
        .layer(DefaultBodyLimit::disable())
        .layer(middleware::from_fn_with_state(ctx.clone(), faults::layer))
        .with_state(ctx)
}

async fn version_root() -> ApiResult {
    ok(json!({"currentVersion": "2024.3"}))
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(format!(
        "Could not find resource or operation '{}' on the system.",
        uri.path()
    ))
    .with_http_status()
}

fn require_admin(ctx: &Ctx, p: &Params) -> Result<(), ApiError> {
    let caller = auth::caller(ctx, p)?;
    caller.require()?;
    if caller.is_admin() {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

async fn stats(State(ctx): State<Arc<Ctx>>, p: Params) -> ApiResult {
    require_admin(&ctx, &p)?;
    ok(serde_json::to_value(ctx.faults.snapshot()).unwrap_or(Value::Null))
}

async fn snapshot(State(ctx): State<Arc<Ctx>>, p: Params) -> ApiResult {
    require_admin(&ctx, &p)?;
    ok(snapshot_json(&ctx))
}

/// The whole state as JSON: items (as the admin sees them, plus data size, resources, groups),
/// relationships, folders, groups, users and services with their feature counts.
pub fn snapshot_json(ctx: &Ctx) -> Value {
    let st = ctx.lock();
    let admin = auth::Caller::User {
        username: "admin".into(),
        role: super::model::Role::Admin,
    };
    let items: Vec<Value> = st
        .items
        .values()
        .map(|i| {
            let mut v = item_json(&st, &admin, i);
            v["sandbox"] = json!({
                "folder": i.folder,
                "groups": i.sharing.groups,
                "resources": i.resources.iter().map(|(k, r)| json!({"path": k, "size": r.content.len()})).collect::<Vec<_>>(),
                "hasMetadata": i.metadata.is_some(),
                "dataKind": match &i.data { super::model::ItemData::Empty => "empty", super::model::ItemData::Json(_) => "json", super::model::ItemData::File { .. } => "file" },
            });
            v
        })
        .collect();
    let services: Vec<Value> = st
        .services
        .values()
        .map(|s| {
            json!({
                "name": s.name,
                "itemId": s.item_id,
                "viewOf": s.view_of,
                "layers": s.layers.iter().map(|l| json!({
                    "id": l.id, "name": l.name, "features": l.features.len(),
                    "attachments": l.attachments.values().map(Vec::len).sum::<usize>(),
                    "lastEditDate": l.last_edit_date,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "org": {"id": st.org().id, "name": st.org().name},
        "users": st.users.keys().collect::<Vec<_>>(),
        "groups": st.groups.values().map(|g| json!({"id": g.id, "title": g.title, "owner": g.owner, "members": g.members})).collect::<Vec<_>>(),
        "folders": st.folders.values().map(|f| json!({"id": f.id, "owner": f.owner, "title": f.title})).collect::<Vec<_>>(),
        "items": items,
        "relationships": st.relationships.iter().map(|r| json!({"origin": r.origin, "dest": r.dest, "type": r.kind})).collect::<Vec<_>>(),
        "services": services,
    })
}
