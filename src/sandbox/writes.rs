//! Item writes for restore (to be filled in).

use std::sync::Arc;

use super::Ctx;
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

fn todo() -> ApiResult {
    Err(ApiError::server_error("not implemented yet"))
}

/// addItem
pub fn add_item(_ctx: &Arc<Ctx>, _call: &UserCall, _p: &Params) -> ApiResult {
    todo()
}
/// createFolder
pub fn create_folder(_ctx: &Arc<Ctx>, _call: &UserCall, _p: &Params) -> ApiResult {
    todo()
}
/// {folder}/delete
pub fn delete_folder(_ctx: &Arc<Ctx>, _call: &UserCall, _p: &Params) -> ApiResult {
    todo()
}
/// {folder}/updateFolder
pub fn update_folder(_ctx: &Arc<Ctx>, _call: &UserCall, _p: &Params) -> ApiResult {
    todo()
}
/// shareItems / unshareItems
pub fn share_items(_ctx: &Arc<Ctx>, _call: &UserCall, _p: &Params, _share: bool) -> ApiResult {
    todo()
}
/// addRelationship / deleteRelationship
pub fn relationship(_ctx: &Arc<Ctx>, _call: &UserCall, _p: &Params, _add: bool) -> ApiResult {
    todo()
}
/// moveItems
pub fn move_items(_ctx: &Arc<Ctx>, _call: &UserCall, _p: &Params) -> ApiResult {
    todo()
}
/// deleteItems
pub fn delete_items(_ctx: &Arc<Ctx>, _call: &UserCall, _p: &Params) -> ApiResult {
    todo()
}
/// items/{id}/update
pub fn update(_ctx: &Arc<Ctx>, _call: &UserCall, _p: &Params) -> ApiResult {
    todo()
}
/// items/{id}/delete
pub fn delete_item(_ctx: &Arc<Ctx>, _call: &UserCall, _p: &Params) -> ApiResult {
    todo()
}
/// items/{id}/move
pub fn move_item(_ctx: &Arc<Ctx>, _call: &UserCall, _p: &Params) -> ApiResult {
    todo()
}
/// items/{id}/protect and unprotect
pub fn protect(_ctx: &Arc<Ctx>, _call: &UserCall, _p: &Params, _on: bool) -> ApiResult {
    todo()
}
/// items/{id}/share and unshare (owner path)
pub fn share_item(_ctx: &Arc<Ctx>, _call: &UserCall, _p: &Params, _share: bool) -> ApiResult {
    todo()
}
/// add/update/removeResources
pub fn resources(_ctx: &Arc<Ctx>, _call: &UserCall, _p: &Params, _op: ResourceOp) -> ApiResult {
    todo()
}
/// items/{id}/addPart
pub fn add_part(_ctx: &Arc<Ctx>, _call: &UserCall, _p: &Params) -> ApiResult {
    todo()
}
/// items/{id}/commit
pub fn commit(_ctx: &Arc<Ctx>, _call: &UserCall, _p: &Params) -> ApiResult {
    todo()
}
/// items/{id}/canDelete
pub fn can_delete(_ctx: &Arc<Ctx>, _call: &UserCall, _p: &Params) -> ApiResult {
    todo()
}

/// Routes for item-level writes under `content/items/{id}/...` (share, unshare, setContentStatus).
pub fn routes() -> axum::Router<Arc<Ctx>> {
    axum::Router::new()
}
