//! Item reads: the item JSON, `/data` (JSON inline, files by redirect to the blob origin),
//! thumbnail and `metadata.xml` under `/info/`, resources (paged list, nested paths, each file),
//! related items by type and direction, the groups an item is shared with, and the user content
//! listings (`content/users/{u}` and its folders).

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use serde_json::{Value, json};

use super::Ctx;
use super::auth::{self, Caller, can_view, visible_item};
use super::blob;
use super::model::{Item, ItemData, State as Store};
use super::params::Params;
use super::portal_routes::group_json;
use super::reply::{ApiError, ApiResult, ok, raw_json};
use super::user_content::UserCall;

/// Routes relative to the REST root.
pub fn routes() -> Router<Arc<Ctx>> {
    Router::new()
        .route("/content/items/{id}", any(item))
        .route("/content/items/{id}/data", any(data))
        .route("/content/items/{id}/info/{*path}", any(info))
        .route("/content/items/{id}/resources", any(resource_list))
        .route("/content/items/{id}/resources/{*path}", any(resource))
        .route("/content/items/{id}/relatedItems", any(related))
        .route("/content/items/{id}/groups", any(groups))
        .route("/content/itemsgroups", any(items_groups))
}

/// The item JSON as `GET content/items/{id}` shows it to `caller`.
pub fn item_json(st: &Store, caller: &Caller, item: &Item) -> Value {
    let org = st.org();
    let extent = item.extra.get("extent").cloned().unwrap_or(json!([]));
    let get = |k: &str| item.extra.get(k).cloned().unwrap_or(Value::Null);
    let item_control = match caller.username() {
        Some(u) if u == item.owner || caller.is_admin() => json!("admin"),
        _ => Value::Null,
    };
    let mut v = json!({
        "id": item.id,
        "owner": item.owner,
        "orgId": org.id,
        "created": item.created,
        "isOrgItem": true,
        "modified": item.modified,
        "guid": null,
        "name": item.name(),
        "title": item.title,
        "type": item.item_type,
        "typeKeywords": item.type_keywords,
        "description": get("description"),
        "tags": item.tags,
        "snippet": get("snippet"),
        "thumbnail": item.thumbnail.as_ref().map(|t| t.path.clone()),
        "documentation": null,
        "extent": extent,
        "categories": item.extra.get("categories").cloned().unwrap_or(json!([])),
        "spatialReference": get("spatialReference"),
        "accessInformation": get("accessInformation"),
        "classification": null,
        "licenseInfo": get("licenseInfo"),
        "culture": item.extra.get("culture").cloned().unwrap_or(json!("en-us")),
        "properties": get("properties"),
        "advancedSettings": null,
        "url": item.url,
        "proxyFilter": null,
        "access": item.sharing.access(),
        "size": item.size(),
        "subInfo": 0,
        "appCategories": [],
        "industries": [],
        "languages": [],
        "largeThumbnail": null,
        "banner": null,
        "screenshots": [],
        "listed": false,
        "ownerFolder": item.folder,
        "protected": item.protected,
        "commentsEnabled": false,
        "numComments": 0,
        "numRatings": 0,
        "avgRating": item.extra.get("avgRating").cloned().unwrap_or(json!(0)),
        "numViews": item.extra.get("numViews").cloned().unwrap_or(json!(0)),
        "itemControl": item_control,
        "scoreCompleteness": 70,
        "groupDesignations": null,
        "contentOrigin": "self",
        "lastViewed": item.modified,
    });
    if let Some(cs) = &item.content_status {
        v["contentStatus"] = json!(cs);
    }
    v
}

async fn item(State(ctx): State<Arc<Ctx>>, Path(id): Path<String>, p: Params) -> ApiResult {
    let caller = auth::caller(&ctx, &p)?;
    let st = ctx.lock();
    let it = visible_item(&st, &caller, &id)?;
    ok(item_json(&st, &caller, it))
}

async fn data(State(ctx): State<Arc<Ctx>>, Path(id): Path<String>, p: Params) -> ApiResult {
    let caller = auth::caller(&ctx, &p)?;
    let st = ctx.lock();
    let it = visible_item(&st, &caller, &id)?;
    match &it.data {
        ItemData::Empty => Ok(raw_json(Vec::new())),
        ItemData::Json(bytes) => Ok(raw_json(bytes.to_vec())),
        ItemData::File { name, .. } => {
            let location = blob::signed_url(&ctx, &id, name);
            let mut resp = StatusCode::FOUND.into_response();
            resp.headers_mut().insert(
                header::LOCATION,
                HeaderValue::from_str(&location)
                    .map_err(|e| ApiError::server_error(e.to_string()))?,
            );
            Ok(resp)
        }
    }
}

