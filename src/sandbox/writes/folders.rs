//! Folders and moves: `createFolder`, `{folder}/delete` (with the folder's items, refused as a
//! whole when one of them is delete-protected), `{folder}/updateFolder`, `items/{id}/move` and
//! `moveItems`. Folder titles are unique per user, whatever their case.

use std::sync::Arc;

use serde_json::{Value, json};

use super::super::Ctx;
use super::super::model::{Folder, State};
use super::super::now_ms;
use super::super::params::Params;
use super::super::reply::{ApiError, ApiResult, ok};
use super::super::user_content::UserCall;
use super::delete::remove_item;
use super::{call_item, check_item, check_path, error_value, owned_item, protected_error, touch};

fn folder_json(f: &Folder) -> Value {
    json!({"username": f.owner, "id": f.id, "title": f.title})
}

/// Refuses a title that is empty or already used by another folder of `owner`.
fn check_title(st: &State, owner: &str, title: &str, except: Option<&str>) -> Result<(), ApiError> {
    if title.trim().is_empty() {
        return Err(ApiError::bad_request("'title' must be specified."));
    }
    let taken = st.folders.values().any(|f| {
        f.owner == owner
            && Some(f.id.as_str()) != except
            && f.title.eq_ignore_ascii_case(title.trim())
    });
    if taken {
        return Err(ApiError::bad_request(format!(
            "Folder title '{}' not available.",
            title.trim()
        )));
    }
    Ok(())
}

/// The folder of the path, owned by the user of the path.
fn path_folder<'a>(st: &'a State, call: &UserCall) -> Result<&'a Folder, ApiError> {
    let f = call.folder.as_deref().unwrap_or("");
    st.folders
        .get(f)
        .filter(|fo| fo.owner == call.user)
        .ok_or_else(|| ApiError::bad_request(format!("Folder '{f}' does not exist.")))
}

/// `createFolder` with `title` (or `folderName`).
pub(super) fn create(ctx: &Arc<Ctx>, call: &UserCall, p: &Params) -> ApiResult {
    let mut st = ctx.lock();
    check_path(&st, call, true)?;
    let title = p
        .get("title")
        .or_else(|| p.get("folderName"))
        .ok_or_else(|| ApiError::bad_request("'title' must be specified."))?;
    check_title(&st, &call.user, title, None)?;
    let folder = Folder {
        id: st.new_id(),
        owner: call.user.clone(),
        title: title.trim().to_string(),
        created: now_ms(),
    };
    let body = json!({"success": true, "folder": folder_json(&folder)});
    st.folders.insert(folder.id.clone(), folder);
    ok(body)
}

/// `{folder}/delete`: the folder and all its items, or nothing if one item is protected.
pub(super) fn delete(ctx: &Arc<Ctx>, call: &UserCall, _p: &Params) -> ApiResult {
    let mut st = ctx.lock();
    check_path(&st, call, true)?;
    let folder = path_folder(&st, call)?.clone();
    let ids: Vec<String> = st
        .items
        .values()
        .filter(|i| i.folder.as_deref() == Some(folder.id.as_str()))
        .map(|i| i.id.clone())
        .collect();
    if ids
        .iter()
        .any(|id| st.items.get(id).is_some_and(|i| i.protected))
    {
        return Err(protected_error());
    }
    for id in &ids {
        remove_item(&mut st, id);
    }
    st.folders.remove(&folder.id);
    ok(json!({"success": true, "folder": folder_json(&folder)}))
}

/// `{folder}/updateFolder` with `newTitle`.
pub(super) fn rename(ctx: &Arc<Ctx>, call: &UserCall, p: &Params) -> ApiResult {
    let mut st = ctx.lock();
    check_path(&st, call, true)?;
    let id = path_folder(&st, call)?.id.clone();
    let title = p.require("newTitle")?;
    check_title(&st, &call.user, title, Some(&id))?;
    let folder = st
        .folders
        .get_mut(&id)
        .ok_or_else(|| ApiError::bad_request(format!("Folder '{id}' does not exist.")))?;
    folder.title = title.trim().to_string();
    ok(json!({"success": true, "folder": folder_json(folder)}))
}

/// The destination of a move: `None` for the root (`/`, empty or absent), else a folder of
/// `owner`.
fn destination(st: &State, owner: &str, p: &Params) -> Result<Option<String>, ApiError> {
    match p.get("folder").map(str::trim) {
        None | Some("/" | "") => Ok(None),
        Some(f) => st
            .folders
            .get(f)
            .filter(|fo| fo.owner == owner)
            .map(|fo| Some(fo.id.clone()))
            .ok_or_else(|| ApiError::bad_request(format!("Folder '{f}' does not exist."))),
    }
}

/// `items/{id}/move` with `folder`.
pub(super) fn move_item(ctx: &Arc<Ctx>, call: &UserCall, p: &Params) -> ApiResult {
    let mut st = ctx.lock();
    owned_item(&mut st, call)?;
    let dest = destination(&st, &call.user, p)?;
    let id = call_item(call);
    let item = st
        .items
        .get_mut(id)
        .ok_or_else(|| ApiError::item_not_found(id))?;
    if item.folder != dest {
        item.folder.clone_from(&dest);
        touch(item);
    }
    ok(json!({"success": true, "itemId": id, "owner": item.owner, "folder": dest}))
}

/// `moveItems` with `items` and `folder`: one result per item.
pub(super) fn move_items(ctx: &Arc<Ctx>, call: &UserCall, p: &Params) -> ApiResult {
    let mut st = ctx.lock();
    check_path(&st, call, true)?;
    let ids = p
        .list("items")
        .ok_or_else(|| ApiError::bad_request("'items' must be specified."))?;
    let dest = destination(&st, &call.user, p)?;
    let mut results = Vec::with_capacity(ids.len());
    for id in &ids {
        match check_item(&st, &call.caller, &call.user, id) {
            Ok(()) => {
                if let Some(item) = st.items.get_mut(id)
                    && item.folder != dest
                {
                    item.folder.clone_from(&dest);
                    touch(item);
                }
                results.push(json!({"itemId": id, "success": true}));
            }
            Err(e) => {
                results.push(json!({"itemId": id, "success": false, "error": error_value(&e)}));
            }
        }
    }
    ok(json!({ "results": results }))
}
