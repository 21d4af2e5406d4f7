//! What changed since the last scan. The index (`id,mod,edit`) remembers each item's `modified`
//! and, for hosted feature layers (type `Feature Service` with a `url`), a data-edit mark: data
//! edits do not touch `modified`, so for those items whose `modified` did not change, the
//! service's `editingInfo.lastEditDate` (or the largest of its layers' and tables') is read and
//! compared with the mark. Items just (re)indexed are not read: their mark is the scan's start
//! time, so any edit made after this scan started shows up as a change next time.

use std::collections::HashMap;

use futures_util::{StreamExt, stream};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::formats::index::Index;
use crate::formats::inventory::{Inventory, InventoryRow};
use crate::portal::wire::Item;
use crate::portal::{PortalClient, PortalError};

/// The result of reading one service's last edit date.
pub type EditDate = Result<Option<i64>, PortalError>;

/// Whether `item` is a hosted feature layer whose data edits count as changes.
pub fn is_feature_service(item: &Item) -> bool {
    item.item_type.as_deref() == Some("Feature Service")
        && item.url.as_deref().is_some_and(|u| !u.trim().is_empty())
}

/// The item's `modified` (or `created`, or 0 when it has neither).
pub fn modified_of(item: &Item) -> i64 {
    item.modified.or_else(|| item.created_ms()).unwrap_or(0)
}

/// Whether the edit date of `item` must be read: a hosted layer already indexed whose
/// `modified` did not change.
pub fn needs_edit_check(index: &Index, item: &Item) -> bool {
    is_feature_service(item)
        && index
            .get(&item.id)
            .is_some_and(|e| e.modified_ms >= modified_of(item))
}

fn edit_date_of(json: &Value) -> Option<i64> {
    json.pointer("/editingInfo/lastEditDate")
        .and_then(Value::as_i64)
}

/// The latest edit of the service at `url`: its own `editingInfo.lastEditDate`, or the largest
/// over its layers and tables; `None` when the service reports none.
pub async fn last_edit(client: &PortalClient, url: &str, concurrency: usize) -> EditDate {
    let url = url.trim().trim_end_matches('/');
    let service: Value = client.get_json(url, &[]).await?;
    if let Some(date) = edit_date_of(&service) {
        return Ok(Some(date));
    }
    let ids: Vec<i64> = ["layers", "tables"]
        .iter()
        .flat_map(|k| service[*k].as_array().cloned().unwrap_or_default())
        .filter_map(|l| l["id"].as_i64())
        .collect();
    let dates: Vec<EditDate> = stream::iter(ids)
        .map(|id| async move {
            let layer_url = format!("{url}/{id}");
            let layer: Value = client.get_json(&layer_url, &[]).await?;
            Ok(edit_date_of(&layer))
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    let mut latest = None;
    for d in dates {
        latest = latest.max(d?);
    }
    Ok(latest)
}

/// Reads the edit dates of `items` concurrently (skipped once `cancel` fires).
pub async fn edit_dates(
    client: &PortalClient,
    items: &[&Item],
    concurrency: usize,
    cancel: &CancellationToken,
) -> HashMap<String, EditDate> {
    let targets: Vec<(String, String)> = items
        .iter()
        .map(|i| (i.id.clone(), i.url.clone().unwrap_or_default()))
        .collect();
    stream::iter(targets)
        .map(|(id, url)| async move {
            let date = if cancel.is_cancelled() {
                Ok(None)
            } else {
                last_edit(client, &url, 1).await
            };
            (id, date)
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await
}

/// One item's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// `new`, `changed` or `unchanged`.
    pub status: &'static str,
    /// The index entry to record: `modified` and the data-edit mark.
    pub modified_ms: i64,
    /// The data-edit mark to record.
    pub edit_mark: Option<i64>,
}

/// Classifies `item` (shown as `row`) against the old inventory and index; `edit` is its
/// freshly read edit date when one was read (`Err` keeps the old mark so it is read again).
pub fn classify(
    item: &Item,
    row: &InventoryRow,
    inventory: &Inventory,
    index: &Index,
    edit: Option<&EditDate>,
    scan_start_ms: i64,
) -> Verdict {
    let modified_ms = modified_of(item);
    let old_mark = index.get(&item.id).and_then(|e| e.last_edit_ms);
    let (now, edit_mark) = match edit {
        Some(Ok(Some(d))) => (Some(*d), Some(old_mark.map_or(*d, |m| m.max(*d)))),
        Some(Ok(None) | Err(_)) => (None, old_mark),
        None if is_feature_service(item) => (None, Some(scan_start_ms)),
        None => (None, None),
    };
    let status = match inventory.get(&item.id) {
        None => "new",
        Some(old) if index.is_unchanged(&item.id, modified_ms, now) && old.same_content(row) => {
            "unchanged"
        }
        Some(_) => "changed",
    };
    Verdict {
        status,
        modified_ms,
        edit_mark,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, t: &str, modified: i64) -> Item {
        serde_json::from_value(serde_json::json!({
            "id": id, "type": t, "modified": modified, "url": "https://h/FeatureServer"
        }))
        .unwrap()
    }

    fn row(id: &str) -> InventoryRow {
        InventoryRow {
            id: id.into(),
            ..InventoryRow::default()
        }
    }

    #[test]
    fn edits_after_the_mark_count_as_changes() {
        let inv = Inventory::from_rows(vec![row("a"), row("m")]);
        let mut idx = Index::default();
        idx.set("a".into(), 10, Some(500));
        idx.set("m".into(), 10, None);
        let fs = item("a", "Feature Service", 10);
        assert!(needs_edit_check(&idx, &fs));
        let same = classify(&fs, &row("a"), &inv, &idx, Some(&Ok(Some(400))), 900);
        assert_eq!((same.status, same.edit_mark), ("unchanged", Some(500)));
        let edited = classify(&fs, &row("a"), &inv, &idx, Some(&Ok(Some(600))), 900);
        assert_eq!((edited.status, edited.edit_mark), ("changed", Some(600)));
        let newer = item("a", "Feature Service", 11);
        assert!(!needs_edit_check(&idx, &newer));
        let v = classify(&newer, &row("a"), &inv, &idx, None, 900);
        assert_eq!((v.status, v.edit_mark), ("changed", Some(900)));
        let map = item("m", "Web Map", 10);
        assert!(!needs_edit_check(&idx, &map));
        assert_eq!(
            classify(&map, &row("m"), &inv, &idx, None, 9).status,
            "unchanged"
        );
        let fresh = item("n", "Feature Service", 1);
        let v = classify(&fresh, &row("n"), &inv, &idx, None, 900);
        assert_eq!((v.status, v.edit_mark), ("new", Some(900)));
    }
}