async fn info(
    State(ctx): State<Arc<Ctx>>,
    Path((id, path)): Path<(String, String)>,
    p: Params,
) -> ApiResult {
    let caller = auth::caller(&ctx, &p)?;
    let st = ctx.lock();
    let it = visible_item(&st, &caller, &id)?;
    if let Some(t) = it.thumbnail.as_ref().filter(|t| t.path == path) {
        return Ok(file_response(
            t.bytes.to_vec(),
            content_type_for(&path),
            None,
        ));
    }
    if path == "metadata/metadata.xml" {
        return match &it.metadata {
            Some(m) => Ok(file_response(m.to_vec(), "application/xml", None)),
            None => Err(ApiError::bad_request("Metadata for item not found.").with_http_status()),
        };
    }
    Err(ApiError::not_found(format!("Item info file '{path}' does not exist.")).with_http_status())
}

async fn resource_list(
    State(ctx): State<Arc<Ctx>>,
    Path(id): Path<String>,
    p: Params,
) -> ApiResult {
    let caller = auth::caller(&ctx, &p)?;
    let st = ctx.lock();
    let it = visible_item(&st, &caller, &id)?;
    let start = p.int("start")?.unwrap_or(1).max(1) as usize;
    let num = p.int("num")?.unwrap_or(1000).clamp(0, 1000) as usize;
    let total = it.resources.len();
    let page: Vec<Value> = it
        .resources
        .iter()
        .skip(start - 1)
        .take(num)
        .map(|(path, r)| {
            let mut e = json!({"resource": path, "created": r.created, "size": r.content.len(), "access": r.access});
            if let Some(props) = &r.properties {
                e["properties"] = json!(props);
            }
            e
        })
        .collect();
    let next = start + page.len();
    let next_start = if next <= total {
        json!(next)
    } else {
        json!(-1)
    };
    ok(
        json!({"total": total, "start": start, "num": page.len(), "nextStart": next_start, "resources": page}),
    )
}

async fn resource(
    State(ctx): State<Arc<Ctx>>,
    Path((id, path)): Path<(String, String)>,
    p: Params,
) -> ApiResult {
    let caller = auth::caller(&ctx, &p)?;
    let content = {
        let st = ctx.lock();
        let it = visible_item(&st, &caller, &id)?;
        it.resources.get(&path).map(|r| r.content.clone())
    };
    let content = content.ok_or_else(|| {
        ApiError::not_found("Resource does not exist or is inaccessible.").with_http_status()
    })?;
    let name = path.rsplit('/').next().unwrap_or(&path).to_string();
    let mut resp = blob::content_response(content, content_type_for(&path));
    set_disposition(&mut resp, &name);
    Ok(resp)
}

async fn related(State(ctx): State<Arc<Ctx>>, Path(id): Path<String>, p: Params) -> ApiResult {
    let caller = auth::caller(&ctx, &p)?;
    let types = p
        .list("relationshipTypes")
        .or_else(|| p.list("relationshipType"))
        .ok_or_else(|| ApiError::bad_request("'relationshipTypes' must be specified."))?;
    let reverse = match p
        .get("direction")
        .unwrap_or("forward")
        .to_ascii_lowercase()
        .as_str()
    {
        "forward" => false,
        "reverse" => true,
        other => {
            return Err(ApiError::bad_request(format!(
                "Invalid direction '{other}'."
            )));
        }
    };
    let st = ctx.lock();
    visible_item(&st, &caller, &id)?;
    let mut out = Vec::new();
    for r in &st.relationships {
        let (from, to) = if reverse {
            (&r.dest, &r.origin)
        } else {
            (&r.origin, &r.dest)
        };
        if *from != id || !types.iter().any(|t| t.eq_ignore_ascii_case(&r.kind)) {
            continue;
        }
        if let Some(other) = st.items.get(to).filter(|i| can_view(&st, &caller, i))
            && !out.iter().any(|v: &Value| v["id"] == json!(other.id))
        {
            out.push(item_json(&st, &caller, other));
        }
    }
    ok(json!({"total": out.len(), "relatedItems": out}))
}

async fn groups(State(ctx): State<Arc<Ctx>>, Path(id): Path<String>, p: Params) -> ApiResult {
    let caller = auth::caller(&ctx, &p)?;
    let st = ctx.lock();
    let it = visible_item(&st, &caller, &id)?;
    let (mut admin, mut member, mut other) = (Vec::new(), Vec::new(), Vec::new());
    for gid in &it.sharing.groups {
        let Some(g) = st.groups.get(gid) else {
            continue;
        };
        let me = caller.username().unwrap_or("");
        if g.owner == me {
            admin.push(group_json(&st, g));
        } else if g.members.contains(me) {
            member.push(group_json(&st, g));
        } else if caller.is_admin() || it.owner == me {
            other.push(group_json(&st, g));
        }
    }
    ok(json!({"admin": admin, "member": member, "other": other}))
}

