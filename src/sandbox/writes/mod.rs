//! Item writes, everything a restore sends: `addItem` with multipart uploads (`addPart`,
//! `commit`), `update`, delete with its protection rules, folders and moves, sharing and content
//! status, resources and relationships. This module holds the entry points the user-content
//! dispatcher calls and the permission checks they share; each submodule owns one family of
//! operations. Reads (item JSON, `/data`, resources) are in `items`, upload status in `jobs`.

mod add;
mod delete;
mod fields;
mod folders;
mod relations;
mod resources;
mod sharing;
mod update;

use std::sync::Arc;

use axum::Router;
use axum::routing::any;
use serde_json::Value;

use super::Ctx;
use super::auth::{Caller, can_edit, can_view};
use super::model::{Item, Role, State};
use super::now_ms;
use super::params::Params;
use super::reply::{ApiError, ApiResult};
use super::user_content::UserCall;

/// What a resources call does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceOp {
    /// addResources
    Add,
    /// updateResources
    Update,
    /// removeResources
    Remove,
}

/// `content/users/{u}[/{folder}]/addItem`
pub fn add_item(ctx: &Arc<Ctx>, call: &UserCall, p: &Params) -> ApiResult {
    add::add_item(ctx, call, p)
}

/// `content/users/{u}/createFolder`
pub fn create_folder(ctx: &Arc<Ctx>, call: &UserCall, p: &Params) -> ApiResult {
    folders::create(ctx, call, p)
}

/// `content/users/{u}/{folder}/delete`
pub fn delete_folder(ctx: &Arc<Ctx>, call: &UserCall, p: &Params) -> ApiResult {
    folders::delete(ctx, call, p)
}

/// `content/users/{u}/{folder}/updateFolder`
pub fn update_folder(ctx: &Arc<Ctx>, call: &UserCall, p: &Params) -> ApiResult {
    folders::rename(ctx, call, p)
}

/// `content/users/{u}/shareItems` (`share`) and `unshareItems`.
pub fn share_items(ctx: &Arc<Ctx>, call: &UserCall, p: &Params, share: bool) -> ApiResult {
    sharing::share_items(ctx, call, p, share)
}

/// `content/users/{u}/addRelationship` (`add`) and `deleteRelationship`.
pub fn relationship(ctx: &Arc<Ctx>, call: &UserCall, p: &Params, add: bool) -> ApiResult {
    relations::relationship(ctx, call, p, add)
}

/// `content/users/{u}/moveItems`
pub fn move_items(ctx: &Arc<Ctx>, call: &UserCall, p: &Params) -> ApiResult {
    folders::move_items(ctx, call, p)
}

/// `content/users/{u}/deleteItems`
pub fn delete_items(ctx: &Arc<Ctx>, call: &UserCall, p: &Params) -> ApiResult {
    delete::delete_items(ctx, call, p)
}

/// `content/users/{u}/items/{id}/update`
pub fn update(ctx: &Arc<Ctx>, call: &UserCall, p: &Params) -> ApiResult {
    update::update(ctx, call, p)
}

/// `content/users/{u}/items/{id}/delete`
pub fn delete_item(ctx: &Arc<Ctx>, call: &UserCall, p: &Params) -> ApiResult {
    delete::delete_item(ctx, call, p)
}

/// `content/users/{u}/items/{id}/move`
pub fn move_item(ctx: &Arc<Ctx>, call: &UserCall, p: &Params) -> ApiResult {
    folders::move_item(ctx, call, p)
}

/// `content/users/{u}/items/{id}/protect` (`on`) and `unprotect`.
pub fn protect(ctx: &Arc<Ctx>, call: &UserCall, p: &Params, on: bool) -> ApiResult {
    delete::protect(ctx, call, p, on)
}

/// `content/users/{u}/items/{id}/share` (`share`) and `unshare`.
pub fn share_item(ctx: &Arc<Ctx>, call: &UserCall, p: &Params, share: bool) -> ApiResult {
    sharing::share_owned_item(ctx, call, p, share)
}

