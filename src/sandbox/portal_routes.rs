//! Discovery and identity routes: the version root, `info`, the auth probes Esri's client makes,
//! `portals/self` (with roles, users and service-name checks), `community/self`,
//! `community/users/{u}` (with the user's groups) and `community/groups/{id}`.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::any;
use serde_json::{Value, json};

use super::Ctx;
use super::auth::{self, Caller};
use super::model::{Group, Role, State as Store, User};
use super::params::Params;
use super::reply::{ApiError, ApiResult, ok};

/// Routes relative to the REST root.
pub fn routes() -> Router<Arc<Ctx>> {
    Router::new()
        .route("/", any(version_root))
        .route("/info", any(info))
        .route("/portals/self", any(portal_self))
        .route("/portals/self/roles", any(roles))
        .route("/portals/self/users", any(org_users))
        .route(
            "/portals/self/isServiceNameAvailable",
            any(service_name_available),
        )
        .route("/community/self", any(community_self))
        .route("/community/users/{user}", any(community_user))
        .route("/community/groups/{id}", any(community_group))
}

/// The probes `/portal/info`, `/portal/rest/info` and `/portal/rest/services` that Esri's client
/// sends before signing in: answered without `WWW-Authenticate`.
pub fn probe_routes() -> Router<Arc<Ctx>> {
    Router::new()
        .route("/portal/info", any(info))
        .route("/portal/rest/info", any(info))
        .route("/portal/rest/services", any(no_services))
}

async fn version_root() -> ApiResult {
    ok(json!({"currentVersion": "2024.3"}))
}

async fn info(State(ctx): State<Arc<Ctx>>) -> ApiResult {
    ok(json!({
        "owningSystemUrl": ctx.portal_url(),
        "authInfo": {
            "tokenServicesUrl": format!("{}/generateToken", ctx.rest_url()),
            "isTokenBasedSecurity": true,
        },
    }))
}

async fn no_services() -> ApiResult {
    Err(ApiError::not_found(
        "Could not find resource or operation 'services' on the system.",
    ))
}

/// The full user JSON (private fields only for the user themself and admins).
pub fn user_json(st: &Store, u: &User, full: bool) -> Value {
    let org = st.org();
    let mut v = json!({
        "username": u.username,
        "udn": null,
        "id": format!("{:0>32}", u.username.bytes().map(|b| format!("{b:02x}")).collect::<String>()).chars().take(32).collect::<String>(),
        "fullName": u.full_name,
        "firstName": u.full_name.split(' ').next().unwrap_or(""),
        "lastName": u.full_name.split(' ').nth(1).unwrap_or(""),
        "description": null,
        "culture": "en",
        "region": "WO",
        "units": "metric",
        "thumbnail": null,
        "created": u.created,
        "modified": u.created,
        "provider": "arcgis",
    });
    if full {
        let groups: Vec<Value> = st
            .groups_of(&u.username)
            .map(|g| group_json(st, g))
            .collect();
        let extra = json!({
            "email": u.email,
            "orgId": org.id,
            "role": u.role.api_name(),
            "roleId": u.role.role_id(),
            "privileges": u.role.privileges(),
            "userLicenseTypeId": if u.role == Role::Viewer { "viewerUT" } else { "creatorUT" },
            "level": if u.role == Role::Viewer { "1" } else { "2" },
            "access": "org",
            "mfaEnabled": false,
            "storageUsage": 0,
            "storageQuota": 2_199_023_255_552_i64,
            "lastLogin": super::now_ms(),
            "groups": groups,
        });
        if let (Value::Object(a), Value::Object(b)) = (&mut v, extra) {
            a.extend(b);
        }
    }
    v
}

/// The group JSON.
pub fn group_json(st: &Store, g: &Group) -> Value {
    let _ = st;
    json!({
        "id": g.id,
        "title": g.title,
        "isInvitationOnly": true,
        "owner": g.owner,
        "description": null,
        "snippet": g.snippet,
        "tags": g.tags,
        "typeKeywords": [],
        "phone": null,
        "sortField": "title",
        "sortOrder": "asc",
        "isViewOnly": false,
        "thumbnail": null,
        "created": g.created,
        "modified": g.created,
        "access": g.access,
        "capabilities": [],
        "isFav": false,
        "isReadOnly": false,
        "protected": false,
        "autoJoin": false,
        "notificationsEnabled": false,
        "provider": null,
        "providerGroupName": null,
        "leavingDisallowed": false,
        "hiddenMembers": false,
        "displaySettings": {"itemTypes": ""},
        "userMembership": {"username": null, "memberType": "none"},
    })
}

