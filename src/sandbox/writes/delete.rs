//! Deleting items (`delete`, `deleteItems`, `canDelete`) and delete protection (`protect`,
//! `unprotect`). Deleting an item also deletes its relationships, a pending upload and, for a
//! `Feature Service` item, the hosted service behind it.

use std::sync::Arc;

use serde_json::{Value, json};

use super::super::Ctx;
use super::super::model::{Item, State};
use super::super::params::Params;
use super::super::reply::{ApiError, ApiResult, ok};
use super::super::user_content::UserCall;
use super::{call_item, check_item, check_path, error_value, owned_item, protected_error, touch};

/// Removes an item and everything that hangs on it.
pub(super) fn remove_item(st: &mut State, id: &str) -> Option<Item> {
    let item = st.items.remove(id)?;
    st.relationships.retain(|r| r.origin != id && r.dest != id);
    st.upload_parts.remove(id);
    if item.item_type == "Feature Service" {
        st.services.retain(|_, s| s.item_id != id);
    }
    Some(item)
}

/// `items/{id}/delete`.
pub(super) fn delete_item(ctx: &Arc<Ctx>, call: &UserCall, _p: &Params) -> ApiResult {
    let mut st = ctx.lock();
    if owned_item(&mut st, call)?.protected {
        return Err(protected_error());
    }
    let id = call_item(call).to_string();
    remove_item(&mut st, &id);
    ok(json!({"success": true, "itemId": id}))
}

/// `deleteItems` with `items=<ids>`: one result per item.
pub(super) fn delete_items(ctx: &Arc<Ctx>, call: &UserCall, p: &Params) -> ApiResult {
    let mut st = ctx.lock();
    check_path(&st, call, true)?;
    let ids = p
        .list("items")
        .ok_or_else(|| ApiError::bad_request("'items' must be specified."))?;
    let results: Vec<Value> = ids
        .iter()
        .map(|id| {
            let outcome = check_item(&st, &call.caller, &call.user, id).and_then(|()| {
                if st.items.get(id).is_some_and(|i| i.protected) {
                    Err(protected_error())
                } else {
                    Ok(())
                }
            });
            match outcome {
                Ok(()) => {
                    remove_item(&mut st, id);
                    json!({"itemId": id, "success": true})
                }
                Err(e) => json!({"itemId": id, "success": false, "error": error_value(&e)}),
            }
        })
        .collect();
    ok(json!({ "results": results }))
}

/// `items/{id}/canDelete`: whether a delete would succeed.
pub(super) fn can_delete(ctx: &Arc<Ctx>, call: &UserCall, _p: &Params) -> ApiResult {
    let mut st = ctx.lock();
    let item = owned_item(&mut st, call)?;
    if item.protected {
        let e = protected_error();
        return ok(json!({
            "itemId": item.id,
            "success": false,
            "reason": {"message": e.message, "messageCode": e.message_code},
        }));
    }
    ok(json!({"itemId": item.id, "success": true}))
}

/// `items/{id}/protect` (`on`) and `unprotect`.
pub(super) fn protect(ctx: &Arc<Ctx>, call: &UserCall, _p: &Params, on: bool) -> ApiResult {
    let mut st = ctx.lock();
    let item = owned_item(&mut st, call)?;
    if item.protected != on {
        item.protected = on;
        touch(item);
    }
    ok(json!({"success": true}))
}