/// `content/users/{u}/items/{id}/addResources`, `updateResources`, `removeResources`.
pub fn resources(ctx: &Arc<Ctx>, call: &UserCall, p: &Params, op: ResourceOp) -> ApiResult {
    resources::resources(ctx, call, p, op)
}

/// `content/users/{u}/items/{id}/addPart`
pub fn add_part(ctx: &Arc<Ctx>, call: &UserCall, p: &Params) -> ApiResult {
    add::add_part(ctx, call, p)
}

/// `content/users/{u}/items/{id}/commit`
pub fn commit(ctx: &Arc<Ctx>, call: &UserCall, p: &Params) -> ApiResult {
    add::commit(ctx, call, p)
}

/// `content/users/{u}/items/{id}/canDelete`
pub fn can_delete(ctx: &Arc<Ctx>, call: &UserCall, p: &Params) -> ApiResult {
    delete::can_delete(ctx, call, p)
}

/// Routes for item-level writes under `content/items/{id}/...` (share, unshare,
/// setContentStatus), relative to the REST root.
pub fn routes() -> Router<Arc<Ctx>> {
    Router::new()
        .route("/content/items/{id}/share", any(sharing::share_route))
        .route("/content/items/{id}/unshare", any(sharing::unshare_route))
        .route(
            "/content/items/{id}/setContentStatus",
            any(sharing::set_content_status),
        )
}

/// The caller's username if they may write at all: 499 when anonymous, 403 for viewers.
fn writer(caller: &Caller) -> Result<&str, ApiError> {
    match caller {
        Caller::Anonymous => Err(ApiError::token_required()),
        Caller::User {
            role: Role::Viewer, ..
        } => Err(ApiError::forbidden()),
        Caller::User { username, .. } => Ok(username),
    }
}

/// Checks a write to `content/users/{u}`: the caller may write, and `{u}` is the caller (or the
/// caller is an admin and `admin_ok`). The user of the path must exist.
fn check_path(st: &State, call: &UserCall, admin_ok: bool) -> Result<(), ApiError> {
    let me = writer(&call.caller)?;
    if me != call.user && !(admin_ok && call.caller.is_admin()) {
        return Err(ApiError::forbidden());
    }
    if !st.users.contains_key(&call.user) {
        return Err(ApiError::bad_request(format!(
            "User '{}' does not exist.",
            call.user
        )));
    }
    Ok(())
}

/// The item id of an `items/{id}/...` call.
fn call_item(call: &UserCall) -> &str {
    call.item.as_deref().unwrap_or("")
}

/// Checks that item `id` exists, is visible to the caller, belongs to `owner` and may be changed
/// by the caller (owner or admin).
fn check_item(st: &State, caller: &Caller, owner: &str, id: &str) -> Result<(), ApiError> {
    let item = st
        .items
        .get(id)
        .filter(|i| can_view(st, caller, i) && i.owner == owner)
        .ok_or_else(|| ApiError::item_not_found(id))?;
    if can_edit(caller, item) {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

/// The item of an `items/{id}/...` call, after every check, for changing.
fn owned_item<'a>(st: &'a mut State, call: &UserCall) -> Result<&'a mut Item, ApiError> {
    check_path(st, call, true)?;
    let id = call_item(call);
    check_item(st, &call.caller, &call.user, id)?;
    st.items
        .get_mut(id)
        .ok_or_else(|| ApiError::item_not_found(id))
}

/// Marks an item as changed now.
fn touch(item: &mut Item) {
    item.modified = now_ms().max(item.modified);
}

/// An error with Esri's `messageCode`.
fn coded(code: u16, message_code: &'static str, message: &str) -> ApiError {
    let mut e = ApiError::bad_request(message);
    e.code = code;
    e.message_code = Some(message_code);
    e
}

/// CONT_0048: the item is delete-protected.
fn protected_error() -> ApiError {
    coded(
        400,
        "CONT_0048",
        "Unable to delete item. Delete protection is turned on.",
    )
}

/// The inside of an error envelope, for per-item results of batch operations.
fn error_value(e: &ApiError) -> Value {
    e.body()["error"].clone()
}
