//! `addItem` and the multipart upload it can start: `addPart` stores numbered parts (any order,
//! re-sending overwrites) in `State::upload_parts`, `commit` joins them into the item's file.
//! An item with an `upload_parts` entry is in the "partial" upload state `jobs::status` reports.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Value, json};

use super::super::Ctx;
use super::super::model::{Content, Item, ItemData, State};
use super::super::now_ms;
use super::super::params::Params;
use super::super::reply::{ApiError, ApiResult, ok};
use super::super::user_content::UserCall;
use super::{call_item, check_path, fields, owned_item, touch};

/// Highest part number `addPart` accepts.
const MAX_PARTS: i64 = 10_000;

/// `addItem`: a new private item owned by the user of the path, in the path's folder.
pub(super) fn add_item(ctx: &Arc<Ctx>, call: &UserCall, p: &Params) -> ApiResult {
    let mut st = ctx.lock();
    // Nobody, not even an admin, adds items into another user's content.
    check_path(&st, call, false)?;
    let folder = path_folder(&st, call)?;
    let title = p.require("title")?;
    let kind = p.require("type")?;
    let multipart = p.flag("multipart").unwrap_or(false);
    if multipart && p.get("fileName").is_none() {
        return Err(ApiError::bad_request(
            "'fileName' must be specified for a multipart upload.",
        ));
    }
    let wanted_id = match p.get("itemIdToCreate") {
        Some(id) => Some(check_new_id(&st, id)?),
        None => None,
    };
    let mut item = Item::new("", &call.user, "", kind, now_ms());
    fields::set_title(&mut item, title)?;
    fields::apply(&mut item, p, false)?;
    fields::apply_content(&mut item, p)?;
    let id = wanted_id.unwrap_or_else(|| st.new_id());
    item.id.clone_from(&id);
    item.folder.clone_from(&folder);
    if multipart {
        item.data = ItemData::Empty;
        st.upload_parts.insert(id.clone(), BTreeMap::new());
    }
    st.items.insert(id.clone(), item);
    ok(json!({"success": true, "id": id, "folder": folder}))
}

/// The folder of the path, which must exist and belong to the user of the path.
pub(super) fn path_folder(st: &State, call: &UserCall) -> Result<Option<String>, ApiError> {
    match &call.folder {
        None => Ok(None),
        Some(f) => st
            .folders
            .get(f)
            .filter(|fo| fo.owner == call.user)
            .map(|fo| Some(fo.id.clone()))
            .ok_or_else(|| ApiError::bad_request(format!("Folder '{f}' does not exist."))),
    }
}

/// Validates `itemIdToCreate`: 32 hex characters, not in use.
fn check_new_id(st: &State, id: &str) -> Result<String, ApiError> {
    let id = id.trim().to_ascii_lowercase();
    if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::bad_request(format!(
            "Invalid itemIdToCreate '{id}': an item id is 32 hexadecimal characters."
        )));
    }
    if st.items.contains_key(&id) {
        return Err(ApiError::bad_request("Item id already exists.")
            .detail(format!("Item '{id}' already exists.")));
    }
    Ok(id)
}

/// `items/{id}/addPart`: stores one numbered part of a multipart upload.
pub(super) fn add_part(ctx: &Arc<Ctx>, call: &UserCall, p: &Params) -> ApiResult {
    let mut st = ctx.lock();
    owned_item(&mut st, call)?;
    let id = call_item(call).to_string();
    let part = p
        .int("partNum")?
        .ok_or_else(|| ApiError::bad_request("'partNum' must be specified."))?;
    if !(1..=MAX_PARTS).contains(&part) {
        return Err(ApiError::bad_request(format!(
            "Invalid partNum '{part}': parts are numbered 1 to {MAX_PARTS}."
        )));
    }
    // Clients name the part freely (`file`, `split1.split` ...).
    let bytes = match p.any_file() {
        Some(f) => f.bytes.to_vec(),
        None => p
            .raw("file")
            .map(|b| b.to_vec())
            .or_else(|| p.get("file").map(|t| t.as_bytes().to_vec()))
            .ok_or_else(|| ApiError::bad_request("A file part must be sent with addPart."))?,
    };
    let parts = st
        .upload_parts
        .get_mut(&id)
        .ok_or_else(|| not_uploading(&id))?;
    parts.insert(u32::try_from(part).unwrap_or(0), bytes);
    if let Some(item) = st.items.get_mut(&id) {
        touch(item);
    }
    ok(json!({"success": true}))
}

fn not_uploading(id: &str) -> ApiError {
    ApiError::bad_request(format!(
        "Item '{id}' is not being uploaded in parts: start with addItem or update with multipart=true."
    ))
}

/// `items/{id}/commit`: joins the parts in number order into the item's file and applies the
/// item fields sent along.
pub(super) fn commit(ctx: &Arc<Ctx>, call: &UserCall, p: &Params) -> ApiResult {
    let mut st = ctx.lock();
    owned_item(&mut st, call)?;
    let id = call_item(call).to_string();
    let parts = st.upload_parts.get(&id).ok_or_else(|| not_uploading(&id))?;
    if parts.is_empty() {
        return Err(ApiError::bad_request(format!(
            "No parts were uploaded for item '{id}'."
        )));
    }
    if let Some(missing) = (1..).zip(parts.keys()).find(|(want, got)| want != *got) {
        return Err(ApiError::bad_request(format!(
            "Part {} of item '{id}' is missing.",
            missing.0
        )));
    }
    let joined: Vec<u8> = parts.values().flatten().copied().collect();
    let item = st
        .items
        .get_mut(&id)
        .ok_or_else(|| ApiError::item_not_found(&id))?;
    let mut next = item.clone();
    fields::apply(&mut next, p, p.flag("clearEmptyFields").unwrap_or(false))?;
    let name = match next.extra.remove("name") {
        Some(Value::String(n)) => n,
        _ => next.title.clone(),
    };
    next.data = ItemData::File {
        name: fields::base_name(&name, "file"),
        content: Content::bytes(joined),
    };
    touch(&mut next);
    *item = next;
    st.upload_parts.remove(&id);
    ok(json!({"success": true, "id": id, "itemId": id}))
}
