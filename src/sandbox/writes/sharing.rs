//! Sharing and content status: `items/{id}/share`/`unshare` (owner path and
//! `content/items/{id}/...`), `shareItems`/`unshareItems`, and `setContentStatus`. Sharing sets
//! the `everyone`/`org` flags to the values sent and adds or removes groups (only groups the
//! caller belongs to, unless admin); a status follows public sharing the way Esri flips it
//! (`org_authoritative` <-> `public_authoritative`).

use std::sync::Arc;

use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::super::Ctx;
use super::super::auth::{self, Caller, can_edit, can_view};
use super::super::model::{Item, State as Store};
use super::super::params::Params;
use super::super::reply::{ApiError, ApiResult, ok};
use super::super::user_content::UserCall;
use super::{call_item, check_path, error_value, owned_item, touch, writer};

/// What a share or unshare call asks for.
struct ShareRequest {
    everyone: Option<bool>,
    org: Option<bool>,
    groups: Vec<String>,
    share: bool,
}

impl ShareRequest {
    fn from(p: &Params, share: bool) -> Self {
        ShareRequest {
            everyone: p.flag("everyone"),
            org: p.flag("org"),
            groups: p.list("groups").unwrap_or_default(),
            share,
        }
    }

    /// The key listing the groups that could not be changed.
    fn refused_key(&self) -> &'static str {
        if self.share {
            "notSharedWith"
        } else {
            "notUnsharedFrom"
        }
    }
}

/// Applies `req` to item `id` (already checked) and returns the group ids refused.
fn apply(st: &mut Store, caller: &Caller, id: &str, req: &ShareRequest) -> Vec<String> {
    let me = caller.username().unwrap_or("");
    let allowed: Vec<bool> = req
        .groups
        .iter()
        .map(|g| {
            st.groups
                .get(g)
                .is_some_and(|g| caller.is_admin() || g.members.contains(me) || !req.share)
        })
        .collect();
    let Some(item) = st.items.get_mut(id) else {
        return req.groups.clone();
    };
    let mut refused = Vec::new();
    for (g, ok) in req.groups.iter().zip(allowed) {
        match (ok, req.share) {
            (false, _) => refused.push(g.clone()),
            (true, true) => {
                item.sharing.groups.insert(g.clone());
            }
            (true, false) => {
                item.sharing.groups.remove(g);
            }
        }
    }
    if req.share {
        if let Some(e) = req.everyone {
            item.sharing.everyone = e;
        }
        if let Some(o) = req.org {
            item.sharing.org = o;
        }
    } else {
        if req.everyone == Some(true) {
            item.sharing.everyone = false;
        }
        if req.org == Some(true) {
            item.sharing.org = false;
        }
    }
    follow_public_sharing(item);
    touch(item);
    refused
}

/// Esri's automatic flip of the authoritative status when public sharing changes.
fn follow_public_sharing(item: &mut Item) {
    let public = item.sharing.everyone;
    match item.content_status.as_deref() {
        Some("org_authoritative") if public => {
            item.content_status = Some("public_authoritative".into());
        }
        Some("public_authoritative") if !public => {
            item.content_status = Some("org_authoritative".into());
        }
        _ => {}
    }
}

/// `content/users/{u}/items/{id}/share` and `unshare`.
pub(super) fn share_owned_item(
    ctx: &Arc<Ctx>,
    call: &UserCall,
    p: &Params,
    share: bool,
) -> ApiResult {
    let mut st = ctx.lock();
    owned_item(&mut st, call)?;
    let id = call_item(call);
    let req = ShareRequest::from(p, share);
    let refused = apply(&mut st, &call.caller, id, &req);
    ok(json!({req.refused_key(): refused, "itemId": id}))
}

/// Checks that the caller may share item `id`: signed in, not a viewer, sees it, owns it or is
/// an admin.
fn check_shareable(st: &Store, caller: &Caller, id: &str) -> Result<(), ApiError> {
    writer(caller)?;
    let item = st
        .items
        .get(id)
        .filter(|i| can_view(st, caller, i))
        .ok_or_else(|| ApiError::item_not_found(id))?;
    if can_edit(caller, item) {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

fn share_by_id(ctx: &Ctx, id: &str, p: &Params, share: bool) -> ApiResult {
    let caller = auth::caller(ctx, p)?;
    let mut st = ctx.lock();
    check_shareable(&st, &caller, id)?;
    let req = ShareRequest::from(p, share);
    let refused = apply(&mut st, &caller, id, &req);
    ok(json!({req.refused_key(): refused, "itemId": id}))
}

/// `content/items/{id}/share` (owner or admin, no user in the path).
pub(super) async fn share_route(
    State(ctx): State<Arc<Ctx>>,
    Path(id): Path<String>,
    p: Params,
) -> ApiResult {
    share_by_id(&ctx, &id, &p, true)
}

/// `content/items/{id}/unshare`.
pub(super) async fn unshare_route(
    State(ctx): State<Arc<Ctx>>,
    Path(id): Path<String>,
    p: Params,
) -> ApiResult {
    share_by_id(&ctx, &id, &p, false)
}

/// `content/users/{u}/shareItems` and `unshareItems` with `items`: one result per item.
pub(super) fn share_items(ctx: &Arc<Ctx>, call: &UserCall, p: &Params, share: bool) -> ApiResult {
    let mut st = ctx.lock();
    check_path(&st, call, true)?;
    let ids = p
        .list("items")
        .ok_or_else(|| ApiError::bad_request("'items' must be specified."))?;
    let req = ShareRequest::from(p, share);
    let results: Vec<Value> = ids
        .iter()
        .map(|id| match check_shareable(&st, &call.caller, id) {
            Ok(()) => {
                let refused = apply(&mut st, &call.caller, id, &req);
                json!({"itemId": id, "success": true, req.refused_key(): refused})
            }
            Err(e) => json!({"itemId": id, "success": false, "error": error_value(&e)}),
        })
        .collect();
    ok(json!({ "results": results }))
}

/// `content/items/{id}/setContentStatus` with `status` (admins only).
pub(super) async fn set_content_status(
    State(ctx): State<Arc<Ctx>>,
    Path(id): Path<String>,
    p: Params,
) -> ApiResult {
    let caller = auth::caller(&ctx, &p)?;
    caller.require()?;
    if !caller.is_admin() {
        return Err(ApiError::forbidden());
    }
    let mut st = ctx.lock();
    auth::visible_item(&st, &caller, &id)?;
    let item = st
        .items
        .get_mut(&id)
        .ok_or_else(|| ApiError::item_not_found(&id))?;
    match p.get("status") {
        None if p.flag("clearEmptyFields").unwrap_or(false) => item.content_status = None,
        None => return Err(ApiError::bad_request("'status' must be specified.")),
        Some(s @ ("org_authoritative" | "public_authoritative" | "deprecated")) => {
            if s == "public_authoritative" && !item.sharing.everyone {
                return Err(ApiError::bad_request(
                    "Unable to set content status: only an item shared publicly (with everyone) can be public_authoritative.",
                ));
            }
            item.content_status = Some(s.to_string());
            if s != "deprecated" {
                item.protected = true;
            }
        }
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "Invalid status '{other}': use org_authoritative, public_authoritative or deprecated."
            )));
        }
    }
    touch(item);
    ok(json!({"success": true}))
}
