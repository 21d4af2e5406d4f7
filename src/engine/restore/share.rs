//! What comes after an item's content (arcgis-protocol.md §6.3, §6.5, §6.4): the target folder
//! (created if missing), sharing (access and the groups that exist on the target, matched by id
//! then title), content status and delete protection where the account may set them, and the
//! relationships between restored items. Problems here do not undo the item: they come back as
//! notes for the report.

use std::collections::{BTreeMap, BTreeSet};

use super::ctx::{RestoreCtx, StepError};
use super::source::SourceItem;
use crate::portal::ApiRequest;

/// Loads the signed-in user's folders (title -> id).
pub(crate) async fn load_folders(ctx: &RestoreCtx) -> Result<(), StepError> {
    let req = ApiRequest::get(&format!("content/users/{}", ctx.user)).param("num", "1");
    let v = ctx.call("listing the user's folders", &req).await?;
    let mut f = ctx.folders.lock().await;
    for fo in v["folders"].as_array().into_iter().flatten() {
        if let (Some(id), Some(title)) = (fo["id"].as_str(), fo["title"].as_str()) {
            f.insert(title.to_string(), id.to_string());
        }
    }
    Ok(())
}

/// The id of the signed-in user's folder `title`, created if missing; `None` for the root.
pub(crate) async fn folder_id(
    ctx: &RestoreCtx,
    title: Option<&str>,
) -> Result<Option<String>, StepError> {
    let Some(title) = title.filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let mut f = ctx.folders.lock().await;
    if let Some(id) = f.get(title) {
        return Ok(Some(id.clone()));
    }
    let req =
        ApiRequest::post(&format!("content/users/{}/createFolder", ctx.user)).param("title", title);
    let v = ctx
        .call(&format!("creating the folder '{title}'"), &req)
        .await?;
    let id = v["folder"]["id"]
        .as_str()
        .ok_or_else(|| StepError::Failed(format!("creating the folder '{title}': no id in {v}")))?
        .to_string();
    f.insert(title.to_string(), id.clone());
    Ok(Some(id))
}

/// Loads the groups the signed-in user belongs to (the ones they can share with).
pub(crate) async fn load_groups(
    client: &crate::portal::PortalClient,
) -> Vec<super::ctx::TargetGroup> {
    let Ok(v) = client.call_value(&ApiRequest::get("community/self")).await else {
        return Vec::new();
    };
    v["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|g| {
            Some(super::ctx::TargetGroup {
                id: g["id"].as_str()?.to_string(),
                title: g["title"].as_str().unwrap_or_default().to_string(),
            })
        })
        .collect()
}

/// Shares item `id` as the backup says; sets content status and protection. Returns notes.
pub(crate) async fn apply(ctx: &RestoreCtx, si: &SourceItem, owner: &str, id: &str) -> Vec<String> {
    let mut notes = Vec::new();
    let Some(s) = &si.sharing else {
        return notes;
    };
    if ctx.options.sharing {
        let mut groups = Vec::new();
        for g in &s.groups {
            match ctx
                .groups
                .iter()
                .find(|t| t.id == g.id)
                .or_else(|| ctx.groups.iter().find(|t| t.title == g.title))
            {
                Some(t) => groups.push(t.id.clone()),
                None => notes.push(format!("group '{}' is missing on the target", g.title)),
            }
        }
        let everyone = s.access == "public";
        let org = everyone || s.access == "org";
        if everyone || org || !groups.is_empty() {
            let req = ApiRequest::post(&format!("content/users/{owner}/shareItems"))
                .param("items", id)
                .param("groups", groups.join(","))
                .param("everyone", everyone.to_string())
                .param("org", org.to_string())
                .param("confirmItemControl", "true");
            if let Err(e) = ctx.call("sharing", &req).await {
                notes.push(e.to_string());
            }
        }
    }
    if let Some(status) = s.content_status.as_deref().filter(|s| !s.is_empty()) {
        let req = ApiRequest::post(&format!("content/items/{id}/setContentStatus"))
            .param("status", status)
            .param("clearEmptyFields", "false");
        if let Err(e) = ctx.call("setting the content status", &req).await {
            notes.push(e.to_string());
        }
    }
    if s.protected {
        let req = ApiRequest::post(&format!("content/users/{owner}/items/{id}/protect"));
        if let Err(e) = ctx.call("turning delete protection on", &req).await {
            notes.push(e.to_string());
        }
    }
    notes
}

/// Adds the relationships of the restored items whose both ends are known on the target.
/// `restored`: old id -> (new id, owner). Returns notes per old id.
pub(crate) async fn relationships(
    ctx: &RestoreCtx,
    items: &[&SourceItem],
    restored: &BTreeMap<String, (String, String)>,
) -> BTreeMap<String, Vec<String>> {
    let mut notes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut done: BTreeSet<(String, String, String)> = BTreeSet::new();
    let resolve = |old: &str| -> Option<String> { restored.get(old).map(|(n, _)| n.clone()) };
    for si in items {
        let Some((me, _)) = restored.get(&si.old_id) else {
            continue;
        };
        for rel in &si.related {
            // The other end: restored now, else the same id (it may exist on the target).
            let other = resolve(&rel.other_id).unwrap_or_else(|| rel.other_id.clone());
            let (origin, dest) = if rel.forward {
                (me.clone(), other)
            } else {
                (other, me.clone())
            };
            if !done.insert((origin.clone(), dest.clone(), rel.rel_type.clone())) {
                continue;
            }
            let owner = restored
                .values()
                .find(|(n, _)| *n == origin)
                .map_or(ctx.user.clone(), |(_, o)| o.clone());
            let req = ApiRequest::post(&format!("content/users/{owner}/addRelationship"))
                .param("originItemId", origin.as_str())
                .param("destinationItemId", dest.as_str())
                .param("relationshipType", rel.rel_type.as_str());
            if let Err(e) = ctx.call("adding a relationship", &req).await {
                notes.entry(si.old_id.clone()).or_default().push(format!(
                    "relationship {} with {} not restored: {e}",
                    rel.rel_type, rel.other_id
                ));
            }
        }
    }
    notes
}
