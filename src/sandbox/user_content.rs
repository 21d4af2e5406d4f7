//! Dispatch of `{rest}/content/users/{user}/...`: the root and folder listings, operations on
//! the user's content (`addItem`, `createFolder`, `export`, `publish`, `shareItems` ...) and on
//! one item (`items/{id}/update`, `/delete`, `/addPart`, `/status` ...), with or without a folder
//! segment (`{folderId}/items/{id}/...`; a doubled slash, as Esri's client sends it, is ignored).

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::any;

use super::auth::{self, Caller};
use super::params::Params;
use super::reply::{ApiError, ApiResult};
use super::{Ctx, items, jobs, writes};

/// The parsed path of a user-content request.
#[derive(Debug, Clone)]
pub struct UserCall {
    /// Who is calling.
    pub caller: Caller,
    /// The `{user}` of the path.
    pub user: String,
    /// Folder id segment, if any.
    pub folder: Option<String>,
    /// Item id for `items/{id}/...` paths.
    pub item: Option<String>,
}

/// Routes for `/content/users/...` (relative to the REST root).
pub fn routes() -> Router<Arc<Ctx>> {
    Router::new()
        .route("/content/users/{user}", any(root))
        .route("/content/users/{user}/", any(root))
        .route("/content/users/{user}/{*rest}", any(nested))
}

async fn root(State(ctx): State<Arc<Ctx>>, Path(user): Path<String>, p: Params) -> ApiResult {
    let caller = auth::caller(&ctx, &p)?;
    let call = UserCall {
        caller,
        user,
        folder: None,
        item: None,
    };
    items::user_listing(&ctx, &call, &p)
}

async fn nested(
    State(ctx): State<Arc<Ctx>>,
    Path((user, rest)): Path<(String, String)>,
    p: Params,
) -> ApiResult {
    let caller = auth::caller(&ctx, &p)?;
    let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let mut call = UserCall {
        caller,
        user,
        folder: None,
        item: None,
    };
    let mut rest: &[&str] = &segs;
    if let Some(first) = rest.first()
        && *first != "items"
        && !is_user_op(first)
    {
        call.folder = Some((*first).to_string());
        rest = &rest[1..];
    }
    match rest {
        [] => items::user_listing(&ctx, &call, &p),
        ["items", id] => {
            call.item = Some((*id).to_string());
            items::user_item(&ctx, &call, &p)
        }
        ["items", id, op] => {
            call.item = Some((*id).to_string());
            item_op(&ctx, &call, op, &p)
        }
        [op] => user_op(&ctx, &call, op, &p),
        _ => Err(ApiError::not_found(format!(
            "No such operation: content/users/{}/{rest:?}",
            call.user
        ))),
    }
}

const USER_OPS: &[&str] = &[
    "addItem",
    "createFolder",
    "export",
    "publish",
    "createService",
    "shareItems",
    "unshareItems",
    "addRelationship",
    "deleteRelationship",
    "moveItems",
    "deleteItems",
    "delete",
    "updateFolder",
];

fn is_user_op(s: &str) -> bool {
    USER_OPS.iter().any(|o| o.eq_ignore_ascii_case(s))
}

fn user_op(ctx: &Arc<Ctx>, call: &UserCall, op: &str, p: &Params) -> ApiResult {
    match op.to_ascii_lowercase().as_str() {
        "additem" => writes::add_item(ctx, call, p),
        "createfolder" => writes::create_folder(ctx, call, p),
        "delete" if call.folder.is_some() => writes::delete_folder(ctx, call, p),
        "updatefolder" if call.folder.is_some() => writes::update_folder(ctx, call, p),
        "shareitems" => writes::share_items(ctx, call, p, true),
        "unshareitems" => writes::share_items(ctx, call, p, false),
        "addrelationship" => writes::relationship(ctx, call, p, true),
        "deleterelationship" => writes::relationship(ctx, call, p, false),
        "moveitems" => writes::move_items(ctx, call, p),
        "deleteitems" => writes::delete_items(ctx, call, p),
        "export" => jobs::export(ctx, call, p),
        "publish" => jobs::publish(ctx, call, p),
        "createservice" => jobs::create_service(ctx, call, p),
        _ => Err(ApiError::not_found(format!("No such operation: {op}"))),
    }
}

fn item_op(ctx: &Arc<Ctx>, call: &UserCall, op: &str, p: &Params) -> ApiResult {
    match op.to_ascii_lowercase().as_str() {
        "update" => writes::update(ctx, call, p),
        "delete" => writes::delete_item(ctx, call, p),
        "move" => writes::move_item(ctx, call, p),
        "protect" => writes::protect(ctx, call, p, true),
        "unprotect" => writes::protect(ctx, call, p, false),
        "share" => writes::share_item(ctx, call, p, true),
        "unshare" => writes::share_item(ctx, call, p, false),
        "addresources" => writes::resources(ctx, call, p, writes::ResourceOp::Add),
        "updateresources" => writes::resources(ctx, call, p, writes::ResourceOp::Update),
        "removeresources" => writes::resources(ctx, call, p, writes::ResourceOp::Remove),
        "addpart" => writes::add_part(ctx, call, p),
        "commit" => writes::commit(ctx, call, p),
        "candelete" => writes::can_delete(ctx, call, p),
        "status" => jobs::status(ctx, call, p),
        _ => Err(ApiError::not_found(format!("No such operation: {op}"))),
    }
}
