//! The plan, made before anything is written: for each selected item the action (from what
//! exists on the target and the conflict policy), the target folder and owner, its dependency
//! level (layers, then maps, then apps), the references that will be rewritten, and warnings
//! (references outside the restored set that do not exist on the target, groups missing on the
//! target). Reads the target (item by id, search by `source-<old id>` type keyword); writes
//! nothing.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::ctx::{RestoreCtx, StepError};
use super::source::{DataPayload, SourceItem};
use super::{ConflictPolicy, PlannedAction, PlannedItem};
use crate::engine::deps::{self, DependencyGraph, Node};
use crate::portal::ApiRequest;

/// An item that already exists on the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Existing {
    /// Its id.
    pub id: String,
    /// Its owner.
    pub owner: String,
    /// Its service or app URL.
    pub url: Option<String>,
}

impl Existing {
    fn from_json(v: &Value) -> Option<Self> {
        let id = v["id"].as_str()?.to_string();
        Some(Existing {
            id,
            owner: v["owner"].as_str().unwrap_or_default().to_string(),
            url: v["url"].as_str().map(str::to_string),
        })
    }
}

/// One planned item with what the executor needs beside the public row.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    /// The public plan row.
    pub row: PlannedItem,
    /// Index of the item in the backup set.
    pub index: usize,
    /// The item found on the target, if any.
    pub existing: Option<Existing>,
}

/// The ids `item` references: (typed) its recorded dependencies and the ids its JSON data names
/// by the type's rules; (all) those plus any item id written in its JSON data or JSON resources
/// (a notebook's code, an app's config): whatever the rewrite would change is restored first.
pub(crate) fn references(item: &SourceItem) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut out: BTreeSet<String> = item.dependencies.iter().cloned().collect();
    let mut all = BTreeSet::new();
    let mut texts = Vec::new();
    if let Some(DataPayload::Json(path)) = &item.data {
        texts.push(path.as_path());
    }
    texts.extend(
        item.resources
            .iter()
            .filter(|r| r.path.to_ascii_lowercase().ends_with(".json"))
            .map(|r| r.file.as_path()),
    );
    for (i, path) in texts.into_iter().enumerate() {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        if i == 0
            && let Ok(v) = serde_json::from_str::<Value>(&text)
        {
            out.extend(deps::data_references(&item.item_type, &v));
        }
        all.extend(super::rewrite::referenced_ids(&text));
    }
    out.remove(&item.old_id);
    all.extend(out.iter().cloned());
    all.remove(&item.old_id);
    (out, all)
}

/// Dependency levels of `items` (indices into them), in execution order: each item's level is
/// one more than the highest level of the items it needs among `items` (0 without any).
pub(crate) fn levels(items: &[&SourceItem]) -> Vec<(usize, usize)> {
    let mut g = DependencyGraph::new();
    let refs: Vec<BTreeSet<String>> = items.iter().map(|i| references(i).1).collect();
    for it in items {
        g.add_node(Node {
            id: it.old_id.clone(),
            title: it.title.clone(),
            item_type: it.item_type.clone(),
            owner: it.owner.clone(),
            in_org: true,
            accessible: true,
        });
    }
    let index: BTreeMap<&str, usize> = items
        .iter()
        .enumerate()
        .map(|(i, it)| (it.old_id.as_str(), i))
        .collect();
    for (i, it) in items.iter().enumerate() {
        for r in refs[i].iter().filter(|r| index.contains_key(r.as_str())) {
            g.add_edge(&it.old_id, r, deps::EdgeReason::Data);
        }
    }
    let ids: Vec<String> = items.iter().map(|i| i.old_id.clone()).collect();
    let mut level: BTreeMap<usize, usize> = BTreeMap::new();
    let mut out = Vec::with_capacity(ids.len());
    for id in g.dependency_order(&ids) {
        let Some(&i) = index.get(id.as_str()) else {
            continue;
        };
        let l = refs[i]
            .iter()
            .filter_map(|r| index.get(r.as_str()))
            .filter_map(|j| level.get(j))
            .map(|l| l + 1)
            .max()
            .unwrap_or(0);
        level.insert(i, l);
        out.push((i, l));
    }
    out.sort_by_key(|&(i, l)| (l, i));
    out
}

/// The item on the target that `item` was restored to before: the same id, else the most
/// recent item carrying the `source-<old id>` type keyword in the organisation.
pub(crate) async fn find_existing(
    ctx: &RestoreCtx,
    old_id: &str,
) -> Result<Option<Existing>, StepError> {
    let req = ApiRequest::get(&format!("content/items/{old_id}"));
    match ctx.client.call_value(&req).await {
        Ok(v) => return Ok(Existing::from_json(&v)),
        Err(e) if not_found(&e) => {}
        Err(e) => return Err(StepError::portal("looking the item up on the target", &e)),
    }
    let mut q = format!("typekeywords:\"source-{old_id}\"");
    if let Some(org) = &ctx.org_id {
        q.push_str(&format!(" AND orgid:{org}"));
    }
    let req = ApiRequest::get("search")
        .param("q", q)
        .param("num", "100")
        .param("sortField", "created")
        .param("sortOrder", "desc");
    let v = ctx
        .call("searching the target for an earlier restore", &req)
        .await?;
    let keyword = format!("source-{old_id}");
    Ok(v["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| {
            r["typeKeywords"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k.as_str() == Some(keyword.as_str())))
        })
        .max_by_key(|r| r["created"].as_i64().unwrap_or(0))
        .and_then(Existing::from_json))
}

