//! Folder titles: an item names its folder by id only, so the owner's folder list is read once
//! per owner and run (`content/users/{owner}`) and kept. Accounts that may not list another
//! owner's content simply get no title (the id is still recorded).

use std::collections::HashMap;

use serde_json::Value;

use super::ctx::RunCtx;
use crate::portal::wire::Item;

/// Folder id -> title, per owner.
pub(crate) type FolderCache = tokio::sync::Mutex<HashMap<String, HashMap<String, String>>>;

/// The title of the item's folder, when it is in one and the title can be read.
pub(crate) async fn title(ctx: &RunCtx, item: &Item) -> Option<String> {
    let folder = item.owner_folder.as_deref()?;
    let owner = item.owner.as_deref()?;
    let mut cache = ctx.folders.lock().await;
    if !cache.contains_key(owner) {
        let listing: Option<Value> = ctx
            .client
            .get_json(&format!("content/users/{owner}"), &[("num", "1")])
            .await
            .ok();
        let map = listing
            .iter()
            .flat_map(|v| v["folders"].as_array().cloned().unwrap_or_default())
            .filter_map(|f| {
                Some((
                    f["id"].as_str()?.to_string(),
                    f["title"].as_str()?.to_string(),
                ))
            })
            .collect();
        cache.insert(owner.to_string(), map);
    }
    cache.get(owner).and_then(|m| m.get(folder).cloned())
}
