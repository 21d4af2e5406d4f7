//! Hand-built backup items for the unit tests of the restore modules.

use std::path::PathBuf;

use serde_json::json;

use super::source::{SourceFormat, SourceItem};
use crate::formats::archive::ItemStatus;

/// A bare item `id` of `item_type` that needs `deps`.
pub(crate) fn test_item(id: &str, item_type: &str, deps: &[&str]) -> SourceItem {
    SourceItem {
        old_id: id.to_string(),
        title: format!("Item {id}"),
        item_type: item_type.to_string(),
        owner: "someone".into(),
        folder: None,
        source: PathBuf::from(format!("{id}.zip")),
        format: SourceFormat::Archive,
        item: json!({"id": id, "title": format!("Item {id}"), "type": item_type,
            "tags": ["a", "b"], "typeKeywords": ["k"], "snippet": "s",
            "extent": [[1.0, 2.0], [3.0, 4.0]], "properties": {"p": 1}}),
        data: None,
        thumbnail: None,
        metadata: None,
        resources: Vec::new(),
        related: Vec::new(),
        sharing: None,
        service: None,
        dependencies: deps.iter().map(|d| (*d).to_string()).collect(),
        backup_status: ItemStatus::Complete,
        backup_reasons: Vec::new(),
        hashes: Vec::new(),
    }
}
