//! `items/{id}/update`: the addItem fields plus `clearEmptyFields`, new data (`text` or `file`),
//! thumbnail and metadata parts, and `multipart=true` to replace the file through
//! `addPart`/`commit`. The change is applied to a copy first, so a refused update changes nothing.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::json;

use super::super::Ctx;
use super::super::params::Params;
use super::super::reply::{ApiError, ApiResult, ok};
use super::super::user_content::UserCall;
use super::{call_item, fields, owned_item, touch};

/// `items/{id}/update`.
pub(super) fn update(ctx: &Arc<Ctx>, call: &UserCall, p: &Params) -> ApiResult {
    let mut st = ctx.lock();
    let item = owned_item(&mut st, call)?;
    let multipart = p.flag("multipart").unwrap_or(false);
    if multipart && p.get("fileName").is_none() {
        return Err(ApiError::bad_request(
            "'fileName' must be specified for a multipart upload.",
        ));
    }
    let mut next = item.clone();
    fields::apply(&mut next, p, p.flag("clearEmptyFields").unwrap_or(false))?;
    fields::apply_content(&mut next, p)?;
    touch(&mut next);
    *item = next;
    let id = call_item(call).to_string();
    if multipart {
        st.upload_parts.insert(id.clone(), BTreeMap::new());
    }
    ok(json!({"success": true, "id": id}))
}