/// [`find_existing`] for every id of `ids`, `workers` at a time.
async fn lookup_all(
    ctx: &RestoreCtx,
    ids: BTreeSet<String>,
) -> Result<BTreeMap<String, Option<Existing>>, StepError> {
    use futures_util::{StreamExt, stream};
    let mut found = BTreeMap::new();
    let mut running = stream::iter(ids)
        .map(|id| async move {
            let e = find_existing(ctx, &id).await;
            (id, e)
        })
        .buffer_unordered(ctx.options.workers.max(1));
    while let Some((id, e)) = running.next().await {
        found.insert(id, e?);
    }
    Ok(found)
}

/// Whether `e` says the item does not exist (or cannot be seen).
pub(crate) fn not_found(e: &crate::portal::PortalError) -> bool {
    match e {
        crate::portal::PortalError::Api { code, message, .. } => {
            *code == 404
                || *code == 400 && message.to_ascii_lowercase().contains("does not exist")
                || message
                    .to_ascii_lowercase()
                    .contains("does not exist or is inaccessible")
        }
        crate::portal::PortalError::Http { status, .. } => *status == 404,
        _ => false,
    }
}

/// The action for an item given what exists and the policy.
pub(crate) fn action(policy: ConflictPolicy, existing: Option<&Existing>) -> PlannedAction {
    match (existing, policy) {
        (None, _) => PlannedAction::Create,
        (Some(e), ConflictPolicy::Skip) => PlannedAction::Skip {
            reason: format!("exists on the target as {} (policy skip)", e.id),
        },
        (Some(e), ConflictPolicy::Update) => PlannedAction::Update {
            target_id: e.id.clone(),
        },
        (Some(e), ConflictPolicy::Copy) => PlannedAction::Copy {
            existing_id: e.id.clone(),
        },
    }
}

/// Makes the plan for `items` (the selected items of the backup set, with their indices).
pub(crate) async fn make(
    ctx: &RestoreCtx,
    items: &[(usize, &SourceItem)],
) -> Result<Vec<Step>, StepError> {
    let only: Vec<&SourceItem> = items.iter().map(|(_, i)| *i).collect();
    let selected: BTreeSet<&str> = only.iter().map(|i| i.old_id.as_str()).collect();
    let mut wanted: BTreeSet<String> = selected.iter().map(|s| (*s).to_string()).collect();
    for si in &only {
        wanted.extend(references(si).0);
    }
    let found = lookup_all(ctx, wanted).await?;
    let mut steps = Vec::with_capacity(items.len());
    for (pos, level) in levels(&only) {
        let (index, si) = items[pos];
        let existing = found.get(&si.old_id).cloned().flatten();
        let (typed, refs) = references(si);
        let mut warnings = Vec::new();
        for r in typed.iter().filter(|r| !selected.contains(r.as_str())) {
            let exists = found.get(r).is_some_and(Option::is_some);
            if !exists {
                warnings.push(format!(
                    "references {r}, which is neither restored nor on the target"
                ));
            }
        }
        warnings.extend(missing_groups(ctx, si));
        if si.backup_status == crate::formats::archive::ItemStatus::Partial {
            warnings.push(format!(
                "the backup is partial: {}",
                si.backup_reasons.join("; ")
            ));
        }
        let row = PlannedItem {
            old_id: si.old_id.clone(),
            title: si.title.clone(),
            item_type: si.item_type.clone(),
            source: si.source.clone(),
            action: action(ctx.options.policy, existing.as_ref()),
            folder: ctx
                .options
                .target_folder
                .clone()
                .or_else(|| si.folder.clone()),
            owner: ctx.user.clone(),
            level,
            rewrites: refs
                .into_iter()
                .filter(|r| selected.contains(r.as_str()))
                .collect(),
            warnings,
        };
        steps.push(Step {
            row,
            index,
            existing,
        });
    }
    Ok(steps)
}

/// Groups the item was shared with that the target does not have (by id, then title).
fn missing_groups(ctx: &RestoreCtx, si: &SourceItem) -> Vec<String> {
    if !ctx.options.sharing {
        return Vec::new();
    }
    si.sharing
        .iter()
        .flat_map(|s| &s.groups)
        .filter(|g| {
            !ctx.groups
                .iter()
                .any(|t| t.id == g.id || t.title == g.title)
        })
        .map(|g| {
            format!(
                "group '{}' ({}) does not exist on the target",
                g.title, g.id
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::restore::fixtures::test_item;

    #[test]
    fn levels_put_layers_then_maps_then_apps() {
        let layer = test_item("a1", "Feature Service", &[]);
        let map = test_item("b1", "Web Map", &["a1"]);
        let app = test_item("c1", "Web Mapping Application", &["b1", "zz"]);
        let items = [&app, &map, &layer];
        let l = levels(&items);
        assert_eq!(l, vec![(2, 0), (1, 1), (0, 2)]);
    }

    #[test]
    fn action_follows_the_policy() {
        let e = Existing {
            id: "x".into(),
            owner: "u".into(),
            url: None,
        };
        assert_eq!(action(ConflictPolicy::Update, None), PlannedAction::Create);
        assert_eq!(
            action(ConflictPolicy::Update, Some(&e)),
            PlannedAction::Update {
                target_id: "x".into()
            }
        );
        assert_eq!(action(ConflictPolicy::Skip, Some(&e)).word(), "skip");
        assert_eq!(action(ConflictPolicy::Copy, Some(&e)).word(), "copy");
    }
}