async fn portal_self(State(ctx): State<Arc<Ctx>>, p: Params) -> ApiResult {
    let caller = auth::caller(&ctx, &p)?;
    let st = ctx.lock();
    let org = st.org();
    let mut v = json!({
        "id": org.id,
        "name": org.name,
        "portalName": "ArcGIS Online",
        "portalMode": "multitenant",
        "isPortal": false,
        "urlKey": org.url_key,
        "customBaseUrl": "maps.arcgis.com",
        "portalHostname": ctx.base.trim_start_matches("http://"),
        "allSSL": false,
        "supportsOAuth": true,
        "isVerified": true,
        "access": "private",
        "created": org.created,
        "modified": org.created,
        "culture": "en",
        "region": "WO",
        "currentVersion": "2024.3",
        "canSearchPublic": true,
        "canSharePublic": true,
        "recycleBinSupported": false,
        "recycleBinEnabled": false,
        "defaultBasemap": {"title": "Topographic", "baseMapLayers": []},
        "helperServices": {},
        "subscriptionInfo": {"type": "In House", "state": "active", "maxUsers": 100},
        "contentCategorySetsGroupQuery": "",
        "portalProperties": {},
        "units": "metric",
    });
    if let Some(u) = caller.username().and_then(|u| st.users.get(u)) {
        v["user"] = user_json(&st, u, true);
    }
    ok(v)
}

async fn roles(State(ctx): State<Arc<Ctx>>, p: Params) -> ApiResult {
    auth::caller(&ctx, &p)?.require()?;
    ok(
        json!({"total": 1, "start": 1, "num": 1, "nextStart": -1, "roles": [
            {"id": Role::Viewer.role_id(), "name": "Viewer", "description": "Views content shared with them", "created": 0, "modified": 0,
             "privileges": Role::Viewer.privileges()}
        ]}),
    )
}

async fn org_users(State(ctx): State<Arc<Ctx>>, p: Params) -> ApiResult {
    let caller = auth::caller(&ctx, &p)?;
    caller.require()?;
    let st = ctx.lock();
    let start = p.int("start")?.unwrap_or(1).max(1) as usize;
    let num = p.int("num")?.unwrap_or(10).clamp(0, 100) as usize;
    let users: Vec<Value> = st
        .users
        .values()
        .skip(start - 1)
        .take(num)
        .map(|u| user_json(&st, u, caller.is_admin()))
        .collect();
    let total = st.users.len();
    let next = start + users.len();
    ok(json!({"total": total, "start": start, "num": users.len(),
        "nextStart": if next <= total { json!(next) } else { json!(-1) }, "users": users}))
}

async fn service_name_available(State(ctx): State<Arc<Ctx>>, p: Params) -> ApiResult {
    auth::caller(&ctx, &p)?.require()?;
    let name = p.require("name")?;
    let st = ctx.lock();
    let taken = st.services.keys().any(|n| n.eq_ignore_ascii_case(name));
    ok(json!({"available": !taken}))
}

async fn community_self(State(ctx): State<Arc<Ctx>>, p: Params) -> ApiResult {
    let caller = auth::caller(&ctx, &p)?;
    let name = caller.require()?;
    let st = ctx.lock();
    let u = st.users.get(name).ok_or_else(ApiError::invalid_token)?;
    ok(user_json(&st, u, true))
}

async fn community_user(
    State(ctx): State<Arc<Ctx>>,
    Path(user): Path<String>,
    p: Params,
) -> ApiResult {
    let caller = auth::caller(&ctx, &p)?;
    let st = ctx.lock();
    let u = st
        .users
        .get(&user)
        .filter(|_| caller != Caller::Anonymous)
        .ok_or_else(|| {
            ApiError::bad_request(format!("User '{user}' does not exist or is inaccessible."))
        })?;
    let full = caller.is_admin() || caller.username() == Some(user.as_str());
    ok(user_json(&st, u, full))
}

async fn community_group(
    State(ctx): State<Arc<Ctx>>,
    Path(id): Path<String>,
    p: Params,
) -> ApiResult {
    let caller = auth::caller(&ctx, &p)?;
    let st = ctx.lock();
    let g = st
        .groups
        .get(&id)
        .filter(|g| {
            g.access == "public"
                || caller.is_admin()
                || caller
                    .username()
                    .is_some_and(|u| g.access == "org" || g.members.contains(u))
        })
        .ok_or_else(|| ApiError::bad_request("Group does not exist or is inaccessible."))?;
    let mut v = group_json(&st, g);
    if let Some(u) = caller.username() {
        let member_type = if g.owner == u {
            "owner"
        } else if g.members.contains(u) {
            "member"
        } else {
            "none"
        };
        v["userMembership"] = json!({"username": u, "memberType": member_type});
    }
    ok(v)
}