async fn items_groups(State(ctx): State<Arc<Ctx>>, p: Params) -> ApiResult {
    let caller = auth::caller(&ctx, &p)?;
    let st = ctx.lock();
    let mut out = serde_json::Map::new();
    for id in p.list("items").unwrap_or_default() {
        if let Ok(it) = visible_item(&st, &caller, &id) {
            let gs: Vec<Value> = it
                .sharing
                .groups
                .iter()
                .filter_map(|g| st.groups.get(g))
                .map(|g| group_json(&st, g))
                .collect();
            out.insert(id, json!(gs));
        }
    }
    ok(Value::Object(out))
}

/// `content/users/{u}[/{folder}]`: the user's items in the root or one folder, with the
/// folder list. Only the user and admins may list.
pub fn user_listing(ctx: &Arc<Ctx>, call: &UserCall, p: &Params) -> ApiResult {
    let me = call.caller.require()?;
    let st = ctx.lock();
    if !st.users.contains_key(&call.user) {
        return Err(ApiError::bad_request(format!(
            "User '{}' does not exist.",
            call.user
        )));
    }
    if me != call.user && !call.caller.is_admin() {
        return Err(ApiError::forbidden());
    }
    let folder = match &call.folder {
        Some(f) => Some(
            st.folders
                .get(f)
                .filter(|fo| fo.owner == call.user)
                .ok_or_else(|| ApiError::bad_request(format!("Folder '{f}' does not exist.")))?,
        ),
        None => None,
    };
    let start = p.int("start")?.unwrap_or(1).max(1) as usize;
    let num = p.int("num")?.unwrap_or(10).clamp(0, 100) as usize;
    let matching: Vec<&Item> = st
        .items
        .values()
        .filter(|i| i.owner == call.user && i.folder.as_deref() == folder.map(|f| f.id.as_str()))
        .collect();
    let total = matching.len();
    let items: Vec<Value> = matching
        .iter()
        .skip(start - 1)
        .take(num)
        .map(|i| item_json(&st, &call.caller, i))
        .collect();
    let next = start + items.len();
    let folders: Vec<Value> = st
        .folders
        .values()
        .filter(|f| f.owner == call.user)
        .map(|f| json!({"username": f.owner, "id": f.id, "title": f.title, "created": f.created}))
        .collect();
    ok(json!({
        "username": call.user,
        "total": total,
        "start": start,
        "num": items.len(),
        "nextStart": if next <= total { json!(next) } else { json!(-1) },
        "currentFolder": folder.map(|f| json!({"username": f.owner, "id": f.id, "title": f.title, "created": f.created})),
        "items": items,
        "folders": folders,
    }))
}

/// `content/users/{u}/items/{id}`: the item with its sharing (the legacy shape).
pub fn user_item(ctx: &Arc<Ctx>, call: &UserCall, _p: &Params) -> ApiResult {
    let id = call.item.as_deref().unwrap_or("");
    let st = ctx.lock();
    let it = visible_item(&st, &call.caller, id)?;
    let groups: Vec<&String> = it.sharing.groups.iter().collect();
    ok(json!({
        "item": item_json(&st, &call.caller, it),
        "sharing": {"access": it.sharing.access(), "groups": groups},
    }))
}

/// A content type from a file name's extension.
pub fn content_type_for(name: &str) -> &'static str {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "json" => "application/json",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "xml" => "application/xml",
        "txt" | "md" => "text/plain",
        "html" | "htm" => "text/html",
        "csv" => "text/csv",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "geojson" => "application/geo+json",
        _ => "application/octet-stream",
    }
}

/// A download response with content type and an optional attachment name.
pub fn file_response(bytes: Vec<u8>, content_type: &str, name: Option<&str>) -> Response {
    let mut resp = Response::new(Body::from(bytes));
    if let Ok(v) = HeaderValue::from_str(content_type) {
        resp.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    if let Some(n) = name {
        set_disposition(&mut resp, n);
    }
    resp
}

/// Sets `Content-Disposition: attachment; filename="..."` (ASCII-safe) and `filename*`.
pub fn set_disposition(resp: &mut Response, name: &str) {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
    let v = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    if let Ok(v) = HeaderValue::from_str(&v) {
        resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
}
